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
  const METRICS_TOKEN = `metrics-${random()}`;
  const alnum = (n: number) =>
    randomBytes(n * 2)
      .toString('base64')
      .replace(/[^A-Za-z0-9]/g, '')
      .slice(0, n);
  // Provider token formats and phrasings masking used to miss, each a fresh value.
  const TOKENS = {
    OPENAI: `sk-proj-${alnum(40)}`,
    GITHUB: `ghp_${alnum(36)}`,
    GITHUB_PAT: `github_pat_${alnum(40)}`,
    SLACK: `xoxb-${Date.now()}-${alnum(24)}`,
    SLACK_HOOK: `T0${alnum(8)}/B0${alnum(8)}/${alnum(24)}`,
    AWS_ID: `AKIA${alnum(16).toUpperCase()}`,
    AWS_SECRET: `${alnum(18)}/${alnum(21)}`,
    GOOGLE: `AIza${alnum(35)}`,
    JWT: `eyJhbGciOiJIUzI1NiJ9.eyJ${alnum(20)}.${alnum(30)}`,
    BASIC_URL: `bu-${alnum(12)}`,
    PW_COLON: `pc-${alnum(12)}`,
    PASS_EQ: `pe-${alnum(12)}`,
    PASSWORD_SPACE: `Ps9-${alnum(12)}`,
    KOREAN: `ko-${alnum(12)}`,
    PEM_BODY: alnum(64),
  };
  const tokenText = [
    `openai ${TOKENS.OPENAI}, github ${TOKENS.GITHUB} and ${TOKENS.GITHUB_PAT}, slack ${TOKENS.SLACK}`,
    `hook https://hooks.slack.com/services/${TOKENS.SLACK_HOOK}, aws ${TOKENS.AWS_ID} ${TOKENS.AWS_SECRET}`,
    `google ${TOKENS.GOOGLE}, jwt ${TOKENS.JWT}, api https://svc:${TOKENS.BASIC_URL}@api.example.com/v1`,
    `pw: ${TOKENS.PW_COLON} pass=${TOKENS.PASS_EQ} password ${TOKENS.PASSWORD_SPACE} 암호: ${TOKENS.KOREAN}`,
    `-----BEGIN PRIVATE KEY-----\n${TOKENS.PEM_BODY}\n-----END PRIVATE KEY-----`,
  ].join('; ');
  // The service's own key, reversed and in base64: it knows its secrets, so trivial transforms are masked too.
  const DISGUISED_KEY = {
    API_KEY_REVERSED: [...API_KEY].reverse().join(''),
    API_KEY_BASE64: Buffer.from(API_KEY).toString('base64'),
  };
  const disguised = `key ${DISGUISED_KEY.API_KEY_REVERSED} b64 ${DISGUISED_KEY.API_KEY_BASE64}`;
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
      { ALLOWED_DATA_DIRS: warehouse, MCP_API_KEYS: API_KEY, METRICS_TOKEN },
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

  it('provider tokens, Korean and English phrasings and the service key disguised, in a request: masked', async () => {
    const result = await call('create_dag', {
      task_description: `copy the users table from SQLite sample.db into DuckDB fmt.duckdb, dag id fmt_${suffix}. Our credentials: ${tokenText}; ${disguised}`,
      run: false,
    });
    expect(result.content[0]?.text?.length).toBeGreaterThan(0);
  });

  it('secrets in every caller-spec field: the DAG file and the echoed spec carry none', async () => {
    const dagId = `spec_fmt_${suffix}`;
    const result = await call('create_dag', {
      task_description: 'copy users with the spec I filled',
      run: false,
      spec: {
        dag_id: dagId,
        description: `users copy; ${tokenText}; ${disguised}`,
        owner: `pw:${TOKENS.PW_COLON}`,
        tags: [TOKENS.GITHUB, TOKENS.AWS_ID, 'planted'],
        retries: 0,
        tasks: [
          {
            type: 'transfer',
            id: 'load_users',
            source: { kind: 'sqlite', path: 'sample.db' },
            source_table: 'users',
            target: { kind: 'duckdb', path: 'spec-fmt.duckdb' },
            target_table: 'users',
            filter: `email <> '${TOKENS.OPENAI}' AND country <> 'token=${TOKENS.PASS_EQ}'`,
          },
          {
            type: 'quality_check',
            id: 'validate',
            connection: { kind: 'duckdb', path: 'spec-fmt.duckdb' },
            table: 'users',
            checks: [{ kind: 'accepted_values', column: 'country', values: ['KR', TOKENS.SLACK, TOKENS.GOOGLE] }],
          },
        ],
        dependencies: [['load_users', 'validate']],
      },
    });
    expect(result.isError, result.content[0]?.text).toBeFalsy();
    const file = readFileSync(join(airflow.dagsDir, `${dagId}.py`), 'utf8');
    expect(file).toContain(dagId);
    expect(file).toContain('***');
    for (const [what, value] of Object.entries({ ...TOKENS, ...DISGUISED_KEY })) {
      expect(file.includes(value), `${what} in the DAG file`).toBe(false);
    }
    const echoed = JSON.stringify(result.structuredContent);
    expect(echoed).toContain(dagId);
    for (const [what, value] of Object.entries({ ...TOKENS, ...DISGUISED_KEY })) {
      expect(echoed.includes(value), `${what} echoed`).toBe(false);
    }
  });

  it('resources come back masked: knowledge documents quoting credentials, and the list', async () => {
    const { resources } = await client.listResources();
    outputs.push(JSON.stringify(resources));
    expect(resources.length).toBeGreaterThan(10);
    const doc = await client.readResource({ uri: 'knowledge://docs/security/airflow-conn-env-uris.md' });
    const text = (doc.contents[0] as { text: string }).text;
    outputs.push(text);
    // The document's own example passwords (s3cr@t/pw, also percent-encoded in a URI) are masked, the rest is there.
    expect(text).toMatch(/AIRFLOW_CONN_/);
    expect(text).toContain('***');
    expect(text).not.toContain('s3cr@t/pw');
    expect(text).not.toContain('s3cr%40t%2Fpw');
    const schema = await client.readResource({ uri: 'airflow-mcp://schemas/pipeline-spec.json' });
    expect(Object.keys(JSON.parse((schema.contents[0] as { text: string }).text) as object)).toContain('properties');
  });

  it('none of the planted values is in any tool output, log line, /metrics or generated file', async () => {
    const metrics = await (
      await fetch(`${app.url}/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } })
    ).text();
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
    expect(outputs.length).toBeGreaterThanOrEqual(13);
    expect(files).toContain(`prose_${suffix}`);
    expect(metrics).toContain('airflow_mcp_tool_calls_total');
    const places = { outputs: outputs.join('\n'), logs: logLines.join('\n'), metrics, files };
    const planted = {
      CONN_PASSWORD,
      REQUEST_PASSWORD,
      URI_PASSWORD,
      API_KEY,
      METRICS_TOKEN,
      warehouse: postgres.password,
      airflow: airflow.password,
      ...TOKENS,
      ...DISGUISED_KEY,
    };
    for (const [where, text] of Object.entries(places)) {
      for (const [what, value] of Object.entries(planted)) {
        expect(text.includes(value), `${what} found in ${where}`).toBe(false);
      }
    }
  });
});
