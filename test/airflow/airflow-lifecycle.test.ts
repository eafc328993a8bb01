import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import {
  AirflowApiError,
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

const suffix = Date.now().toString(36);

function dagSource(dagId: string, body: string, version = 1): string {
  return `${renderDagFileHeader({ dagId, specHash: `test-${version}`, version, generator: 'test' })}
from datetime import datetime

from airflow.sdk import dag, task


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

describe('Airflow 3 lifecycle against the real standalone', () => {
  const airflow = inject('airflow');
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
    deployer = createDagDeployer({ client, dagsDir: airflow.dagsDir, pollMs: 250, parseTimeoutMs: 60_000 });
  });

  it('detects the pinned version', async () => {
    expect(await client.detectVersion()).toEqual({ major: 3, version: '3.3.2' });
  });

  it('deploys a new DAG, sees it parsed within seconds, runs it and reads its result and logs', async () => {
    const dagId = `t_ok_${suffix}`;
    const deployed = await deployer.deploy({ dagId, source: dagSource(dagId, 'print("the answer is 42")\nreturn 42') });
    expect(deployed.changed).toBe(true);
    expect(deployed.dag.dag_id).toBe(dagId);
    expect(deployed.dag.is_paused).toBe(false);
    // refresh_interval=2 in the local standalone: a new file shows up in a few seconds, never 300.
    expect(deployed.parseMs).toBeLessThan(30_000);
    expect(readFileSync(join(airflow.dagsDir, `${dagId}.py`), 'utf8')).toContain('# dag_id: ' + dagId);

    const again = await deployer.deploy({ dagId, source: dagSource(dagId, 'print("the answer is 42")\nreturn 42') });
    expect(again.changed).toBe(false);

    const runId = newRunId();
    const run = await client.trigger(dagId, { runId });
    expect(run.dag_run_id).toBe(runId);
    expect(run.logical_date).toBeNull();
    // A retried trigger with the same run id must not start a second run.
    const retried = await client.trigger(dagId, { runId });
    expect(retried.dag_run_id).toBe(runId);
    expect(await client.listRuns(dagId)).toHaveLength(1);

    const progress: string[] = [];
    const followed = await followRun({
      client,
      dagId,
      runId,
      timeoutMs: 120_000,
      pollMs: 500,
      onProgress: (p) => {
        progress.push(p.state);
      },
    });
    expect(followed.timedOut).toBe(false);
    expect(followed.run.state).toBe('success');
    expect(progress.at(-1)).toBe('success');
    const summary = await summarizeRun(client, followed.run, followed.tasks);
    expect(summary.tasks).toEqual([expect.objectContaining({ task_id: 'work', state: 'success', try_number: 1 })]);
    expect(summary.duration_s).toBeGreaterThan(0);
    expect(summary.failed_logs).toBeUndefined();
    expect(await client.returnValue(dagId, runId, 'work')).toBe(42);
    const logs = await client.taskLogs(dagId, runId, 'work', 1);
    expect(logs.lines.map((l) => l.event).join('\n')).toContain('the answer is 42');
  });

  it('reports a failed run with the failing task and masked error lines from its log', async () => {
    const dagId = `t_fail_${suffix}`;
    await deployer.deploy({
      dagId,
      source: dagSource(dagId, `raise ValueError("column amount is missing; password=${airflow.password}")`),
    });
    const runId = newRunId();
    await client.trigger(dagId, { runId });
    const followed = await followRun({ client, dagId, runId, timeoutMs: 120_000, pollMs: 500 });
    expect(followed.run.state).toBe('failed');
    const summary = await summarizeRun(client, followed.run, followed.tasks);
    const text = summary.failed_logs?.[0]?.lines.join('\n') ?? '';
    expect(summary.failed_logs?.[0]?.task_id).toBe('work');
    expect(text).toContain('column amount is missing');
    expect(text).not.toContain(airflow.password);
  });

  it('returns the import error of a broken file and removes the file', async () => {
    const dagId = `t_broken_${suffix}`;
    const error = await deployer
      .deploy({ dagId, source: dagSource(dagId, 'return 1').replace('generated()\n', 'generated(\nundefined_name\n') })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AppError);
    expect((error as AppError).code).toBe('VALIDATION_FAILED');
    expect((error as AppError).message).toMatch(/could not import .*SyntaxError|could not import[\s\S]*Error/);
    expect(existsSync(join(airflow.dagsDir, `${dagId}.py`))).toBe(false);
  });

  it('keeps the previous version in place when a new version does not import', async () => {
    const dagId = `t_keep_${suffix}`;
    const good = dagSource(dagId, 'return 1');
    await deployer.deploy({ dagId, source: good });
    const broken = dagSource(dagId, 'return 2', 2).replace(
      'from airflow.sdk import dag, task',
      'from airflow.sdk import dag, task, no_such_thing',
    );
    await expect(deployer.deploy({ dagId, source: broken })).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
    expect(readFileSync(join(airflow.dagsDir, `${dagId}.py`), 'utf8')).toBe(good);
    expect((await client.getDag(dagId))?.dag_id).toBe(dagId);
  });

  it('pauses, unpauses and deletes a generated DAG, and names close ids for unknown ones', async () => {
    const dagId = `t_life_${suffix}`;
    await deployer.deploy({ dagId, source: dagSource(dagId, 'return 1') });
    expect((await client.setPaused(dagId, true)).is_paused).toBe(true);
    expect((await client.setPaused(dagId, false)).is_paused).toBe(false);
    const missing = await client.requireDag(`${dagId}x`).catch((e: unknown) => e);
    expect(missing).toBeInstanceOf(AirflowApiError);
    expect((missing as AirflowApiError).message).toContain(dagId);
    expect(await deployer.remove(dagId)).toEqual({ fileRemoved: true });
    expect(existsSync(join(airflow.dagsDir, `${dagId}.py`))).toBe(false);
    expect(await client.getDag(dagId)).toBeUndefined();
  });

  it('refuses DAG ids that would leave DAGS_DIR and files it did not write', async () => {
    await expect(deployer.deploy({ dagId: '../escape', source: 'x' })).rejects.toMatchObject({ code: 'INVALID_INPUT' });
    await expect(deployer.remove('a/b')).rejects.toMatchObject({ code: 'INVALID_INPUT' });
  });
});
