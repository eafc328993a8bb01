import { existsSync, mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { startServiceApp, type ServiceApp } from '../support/start-service-app.js';
import { queryDuckdb } from '../support/query-duckdb.js';
import { createSampleDatabase } from '@airflow-mcp/pipeline';

type ToolResult = { structuredContent?: Record<string, unknown>; isError?: boolean; content: { text?: string }[] };
interface CreateDagOutput {
  sources?: { doc: string; section: string; score: number }[];
  dag_id: string;
  file: string | null;
  deployed: boolean;
  planner: string;
  language: string;
  spec: { schedule: string | null; tasks: { id: string; type: string }[] };
  checks: { step: string; ok: boolean }[];
  run?: { run_id: string; state: string; rows: number | null; target: string; duration_s: number | null };
  message: string;
  code: string;
  timings?: Record<string, number>;
}

const duckdb = queryDuckdb;

describe('create_dag end to end: request -> validated DAG -> Airflow run -> rows in DuckDB', () => {
  const airflow = inject('airflow');
  const suffix = Date.now().toString(36);
  const warehouse = join(airflow.dataDir, `warehouse-${suffix}`);
  let app: ServiceApp;
  let client: Client;
  // Deployed DAGs are deleted afterwards: a derived id left behind would make the next run's pipeline move aside.
  const deployed = new Set<string>();
  const call = async (args: Record<string, unknown>, progress?: string[]) => {
    const result = (await client.callTool({ name: 'create_dag', arguments: args }, undefined, {
      timeout: 300_000,
      ...(progress ? { onprogress: (p: { message?: string }) => progress.push(p.message ?? '') } : {}),
    })) as ToolResult;
    const out = result.structuredContent as { dag_id?: string; deployed?: boolean } | undefined;
    if (out?.deployed && out.dag_id) deployed.add(out.dag_id);
    return result;
  };

  beforeAll(async () => {
    mkdirSync(warehouse, { recursive: true });
    createSampleDatabase(join(warehouse, 'sample.db'));
    const env = {
      ALLOWED_DATA_DIRS: warehouse,
      // The dag_id labels below are off by default (they name tenants).
      METRICS_DAG_LABELS: 'true',
    };
    app = await startServiceApp(airflow, env);
    await app.services.knowledge.corpusReady;
    client = await app.connect();
  });
  afterAll(async () => {
    for (const dagId of deployed) {
      await client?.callTool({ name: 'delete_dag', arguments: { dag_id: dagId } }).catch(() => undefined);
    }
    await app?.close();
  });

  it("runs the owner's Korean request and answers in Korean with 2,000 rows migrated", async () => {
    const progress: string[] = [];
    const result = await call(
      {
        task_description:
          'SQLite의 events 테이블에서 event_id, user_id, event_type, timestamp 컬럼만 선택해서 DuckDB의 analytics.duckdb 파일로 옮겨줘',
        source_db: join(warehouse, 'sample.db'),
        run: true,
        wait: true,
      },
      progress,
    );
    expect(result.isError, result.content[0]?.text).toBeFalsy();
    const out = result.structuredContent as unknown as CreateDagOutput;
    // The derived id, or the one it moves to while another run of this suite holds it (the test Airflow is shared).
    expect(out.dag_id).toMatch(/^sqlite_events_to_duckdb(_\d+)?$/);
    expect(out.language).toBe('ko');
    expect(out.planner).toBe('rules');
    expect(out.checks.filter((c) => !c.ok)).toEqual([]);
    expect(out.checks.map((c) => c.step)).toEqual(
      expect.arrayContaining([
        'spec-schema',
        'source-schema',
        'compile',
        'python-compile',
        'ast-allow-list',
        'airflow-import',
        'airflow-parse',
      ]),
    );
    expect(out.run).toMatchObject({ state: 'success', rows: 2000 });
    expect(out.run?.target).toBe(`duckdb:${join(warehouse, 'analytics.duckdb')}#events`);
    expect(out.message).toContain('마이그레이션 완료');
    // Where the time went (issue 16): every phase from planning to the run's end, each within the total.
    const timings = out.timings ?? {};
    for (const phase of ['plan', 'check.compile', 'python_checks.airflow_import', 'deploy.parse_wait', 'run'])
      expect(timings[phase], phase).toBeGreaterThanOrEqual(0);
    expect(timings['run.airflow.task.load_events']).toBeGreaterThan(0);
    expect(Math.max(...Object.values(timings))).toBe(timings['total']);
    // The Korean request found English knowledge about moving SQLite data into DuckDB (bilingual lexicon).
    expect(out.sources?.length).toBeGreaterThan(0);
    expect(out.sources?.map((s) => s.doc).join(' ')).toMatch(/duckdb/i);
    expect(out.message).toContain('이관된 행: 2,000');
    expect(progress.length).toBeGreaterThan(2);
    // The DuckDB file holds exactly the requested columns and every row.
    const file = join(warehouse, 'analytics.duckdb');
    expect(duckdb(airflow.python, file, 'SELECT COUNT(*), COUNT(DISTINCT event_id) FROM events')).toEqual([
      [2000, 2000],
    ]);
    expect(
      duckdb(
        airflow.python,
        file,
        "SELECT column_name, data_type FROM information_schema.columns WHERE table_name = 'events' ORDER BY ordinal_position",
      ),
    ).toEqual([
      ['event_id', 'BIGINT'],
      ['user_id', 'BIGINT'],
      ['event_type', 'VARCHAR'],
      ['timestamp', 'TIMESTAMP'],
    ]);
    expect(out.code).toContain('# airflow-mcp-rag: generated file');
    // What the run did shows on /metrics, read from Airflow, and Airflow's scheduler lag is scraped live.
    const metrics = await (await fetch(`${app.url}/metrics`)).text();
    expect(metrics).toContain(`airflow_mcp_rows_moved_total{dag_id="${out.dag_id}",task_id="load_events"} 2000`);
    expect(metrics).toContain(`airflow_mcp_dag_runs_total{dag_id="${out.dag_id}",state="success"} 1`);
    expect(metrics).toContain('airflow_mcp_plans_total{planner="rules",outcome="ok"} 1');
    expect(metrics).toMatch(/airflow_mcp_airflow_scheduler_lag_seconds \d/);
    expect(metrics).toContain('airflow_mcp_airflow_up 1');
    expect(metrics).toContain('airflow_mcp_store_up{store="state"} 1');
    expect(metrics).toContain('airflow_mcp_store_up{store="knowledge"} 1');
    expect(metrics).toMatch(/airflow_mcp_retrieval_duration_seconds_count\{use="planning"\} 1/);
    expect(metrics).toMatch(/airflow_mcp_retrieval_score_count [1-9]/);
    expect(out.code).not.toMatch(/password|airflow-mcp-test-pw/);
  });

  it('handles an English request with a rename, a filter, a not-null check and a daily 2 am schedule', async () => {
    const result = await call({
      task_description:
        "Copy the events table from SQLite sample.db into DuckDB analytics.duckdb as table purchases, columns event_id as purchase_id, user_id, amount where event_type = 'purchase' and amount > 0, with a not null check on user_id, every day at 2am, retry 3 times",
      run: true,
      wait: true,
    });
    expect(result.isError, result.content[0]?.text).toBeFalsy();
    const out = result.structuredContent as unknown as CreateDagOutput;
    expect(out.language).toBe('en');
    expect(out.spec.schedule).toBe('0 2 * * *');
    const db = new DatabaseSync(join(warehouse, 'sample.db'), { readOnly: true });
    const expected = (
      db.prepare("SELECT COUNT(*) AS n FROM events WHERE event_type = 'purchase' AND amount > 0").get() as { n: number }
    ).n;
    db.close();
    expect(out.run).toMatchObject({ state: 'success', rows: expected });
    expect(out.message).toMatch(
      new RegExp(
        `Migration completed: dag_id=${out.dag_id}, run_id=\\S+, duration [\\d.]+ s, rows migrated: ${expected.toLocaleString('en-US')}`,
      ),
    );
    expect(
      duckdb(airflow.python, join(warehouse, 'analytics.duckdb'), 'SELECT COUNT(*), MIN(amount) > 0 FROM purchases'),
    ).toEqual([[expected, true]]);
    expect(out.code).toContain('"retries": 3');
  });

  it('upserts idempotently and loads incrementally by a watermark across runs', async () => {
    const upsert = {
      task_description: `sync the users table from SQLite sample.db into DuckDB analytics.duckdb as table users_dim, upsert on id, dag id upsert_users_${suffix}`,
      run: true,
      wait: true,
    };
    for (let i = 0; i < 2; i++) {
      const result = await call(upsert);
      expect(result.isError, result.content[0]?.text).toBeFalsy();
      expect((result.structuredContent as unknown as CreateDagOutput).run).toMatchObject({
        state: 'success',
        rows: 200,
      });
    }
    expect(
      duckdb(airflow.python, join(warehouse, 'analytics.duckdb'), 'SELECT COUNT(*), COUNT(DISTINCT id) FROM users_dim'),
    ).toEqual([[200, 200]]);

    const incremental = {
      task_description: `SQLite sample.db의 events 테이블을 DuckDB analytics.duckdb로 timestamp 기준 증분 적재해줘, 대상 테이블은 events_inc, dag id inc_events_${suffix}`,
      run: true,
      wait: true,
    };
    const rowsOf = async () => {
      const result = await call(incremental);
      expect(result.isError, result.content[0]?.text).toBeFalsy();
      return (result.structuredContent as unknown as CreateDagOutput).run?.rows;
    };
    expect(await rowsOf()).toBe(2000);
    expect(await rowsOf()).toBe(0);
    const db = new DatabaseSync(join(warehouse, 'sample.db'));
    db.exec(
      "INSERT INTO events VALUES (5001, 1, 'purchase', 9.5, 'KR', '2027-01-01 00:00:00'), (5002, 2, 'signup', NULL, 'US', '2027-01-01 01:00:00')",
    );
    db.close();
    expect(await rowsOf()).toBe(2);
    expect(duckdb(airflow.python, join(warehouse, 'analytics.duckdb'), 'SELECT COUNT(*) FROM events_inc')).toEqual([
      [2002],
    ]);
  });

  it('takes a spec filled by the caller: two loads in parallel, then a check that fails on planted data', async () => {
    const resource = await client.readResource({ uri: 'airflow-mcp://schemas/pipeline-spec.json' });
    const schema = JSON.parse((resource.contents[0] as { text: string }).text) as {
      properties: Record<string, unknown>;
    };
    expect(Object.keys(schema.properties)).toEqual(
      expect.arrayContaining(['dag_id', 'schedule', 'tasks', 'dependencies']),
    );
    const target = { kind: 'duckdb', path: 'parallel.duckdb' };
    const source = { kind: 'sqlite', path: 'sample.db' };
    const dagId = `parallel_${suffix}`;
    const result = await call({
      task_description: 'load events and users in parallel, then check event types',
      run: true,
      wait: true,
      spec: {
        dag_id: dagId,
        schedule: '@daily',
        retries: 0,
        tasks: [
          {
            type: 'transfer',
            id: 'load_events',
            source,
            source_table: 'events',
            columns: [
              { name: 'event_id' },
              { name: 'event_type' },
              { name: 'amount_cents', expr: 'round(amount * 100, 0)', cast: 'bigint' },
            ],
            target,
            target_table: 'events',
          },
          { type: 'transfer', id: 'load_users', source, source_table: 'users', target, target_table: 'users' },
          {
            type: 'quality_check',
            id: 'validate',
            connection: target,
            table: 'events',
            checks: [
              { kind: 'row_count', min: 1000 },
              { kind: 'accepted_values', column: 'event_type', values: ['page_view', 'signup', 'purchase', 'refund'] },
            ],
          },
        ],
        dependencies: [
          ['load_events', 'validate'],
          ['load_users', 'validate'],
        ],
      },
    });
    expect(result.isError, result.content[0]?.text).toBeFalsy();
    const out = result.structuredContent as unknown as CreateDagOutput & {
      run: { tasks: { task_id: string; state: string }[]; failed_logs?: { task_id: string; lines: string[] }[] };
    };
    expect(out.planner).toBe('caller');
    expect(out.run.state).toBe('failed');
    expect(out.run.tasks).toEqual(
      expect.arrayContaining([
        { task_id: 'load_events', state: 'success' },
        { task_id: 'load_users', state: 'success' },
        { task_id: 'validate', state: 'failed' },
      ]),
    );
    expect(out.run.failed_logs?.[0]?.task_id).toBe('validate');
    expect(out.run.failed_logs?.[0]?.lines.join('\n')).toMatch(
      /data quality checks failed on events: accepted_values_event_type = \d+/,
    );
    expect(out.message).toMatch(/Run failed: .*failed task: validate/);
    // The incremental test before this one added two events to the source.
    const sqlite = new DatabaseSync(join(warehouse, 'sample.db'), { readOnly: true });
    const events = (sqlite.prepare('SELECT COUNT(*) AS n FROM events').get() as { n: number }).n;
    sqlite.close();
    expect(
      duckdb(
        airflow.python,
        join(warehouse, 'parallel.duckdb'),
        'SELECT (SELECT COUNT(*) FROM events), (SELECT COUNT(*) FROM users)',
      ),
    ).toEqual([[events, 200]]);
  });

  it('inspects SQLite and DuckDB sources', async () => {
    const inspect = async (args: Record<string, unknown>) =>
      (await client.callTool({ name: 'inspect_source', arguments: args })) as ToolResult;
    const tables = (await inspect({ source_db: 'sample.db' })).structuredContent as {
      tables: { name: string; rows: number }[];
    };
    expect(tables.tables.map((t) => t.name)).toEqual(['events', 'users']);
    expect(tables.tables.find((t) => t.name === 'users')?.rows).toBe(200);
    const events = (await inspect({ source_db: 'sample.db', table: 'events' })).structuredContent as {
      columns: { name: string; type: string; primary_key: boolean }[];
    };
    expect(events.columns.slice(0, 2)).toEqual([
      expect.objectContaining({ name: 'event_id', type: 'bigint', primary_key: true }),
      expect.objectContaining({ name: 'user_id', type: 'bigint', primary_key: false }),
    ]);
    const duck = (await inspect({ source_db: 'analytics.duckdb', table: 'events' })).structuredContent as {
      engine: string;
      columns: { name: string; type: string }[];
    };
    expect(duck.engine).toBe('duckdb');
    expect(duck.columns.map((c) => `${c.name}:${c.type}`)).toEqual([
      'event_id:bigint',
      'user_id:bigint',
      'event_type:text',
      'timestamp:timestamp',
    ]);
    const missing = await inspect({ source_db: 'sample.db', table: 'orders' });
    expect(missing.isError).toBe(true);
    expect(missing.content[0]?.text).toContain('Tables: events, users');
    const outside = await inspect({ source_db: '/etc/passwd.db' });
    expect(outside.isError).toBe(true);
  });

  it('create_dags: several requests at once, one failing without sinking the others', async () => {
    const result = (await client.callTool(
      {
        name: 'create_dags',
        arguments: {
          requests: [
            {
              task_description: `copy the users table from SQLite sample.db into DuckDB batch.duckdb, dag id batch_users_${suffix}`,
            },
            { task_description: 'move the orders table from SQLite sample.db to DuckDB' },
            {
              task_description: `copy the events table from SQLite sample.db into DuckDB batch.duckdb, dag id batch_events_${suffix}`,
            },
          ],
          run: true,
          wait: true,
        },
      },
      undefined,
      { timeout: 300_000 },
    )) as ToolResult;
    expect(result.isError, result.content[0]?.text).toBeFalsy();
    const out = result.structuredContent as {
      results: {
        index: number;
        ok: boolean;
        dag_id: string | null;
        run_state: string | null;
        rows: number | null;
        message: string;
      }[];
      succeeded: number;
      failed: number;
    };
    expect(out).toMatchObject({ succeeded: 2, failed: 1 });
    expect(out.results.map((r) => [r.index, r.ok, r.dag_id, r.run_state])).toEqual([
      [0, true, `batch_users_${suffix}`, 'success'],
      [1, false, null, null],
      [2, true, `batch_events_${suffix}`, 'success'],
    ]);
    expect(out.results[1]?.message).toContain('events, users');
    expect(out.results[0]?.rows).toBe(200);
  });

  it('serves every knowledge document as an MCP resource, and searches them', async () => {
    const { resources } = await client.listResources();
    const uris = resources.map((r) => r.uri);
    expect(uris.filter((u) => u.startsWith('knowledge://docs/')).length).toBeGreaterThanOrEqual(50);
    expect(uris).toContain('knowledge://docs/migrations/sqlite-to-duckdb.md');
    const doc = await client.readResource({ uri: 'knowledge://docs/migrations/sqlite-to-duckdb.md' });
    expect((doc.contents[0] as { text: string }).text).toMatch(/DuckDB/);
    const search = (await client.callTool({
      name: 'search_docs',
      arguments: { query: '매일 실행 스케줄 설정', k: 3 },
    })) as ToolResult;
    const results = (search.structuredContent as { results: { doc: string }[] }).results;
    expect(results.length).toBe(3);
    expect(results.map((r) => r.doc).join(' ')).toMatch(/cron|schedul/);
  });

  it('asks instead of guessing when the table does not exist, and writes nothing', async () => {
    const before = readdirSync(airflow.dagsDir).length;
    const result = await call({
      task_description: 'move the orders table from SQLite sample.db to DuckDB',
    });
    expect(result.isError).toBe(true);
    expect(result.content[0]?.text).toContain('events, users');
    expect(readdirSync(airflow.dagsDir).length).toBe(before);
  });

  it('previews without deploying, and refuses files outside the allowed folders', async () => {
    const preview = await call({
      task_description:
        'move the users table from SQLite sample.db into DuckDB preview.duckdb, dag id preview_users_' + suffix,
      deploy: false,
    });
    expect(preview.isError, preview.content[0]?.text).toBeFalsy();
    const out = preview.structuredContent as unknown as CreateDagOutput;
    expect(out.deployed).toBe(false);
    expect(existsSync(join(airflow.dagsDir, `${out.dag_id}.py`))).toBe(false);

    const escape = await call({
      task_description: 'move the events table from SQLite into DuckDB out.duckdb',
      source_db: '../../../../etc/shadow.db',
    });
    expect(escape.isError).toBe(true);
    expect(escape.content[0]?.text).toMatch(/outside the allowed data folders/);
  });
});
