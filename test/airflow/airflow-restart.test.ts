import { describe, expect, inject, it } from 'vitest';
import { createAirflowClient, createDagDeployer, followRun, newRunId, renderDagFileHeader } from '@airflow-mcp/airflow';
import { AppError } from '@airflow-mcp/core';
import { airflowLocal } from '../support/local-airflow.js';

describe('Airflow restarted while a run is followed', () => {
  const airflow = inject('airflow');

  it('gives a clear retryable error while Airflow is down, and following again after the restart works', async () => {
    const client = createAirflowClient({
      baseUrl: airflow.url,
      username: airflow.username,
      password: airflow.password,
      attempts: 1,
    });
    const dagId = `t_restart_${Date.now().toString(36)}`;
    const source = `${renderDagFileHeader({ dagId, specHash: 'r', version: 1, generator: 'test' })}
from datetime import datetime
from airflow.sdk import dag, task
@dag(dag_id="${dagId}", schedule=None, start_date=datetime(2024, 1, 1), catchup=False)
def d():
    @task
    def slow():
        import time
        time.sleep(3)
        return "done"
    slow()
d()
`;
    await createDagDeployer({ client, dagsDir: airflow.dagsDir, pollMs: 250 }).deploy({ dagId, source });
    const runId = newRunId();
    await client.trigger(dagId, { runId });
    airflowLocal(airflow, 'down');
    try {
      const error = (await followRun({ client, dagId, runId, timeoutMs: 3000, pollMs: 300 }).catch(
        (e: unknown) => e,
      )) as AppError;
      expect(error).toBeInstanceOf(AppError);
      expect(error.code).toBe('UNAVAILABLE');
      expect(error.retryable).toBe(true);
      expect(error.message).toContain(airflow.url);
    } finally {
      airflowLocal(airflow, 'up');
    }
    // After the restart the run is still there: following it again reaches a terminal state (the scheduler either
    // finishes it or fails it as a zombie), and a new run of the same DAG succeeds.
    const resumed = await followRun({ client, dagId, runId, timeoutMs: 240_000, pollMs: 1000 });
    expect(resumed.timedOut).toBe(false);
    expect(['success', 'failed']).toContain(resumed.run.state);
    const again = newRunId();
    await client.trigger(dagId, { runId: again });
    expect((await followRun({ client, dagId, runId: again, timeoutMs: 120_000, pollMs: 500 })).run.state).toBe(
      'success',
    );
  });
});
