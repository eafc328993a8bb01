import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, inject, it } from 'vitest';
import { createAirflowClient, createDagDeployer } from '@airflow-mcp/airflow';
import { airflowLocal, stopComponent, waitUntilReportedUnhealthy } from '../support/local-airflow.js';
import { oneTaskDag } from '../support/one-task-dag.js';

/**
 * Airflow's dag-processor can die while the rest of Airflow answers (`airflow standalone` does not restart it). A
 * deploy must then say so at once, with nothing written, instead of waiting out the parse timeout; a delete needs
 * no wait either. After Airflow is restarted, deploying works again.
 */
describe('Airflow without its dag-processor', () => {
  const airflow = inject('airflow');

  it('refuses a deploy at once with nothing written, deletes without waiting, and deploys again after a restart', async () => {
    const client = createAirflowClient({
      baseUrl: airflow.url,
      username: airflow.username,
      password: airflow.password,
    });
    const deployer = createDagDeployer({ client, dagsDir: airflow.dagsDir, pollMs: 250, parseTimeoutMs: 60_000 });
    const suffix = Date.now().toString(36);
    const existing = `t_noproc_old_${suffix}`;
    const fresh = `t_noproc_new_${suffix}`;
    await deployer.deploy({ dagId: existing, source: oneTaskDag(existing, 'dp-1') });

    await stopComponent(airflow, 'dag-processor');
    try {
      await waitUntilReportedUnhealthy(client, 'dag_processor');
      const started = Date.now();
      const error = await deployer.deploy({ dagId: fresh, source: oneTaskDag(fresh, 'dp-1') }).catch((e: unknown) => e);
      expect(Date.now() - started).toBeLessThan(10_000);
      expect(error).toMatchObject({ code: 'UNAVAILABLE', retryable: true });
      expect((error as Error).message).toMatch(/dag-processor unhealthy.*nothing was written.*deploy again/s);
      expect(existsSync(join(airflow.dagsDir, `${fresh}.py`))).toBe(false);

      const removing = Date.now();
      expect(await deployer.remove(existing)).toEqual({ fileRemoved: true });
      expect(Date.now() - removing).toBeLessThan(10_000);
      expect(await client.getDag(existing)).toBeUndefined();
    } finally {
      airflowLocal(airflow, 'down');
      airflowLocal(airflow, 'up');
    }
    const deployed = await deployer.deploy({ dagId: fresh, source: oneTaskDag(fresh, 'dp-1') });
    expect(deployed.dag.dag_id).toBe(fresh);
    await deployer.remove(fresh);
    // Up to 150 s for Airflow to call the processor unhealthy, then a restart of Airflow.
  }, 480_000);
});
