import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { airflowAdminToken } from '../support/airflow-admin-token.js';
import { startServiceApp, type ServiceApp } from '../support/start-service-app.js';
import { mcpToolCalls, type ToolResult } from '../support/mcp-tool-calls.js';
import { queryDuckdb } from '../support/query-duckdb.js';
import { createSampleDatabase } from '@airflow-mcp/pipeline';

interface RunSummary {
  dag_id: string;
  run_id: string;
  state: string;
  tasks: { task_id: string; state: string | null }[];
  failed_logs?: { task_id: string; lines: string[] }[];
}

const duckdb = queryDuckdb;

const CONN_ID = 'warehouse_pg';

describe('PostgreSQL pipelines through a real Airflow, credentials only in an AIRFLOW_CONN_ connection', () => {
  const airflow = inject('airflow');
  const postgres = inject('postgres');
  const suffix = Date.now().toString(36);
  const warehouse = join(airflow.dataDir, `pg-warehouse-${suffix}`);
  const db = new pg.Pool({
    host: postgres.host,
    port: postgres.port,
    user: postgres.user,
    password: postgres.password,
    database: postgres.database,
    max: 2,
  });
  const query = async <T extends Record<string, unknown>>(sql: string, params: unknown[] = []) =>
    (await db.query<T>(sql, params)).rows;
  let app: ServiceApp;
  let client: Client;
  const { createDag, dagFiles } = mcpToolCalls(() => client);

  beforeAll(async () => {
    mkdirSync(warehouse, { recursive: true });
    createSampleDatabase(join(warehouse, 'sample.db'));
    const env = {
      ALLOWED_DATA_DIRS: warehouse,
    };
    app = await startServiceApp(airflow, env);
    client = await app.connect();
  });
  afterAll(async () => {
    await app?.close();
    await db.end();
  });

  it('Airflow knows warehouse_pg only from its environment: the connection is not in its metadata database', async () => {
    const token = await airflowAdminToken(airflow);
    const stored = await fetch(`${airflow.url}/api/v2/connections/${CONN_ID}`, {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(stored.status).toBe(404);
    // And the server itself takes only SCRAM password logins.
    const wrong = new pg.Client({ ...postgres, password: 'not-the-password' });
    await expect(wrong.connect()).rejects.toThrow(/password authentication failed/);
    await wrong.end().catch(() => undefined);
    expect(await query("SELECT extversion FROM pg_extension WHERE extname = 'vector'")).toHaveLength(1);
  });

  it('SQLite -> PostgreSQL from an English request: filtered rows land with sensible types', async () => {
    const table = `purchases_${suffix}`;
    const out = await createDag({
      task_description: `copy the events table from SQLite sample.db into PostgreSQL, connection ${CONN_ID}, as table ${table}, columns event_id, user_id, amount where event_type = 'purchase', retry 0 times, dag id sqlite_to_pg_${suffix}`,
      run: true,
      wait: true,
    });
    expect(out.planner).toBe('rules');
    const sqlite = new DatabaseSync(join(warehouse, 'sample.db'), { readOnly: true });
    const expected = sqlite
      .prepare(
        "SELECT COUNT(*) AS n, SUM(event_id) AS ids, ROUND(SUM(amount), 2) AS total FROM events WHERE event_type = 'purchase'",
      )
      .get() as { n: number; ids: number; total: number };
    sqlite.close();
    expect(expected.n).toBeGreaterThan(100);
    expect(out.run).toMatchObject({
      state: 'success',
      rows: expected.n,
      target: `postgres:conn_id=${CONN_ID}#${table}`,
    });
    const [loaded] = await query<{ n: string; ids: string; total: number }>(
      `SELECT COUNT(*) AS n, SUM(event_id) AS ids, ROUND(SUM(amount)::numeric, 2)::float8 AS total FROM "${table}"`,
    );
    expect({ n: Number(loaded?.n), ids: Number(loaded?.ids), total: loaded?.total }).toEqual(expected);
    const columns = await query<{ column_name: string; data_type: string }>(
      'SELECT column_name, data_type FROM information_schema.columns WHERE table_name = $1 ORDER BY ordinal_position',
      [table],
    );
    expect(columns).toEqual([
      { column_name: 'event_id', data_type: 'bigint' },
      { column_name: 'user_id', data_type: 'bigint' },
      { column_name: 'amount', data_type: 'double precision' },
    ]);
    // The rule planner's quality check ran against PostgreSQL too.
    expect(out.run?.tasks).toEqual(
      expect.arrayContaining([
        { task_id: `load_${table}`, state: 'success' },
        { task_id: `validate_${table}`, state: 'success' },
      ]),
    );
  });

  describe('PostgreSQL -> DuckDB', () => {
    const orders = `orders_${suffix}`;
    beforeAll(async () => {
      await query(
        `CREATE TABLE "${orders}" (order_id bigint PRIMARY KEY, customer_id integer NOT NULL, amount numeric(10,2) NOT NULL, status text NOT NULL, created_at timestamp NOT NULL)`,
      );
      await query(
        `INSERT INTO "${orders}" SELECT g, 1 + g % 97, round(((g * 7.31) % 500)::numeric, 2),
           (ARRAY['paid', 'pending', 'refunded', 'paid'])[1 + g % 4], timestamp '2026-01-01' + g * interval '1 hour'
         FROM generate_series(1, 1000) AS g`,
      );
    });

    it('inspect_source reads the PostgreSQL schema through Airflow (credentials stay in the connection)', async () => {
      const result = (await client.callTool(
        { name: 'inspect_source', arguments: { source_db: `postgres:${CONN_ID}`, table: orders } },
        undefined,
        { timeout: 180_000 },
      )) as ToolResult;
      expect(result.isError, result.content[0]?.text).toBeFalsy();
      const out = result.structuredContent as {
        engine: string;
        tables: { name: string; rows: number }[];
        columns: { name: string; type: string; declared_type: string; nullable: boolean }[];
      };
      expect(out.engine).toBe('postgres');
      expect(out.tables).toEqual([{ name: orders, rows: 1000 }]);
      expect(out.columns.map((c) => `${c.name}:${c.type}:${c.nullable}`)).toEqual([
        'order_id:bigint:false',
        'customer_id:integer:false',
        'amount:decimal:false',
        'status:text:false',
        'created_at:timestamp:false',
      ]);
      expect(JSON.stringify(out)).not.toContain(postgres.password);
      const missing = (await client.callTool(
        { name: 'inspect_source', arguments: { source_db: 'postgres:no_such_conn', table: orders } },
        undefined,
        { timeout: 180_000 },
      )) as ToolResult;
      expect(missing.isError).toBe(true);
      expect(missing.content[0]?.text).toMatch(/could not read the schema through connection "no_such_conn"/);
    });

    it('from a request with source_db postgres:warehouse_pg, a rename and a filter', async () => {
      const out = await createDag({
        task_description: `copy the ${orders} table from PostgreSQL into DuckDB pg.duckdb as table paid_orders, columns order_id, customer_id as customer, amount, created_at where status = 'paid' and amount >= 100, retry 0 times, dag id pg_paid_${suffix}`,
        source_db: `postgres:${CONN_ID}`,
        run: true,
        wait: true,
      });
      expect(out.planner).toBe('rules');
      const [expected] = await query<{ n: string; total: string }>(
        `SELECT COUNT(*) AS n, SUM(amount)::text AS total FROM "${orders}" WHERE status = 'paid' AND amount >= 100`,
      );
      expect(Number(expected?.n)).toBeGreaterThan(100);
      expect(out.run).toMatchObject({ state: 'success', rows: Number(expected?.n) });
      const file = join(warehouse, 'pg.duckdb');
      expect(
        duckdb(airflow.python, file, 'SELECT COUNT(*), SUM(amount)::DECIMAL(18,2)::VARCHAR FROM paid_orders'),
      ).toEqual([[Number(expected?.n), expected?.total]]);
      expect(
        duckdb(
          airflow.python,
          file,
          "SELECT column_name, data_type FROM information_schema.columns WHERE table_name = 'paid_orders' ORDER BY ordinal_position",
        ),
      ).toEqual([
        ['order_id', 'BIGINT'],
        ['customer', 'INTEGER'],
        ['amount', 'DECIMAL(18,4)'],
        ['created_at', 'TIMESTAMP'],
      ]);
      // The planner's read of the table through Airflow types the columns at compile time: DuckDB's scanner, with the
      // text filter run by the server.
      expect(out.code).toContain('Transfer path: native, one DuckDB statement through the postgres scanner');
      expect(out.code).toContain('through postgres_query (the text column status in the filter');
    });

    it('a column list and a number filter: DuckDB scans the attached table, as a user would by hand', async () => {
      const out = await createDag({
        task_description: `copy the ${orders} table from postgres:${CONN_ID} into DuckDB pg_scan.duckdb, columns order_id, customer_id, created_at where customer_id <= 10, dag id pg_scan_${suffix}`,
        run: true,
        wait: true,
      });
      expect(out.code).toContain('scanning the attached table in parallel ranges');
      const expected = (
        await query<{ order_id: string; customer_id: number; created_at: string }>(
          `SELECT order_id, customer_id, to_char(created_at, 'YYYY-MM-DD HH24:MI:SS') AS created_at
           FROM "${orders}" WHERE customer_id <= 10 ORDER BY order_id`,
        )
      ).map((r) => [Number(r.order_id), r.customer_id, r.created_at]);
      expect(expected.length).toBeGreaterThan(90);
      expect(out.run).toMatchObject({ state: 'success', rows: expected.length });
      expect(
        duckdb(
          airflow.python,
          join(warehouse, 'pg_scan.duckdb'),
          `SELECT order_id, customer_id, strftime(created_at, '%Y-%m-%d %H:%M:%S') FROM "${orders}" ORDER BY order_id`,
        ),
      ).toEqual(expected);
    });

    it('"only the refunded ones": a value in words finds its column through Airflow\'s read of the schema', async () => {
      const out = await createDag({
        task_description: `copy the ${orders} table from postgres:${CONN_ID}, only the refunded ones, into DuckDB pg_refunded.duckdb, dag id pg_refunded_${suffix}`,
        run: true,
        wait: true,
      });
      expect(out.planner).toBe('rules');
      expect(out.understood).toMatchObject({
        tables: [{ source_table: orders, filter: "status = 'refunded'" }],
      });
      const [expected] = await query<{ n: string }>(`SELECT COUNT(*) AS n FROM "${orders}" WHERE status = 'refunded'`);
      expect(Number(expected?.n)).toBe(250);
      expect(out.run).toMatchObject({ state: 'success', rows: 250 });
      expect(
        duckdb(
          airflow.python,
          join(warehouse, 'pg_refunded.duckdb'),
          `SELECT COUNT(*), COUNT(*) FILTER (WHERE status = 'refunded') FROM "${orders}"`,
        ),
      ).toEqual([[250, 250]]);
    });

    it("json and jsonb columns land as the server's JSON text, not as Python reprs of parsed values", async () => {
      const docs = `docs_${suffix}`;
      await query(`CREATE TABLE "${docs}" (id integer PRIMARY KEY, doc json, docb jsonb)`);
      await query(
        `INSERT INTO "${docs}" VALUES (1, '{"b": 1.10, "a": [1, "x", null, true]}', '{"b": 1.10, "a": [1, "x", null, true]}'),
           (2, '[{"k": "\uc548\ub155"}, 12345678901234567890.5]', '"just a string"'), (3, NULL, NULL)`,
      );
      const out = await createDag({
        task_description: `copy the ${docs} table from PostgreSQL into DuckDB pg.duckdb as table docs_copy, retry 0 times, dag id pg_json_${suffix}`,
        source_db: `postgres:${CONN_ID}`,
        run: true,
        wait: true,
      });
      expect(out.run).toMatchObject({ state: 'success', rows: 3 });
      const expected = await query<{ id: number; doc: string | null; docb: string | null }>(
        `SELECT id, doc::text AS doc, docb::text AS docb FROM "${docs}" ORDER BY id`,
      );
      expect(expected[0]?.doc).toBe('{"b": 1.10, "a": [1, "x", null, true]}');
      const landed = duckdb(
        airflow.python,
        join(warehouse, 'pg.duckdb'),
        'SELECT id, CAST(doc AS VARCHAR), CAST(docb AS VARCHAR) FROM docs_copy ORDER BY id',
      );
      expect(landed).toEqual(expected.map((r) => [r.id, r.doc, r.docb]));
    });

    it('from a caller-filled spec with a computed, cast column', async () => {
      const out = await createDag({
        task_description: 'orders from PostgreSQL into DuckDB with the amount in cents, paid orders only',
        run: true,
        wait: true,
        spec: {
          dag_id: `pg_cents_${suffix}`,
          retries: 0,
          tasks: [
            {
              type: 'transfer',
              id: 'load_orders',
              source: { kind: 'postgres', conn_id: CONN_ID },
              source_table: orders,
              columns: [
                { name: 'order_id' },
                { name: 'amount_cents', expr: 'round(amount * 100, 0)', cast: 'bigint' },
                { name: 'label', expr: "concat(upper(status), '-', customer_id)", cast: 'text' },
              ],
              filter: "status = 'paid' and customer_id between 10 and 50",
              target: { kind: 'duckdb', path: 'pg.duckdb' },
              target_table: 'order_cents',
            },
          ],
        },
      });
      expect(out.planner).toBe('caller');
      const expected = await query<{ id: string; amount_cents: string; label: string }>(
        `SELECT order_id::text AS id, (amount * 100)::bigint::text AS amount_cents, upper(status) || '-' || customer_id AS label
         FROM "${orders}" WHERE status = 'paid' AND customer_id BETWEEN 10 AND 50 ORDER BY order_id`,
      );
      expect(expected.length).toBeGreaterThan(50);
      expect(out.run).toMatchObject({ state: 'success', rows: expected.length });
      const rows = duckdb(
        airflow.python,
        join(warehouse, 'pg.duckdb'),
        'SELECT order_id::VARCHAR, amount_cents::VARCHAR, label FROM order_cents ORDER BY order_id',
      ) as string[][];
      expect(rows).toEqual(expected.map((r) => [r.id, r.amount_cents, r.label]));
      expect(
        duckdb(
          airflow.python,
          join(warehouse, 'pg.duckdb'),
          "SELECT data_type FROM information_schema.columns WHERE table_name = 'order_cents' ORDER BY ordinal_position",
        ),
      ).toEqual([['BIGINT'], ['BIGINT'], ['VARCHAR']]);
    });
  });

  it('loads two tables into PostgreSQL in parallel, then a check on planted bad data fails the run and is named', async () => {
    // A second SQLite source with three rows that break the not-null rule.
    const raw = new DatabaseSync(join(warehouse, 'raw.db'));
    raw.exec('CREATE TABLE orders_raw (order_id INTEGER PRIMARY KEY, user_id INTEGER, amount REAL)');
    const add = raw.prepare('INSERT INTO orders_raw VALUES (?, ?, ?)');
    raw.exec('BEGIN');
    for (let i = 1; i <= 500; i++) add.run(i, i % 50 === 0 && i <= 150 ? null : 1 + (i % 200), i * 1.5);
    raw.exec('COMMIT');
    raw.close();
    const target = { kind: 'postgres', conn_id: CONN_ID };
    const dagId = `pg_parallel_${suffix}`;
    const out = await createDag({
      task_description: 'load orders and users into PostgreSQL in parallel, then check the orders',
      run: true,
      wait: true,
      spec: {
        dag_id: dagId,
        retries: 0,
        tasks: [
          {
            type: 'transfer',
            id: 'load_orders',
            source: { kind: 'sqlite', path: 'raw.db' },
            source_table: 'orders_raw',
            target,
            target_table: `orders_in_${suffix}`,
          },
          {
            type: 'transfer',
            id: 'load_users',
            source: { kind: 'sqlite', path: 'sample.db' },
            source_table: 'users',
            target,
            target_table: `users_in_${suffix}`,
          },
          {
            type: 'quality_check',
            id: 'check_orders',
            connection: target,
            table: `orders_in_${suffix}`,
            checks: [
              { kind: 'row_count', min: 500 },
              { kind: 'not_null', column: 'user_id' },
              { kind: 'unique', columns: ['order_id'] },
            ],
          },
        ],
        dependencies: [
          ['load_orders', 'check_orders'],
          ['load_users', 'check_orders'],
        ],
      },
    });
    expect(out.run?.state).toBe('failed');
    expect(out.run?.tasks).toEqual(
      expect.arrayContaining([
        { task_id: 'load_orders', state: 'success' },
        { task_id: 'load_users', state: 'success' },
        { task_id: 'check_orders', state: 'failed' },
      ]),
    );
    expect(out.message).toMatch(/failed task: check_orders/);
    // Both loads committed before the check ran.
    const [counts] = await query<{ orders: string; users: string; nulls: string }>(
      `SELECT (SELECT COUNT(*) FROM "orders_in_${suffix}") AS orders, (SELECT COUNT(*) FROM "users_in_${suffix}") AS users,
              (SELECT COUNT(*) FROM "orders_in_${suffix}" WHERE user_id IS NULL) AS nulls`,
    );
    expect(counts).toEqual({ orders: '500', users: '200', nulls: '3' });

    // Airflow's own view of the graph: the loads do not depend on each other, both feed the check.
    const status = (await client.callTool({ name: 'check_dag_status', arguments: { dag_id: dagId } })) as ToolResult;
    expect(status.isError, status.content[0]?.text).toBeFalsy();
    const summary = status.structuredContent as unknown as RunSummary;
    expect(summary).toMatchObject({ dag_id: dagId, run_id: out.run?.run_id, state: 'failed' });
    expect(summary.tasks.find((t) => t.state === 'failed')?.task_id).toBe('check_orders');
    const failedLog = summary.failed_logs?.find((f) => f.task_id === 'check_orders')?.lines.join('\n') ?? '';
    expect(failedLog).toMatch(
      /data quality checks failed on orders_in_\w+: not_null_user_id = 3 \(expected None\.\.0\)/,
    );
    expect(failedLog).not.toMatch(/row_count = \d+ \(expected|unique_order_id = \d+ \(expected/);
    expect(failedLog).not.toContain(postgres.password);

    const token = await fetch(`${airflow.url}/auth/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: airflow.username, password: airflow.password }),
    }).then(async (r) => ((await r.json()) as { access_token: string }).access_token);
    const graph = (await fetch(`${airflow.url}/api/v2/dags/${dagId}/tasks`, {
      headers: { authorization: `Bearer ${token}` },
    }).then((r) => r.json())) as { tasks: { task_id: string; downstream_task_ids: string[] }[] };
    const downstream = Object.fromEntries(graph.tasks.map((t) => [t.task_id, t.downstream_task_ids]));
    expect(downstream).toEqual({ load_orders: ['check_orders'], load_users: ['check_orders'], check_orders: [] });
  });

  it('the generated DAG files name the connection id and never hold the password', () => {
    expect(dagFiles.length).toBe(7);
    for (const file of dagFiles) {
      const code = readFileSync(file, 'utf8');
      expect(code).toContain(`"${CONN_ID}"`);
      expect(code).toContain('PostgresHook(postgres_conn_id=conn_id)');
      expect(code).not.toContain(postgres.password);
      expect(code).not.toMatch(/postgres(?:ql)?:\/\/|AIRFLOW_CONN_|127\.0\.0\.1/);
      expect(code).not.toContain(`:${postgres.port}`);
    }
  });
});
