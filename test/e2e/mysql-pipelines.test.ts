import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import mysql from 'mysql2/promise';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { airflowAdminToken } from '../support/airflow-admin-token.js';
import { startServiceApp, type ServiceApp } from '../support/start-service-app.js';
import { mcpToolCalls } from '../support/mcp-tool-calls.js';
import { queryDuckdb } from '../support/query-duckdb.js';

interface InspectOutput {
  engine: string;
  tables: { name: string; rows: number | null }[];
  columns: { name: string; type: string | null; declared_type: string; nullable: boolean; primary_key: boolean }[];
}

const MYSQL_CONN = 'warehouse_mysql';
const PG_CONN = 'warehouse_pg';

/** The rows planted in MariaDB: exact values computed here, so every assertion has a known answer. */
interface OrderRow {
  order_id: number;
  customer_id: number;
  /** DECIMAL(10,2) as text, e.g. "123.45" */
  amount: string;
  status: string;
  /** DATETIME(6) as text, e.g. "2026-01-01 05:00:00.000685" */
  created_at: string;
  note: string | null;
}

const STATUSES = ['paid', 'pending', 'refunded', 'paid'];

function orderRow(g: number): OrderRow {
  const cents = (g * 731) % 50_000;
  const at = new Date(Date.UTC(2026, 0, 1) + g * 3_600_000);
  const micros = String((g * 137) % 1_000_000).padStart(6, '0');
  return {
    order_id: g,
    customer_id: 1 + (g % 97),
    amount: `${Math.floor(cents / 100)}.${String(cents % 100).padStart(2, '0')}`,
    status: STATUSES[g % 4] as string,
    created_at: `${at.toISOString().slice(0, 19).replace('T', ' ')}.${micros}`,
    // Korean text, a quote, a percent sign and a backslash must all arrive as they are.
    note: g % 5 === 0 ? null : g % 3 === 0 ? `주문 ${g}번 배송 완료` : `50% off, it's a \\ test ${g}`,
  };
}

