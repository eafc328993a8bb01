import { describe, expect, it } from 'vitest';
import { transferTaskSchema, type TransferTask } from '../spec/pipeline-spec.js';
import { validateSpec } from '../validate/validate-spec.js';
import { compileDag } from './compile-dag.js';
import { describeTransferPath, planNativeTransfer } from './plan-native-transfer.js';
import type { SourceColumn } from './plan-transfer-columns.js';

const COLUMNS: SourceColumn[] = [
  { name: 'id', type: 'bigint' },
  { name: 'amount', type: 'double' },
  { name: 'name', type: 'text' },
  { name: 'at', type: 'timestamp' },
];

const transfer = (overrides: Record<string, unknown> = {}): TransferTask =>
  transferTaskSchema.parse({
    type: 'transfer',
    id: 'load',
    source: { kind: 'sqlite', path: '/data/shop.db' },
    source_table: 'orders',
    target: { kind: 'duckdb', path: '/data/out.duckdb' },
    target_table: 'orders',
    ...overrides,
  });

const plan = (task: TransferTask, columns: SourceColumn[] | null = COLUMNS) =>
  planNativeTransfer(task, columns ?? undefined, 'SELECT "id" AS "id" FROM "orders"');

describe('planNativeTransfer', () => {
  it('pushes columns, renames, casts and the filter of a SQLite source into one INSERT read through the scanner', () => {
    const native = plan(
      transfer({
        columns: [
          { name: 'order_id', source: 'id' },
          { name: 'total', expr: 'round(amount * 2, 1)', cast: 'decimal' },
          { name: 'day', source: 'at', cast: 'date' },
        ],
        filter: "name <> 'x' and amount between 1 and 10",
      }),
    );
    expect(native).toEqual({
      method: 'scanner',
      scanner: 'sqlite',
      statements: [
        'DROP TABLE IF EXISTS "orders"',
        'CREATE TABLE "orders" ("order_id" BIGINT, "total" DECIMAL(18,4), "day" DATE)',
        'INSERT INTO "orders" ("order_id", "total", "day") SELECT CAST(_q."order_id" AS BIGINT), ' +
          'CAST(_q."total" AS DECIMAL(18,4)), CAST(_q."day" AS DATE) FROM (SELECT "id" AS "order_id", ' +
          'CAST(ROUND(("amount" * 2), 1) AS DECIMAL(18,4)) AS "total", CAST(CAST("at" AS TIMESTAMP) AS DATE) AS "day" ' +
          'FROM _mcp_src."orders" WHERE (("name" <> \'x\') AND ("amount" BETWEEN 1 AND 10))) AS _q',
      ],
      reads: { via: 'attached' },
    });
  });

  it('runs the streaming SELECT of a MySQL source on the server itself, through mysql_query', () => {
    const native = plan(transfer({ source: { kind: 'mysql', conn_id: 'warehouse' }, mode: 'append' }));
    expect(native).toMatchObject({ scanner: 'mysql', reads: { via: 'server' } });
    const statements = 'statements' in native ? native.statements : [];
    expect(statements[0]).toMatch(/^CREATE TABLE IF NOT EXISTS "orders" /);
    expect(statements.at(-1)).toContain(`FROM mysql_query('_mcp_src', 'SELECT "id" AS "id" FROM "orders"') AS _q`);
  });

  it.each([
    ['a division', { filter: 'amount / 2 > 1' }, 'the operator /'],
    ['LIKE', { filter: "name like 'a%'" }, 'LIKE (case-insensitive in SQLite)'],
    ['lower()', { columns: [{ name: 'n', expr: 'lower(name)', cast: 'text' }] }, 'the function lower()'],
  ])('streams a SQLite source whose expressions read differently in DuckDB: %s', (_, overrides, part) => {
    expect(describeTransferPath(plan(transfer(overrides)))).toEqual({
      path: 'streaming',
      reason: `${part} reads differently in DuckDB and SQLite`,
    });
  });

  it.each([
    ['an upsert', transfer({ mode: 'upsert', keys: ['id'] }), COLUMNS, 'upsert mode streams'],
    [
      'SQLite into PostgreSQL',
      transfer({ target: { kind: 'postgres', conn_id: 'w' } }),
      COLUMNS,
      /from sqlite into postgres/,
    ],
    [
      'a target other than DuckDB or PostgreSQL',
      transfer({ target: { kind: 'mysql', conn_id: 'w' } }),
      COLUMNS,
      /into mysql/,
    ],
    ['DuckDB to DuckDB', transfer({ source: { kind: 'duckdb', path: '/data/a.duckdb' } }), COLUMNS, /DuckDB to DuckDB/],
    ['unknown source columns', transfer(), null, /not known at compile time/],
    [
      'a computed column without a type',
      transfer({ columns: [{ name: 'k', expr: "case when amount > 1 then 'big' else 'small' end" }] }),
      COLUMNS,
      /not known at compile time/,
    ],
  ])('streams %s, and says why', (_, task, columns, reason) => {
    const path = describeTransferPath(plan(task, columns));
    expect(path.path).toBe('streaming');
    expect(path.path === 'streaming' ? path.reason : '').toMatch(reason);
  });
});

