import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createAirflowClient, createDagDeployer, renderDagFileHeader } from '@airflow-mcp/airflow';
import { silentLogger } from '@airflow-mcp/core';
import { loadConfig } from '../../apps/server/src/config.js';
import { createServices, type Services } from '../../apps/server/src/services/create-services.js';
import { startTestApp, type TestApp } from '../support/start-test-app.js';

const suffix = Date.now().toString(36);
const dagId = `t_tools_${suffix}`;

const source = `${renderDagFileHeader({ dagId, specHash: 'tools', version: 1, generator: 'test' })}
from datetime import datetime

from airflow.sdk import dag, task


@dag(dag_id="${dagId}", schedule="@daily", start_date=datetime(2024, 1, 1), catchup=False, tags=["airflow-mcp"])
def generated():
    @task
    def extract():
        print("extracted 3 rows")
        return 3

    @task
    def load(n: int):
        print(f"loaded {n} rows")
        return {"rows": n}

    load(extract())


generated()
`;

type ToolResult = { structuredContent?: Record<string, unknown>; isError?: boolean; content: { text?: string }[] };

describe('Airflow MCP tools over HTTP against the real standalone', () => {
  const airflow = inject('airflow');
  let services: Services;
  let app: TestApp;
  let client: Client;
  const call = async (name: string, args: Record<string, unknown>, onprogress?: (p: unknown) => void) =>
    (await client.callTool({ name, arguments: args }, undefined, {
      ...(onprogress ? { onprogress } : {}),
      timeout: 180_000,
    })) as ToolResult;

  beforeAll(async () => {
    const env = {
      AIRFLOW_URL: airflow.url,
      AIRFLOW_USERNAME: airflow.username,
      AIRFLOW_PASSWORD: airflow.password,
      DAGS_DIR: airflow.dagsDir,
    };
    services = await createServices({ config: loadConfig({ ...env, LOG_LEVEL: 'silent' }), log: silentLogger });
    app = await startTestApp({ catalog: services.catalog, env });
    client = await app.connect();
    const af = createAirflowClient({ baseUrl: airflow.url, username: airflow.username, password: airflow.password });
    await createDagDeployer({ client: af, dagsDir: airflow.dagsDir, pollMs: 250 }).deploy({ dagId, source });
  });
  afterAll(async () => {
    await app.close();
    await services.close();
  });

  it('lists the DAG as generated, with its schedule', async () => {
    const result = await call('list_dags', { only_generated: true, pattern: dagId });
    expect(result.isError).toBeFalsy();
    expect(result.structuredContent).toMatchObject({
      dags: [{ dag_id: dagId, generated: true, is_paused: false, schedule: '0 0 * * *', has_import_errors: false }],
    });
  });

  it('runs it, following with progress, then reports status and logs', async () => {
    const progress: unknown[] = [];
    const run = await call('run_dag', { dag_id: dagId, wait: true, timeout_s: 120 }, (p) => progress.push(p));
    expect(run.isError).toBeFalsy();
    const out = run.structuredContent as { run_id: string; state: string; tasks: { task_id: string }[] };
    expect(out.state).toBe('success');
    // the rows the load task reported moving (generated transfers return { rows }), in the data and the text
    expect(run.structuredContent?.['rows']).toBe(3);
    expect(run.content[0]?.text).toContain('rows moved: 3');
    expect(out.tasks.map((t) => t.task_id)).toEqual(['extract', 'load']);
    expect(progress.length).toBeGreaterThan(0);

    const status = await call('check_dag_status', { dag_id: dagId });
    expect(status.structuredContent).toMatchObject({ run_id: out.run_id, state: 'success', rows: 3 });
    expect(status.content[0]?.text).toContain('rows moved: 3');

    const logs = await call('get_task_logs', { dag_id: dagId, run_id: out.run_id, task_id: 'load' });
    expect((logs.structuredContent as { lines: { event: string }[] }).lines.map((l) => l.event)).toContain(
      'loaded 3 rows',
    );
    const unknownTask = await call('get_task_logs', { dag_id: dagId, run_id: out.run_id, task_id: 'nope' });
    expect(unknownTask.isError).toBe(true);
    expect(unknownTask.content[0]?.text).toContain('extract, load');
  });

  it('gives actionable errors for unknown and paused DAGs', async () => {
    const unknown = await call('run_dag', { dag_id: `${dagId}_x` });
    expect(unknown.isError).toBe(true);
    expect(unknown.content[0]?.text).toContain(`Did you mean: ${dagId}`);

    expect((await call('set_dag_paused', { dag_id: dagId, paused: true })).structuredContent).toEqual({
      dag_id: dagId,
      is_paused: true,
    });
    const paused = await call('run_dag', { dag_id: dagId });
    expect(paused.isError).toBe(true);
    expect(paused.content[0]?.text).toContain('set_dag_paused');
    await call('set_dag_paused', { dag_id: dagId, paused: false });
  });

  it('lists import errors and deletes the generated DAG', async () => {
    const errors = await call('list_import_errors', { filename: `${dagId}.py` });
    expect(errors.structuredContent).toEqual({ errors: [] });
    const deleted = await call('delete_dag', { dag_id: dagId });
    expect(deleted.structuredContent).toEqual({ dag_id: dagId, file_removed: true, version: 1 });
    expect(existsSync(join(airflow.dagsDir, `${dagId}.py`))).toBe(false);
    const again = await call('delete_dag', { dag_id: dagId });
    expect(again.isError).toBe(true);
  });
});