describe('MySQL (a real MariaDB) through a real Airflow, credentials only in an AIRFLOW_CONN_ connection', () => {
  const airflow = inject('airflow');
  const server = inject('mysql');
  const postgres = inject('postgres');
  const suffix = Date.now().toString(36);
  const warehouse = join(airflow.dataDir, `mysql-warehouse-${suffix}`);
  const orders = `orders_${suffix}`;
  const planted = Array.from({ length: 1000 }, (_, i) => orderRow(i + 1));
  const my = mysql.createPool({
    host: server.host,
    port: server.port,
    user: server.user,
    password: server.password,
    database: server.database,
    connectionLimit: 2,
    dateStrings: true,
    decimalNumbers: false,
  });
  const myQuery = async <T>(sql: string, params: unknown[] = []) => (await my.query(sql, params))[0] as T[];
  const pgPool = new pg.Pool({ ...postgres, max: 2 });
  let app: ServiceApp;
  let client: Client;
  const { call, createDag, dagFiles } = mcpToolCalls(() => client);
  const duckdb = (file: string, sql: string) => queryDuckdb(airflow.python, join(warehouse, file), sql);

  beforeAll(async () => {
    mkdirSync(warehouse, { recursive: true });
    await my.query(
      `CREATE TABLE \`${orders}\` (order_id BIGINT PRIMARY KEY, customer_id INT UNSIGNED NOT NULL,
         amount DECIMAL(10,2) NOT NULL, status VARCHAR(16) NOT NULL, created_at DATETIME(6) NOT NULL, note TEXT NULL)`,
    );
    await my.query(`INSERT INTO \`${orders}\` VALUES ?`, [planted.map((r) => Object.values(r))]);
    app = await startServiceApp(airflow, { ALLOWED_DATA_DIRS: warehouse });
    client = await app.connect();
  });
  afterAll(async () => {
    await app?.close();
    await my.end();
    await pgPool.end();
  });

  it('Airflow knows warehouse_mysql only from its environment; MariaDB takes only the right password', async () => {
    const token = await airflowAdminToken(airflow);
    const stored = await fetch(`${airflow.url}/api/v2/connections/${MYSQL_CONN}`, {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(stored.status).toBe(404);
    await expect(
      mysql.createConnection({ host: server.host, port: server.port, user: server.user, password: 'not-it' }),
    ).rejects.toThrow(/Access denied for user 'etl'/);
    const [info] = await myQuery<{ v: string; cs: string }>('SELECT VERSION() AS v, @@character_set_database AS cs');
    expect(info).toEqual({ v: expect.stringMatching(/MariaDB/), cs: 'utf8mb4' });
  });

  it('inspect_source reads the MySQL schema through Airflow: unsigned, decimal, datetime(6), keys, rows', async () => {
    const result = await call('inspect_source', { source_db: `mysql:${MYSQL_CONN}`, table: orders });
    expect(result.isError, result.content[0]?.text).toBeFalsy();
    const out = result.structuredContent as unknown as InspectOutput;
    expect(out.engine).toBe('mysql');
    expect(out.tables).toEqual([{ name: orders, rows: 1000 }]);
    expect(out.columns.map((c) => `${c.name}:${c.type}:${c.declared_type}:${c.nullable}:${c.primary_key}`)).toEqual([
      'order_id:bigint:bigint(20):false:true',
      // An unsigned INT can pass 2^31: it lands as bigint.
      'customer_id:bigint:int(10) unsigned:false:false',
      'amount:decimal:decimal(10,2):false:false',
      'status:text:varchar(16):false:false',
      'created_at:timestamp:datetime(6):false:false',
      'note:text:text:true:false',
    ]);
    expect(JSON.stringify(out)).not.toContain(server.password);

    const all = await call('inspect_source', { source_db: `mysql:${MYSQL_CONN}` });
    expect(all.isError, all.content[0]?.text).toBeFalsy();
    expect((all.structuredContent as unknown as InspectOutput).tables.map((t) => t.name)).toContain(orders);

    const missing = await call('inspect_source', { source_db: 'mysql:no_such_conn', table: orders });
    expect(missing.isError).toBe(true);
    expect(missing.content[0]?.text).toMatch(/could not read the schema through connection "no_such_conn" \(mysql\)/);
  });

  it('MySQL -> DuckDB from an English request: columns, a rename, a cast and a filter, exact values', async () => {
    const out = await createDag({
      task_description: `copy the ${orders} table from MySQL into DuckDB my.duckdb as table paid_orders, columns order_id, customer_id as customer, amount, created_at, note where status = 'paid' and amount >= 100, cast amount to double, retry 0 times, dag id mysql_paid_${suffix}`,
      source_db: `mysql:${MYSQL_CONN}`,
      run: true,
      wait: true,
    });
    expect(out.planner).toBe('rules');
    const expected = planted.filter((r) => r.status === 'paid' && Number(r.amount) >= 100);
    expect(expected.length).toBeGreaterThan(300);
    expect(out.run, JSON.stringify(out.run?.failed_logs)).toMatchObject({
      state: 'success',
      rows: expected.length,
      target: `duckdb:${join(warehouse, 'my.duckdb')}#paid_orders`,
    });
    expect(
      duckdb(
        'my.duckdb',
        "SELECT order_id, customer, amount, strftime(created_at, '%Y-%m-%d %H:%M:%S.%f'), note FROM paid_orders ORDER BY order_id",
      ),
    ).toEqual(expected.map((r) => [r.order_id, r.customer_id, Number(r.amount), r.created_at, r.note]));
    expect(
      duckdb(
        'my.duckdb',
        "SELECT column_name, data_type FROM information_schema.columns WHERE table_name = 'paid_orders' ORDER BY ordinal_position",
      ),
    ).toEqual([
      ['order_id', 'BIGINT'],
      ['customer', 'BIGINT'],
      ['amount', 'DOUBLE'],
      ['created_at', 'TIMESTAMP'],
      ['note', 'VARCHAR'],
    ]);
  });

  it('MySQL -> DuckDB incrementally from a caller spec: computed columns, a LIKE with %, only new rows the second time', async () => {
    const dagId = `mysql_inc_${suffix}`;
    const out = await createDag({
      task_description: 'orders from MySQL into DuckDB in cents, incrementally by created_at',
      run: true,
      wait: true,
      spec: {
        dag_id: dagId,
        retries: 0,
        tasks: [
          {
            type: 'transfer',
            id: 'load_orders',
            source: { kind: 'mysql', conn_id: MYSQL_CONN },
            source_table: orders,
            columns: [
              { name: 'order_id' },
              { name: 'amount_cents', expr: 'amount * 100', cast: 'bigint' },
              { name: 'label', expr: "concat(upper(status), '-', customer_id, '%')", cast: 'text' },
              { name: 'created_at' },
            ],
            filter: "status like 'pa%' and customer_id between 10 and 50",
            target: { kind: 'duckdb', path: 'inc.duckdb' },
            target_table: 'order_cents',
            mode: 'incremental',
            watermark_column: 'created_at',
          },
        ],
      },
    });
    expect(out.planner).toBe('caller');
    const wanted = (rows: OrderRow[]) =>
      rows
        .filter((r) => r.status.startsWith('pa') && r.customer_id >= 10 && r.customer_id <= 50)
        .map((r) => [r.order_id, Math.round(Number(r.amount) * 100), `${r.status.toUpperCase()}-${r.customer_id}%`]);
    const first = wanted(planted);
    expect(out.run, JSON.stringify(out.run?.failed_logs)).toMatchObject({ state: 'success', rows: first.length });
    const read = () =>
      duckdb('inc.duckdb', 'SELECT order_id, amount_cents, label FROM order_cents ORDER BY order_id') as unknown[][];
    expect(read()).toEqual(first);

    // Twenty newer orders: the second run reads only what is past the watermark (the driver sees %% and %s).
    const added = Array.from({ length: 20 }, (_, i) => orderRow(1001 + i));
    await my.query(`INSERT INTO \`${orders}\` VALUES ?`, [added.map((r) => Object.values(r))]);
    const again = await call('run_dag', { dag_id: dagId, wait: true, timeout_s: 300 });
    expect(again.isError, again.content[0]?.text).toBeFalsy();
    expect(again.structuredContent).toMatchObject({ state: 'success' });
    expect(read()).toEqual([...first, ...wanted(added)]);
    expect(wanted(added).length).toBeGreaterThan(0);
  });

  it('a Korean request moves a MySQL table into DuckDB and answers in Korean', async () => {
    const out = await createDag({
      task_description: `MySQL 연결 ${MYSQL_CONN}의 ${orders} 테이블에서 order_id, status, note 컬럼만 선택해서 DuckDB의 ko.duckdb 파일로 옮겨줘`,
      run: true,
      wait: true,
    });
    expect(out.planner).toBe('rules');
    const rows = await myQuery<{ order_id: number; status: string; note: string | null }>(
      `SELECT order_id, status, note FROM \`${orders}\` ORDER BY order_id`,
    );
    expect(rows.length).toBe(1020);
    expect(out.run, JSON.stringify(out.run?.failed_logs)).toMatchObject({ state: 'success', rows: 1020 });
    expect(out.message).toMatch(/마이그레이션 완료/);
    expect(out.message).toMatch(/1,020/);
    const table = out.run?.target.split('#')[1] ?? '';
    expect(duckdb('ko.duckdb', `SELECT order_id, status, note FROM "${table}" ORDER BY order_id`)).toEqual(
      rows.map((r) => [Number(r.order_id), r.status, r.note]),
    );
    expect(duckdb('ko.duckdb', `SELECT COUNT(*) FROM "${table}" WHERE note LIKE '주문 %번 배송 완료'`)).toEqual([
      [rows.filter((r) => r.note?.startsWith('주문')).length],
    ]);
  });

  describe('PostgreSQL -> MySQL', () => {
    const source = `pg_orders_${suffix}`;
    const target = `from_pg_${suffix}`;
    const read = async () =>
      (
        await myQuery<{ id: number; customer: string; amount: string; paid: number; created_at: string }>(
          `SELECT id, customer, amount, paid, created_at FROM \`${target}\` ORDER BY id`,
        )
      ).map((r) => [String(r.id), r.customer, r.amount, r.paid === 1, r.created_at]);
    const leftovers = () =>
      myQuery(
        "SELECT table_name FROM information_schema.tables WHERE table_schema = DATABASE() AND table_name LIKE '\\_mcp\\_%'",
      );
    beforeAll(async () => {
      await pgPool.query(
        `CREATE TABLE "${source}" (id bigint PRIMARY KEY, customer text NOT NULL, amount numeric(12,2) NOT NULL,
           paid boolean NOT NULL, created_at timestamp NOT NULL)`,
      );
      await pgPool.query(
        `INSERT INTO "${source}" SELECT g, '고객 ' || g || ' o''brien', round(((g * 13.37) % 900)::numeric, 2), g % 3 = 0,
           timestamp '2026-02-01 00:00:00' + g * interval '1 minute' + (g * 7) * interval '1 microsecond'
         FROM generate_series(1, 500) AS g`,
      );
    });

    it('from an English request into a new MySQL table: rows, values and MySQL types; a rerun swaps the table in', async () => {
      const dagId = `pg_to_mysql_${suffix}`;
      const out = await createDag({
        task_description: `copy the ${source} table from PostgreSQL into MySQL as table ${target}, columns id, customer, amount, paid, created_at where amount > 50, retry 0 times, dag id ${dagId}`,
        source_db: `postgres:${PG_CONN}`,
        target_db: `mysql:${MYSQL_CONN}`,
        run: true,
        wait: true,
      });
      expect(out.planner).toBe('rules');
      const expected = (
        await pgPool.query<{ key: string; customer: string; amount: string; paid: boolean; at: string }>(
          `SELECT id::text AS key, customer, amount::numeric(18,4)::text AS amount, paid,
             to_char(created_at, 'YYYY-MM-DD HH24:MI:SS.US') AS at FROM "${source}" WHERE amount > 50 ORDER BY id`,
        )
      ).rows;
      expect(expected.length).toBeGreaterThan(400);
      expect(out.run, JSON.stringify(out.run?.failed_logs)).toMatchObject({
        state: 'success',
        rows: expected.length,
        target: `mysql:conn_id=${MYSQL_CONN}#${target}`,
      });
      expect(out.run?.tasks).toEqual(
        expect.arrayContaining([
          { task_id: `load_${target}`, state: 'success' },
          { task_id: `validate_${target}`, state: 'success' },
        ]),
      );
      const wanted = expected.map((r) => [r.key, r.customer, r.amount, r.paid, r.at]);
      expect(await read()).toEqual(wanted);
      const types = await myQuery<{ name: string; type: string }>(
        'SELECT column_name AS name, column_type AS type FROM information_schema.columns WHERE table_schema = DATABASE() AND table_name = ? ORDER BY ordinal_position',
        [target],
      );
      expect(types).toEqual([
        { name: 'id', type: 'bigint(20)' },
        { name: 'customer', type: 'longtext' },
        { name: 'amount', type: 'decimal(18,4)' },
        { name: 'paid', type: 'tinyint(1)' },
        { name: 'created_at', type: 'datetime(6)' },
      ]);

      // Replace again over the existing table: loaded aside, swapped in by one RENAME, nothing left behind.
      const rerun = await call('run_dag', { dag_id: dagId, wait: true, timeout_s: 300 });
      expect(rerun.isError, rerun.content[0]?.text).toBeFalsy();
      expect(rerun.structuredContent).toMatchObject({ state: 'success' });
      expect(await read()).toEqual(wanted);
      expect(await leftovers()).toEqual([]);
    });

    it('a replace that fails part-way leaves the MySQL table as it was: the new one is loaded aside', async () => {
      const before = await read();
      expect(before.length).toBeGreaterThan(400);
      // Row 300 divides by zero in PostgreSQL, after two batches of 128 have gone into MySQL.
      const out = await createDag({
        task_description: 'reload the orders into MySQL with a ratio column',
        run: true,
        wait: true,
        spec: {
          dag_id: `pg_to_mysql_fails_${suffix}`,
          retries: 0,
          tasks: [
            {
              type: 'transfer',
              id: 'reload',
              source: { kind: 'postgres', conn_id: PG_CONN },
              source_table: source,
              columns: [{ name: 'id' }, { name: 'ratio', expr: 'amount / (id - 300)', cast: 'double' }],
              target: { kind: 'mysql', conn_id: MYSQL_CONN },
              target_table: target,
              batch_size: 128,
            },
          ],
        },
      });
      expect(out.run?.state).toBe('failed');
      const log = out.run?.failed_logs?.find((f) => f.task_id === 'reload')?.lines.join('\n') ?? '';
      expect(log).toMatch(/division by zero/);
      expect(await read()).toEqual(before);
      expect(await leftovers()).toEqual([]);
    });

    it('upserts into a MySQL table the user made (with its own primary key), keeping rows the source lacks', async () => {
      const latest = `latest_${suffix}`;
      await my.query(
        `CREATE TABLE \`${latest}\` (id BIGINT PRIMARY KEY, customer VARCHAR(100) NOT NULL, amount DECIMAL(12,2) NOT NULL,
           paid TINYINT(1) NOT NULL, created_at DATETIME(6) NOT NULL)`,
      );
      await my.query(
        `INSERT INTO \`${latest}\` VALUES (1, 'stale', 0.01, 1, '2000-01-01'), (9999, 'kept', 1.00, 0, '2000-01-01')`,
      );
      const out = await createDag({
        task_description: 'upsert the PostgreSQL orders into MySQL on id',
        run: true,
        wait: true,
        spec: {
          dag_id: `pg_upsert_mysql_${suffix}`,
          retries: 0,
          tasks: [
            {
              type: 'transfer',
              id: 'upsert_orders',
              source: { kind: 'postgres', conn_id: PG_CONN },
              source_table: source,
              target: { kind: 'mysql', conn_id: MYSQL_CONN },
              target_table: latest,
              mode: 'upsert',
              keys: ['id'],
              batch_size: 128,
            },
            {
              type: 'quality_check',
              id: 'check_latest',
              connection: { kind: 'mysql', conn_id: MYSQL_CONN },
              table: latest,
              checks: [
                { kind: 'row_count', min: 501, max: 501 },
                { kind: 'unique', columns: ['id'] },
                { kind: 'not_null', column: 'customer' },
              ],
            },
          ],
          dependencies: [['upsert_orders', 'check_latest']],
        },
      });
      expect(out.run, JSON.stringify(out.run?.failed_logs)).toMatchObject({ state: 'success', rows: 500 });
      const [pgSum] = (
        await pgPool.query<{ total: string }>(`SELECT SUM(amount)::text AS total FROM "${source}" WHERE id <> 9999`)
      ).rows;
      const [mySum] = await myQuery<{ n: number; total: string; stale: number; kept: string }>(
        `SELECT COUNT(*) AS n, SUM(CASE WHEN id <> 9999 THEN amount END) AS total,
           SUM(customer = 'stale') AS stale, MAX(CASE WHEN id = 9999 THEN customer END) AS kept FROM \`${latest}\``,
      );
      expect({ ...mySum, n: Number(mySum?.n), stale: Number(mySum?.stale) }).toEqual({
        n: 501,
        total: pgSum?.total,
        stale: 0,
        kept: 'kept',
      });
      const [one] = await myQuery<{ customer: string }>(`SELECT customer FROM \`${latest}\` WHERE id = 1`);
      expect(one?.customer).toBe("고객 1 o'brien");
    });
  });

  it('the generated DAG files name the connection id, open it with PyMySQL and never hold the password', () => {
    expect(dagFiles.length).toBe(6);
    for (const file of dagFiles) {
      const code = readFileSync(file, 'utf8');
      expect(code).toContain(`"${MYSQL_CONN}"`);
      expect(code).toContain('pymysql.connect(');
      expect(code).not.toContain('MySqlHook(mysql_conn_id=');
      expect(code).not.toContain(server.password);
      expect(code).not.toContain(postgres.password);
      expect(code).not.toMatch(/mysql:\/\/|postgres(?:ql)?:\/\/|AIRFLOW_CONN_|127\.0\.0\.1/);
      expect(code).not.toContain(`:${server.port}`);
    }
  });
});
