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
    });
  });

  it('runs the streaming SELECT of a server source on the server itself, through postgres_query / mysql_query', () => {
    for (const kind of ['postgres', 'mysql'] as const) {
      const native = plan(transfer({ source: { kind, conn_id: 'warehouse' }, mode: 'append' }));
      expect(native).toMatchObject({ scanner: kind });
      const statements = 'statements' in native ? native.statements : [];
      expect(statements[0]).toMatch(/^CREATE TABLE IF NOT EXISTS "orders" /);
      expect(statements.at(-1)).toContain(`FROM ${kind}_query('_mcp_src', 'SELECT "id" AS "id" FROM "orders"') AS _q`);
    }
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
