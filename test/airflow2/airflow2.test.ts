import { existsSync, mkdirSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
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
import { queryDuckdb } from '../support/query-duckdb.js';
import { startServiceApp, type ServiceApp } from '../support/start-service-app.js';
import { ALERT_CONN_ID, ALERT_PORT, startAirflow2 } from './start-airflow2.js';

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
const postgres = inject('postgres');
beforeAll(() => {
  // The tests' PostgreSQL (postgres.global.ts) reaches this Airflow as warehouse_pg, like the Airflow 3 one.
  airflow = startAirflow2({ AIRFLOW_CONN_WAREHOUSE_PG: postgres.url });
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

  it('a new version of a known DAG is queued for parsing through parseDagFile and seen parsed', async () => {
    const dagId = `a2_v2_${suffix}`;
    const first = await deployer.deploy({ dagId, source: dagSource(dagId, 'return 1') });
    expect(first.dag.file_token).toBeTruthy();
    const second = await deployer.deploy({ dagId, source: dagSource(dagId, 'return 2', 2) });
    expect(second.changed).toBe(true);
    expect(Date.parse(second.dag.last_parsed_time ?? '')).toBeGreaterThan(Date.parse(first.dag.last_parsed_time ?? ''));
    // Without the request the file would wait for min_file_process_interval (10 s) and the folder listing.
    expect(second.parseMs).toBeLessThan(30_000);
    await deployer.remove(dagId);
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

interface RunOut {
  run_id: string;
  state: string;
  rows?: number | null;
  tasks?: { task_id: string; state: string }[];
}
type ToolResult = { structuredContent?: Record<string, unknown>; isError?: boolean; content: { text?: string }[] };

describe('Airflow 2.11 end to end: the service compiles for Airflow 2, deploys, runs; one DAG per write mode', () => {
  const warehouse = () => join(airflow.dataDir, `warehouse-${suffix}`);
  let app: ServiceApp;
  let client: Client;
  let source: DatabaseSync;
  const alerts: string[] = [];
  let hook: Server;

  const call = async (name: string, args: Record<string, unknown>) => {
    const result = (await client.callTool({ name, arguments: args }, undefined, { timeout: 300_000 })) as ToolResult;
    expect(result.isError, result.content[0]?.text).toBeFalsy();
    return result.structuredContent as Record<string, unknown>;
  };
  const duckdb = (file: string, sql: string) => queryDuckdb(airflow.python, join(warehouse(), file), sql);

  /** A one-transfer pipeline from the SQLite items table into its own DuckDB file, alerting on failure. */
  const spec = (mode: string, extra: Record<string, unknown> = {}, checks?: Record<string, unknown>[]) => {
    const target = { kind: 'duckdb', path: `${mode}.duckdb` };
    return {
      dag_id: `a2_${mode}_${suffix}`,
      retries: 0,
      failure_webhook_conn_id: ALERT_CONN_ID,
      tasks: [
        {
          type: 'transfer',
          id: 'load_items',
          source: { kind: 'sqlite', path: 'shop.db' },
          source_table: 'items',
          target,
          target_table: 'items',
          mode,
          ...extra,
        },
        ...(checks ? [{ type: 'quality_check', id: 'check_items', connection: target, table: 'items', checks }] : []),
      ],
      dependencies: checks ? [['load_items', 'check_items']] : [],
    };
  };
  const create = async (s: ReturnType<typeof spec>) => {
    const out = await call('create_dag', {
      task_description: `load items (${s.dag_id})`,
      spec: s,
      run: true,
      wait: true,
    });
    expect(out).toMatchObject({ dag_id: s.dag_id, deployed: true, planner: 'caller' });
    return out.run as RunOut;
  };
  const rerun = async (dagId: string) => (await call('run_dag', { dag_id: dagId, wait: true })) as unknown as RunOut;

  beforeAll(async () => {
    mkdirSync(warehouse(), { recursive: true });
    source = new DatabaseSync(join(warehouse(), 'shop.db'));
    source.exec('CREATE TABLE items (id INTEGER PRIMARY KEY, name TEXT NOT NULL, price REAL NOT NULL)');
    for (let id = 1; id <= 5; id++) source.exec(`INSERT INTO items VALUES (${id}, 'item ${id}', ${id * 10})`);
    hook = createServer((req, res) => {
      let body = '';
      req.on('data', (chunk: Buffer) => (body += chunk.toString()));
      req.on('end', () => {
        alerts.push(`${req.method} ${req.url} ${body}`);
        res.end('ok');
      });
    });
    await new Promise<void>((resolve) => hook.listen(ALERT_PORT, '127.0.0.1', resolve));
    app = await startServiceApp(airflow, { ALLOWED_DATA_DIRS: warehouse() });
    client = await app.connect();
  });
  afterAll(async () => {
    for (const mode of ['replace', 'append', 'upsert', 'incremental'])
      await client
        ?.callTool({ name: 'delete_dag', arguments: { dag_id: `a2_${mode}_${suffix}` } })
        .catch(() => undefined);
    await app?.close();
    source?.close();
    await new Promise((resolve) => hook?.close(resolve));
  });

  it('/readyz: Airflow 2 answers health on /api/v1/health (no DAG-processor job of its own) and takes the login', async () => {
    // A probe is asked again: on a loaded machine one answer may miss the 3 s budget (FAB hashes the Basic password
    // on every request).
    let airflowCheck: Record<string, unknown> = {};
    for (let attempt = 0; attempt < 10 && airflowCheck.status !== 'up'; attempt++) {
      if (attempt > 0) await new Promise((resolve) => setTimeout(resolve, 2000));
      const body = (await (await fetch(`${app.url}/readyz`)).json()) as {
        checks: { airflow: Record<string, unknown> };
      };
      airflowCheck = body.checks.airflow;
    }
    expect(airflowCheck, JSON.stringify(airflowCheck)).toMatchObject({ status: 'up', login: 'accepted' });
  });

  it('replace: the table is rebuilt each run; a failed check after the load posts the failure alert', async () => {
    const s = spec('replace', {}, [{ kind: 'row_count', min: 5 }]);
    expect(await create(s)).toMatchObject({ state: 'success', rows: 5 });
    expect(duckdb('replace.duckdb', 'SELECT count(*), sum(price) FROM items')).toEqual([[5, 150]]);
    expect(alerts).toEqual([]);
    source.exec('DELETE FROM items WHERE id = 5');
    const second = await rerun(s.dag_id);
    expect(second.state).toBe('failed');
    expect(second.tasks).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ task_id: 'load_items', state: 'success' }),
        expect.objectContaining({ task_id: 'check_items', state: 'failed' }),
      ]),
    );
    expect(duckdb('replace.duckdb', 'SELECT count(*) FROM items')).toEqual([[4]]);
    // The callback (BaseHook from airflow.hooks.base on Airflow 2) posted to the connection's URL.
    expect(alerts).toHaveLength(1);
    expect(alerts[0]).toContain(
      `POST /alert {"text": "Airflow task failed: dag ${s.dag_id}, task check_items, run ${second.run_id}"}`,
    );
    source.exec("INSERT INTO items VALUES (5, 'item 5', 50)");
  });

  it('append: each run adds the rows again', async () => {
    const s = spec('append');
    expect(await create(s)).toMatchObject({ state: 'success', rows: 5 });
    expect(await rerun(s.dag_id)).toMatchObject({ state: 'success' });
    expect(duckdb('append.duckdb', 'SELECT count(*), count(DISTINCT id) FROM items')).toEqual([[10, 5]]);
  });

  it('upsert: changed rows are updated and new ones inserted, by key', async () => {
    const s = spec('upsert', { keys: ['id'] });
    expect(await create(s)).toMatchObject({ state: 'success', rows: 5 });
    source.exec("UPDATE items SET price = 99 WHERE id = 2; INSERT INTO items VALUES (6, 'item 6', 60)");
    expect(await rerun(s.dag_id)).toMatchObject({ state: 'success' });
    expect(duckdb('upsert.duckdb', 'SELECT id, price FROM items ORDER BY id')).toEqual([
      [1, 10],
      [2, 99],
      [3, 30],
      [4, 40],
      [5, 50],
      [6, 60],
    ]);
  });

  it('incremental: the second run moves only rows past the watermark', async () => {
    const s = spec('incremental', { watermark_column: 'id' });
    expect(await create(s)).toMatchObject({ state: 'success', rows: 6 });
    source.exec("INSERT INTO items VALUES (7, 'item 7', 70), (8, 'item 8', 80)");
    expect(await rerun(s.dag_id)).toMatchObject({ state: 'success' });
    expect(duckdb('incremental.duckdb', 'SELECT count(*), count(DISTINCT id), max(id) FROM items')).toEqual([
      [8, 8, 8],
    ]);
    expect(alerts).toHaveLength(1);
  });

  it('PostgreSQL source: its schema is read by the introspection DAG run on Airflow 2, rows land in DuckDB', async () => {
    const table = `a2_orders_${suffix}`;
    const db = new pg.Client({ ...postgres });
    await db.connect();
    try {
      await db.query(`CREATE TABLE "${table}" (id bigint PRIMARY KEY, amount numeric(10,2) NOT NULL, note text)`);
      await db.query(`INSERT INTO "${table}" SELECT g, g * 1.5, 'n' || g FROM generate_series(1, 25) g`);
      const s = {
        dag_id: `a2_pg_${suffix}`,
        retries: 0,
        tasks: [
          {
            type: 'transfer',
            id: 'load_orders',
            source: { kind: 'postgres', conn_id: 'warehouse_pg' },
            source_table: table,
            target: { kind: 'duckdb', path: 'pg.duckdb' },
            target_table: 'orders',
          },
        ],
      };
      const out = await call('create_dag', { task_description: 'copy orders', spec: s, run: true, wait: true });
      expect((out.checks as { step: string; ok: boolean }[]).find((c) => c.step === 'source-schema')).toMatchObject({
        ok: true,
      });
      expect(out.run).toMatchObject({ state: 'success', rows: 25 });
      expect(duckdb('pg.duckdb', 'SELECT count(*), sum(amount)::double, max(note) FROM orders')).toEqual([
        [25, 487.5, 'n9'],
      ]);
      await client.callTool({ name: 'delete_dag', arguments: { dag_id: s.dag_id } });
    } finally {
      await db.query(`DROP TABLE IF EXISTS "${table}"`).catch(() => undefined);
      await db.end();
    }
  });
});
