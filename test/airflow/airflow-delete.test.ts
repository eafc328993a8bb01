import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, inject, it } from 'vitest';
import { createAirflowClient, createDagDeployer } from '@airflow-mcp/airflow';
import { oneTaskDag } from '../support/one-task-dag.js';

/**
 * Airflow 3.3.2's dag-processor marks the DAGs of missing files stale in a read-then-update; a DAG row deleted
 * through the API between the two fails that update (StaleDataError) and kills the processor, and `airflow
 * standalone` does not restart it: nothing is parsed again. Deleting a file and at once its DAG did that in CI.
 * The deployer now waits until Airflow has marked the DAG stale before deleting its row.
 */
describe('deleting generated DAGs keeps Airflow parsing', () => {
  const airflow = inject('airflow');

  it('removes many DAGs at once, round after round, and Airflow still parses a new DAG afterwards', async () => {
    // What Airflow said about each DAG, and when its row was deleted, in the order the calls were answered.
    const events: { dagId: string; event: 'live' | 'stale' | 'unknown' | 'deleted' }[] = [];
    const recording: typeof fetch = async (input, init) => {
      const request = input instanceof Request ? input : new Request(input, init);
      const response = await fetch(request);
      const dagId = /\/api\/v2\/dags\/([^/?]+)$/.exec(new URL(request.url).pathname)?.[1];
      if (dagId?.startsWith('t_del_') && request.method === 'DELETE') events.push({ dagId, event: 'deleted' });
      if (dagId?.startsWith('t_del_') && request.method === 'GET') {
        const body = response.status === 200 ? ((await response.clone().json()) as { is_stale: boolean }) : undefined;
        events.push({ dagId, event: body === undefined ? 'unknown' : body.is_stale ? 'stale' : 'live' });
      }
      return response;
    };
    const client = createAirflowClient({
      baseUrl: airflow.url,
      username: airflow.username,
      password: airflow.password,
      fetch: recording,
    });
    const deployer = createDagDeployer({ client, dagsDir: airflow.dagsDir, pollMs: 200, parseTimeoutMs: 60_000 });
    const suffix = Date.now().toString(36);
    for (let round = 0; round < 3; round++) {
      const ids = Array.from({ length: 4 }, (_, i) => `t_del_${suffix}_${round}_${i}`);
      await Promise.all(ids.map((dagId) => deployer.deploy({ dagId, source: oneTaskDag(dagId, 'del-1') })));
      const removed = await Promise.all(ids.map((dagId) => deployer.remove(dagId)));
      expect(removed).toEqual(ids.map(() => ({ fileRemoved: true })));
      for (const dagId of ids) {
        expect(existsSync(join(airflow.dagsDir, `${dagId}.py`))).toBe(false);
        expect(await client.getDag(dagId)).toBeUndefined();
        // The row was deleted only after Airflow had answered that the DAG is stale.
        const mine = events.filter((e) => e.dagId === dagId).map((e) => e.event);
        const deleted = mine.indexOf('deleted');
        expect(deleted).toBeGreaterThan(0);
        expect(mine[deleted - 1]).toBe('stale');
      }
    }
    // A dead dag-processor would never parse this one (the deploy would time out).
    const probe = `t_del_${suffix}_after`;
    const deployed = await deployer.deploy({ dagId: probe, source: oneTaskDag(probe, 'del-1') });
    expect(deployed.dag.dag_id).toBe(probe);
    await deployer.remove(probe);
  });
});