describe('compileDag transferPaths', () => {
  it('tells each transfer task its path, as the task code does', () => {
    const spec = validateSpec({
      dag_id: 'paths',
      tasks: [
        transfer({ id: 'fast' }),
        transfer({ id: 'slow', source_table: 'orders', filter: "name like 'a%'", target_table: 'b' }),
      ],
    });
    const compiled = compileDag(spec, { airflowMajor: 3, sourceColumns: { fast: COLUMNS, slow: COLUMNS } });
    expect(compiled.transferPaths.map((t) => [t.task, t.path.path])).toEqual([
      ['fast', 'native'],
      ['slow', 'streaming'],
    ]);
    expect(compiled.code).toContain('# Transfer path: native, one DuckDB statement through the sqlite scanner');
    expect(compiled.code).toContain('# Transfer path: streaming (LIKE (case-insensitive in SQLite) reads differently');
  });
});

const PG_COLUMNS: SourceColumn[] = [
  { name: 'id', type: 'bigint' },
  { name: 'qty', type: 'integer' },
  { name: 'paid', type: 'boolean' },
  { name: 'day', type: 'date' },
  { name: 'name', type: 'text' },
  { name: 'amount', type: 'double' },
];
const fromPostgres = (overrides: Record<string, unknown> = {}) =>
  transfer({ source: { kind: 'postgres', conn_id: 'warehouse' }, ...overrides });
const QUERY = `FROM postgres_query('_mcp_src', 'SELECT "id" AS "id" FROM "orders"') AS _q`;

