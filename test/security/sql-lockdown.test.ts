import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import mysql from 'mysql2/promise';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import {
  createAirflowClient,
  createDagDeployer,
  followRun,
  newRunId,
  renderDagFileHeader,
  summarizeRun,
} from '@airflow-mcp/airflow';
import { checkSqlStatement, compileDag, createSampleDatabase, validateSpec } from '@airflow-mcp/pipeline';
import { mcpToolCalls } from '../support/mcp-tool-calls.js';
import { queryDuckdb } from '../support/query-duckdb.js';
import { startServiceApp, type ServiceApp } from '../support/start-service-app.js';

/**
 * SQL that can only do what the spec says, end to end: legitimate sql tasks and custom_sql checks deploy and run
 * through the real Airflow after the engines' lockdown; hostile ones are refused before any file is written; and
 * when a DAG carries hostile SQL anyway (a generated file tampered with after the checks), DuckDB and SQLite refuse
 * it at run time and nothing lands on disk.
 */
describe('SQL in specs: parsed, allow-listed, and locked down at run time', () => {
  const airflow = inject('airflow');
  const suffix = Date.now().toString(36);
  const warehouse = join(airflow.dataDir, `sqlguard-${suffix}`);
  const sample = join(warehouse, 'sample.db');
  const duck = join(warehouse, 'guard.duckdb');
  const postgres = inject('postgres');
  const server = inject('mysql');
  const pgTable = `sqlguard_events_${suffix}`;
  const pgSequence = `sqlguard_seq_${suffix}`;
  const login = (db: typeof postgres) => ({
    host: db.host,
    port: db.port,
    user: db.user,
    password: db.password,
    database: db.database,
  });
  const pgDb = new pg.Pool({ ...login(postgres), max: 1 });
  const myDb = mysql.createPool({ ...login(server), connectionLimit: 1 });
  let app: ServiceApp;
  let client: Client;
  const tools = mcpToolCalls(() => client);
  const airflowClient = createAirflowClient({
    baseUrl: airflow.url,
    username: airflow.username,
    password: airflow.password,
  });
  const deployer = createDagDeployer({ client: airflowClient, dagsDir: airflow.dagsDir, pollMs: 250 });

  /** A DuckDB file made with the DuckDB the DAGs use, holding what `sql` creates. */
  function makeDuckdb(file: string, sql: string): void {
    const made = spawnSync(airflow.python, [
      '-c',
      'import duckdb, sys\nduckdb.connect(sys.argv[1]).execute(sys.argv[2])',
      file,
      sql,
    ]);
    expect(made.status, made.stderr?.toString()).toBe(0);
  }

  /** Deploys a compiled DAG as it is (no ladder), runs it once, and returns its tasks' states and first-try logs. */
  async function deployAndRun(dagId: string, code: string) {
    const header = renderDagFileHeader({ dagId, specHash: 'test', version: 1, generator: 'test' });
    await deployer.deploy({ dagId, source: `${header}\n${code}` });
    try {
      const runId = newRunId();
      await airflowClient.trigger(dagId, { runId });
      const followed = await followRun({ client: airflowClient, dagId, runId, timeoutMs: 240_000, pollMs: 1000 });
      const summary = await summarizeRun(airflowClient, followed.run, followed.tasks);
      const states = Object.fromEntries(summary.tasks.map((t) => [t.task_id, t.state]));
      // A task's log may still be on its way to the API when the run ends: read it until the runner's last group.
      const logOf = async (task: string) => {
        let text = '';
        for (let i = 0; i < 20 && !text.includes('Post Execute'); i++) {
          if (i > 0) await new Promise((r) => setTimeout(r, 1000));
          text = (await airflowClient.taskLogs(dagId, runId, task, 1)).lines.map((l) => l.event).join('\n');
        }
        return text;
      };
      const logs: Record<string, string> = {};
      for (const [task, state] of Object.entries(states)) logs[task] = state === 'failed' ? await logOf(task) : '';
      return { state: followed.run.state, states, logs };
    } finally {
      await deployer.remove(dagId);
    }
  }

  beforeAll(async () => {
    mkdirSync(warehouse, { recursive: true });
    createSampleDatabase(sample);
    app = await startServiceApp(airflow, { ALLOWED_DATA_DIRS: warehouse });
    client = await app.connect();
  });
  afterAll(async () => {
    await app?.close();
    await pgDb.query(`DROP TABLE IF EXISTS ${pgTable}; DROP SEQUENCE IF EXISTS ${pgSequence}`);
    await myDb.query(`DROP TABLE IF EXISTS ${pgTable}`);
    await pgDb.end();
    await myDb.end();
  });

  it('runs a caller spec with a sql task and custom_sql checks after the lockdown, with the right results', async () => {
    const out = await tools.createDag({
      task_description: 'copy events to DuckDB, count them by type and check them',
      spec: {
        dag_id: `sqlguard_ok_${suffix}`,
        retries: 0,
        tasks: [
          {
            type: 'transfer',
            id: 'load',
            source: { kind: 'sqlite', path: sample },
            source_table: 'events',
            target: { kind: 'duckdb', path: duck },
            target_table: 'events',
          },
          {
            type: 'sql',
            id: 'summarise',
            connection: { kind: 'duckdb', path: duck },
            sql: 'CREATE OR REPLACE TABLE events_by_type AS SELECT event_type, COUNT(*) AS n FROM events GROUP BY event_type;',
          },
          {
            type: 'quality_check',
            id: 'validate',
            connection: { kind: 'duckdb', path: duck },
            table: 'events',
            checks: [
              { kind: 'custom_sql', name: 'no_missing_ids', sql: 'SELECT * FROM events WHERE event_id IS NULL -- ids' },
              {
                kind: 'custom_sql',
                name: 'every_type_counted',
                sql: 'WITH t AS (SELECT DISTINCT event_type FROM events) SELECT * FROM t WHERE event_type NOT IN (SELECT event_type FROM events_by_type)',
              },
            ],
          },
          {
            type: 'quality_check',
            id: 'check_source',
            connection: { kind: 'sqlite', path: sample },
            table: 'events',
            checks: [{ kind: 'custom_sql', name: 'no_negative_ids', sql: 'SELECT * FROM events WHERE event_id < 0' }],
          },
        ],
        dependencies: [
          ['load', 'summarise'],
          ['summarise', 'validate'],
        ],
      },
      run: true,
      wait: true,
    });
    expect(out.run?.state).toBe('success');
    expect(out.run?.tasks.map((t) => t.state)).toEqual(['success', 'success', 'success', 'success']);
    expect(out.code).toContain('SET enable_external_access = false');
    expect(queryDuckdb(airflow.python, duck, 'SELECT SUM(n) FROM events_by_type')).toEqual([[2000]]);
  });

  it('runs custom_sql checks on PostgreSQL and MySQL inside READ ONLY transactions', async () => {
    const source = { kind: 'sqlite', path: sample };
    const out = await tools.createDag({
      task_description: 'copy events to PostgreSQL and MySQL and check them there',
      spec: {
        dag_id: `sqlguard_servers_${suffix}`,
        retries: 0,
        tasks: [
          ...(['postgres', 'mysql'] as const).flatMap((kind) => {
            const connection = { kind, conn_id: kind === 'postgres' ? 'warehouse_pg' : 'warehouse_mysql' };
            return [
              {
                type: 'transfer',
                id: `load_${kind}`,
                source,
                source_table: 'events',
                target: connection,
                target_table: pgTable,
              },
              {
                type: 'quality_check',
                id: `check_${kind}`,
                connection,
                table: pgTable,
                checks: [
                  { kind: 'row_count', min: 2000, max: 2000 },
                  {
                    kind: 'custom_sql',
                    name: 'one_row_per_event',
                    sql: `SELECT event_id FROM ${pgTable} GROUP BY event_id HAVING COUNT(*) > 1`,
                  },
                ],
              },
            ];
          }),
        ],
        dependencies: [
          ['load_postgres', 'check_postgres'],
          ['load_mysql', 'check_mysql'],
        ],
      },
      run: true,
      wait: true,
    });
    expect(out.run?.state).toBe('success');
    expect(out.code).toContain('_read_only("postgres", con)');
    expect(out.code).toContain('_read_only("mysql", con)');
  });

  it('what the parser accepts as one harmless statement, each engine runs as one harmless statement', async () => {
    // Quotes, dollar quotes and nested comments that hide a second statement from a naive scanner: the parser and
    // both engines must agree on where the statement ends, or a check could carry a write past the parser.
    const pwn = `sqlguard_pwn_${suffix}`;
    const tricky = [
      `SELECT E'\\'; CREATE TABLE ${pwn} AS SELECT 1; --' AS x`,
      `SELECT $x$ $$ ; CREATE TABLE ${pwn} AS SELECT 1; $x$ AS y`,
      `SELECT 1 /* /* nested */ ; CREATE TABLE ${pwn} AS SELECT 1; */ AS z`,
      `SELECT 'it''s; CREATE TABLE ${pwn} AS SELECT 1; --' AS w`,
      `SELECT 1 AS v -- ; CREATE TABLE ${pwn} AS SELECT 1`,
    ];
    for (const sql of tricky) {
      for (const dialect of ['duckdb', 'postgres'] as const) {
        expect(checkSqlStatement(sql, { where: 'check', readOnly: true, dialect })).toBe(sql);
      }
      await pgDb.query(sql);
    }
    expect((await pgDb.query(`SELECT to_regclass('${pwn}') AS t`)).rows).toEqual([{ t: null }]);
    const script =
      'import duckdb, json, sys\ncon = duckdb.connect()\nfor q in json.loads(sys.argv[1]):\n    con.execute(q)\n' +
      'print(json.dumps(con.execute("SELECT COUNT(*) FROM information_schema.tables").fetchall()))';
    const ran = spawnSync(airflow.python, ['-c', script, JSON.stringify(tricky)], { encoding: 'utf8' });
    expect(ran.stderr).toBe('');
    expect(JSON.parse(ran.stdout)).toEqual([[0]]);

    // MySQL (MariaDB, with every statement of a text run) and SQLite (exec runs them all) with their own comments.
    const mysqlTricky = [
      `SELECT 'it''s; CREATE TABLE ${pwn} (a INT); -- ' AS w`,
      `SELECT 1 AS v -- ; CREATE TABLE ${pwn} (a INT)`,
      `SELECT 1 AS v # ; CREATE TABLE ${pwn} (a INT)`,
      `SELECT "a; CREATE TABLE ${pwn} (a INT)" AS q`,
    ];
    const multi = await mysql.createConnection({ ...login(server), multipleStatements: true });
    try {
      for (const sql of mysqlTricky) {
        expect(checkSqlStatement(sql, { where: 'check', readOnly: true, dialect: 'mysql' })).toBe(sql);
        await multi.query(sql);
      }
      const [found] = await multi.query('SELECT COUNT(*) AS n FROM information_schema.tables WHERE table_name = ?', [
        pwn,
      ]);
      expect(found).toEqual([{ n: 0 }]);
    } finally {
      await multi.end();
    }
    const lite = new DatabaseSync(':memory:');
    for (const sql of mysqlTricky.slice(0, 2)) {
      expect(checkSqlStatement(sql, { where: 'check', readOnly: true, dialect: 'sqlite' })).toBe(sql);
      lite.exec(sql);
    }
    expect(lite.prepare("SELECT COUNT(*) AS n FROM sqlite_master WHERE type = 'table'").get()).toEqual({ n: 0 });
    lite.close();
  });

  it('refuses hostile caller specs before anything is written', async () => {
    const payload = join(airflow.dagsDir, `sqlguard_payload_${suffix}.py`);
    const hostile: [string, Record<string, unknown>, RegExp][] = [
      [
        'copy_to_dags',
        {
          type: 'sql',
          id: 'evil',
          connection: { kind: 'duckdb', path: duck },
          sql: `COPY (SELECT 'import os') TO '${payload}' (FORMAT csv, HEADER false)`,
        },
        /COPY is not allowed/,
      ],
      [
        'read_host_file',
        {
          type: 'quality_check',
          id: 'evil',
          connection: { kind: 'duckdb', path: duck },
          table: 'events',
          checks: [{ kind: 'custom_sql', name: 'leak', sql: "SELECT * FROM read_csv('/etc/passwd')" }],
        },
        /function in FROM/,
      ],
      [
        'attach',
        { type: 'sql', id: 'evil', connection: { kind: 'duckdb', path: duck }, sql: "ATTACH '/tmp/x.duckdb' AS x" },
        /does not parse/,
      ],
      [
        'pg_dollar_quote',
        {
          type: 'quality_check',
          id: 'evil',
          connection: { kind: 'postgres', conn_id: 'warehouse_pg' },
          table: 'events',
          checks: [{ kind: 'custom_sql', name: 'drop', sql: 'SELECT $$x$$; DROP TABLE events; COMMIT' }],
        },
        /exactly one statement/,
      ],
    ];
    for (const [name, task, why] of hostile) {
      const dagId = `sqlguard_${name}_${suffix}`;
      // Beside a legitimate load, so the spec answers its request and only its SQL is wrong.
      const load = {
        type: 'transfer',
        id: 'load',
        source: { kind: 'sqlite', path: sample },
        source_table: 'events',
        target: { kind: 'duckdb', path: duck },
        target_table: 'events',
      };
      const result = await tools.call('create_dag', {
        task_description: 'copy events to DuckDB, count them by type and check them',
        spec: { dag_id: dagId, tasks: [load, task] },
        run: true,
      });
      expect(result.isError, name).toBe(true);
      expect(result.content[0]?.text, name).toMatch(why);
      expect(result.content[0]?.text, name).toMatch(/Allowed: /);
      expect(existsSync(join(airflow.dagsDir, `${dagId}.py`)), name).toBe(false);
    }
    expect(existsSync(payload)).toBe(false);
  });

  it('loads into a locked-down DuckDB in every mode, an existing table filled by column name', async () => {
    // Batches reach DuckDB through the relation API in the table's own column order (not a scan of a Python name,
    // which the lockdown turns off): an existing table with other columns, in another order, gets NULL there.
    const target = join(warehouse, 'modes.duckdb');
    makeDuckdb(target, 'CREATE TABLE events_app (extra VARCHAR, event_type VARCHAR, event_id BIGINT)');
    const into = { kind: 'duckdb', path: target };
    const from = { kind: 'sqlite', path: sample };
    const spec = validateSpec({
      dag_id: `sqlguard_modes_${suffix}`,
      retries: 0,
      tasks: [
        {
          type: 'transfer',
          id: 'upsert_users',
          source: from,
          source_table: 'users',
          target: into,
          target_table: 'users_dim',
          mode: 'upsert',
          keys: ['id'],
        },
        {
          type: 'transfer',
          id: 'append_events',
          source: from,
          source_table: 'events',
          columns: [{ name: 'event_id' }, { name: 'event_type' }],
          target: into,
          target_table: 'events_app',
          mode: 'append',
        },
        {
          type: 'transfer',
          id: 'inc_events',
          source: from,
          source_table: 'events',
          target: into,
          target_table: 'events_inc',
          mode: 'incremental',
          watermark_column: 'timestamp',
        },
        // A DuckDB source in the target's own file: one instance per process, opened once and locked once.
        {
          type: 'transfer',
          id: 'copy_inside',
          source: into,
          source_table: 'events_inc',
          target: into,
          target_table: 'events_copy',
        },
      ],
      dependencies: [
        ['inc_events', 'copy_inside'],
        ['upsert_users', 'append_events'],
        ['append_events', 'inc_events'],
      ],
    });
    const run = await deployAndRun(spec.dag_id, compileDag(spec, { airflowMajor: 3 }).code);
    expect(run.state, JSON.stringify(run.logs).slice(-2000)).toBe('success');
    expect(
      queryDuckdb(
        airflow.python,
        target,
        'SELECT (SELECT COUNT(DISTINCT id) FROM users_dim), (SELECT COUNT(*) FROM events_app WHERE extra IS NULL AND event_type IS NOT NULL), (SELECT COUNT(*) FROM events_inc), (SELECT COUNT(*) FROM events_copy)',
      ),
    ).toEqual([[200, 2000, 2000, 2000]]);
  });

  it('when a DAG file carries hostile SQL anyway, the engines refuse it at run time and nothing lands', async () => {
    // A legitimate spec, compiled; then its checked statements are swapped for hostile ones in the file, as if
    // the static checks had been passed by. What stops them now is the lockdown in the generated helpers.
    const dagId = `sqlguard_tampered_${suffix}`;
    const secret = join(warehouse, 'secret.txt');
    writeFileSync(secret, 'sqlguard-secret-value\n');
    const payload = join(airflow.dagsDir, `sqlguard_runtime_${suffix}.py`);
    const exported = join(warehouse, `exported_${suffix}.csv`);
    const attached = join(warehouse, `attached_${suffix}.db`);
    // Its own DuckDB file, so this case does not lean on the others.
    const duck = join(warehouse, 'tampered.duckdb');
    makeDuckdb(duck, 'CREATE TABLE events (event_id BIGINT)');
    const spec = validateSpec({
      dag_id: dagId,
      retries: 0,
      tasks: [
        { type: 'sql', id: 'duck_copy', connection: { kind: 'duckdb', path: duck }, sql: 'SELECT 101 AS a' },
        { type: 'sql', id: 'duck_export', connection: { kind: 'duckdb', path: duck }, sql: 'SELECT 102 AS a' },
        { type: 'sql', id: 'sqlite_attach', connection: { kind: 'sqlite', path: sample }, sql: 'SELECT 103 AS a' },
        {
          type: 'quality_check',
          id: 'pg_write',
          connection: { kind: 'postgres', conn_id: 'warehouse_pg' },
          table: pgTable,
          checks: [{ kind: 'custom_sql', name: 'advance', sql: 'SELECT 105 AS a' }],
        },
        {
          type: 'quality_check',
          id: 'duck_read',
          connection: { kind: 'duckdb', path: duck },
          table: 'events',
          checks: [{ kind: 'custom_sql', name: 'leak', sql: 'SELECT 104 AS a' }],
        },
      ],
    });
    const swaps: [string, string][] = [
      ['SELECT 101 AS a', `COPY (SELECT 'import os') TO '${payload}' (FORMAT csv, HEADER false)`],
      ['SELECT 102 AS a', `COPY (SELECT 42 AS answer) TO '${exported}' (HEADER)`],
      ['SELECT 103 AS a', `ATTACH DATABASE '${attached}' AS other`],
      ['SELECT 104 AS a', `SELECT * FROM read_text('${secret}')`],
      ['SELECT 105 AS a', `SELECT nextval('${pgSequence}') AS a`],
    ];
    await pgDb.query(`CREATE SEQUENCE ${pgSequence}`);
    let code = compileDag(spec, { airflowMajor: 3 }).code;
    for (const [from, to] of swaps) {
      expect(code).toContain(from);
      code = code.replace(from, to);
    }
    const run = await deployAndRun(dagId, code);
    expect(run.state).toBe('failed');
    expect(run.states).toEqual({
      duck_copy: 'failed',
      duck_export: 'failed',
      sqlite_attach: 'failed',
      duck_read: 'failed',
      pg_write: 'failed',
    });
    expect(run.logs['duck_copy']).toMatch(/file system operations are disabled by configuration/);
    expect(run.logs['duck_export']).toMatch(/file system operations are disabled by configuration/);
    expect(run.logs['duck_read']).toMatch(/file system operations are disabled by configuration/);
    expect(run.logs['sqlite_attach']).toMatch(/not authorized/);
    expect(run.logs['pg_write']).toMatch(/cannot execute nextval\(\) in a read-only transaction/);
    expect(Object.values(run.logs).join('\n')).not.toContain('sqlguard-secret-value');
    // Nothing landed: no Python file in the dags folder, no export, no attached database file.
    expect(existsSync(payload)).toBe(false);
    expect(existsSync(exported)).toBe(false);
    expect(existsSync(attached)).toBe(false);
    // The sequence was never advanced: the READ ONLY transaction refused the write.
    expect((await pgDb.query(`SELECT is_called FROM ${pgSequence}`)).rows).toEqual([{ is_called: false }]);
    expect(readdirSync(airflow.dagsDir).filter((f) => f.includes(`sqlguard_runtime_${suffix}`))).toEqual([]);
  });
});
