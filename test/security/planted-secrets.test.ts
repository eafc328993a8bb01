import { randomBytes } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { createAirflowClient, createDagDeployer } from '@airflow-mcp/airflow';
import { createSampleDatabase } from '@airflow-mcp/pipeline';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { airflowAdminToken } from '../support/airflow-admin-token.js';
import { startServiceApp, type ServiceApp } from '../support/start-service-app.js';

type ToolResult = { structuredContent?: Record<string, unknown>; isError?: boolean; content: { text?: string }[] };

/**
 * Credentials are planted where they really live and where users put them by mistake: a password in an Airflow
 * connection (in Airflow's metadata database, the service never reads it), the env-defined warehouse_pg
 * connection, a task that prints a connection's password and URI and then raises with it, and passwords written
 * into requests. The service runs with trace-level logs (masked as in production) and an API key. Afterwards none
 * of those values appears in any tool output, log line, /metrics, DAG file, version or audit record.
 */
describe('planted credentials never reach generated code, logs, metrics or tool output', () => {
  const airflow = inject('airflow');
  const postgres = inject('postgres');
  const suffix = Date.now().toString(36);
  const random = () => randomBytes(9).toString('base64url');
  const CONN_PASSWORD = `conn-${random()}`;
  const REQUEST_PASSWORD = `req-${random()}`;
  const URI_PASSWORD = `uri-${random()}`;
  const API_KEY = `key-${random()}-0123456789`;
  const CONN_ID = `planted_pg_${suffix}`;
  const LEAKY_DAG = `leaky_${suffix}`;
  const warehouse = join(airflow.dataDir, `planted-${suffix}`);
  const logLines: string[] = [];
  const outputs: string[] = [];
  let app: ServiceApp;
  let client: Client;
  let adminToken: string;

  const call = async (name: string, args: Record<string, unknown>) => {
    const result = (await client.callTool({ name, arguments: args }, undefined, { timeout: 300_000 })) as ToolResult;
    outputs.push(JSON.stringify(result));
    return result;
  };
  const airflowApi = (path: string, init: RequestInit = {}) =>
    fetch(`${airflow.url}${path}`, {
      ...init,
      headers: { authorization: `Bearer ${adminToken}`, 'content-type': 'application/json', ...init.headers },
    });

  beforeAll(async () => {
    mkdirSync(warehouse, { recursive: true });
    createSampleDatabase(join(warehouse, 'sample.db'));
    adminToken = await airflowAdminToken(airflow);
    // A connection in Airflow's metadata database with a (wrong) password for the real PostgreSQL server.
    const created = await airflowApi('/api/v2/connections', {
      method: 'POST',
      body: JSON.stringify({
        connection_id: CONN_ID,
        conn_type: 'postgres',
        host: postgres.host,
        port: postgres.port,
        login: postgres.user,
        password: CONN_PASSWORD,
        schema: postgres.database,
      }),
    });
    expect(created.status, await created.clone().text()).toBe(201);

    const sink = new Writable({
      write(chunk: Buffer, _encoding, done) {
        logLines.push(...chunk.toString().split('\n').filter(Boolean));
        done();
      },
    });
    app = await startServiceApp(
      airflow,
      { ALLOWED_DATA_DIRS: warehouse, MCP_API_KEYS: API_KEY },
      { logDestination: sink as unknown as { write(line: string): void } },
    );
    client = await app.connect({ headers: { authorization: `Bearer ${API_KEY}` } });

    // A hand-written DAG (not generated: ours would never do this) that prints passwords and then raises with one.
    const leaky = `from datetime import datetime
from airflow.sdk import BaseHook, dag, task


@dag(dag_id="${LEAKY_DAG}", schedule=None, start_date=datetime(2024, 1, 1), catchup=False)
def leaky():
    @task(retries=0)
    def show():
        planted = BaseHook.get_connection("${CONN_ID}")
        warehouse = BaseHook.get_connection("warehouse_pg")
        print(f"planted password={planted.password} uri={planted.get_uri()}")
        print(f"warehouse secret: {warehouse.password}")
        raise RuntimeError(f"cannot log in with {planted.password}")

    show()


leaky()
`;
    const af = createAirflowClient({ baseUrl: airflow.url, username: airflow.username, password: airflow.password });
    await createDagDeployer({ client: af, dagsDir: airflow.dagsDir, pollMs: 250 }).deploy({
      dagId: LEAKY_DAG,
      source: leaky,
    });
  }, 300_000);

  afterAll(async () => {
    rmSync(join(airflow.dagsDir, `${LEAKY_DAG}.py`), { force: true });
    await app?.close();
    if (adminToken) await airflowApi(`/api/v2/connections/${CONN_ID}`, { method: 'DELETE' });
  });

  it('a task that prints connection passwords: run, status and logs come back masked', async () => {
    const run = await call('run_dag', { dag_id: LEAKY_DAG, wait: true, timeout_s: 240 });
    expect(run.isError, run.content[0]?.text).toBeFalsy();
    const summary = run.structuredContent as {
      run_id: string;
      state: string;
      failed_logs?: { task_id: string; lines: string[] }[];
    };
    expect(summary.state).toBe('failed');
    const logs = await call('get_task_logs', { dag_id: LEAKY_DAG, run_id: summary.run_id, task_id: 'show' });
    expect(logs.isError, logs.content[0]?.text).toBeFalsy();
    const text = JSON.stringify(logs.structuredContent);
    // The lines are there (so the check below means something), with the values masked.
    expect(text).toMatch(/planted password=\*\*\*/);
    expect(text).toMatch(/warehouse secret: \*\*\*/);
    expect(text).toMatch(/cannot log in with \*\*\*/);
    await call('check_dag_status', { dag_id: LEAKY_DAG, run_id: summary.run_id });
  });

  it('reading a source through the planted connection fails without quoting its password', async () => {
    const result = await call('inspect_source', { source_db: `postgres:${CONN_ID}`, table: 'anything' });
    expect(result.isError).toBe(true);
    expect(result.content[0]?.text).toMatch(new RegExp(`could not read the schema through connection "${CONN_ID}"`));
  });

  it('a pipeline through the planted connection: generated code names the connection id only', async () => {
    const result = await call('create_dag', {
      task_description: `copy the events table from PostgreSQL into DuckDB planted.duckdb, retry 0 times, dag id planted_${suffix}`,
      source_db: `postgres:${CONN_ID}`,
      run: true,
      wait: true,
    });
    // The source schema cannot be read with a wrong password: refused before anything is written.
    expect(result.isError).toBe(true);
    expect(result.content[0]?.text).toMatch(new RegExp(CONN_ID));
  });

  it('passwords written into requests are masked or refused, never echoed', async () => {
    const inProse = await call('create_dag', {
      task_description: `copy the users table from SQLite sample.db into DuckDB p.duckdb, the password is ${REQUEST_PASSWORD}, dag id prose_${suffix}`,
      run: false,
    });
    const inUri = await call('create_dag', {
      task_description: `move events from postgresql://etl:${URI_PASSWORD}@10.0.0.5:5432/shop into DuckDB u.duckdb, dag id uri_${suffix}`,
      run: false,
    });
    const korean = await call('create_dag', {
      task_description: `sample.db의 users 테이블을 DuckDB k.duckdb로 옮겨줘. 비밀번호는 ${REQUEST_PASSWORD} 이야. dag id korean_${suffix}`,
      run: false,
    });
    // Each either planned a DAG (the secret masked in what it echoes) or asked for what is missing.
    for (const r of [inProse, inUri, korean]) expect(r.content[0]?.text?.length).toBeGreaterThan(0);
    expect(inProse.isError, inProse.content[0]?.text).toBeFalsy();
    await call('list_dag_versions', { dag_id: `prose_${suffix}` });
    await call('audit_log', { limit: 50 });
    await call('list_dags', { only_generated: true });
  });

  it('none of the planted values is in any tool output, log line, /metrics or generated file', async () => {
    const metrics = await (await fetch(`${app.url}/metrics`)).text();
    const files = readdirSync(airflow.dagsDir)
      // this test's DAG files (other suites share the folder and plant passwords in hand-written DAGs on purpose)
      .filter((f) => f.endsWith('.py') && f.includes(suffix))
      .map((f) => readFileSync(join(airflow.dagsDir, f), 'utf8'))
      .join('\n');
    // The logs covered the work: requests, tool calls and Airflow calls are in them.
    expect(logLines.length).toBeGreaterThan(20);
    const logText = logLines.join('\n');
    expect(logText).toContain(LEAKY_DAG);
    expect(logText).toContain(`prose_${suffix}`);
    expect(logText).toMatch(/password authentication failed.*tool refused the call/);
    expect(outputs.length).toBeGreaterThanOrEqual(9);
    expect(files).toContain(`prose_${suffix}`);
    expect(metrics).toContain('airflow_mcp_tool_calls_total');
    const places = { outputs: outputs.join('\n'), logs: logLines.join('\n'), metrics, files };
    const planted = {
      CONN_PASSWORD,
      REQUEST_PASSWORD,
      URI_PASSWORD,
      API_KEY,
      warehouse: postgres.password,
      airflow: airflow.password,
    };
    for (const [where, text] of Object.entries(places)) {
      for (const [what, value] of Object.entries(planted)) {
        expect(text.includes(value), `${what} found in ${where}`).toBe(false);
      }
    }
  });
});