describe('planNativeTransfer from PostgreSQL', () => {
  it('scans the attached table when nothing needs the server, checking at run time that the name is that table', () => {
    const native = plan(fromPostgres(), PG_COLUMNS);
    expect(native).toMatchObject({ method: 'scanner', scanner: 'postgres', reads: { via: 'attached' } });
    if (!('check' in native) || !native.check) throw new Error('no run-time check');
    expect(native.statements.at(-1)).toBe(
      'INSERT INTO "orders" ("id", "qty", "paid", "day", "name", "amount") SELECT CAST(_q."id" AS BIGINT), ' +
        'CAST(_q."qty" AS INTEGER), CAST(_q."paid" AS BOOLEAN), CAST(_q."day" AS DATE), CAST(_q."name" AS VARCHAR), ' +
        'CAST(_q."amount" AS DOUBLE) FROM (SELECT "id", "qty", "paid", "day", "name", "amount" ' +
        'FROM _mcp_src.public."orders") AS _q',
    );
    // The streaming SELECT reads "orders" through the server's search path: the scan only when that is public.orders,
    // with no domain (DuckDB reads a domain as text from a table, as its base type from a query) and no name that
    // DuckDB, which ignores case, could mistake for another
    expect(native.check.sql).toMatch(
      /^SELECT count\(\*\) FROM postgres_query\('_mcp_src', 'SELECT 1 FROM pg_catalog.pg_class c /,
    );
    for (const clause of [
      "WHERE c.oid = pg_catalog.to_regclass(''\"orders\"'') AND n.nspname = ''public'' AND c.relkind = ''r''",
      "AND a.attnum > 0 AND NOT a.attisdropped AND (SELECT t.typtype FROM pg_catalog.pg_type t WHERE t.oid = a.atttypid) <> ''b'')",
      'AND (SELECT count(*) = count(DISTINCT lower(a.attname)) FROM pg_catalog.pg_attribute a',
      'AND lower(o.relname) = lower(c.relname))',
    ]) {
      expect(native.check.sql).toContain(clause);
    }
    expect(native.check.otherwise.slice(0, 2)).toEqual(native.statements.slice(0, 2));
    expect(native.check.otherwise.at(-1)).toContain(QUERY);
    expect(describeTransferPath(native)).toEqual({
      path: 'native',
      method: 'scanner',
      how:
        'one DuckDB statement through the postgres scanner, scanning the attached table in parallel ranges ' +
        '(postgres_query unless the server resolves its name to a plain table in public with columns of base types ' +
        'and names unique in any case), streaming if that fails',
    });
  });

  it('renders renames, casts that change nothing and a filter over integers, booleans and dates in DuckDB', () => {
    const native = plan(
      fromPostgres({
        columns: [
          { name: 'order_id', source: 'id', cast: 'bigint' },
          { name: 'units', source: 'qty', cast: 'bigint' },
          { name: 'paid' },
          { name: 'day', cast: 'date' },
        ],
        filter: 'qty between -1 and 10 and not paid and (day is not null or id in (1, 2)) and day <= day',
      }),
      PG_COLUMNS,
    );
    expect(native).toMatchObject({ reads: { via: 'attached' } });
    expect('statements' in native ? native.statements.at(-1) : '').toContain(
      'FROM (SELECT CAST("id" AS BIGINT) AS "order_id", CAST("qty" AS BIGINT) AS "units", "paid" AS "paid", ' +
        'CAST("day" AS DATE) AS "day" FROM _mcp_src.public."orders" WHERE (((("qty" BETWEEN (-1) AND 10) AND ' +
        '(NOT "paid")) AND (("day" IS NOT NULL) OR ("id" IN (1, 2)))) AND ("day" <= "day"))) AS _q',
    );
  });

  it.each([
    [
      'a computed column',
      { columns: [{ name: 'k', expr: 'qty + 1', cast: 'bigint' }] },
      'the computed column k is evaluated by the server',
    ],
    [
      'a cast to text',
      { columns: [{ name: 'qty', cast: 'text' }] },
      'the cast of qty to text is applied by the server',
    ],
    [
      'a narrowing cast',
      { columns: [{ name: 'id', cast: 'integer' }] },
      'the cast of id to integer is applied by the server',
    ],
    [
      'a cast of a double',
      { columns: [{ name: 'amount', cast: 'double' }] },
      'the cast of amount to double is applied by the server',
    ],
    [
      'a text column in the filter',
      { filter: "name = 'x'" },
      'the text column name in the filter is evaluated by the server',
    ],
    [
      'a double in the filter',
      { filter: 'amount > 1' },
      'the double column amount in the filter is evaluated by the server',
    ],
    ['a string literal', { filter: "day > '2024-01-01'" }, 'a string literal in the filter is evaluated by the server'],
    [
      'a boolean compared with a number',
      { filter: 'paid = 1' },
      'a comparison of boolean with number in the filter is evaluated by the server',
    ],
    ['arithmetic', { filter: 'qty + 1 > 2' }, 'the operator + in the filter is evaluated by the server'],
    ['LIKE', { filter: "name like 'a%'" }, 'LIKE in the filter is evaluated by the server'],
    ['a function', { filter: 'abs(qty) > 1' }, 'the function abs() in the filter is evaluated by the server'],
    [
      'AND over a number',
      { filter: 'qty and paid' },
      'AND, OR or NOT over a number in the filter is evaluated by the server',
    ],
    ['a negated column', { filter: '-qty > 1' }, 'a negated column in the filter is evaluated by the server'],
  ])('runs the streaming SELECT on the server for %s, and says why', (_, overrides, reason) => {
    const native = plan(fromPostgres(overrides), PG_COLUMNS);
    expect(native).toMatchObject({ scanner: 'postgres', reads: { via: 'server', reason } });
    expect(native).not.toHaveProperty('check');
    expect('statements' in native ? native.statements.at(-1) : '').toContain(QUERY);
    const path = describeTransferPath(native);
    expect(path.path === 'native' ? path.how : '').toBe(
      `one DuckDB statement through the postgres scanner, the server running the streaming SELECT through postgres_query (${reason}), streaming if that fails`,
    );
  });

  it('streams an upsert from PostgreSQL, and a table whose columns are not known', () => {
    expect(plan(fromPostgres({ mode: 'upsert', keys: ['id'] }), PG_COLUMNS)).toEqual({ reason: 'upsert mode streams' });
    expect(plan(fromPostgres(), null)).toEqual({
      reason: 'the source columns or their types are not known at compile time',
    });
  });

  it('hands the task the run-time check and the postgres_query statements', () => {
    const spec = validateSpec({
      dag_id: 'scan',
      tasks: [fromPostgres({ id: 'scan' }), fromPostgres({ id: 'query', target_table: 'q', filter: "name = 'x'" })],
    });
    const { code } = compileDag(spec, { airflowMajor: 3, sourceColumns: { scan: PG_COLUMNS, query: PG_COLUMNS } });
    const scan = code.slice(code.indexOf('def t_scan():'), code.indexOf('def t_query():'));
    expect(scan).toContain(
      '# Transfer path: native, one DuckDB statement through the postgres scanner, scanning the attached table',
    );
    expect(scan).toMatch(
      /_native_transfer\("postgres", "warehouse", "\/data\/out.duckdb", \[[^\]]*_mcp_src\.public\.\\"orders\\"[^\]]*\], check="SELECT count\(\*\) FROM postgres_query/,
    );
    expect(scan).toContain('otherwise=[');
    const query = code.slice(code.indexOf('def t_query():'));
    expect(query).toContain('through postgres_query (the text column name in the filter is evaluated by the server)');
    expect(query).not.toContain('check=');
  });
});
