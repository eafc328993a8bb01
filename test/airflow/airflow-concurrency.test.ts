import { describe, expect, inject, it } from 'vitest';
import { createAirflowClient, createDagDeployer } from '@airflow-mcp/airflow';
import { oneTaskDag } from '../support/one-task-dag.js';

/**
 * 50 sessions asking at once must not be 50 parallel requests: Airflow's API server stalls under that (requests
 * wait up to 30 s for its database pool). The client keeps at most maxConcurrent requests in flight and lets
 * identical GETs in flight share one request, while a write is always seen by the reads after it.
 */
describe('Airflow client under a burst of calls', () => {
  const airflow = inject('airflow');

  it('bounds requests in flight, shares identical GETs, and reads see earlier writes', async () => {
    let inFlight = 0;
    let peak = 0;
    const sent: string[] = [];
    const counting: typeof fetch = async (input, init) => {
      const request = input instanceof Request ? input : new Request(input, init);
      sent.push(`${request.method} ${new URL(request.url).pathname}${new URL(request.url).search}`);
      inFlight++;
      peak = Math.max(peak, inFlight);
      try {
        return await fetch(input, init);
      } finally {
        inFlight--;
      }
    };
    const client = createAirflowClient({
      baseUrl: airflow.url,
      username: airflow.username,
      password: airflow.password,
      maxConcurrent: 4,
      fetch: counting,
    });
    const dagId = `burst_${Date.now().toString(36)}`;
    const source = oneTaskDag(dagId, 'b1');
    const deployer = createDagDeployer({ client, dagsDir: airflow.dagsDir, pollMs: 250 });
    await deployer.deploy({ dagId, source });
    try {
      sent.length = 0;
      peak = 0;
      // 40 identical listings and 40 lookups of the same DAG, all at once.
      const [lists, dags] = await Promise.all([
        Promise.all(Array.from({ length: 40 }, () => client.listDags({ pattern: dagId }))),
        Promise.all(Array.from({ length: 40 }, () => client.getDag(dagId))),
      ]);
      expect(lists.every((l) => l.dags.some((d) => d.dag_id === dagId))).toBe(true);
      expect(dags.every((d) => d?.dag_id === dagId)).toBe(true);
      expect(peak).toBeLessThanOrEqual(4);
      // Shared: far fewer requests went to Airflow than calls were made (a login may be among them).
      expect(sent.filter((s) => s.startsWith('GET')).length).toBeLessThan(20);

      // Read-after-write: a pause is seen by every read that starts after it, even with reads in flight.
      const before = Array.from({ length: 10 }, () => client.getDag(dagId));
      const paused = await client.setPaused(dagId, true);
      expect(paused.is_paused).toBe(true);
      const after = await Promise.all(Array.from({ length: 10 }, () => client.getDag(dagId)));
      expect(after.every((d) => d?.is_paused === true)).toBe(true);
      await Promise.all(before);
      expect(peak).toBeLessThanOrEqual(4);
    } finally {
      await deployer.remove(dagId);
    }
  });
});
