import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createAirflowClient,
  createDagDeployer,
  followRun,
  newRunId,
  renderDagFileHeader,
  summarizeRun,
  type AirflowClient,
  type DagDeployer,
} from '@airflow-mcp/airflow';
import { AppError } from '@airflow-mcp/core';
import type { TestAirflow } from '../setup/airflow.global.js';
import { startAirflow2 } from './start-airflow2.js';

const suffix = Date.now().toString(36);

/** A one-task DAG in Airflow 2's own imports (airflow.decorators), with our generated-file header. */
function dagSource(dagId: string, body: string, version = 1): string {
  return `${renderDagFileHeader({ dagId, specHash: `test-${version}`, version, generator: 'test' })}
from datetime import datetime

from airflow.decorators import dag, task


@dag(dag_id=${JSON.stringify(dagId)}, schedule=None, start_date=datetime(2024, 1, 1), catchup=False, tags=["airflow-mcp-test"])
def generated():
    @task
    def work():
${body
  .split('\n')
  .map((l) => `        ${l}`)
  .join('\n')}

    work()


generated()
`;
}

let airflow: TestAirflow & { stop: () => void };
beforeAll(() => {
  airflow = startAirflow2();
});
afterAll(() => airflow?.stop());

describe('Airflow 2.11 (API v1, Basic auth): the lifecycle against the real standalone', () => {
  let client: AirflowClient;
  let deployer: DagDeployer;

  beforeAll(() => {
    client = createAirflowClient({
      baseUrl: airflow.url,
      username: airflow.username,
      password: airflow.password,
      attempts: 2,
      backoffMs: 100,
    });
    deployer = createDagDeployer({ client, dagsDir: airflow.dagsDir, pollMs: 250, parseTimeoutMs: 90_000 });
  });

  it('detects Airflow 2 and reads its health without a login', async () => {
    expect(await client.detectVersion()).toEqual({ major: 2, version: '2.11.2' });
    const health = await client.health();
    expect(health.metadatabase?.status).toBe('healthy');
    expect(health.scheduler?.status).toBe('healthy');
  });

  it('deploys a new DAG (paused at creation, unpaused after the parse), runs it, reads its result and logs', async () => {
    const dagId = `a2_ok_${suffix}`;
    const source = dagSource(dagId, 'print("the answer is 42")\nreturn {"rows": 42}');
    const deployed = await deployer.deploy({ dagId, source });
    expect(deployed.changed).toBe(true);
    expect(deployed.dag).toMatchObject({ dag_id: dagId, is_paused: false, is_stale: false });
    // dag_dir_list_interval=2: a new file is listed within seconds, never 300.
    expect(deployed.parseMs).toBeLessThan(60_000);
    expect((await deployer.deploy({ dagId, source })).changed).toBe(false);
    expect((await client.listDags({ pattern: dagId })).dags.map((d) => d.dag_id)).toEqual([dagId]);

    const runId = newRunId();
    const run = await client.trigger(dagId, { runId });
    expect(run.dag_run_id).toBe(runId);
    // Airflow 2 gives a manual run the trigger time as its logical date.
    expect(Date.parse(run.logical_date ?? '')).toBeGreaterThan(Date.now() - 120_000);
    // A retried trigger with the same run id (its answer lost) is that run, not a second one.
    expect((await client.trigger(dagId, { runId })).dag_run_id).toBe(runId);
    const followed = await followRun({ client, dagId, runId, timeoutMs: 150_000, pollMs: 500 });
    expect(followed.run.state).toBe('success');
    expect(followed.tasks.map((t) => [t.task_id, t.state])).toEqual([['work', 'success']]);
    expect(await client.returnValue(dagId, runId, 'work')).toEqual({ rows: 42 });
    expect((await client.listRuns(dagId, 5)).map((r) => r.dag_run_id)).toEqual([runId]);

    const logs = await client.taskLogs(dagId, runId, 'work', 1);
    expect(logs.lines.map((l) => l.event)).toContain('the answer is 42');
    expect(logs.lines.some((l) => l.level === 'info' && l.timestamp)).toBe(true);
    expect(logs.lines.some((l) => l.event.startsWith('***'))).toBe(false);
  });

  it("a failing task: the run fails and the failed task's error-level log tail names the exception", async () => {
    const dagId = `a2_fail_${suffix}`;
    await deployer.deploy({ dagId, source: dagSource(dagId, 'raise ValueError("planted failure 7")') });
    const runId = newRunId();
    await client.trigger(dagId, { runId });
    const followed = await followRun({ client, dagId, runId, timeoutMs: 150_000, pollMs: 500 });
    expect(followed.run.state).toBe('failed');
    const summary = await summarizeRun(client, followed.run, followed.tasks);
    expect(summary.tasks).toEqual([expect.objectContaining({ task_id: 'work', state: 'failed' })]);
    expect(summary.failed_logs?.[0]?.lines.join('\n')).toContain('ValueError: planted failure 7');
    const errors = await client.taskLogs(dagId, runId, 'work', 1, { minLevel: 'error' });
    expect(errors.lines.map((l) => l.event).join('\n')).toContain('planted failure 7');
    expect(errors.lines.every((l) => l.level === 'error' || l.level === 'critical')).toBe(true);
  });

  it('a file Airflow 2 cannot import: VALIDATION_FAILED with its import error, and the file is taken back out', async () => {
    const dagId = `a2_broken_${suffix}`;
    const broken = dagSource(dagId, 'return 1').replace('def generated():', 'def generated(:');
    const error = await deployer.deploy({ dagId, source: broken }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AppError);
    expect((error as AppError).code).toBe('VALIDATION_FAILED');
    expect((error as AppError).message).toContain('SyntaxError');
    expect(existsSync(join(airflow.dagsDir, `${dagId}.py`))).toBe(false);
  });

  it('removes a DAG: the file, then its metadata once Airflow 2 marks it inactive', async () => {
    const dagId = `a2_gone_${suffix}`;
    await deployer.deploy({ dagId, source: dagSource(dagId, 'return 1') });
    expect(await deployer.remove(dagId)).toEqual({ fileRemoved: true });
    expect(await client.getDag(dagId)).toBeUndefined();
  });

  it('a wrong password is refused with a sentence naming the status', async () => {
    const wrong = createAirflowClient({ baseUrl: airflow.url, username: airflow.username, password: 'nope' });
    const error = await wrong.listDags({ limit: 1 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AppError);
    expect((error as AppError).message).toMatch(/Listing DAGs failed: Airflow answered 40[13]/);
  });
});
