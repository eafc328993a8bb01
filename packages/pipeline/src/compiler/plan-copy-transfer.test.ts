import { describe, expect, it } from 'vitest';
import { transferTaskSchema, type TransferTask } from '../spec/pipeline-spec.js';
import { checkCopyStatement } from './check-copy-statement.js';
import { describeTransferPath } from './plan-native-transfer.js';
import { planCopyTransfer } from './plan-copy-transfer.js';
import type { SourceColumn } from './plan-transfer-columns.js';

const PG: SourceColumn[] = [
  { name: 'id', type: 'bigint', declared: 'bigint' },
  { name: 'amount', type: 'decimal', declared: 'numeric' },
  { name: 'name', type: 'text', declared: 'character varying' },
  { name: 'at', type: 'timestamp', declared: 'timestamp with time zone' },
];

const transfer = (overrides: Record<string, unknown> = {}): TransferTask =>
  transferTaskSchema.parse({
    type: 'transfer',
    id: 'load',
    source: { kind: 'postgres', conn_id: 'shop' },
    source_table: 'orders',
    target: { kind: 'postgres', conn_id: 'reporting' },
    target_table: 'orders_copy',
    ...overrides,
  });

const SQL = 'SELECT "id", "amount", "name", "at" FROM "orders" WHERE ("amount" > 1)';

describe('planCopyTransfer', () => {
  it('PostgreSQL -> PostgreSQL: the streaming SELECT, cast to the target types, as one binary COPY TO STDOUT', () => {
    expect(planCopyTransfer(transfer(), PG, SQL)).toEqual({
      method: 'copy',
      source: 'postgres',
      create: [
        'DROP TABLE IF EXISTS "orders_copy"',
        'CREATE TABLE "orders_copy" ("id" BIGINT, "amount" NUMERIC(18,4), "name" TEXT, "at" TIMESTAMP)',
      ],
      read:
        'COPY (SELECT CAST(_q."id" AS BIGINT), CAST(_q."amount" AS NUMERIC(18,4)), CAST(_q."name" AS TEXT), ' +
        `CAST(_q."at" AS TIMESTAMP) FROM (${SQL}) AS _q) TO STDOUT (FORMAT binary)`,
      write: 'COPY "orders_copy" ("id", "amount", "name", "at") FROM STDIN (FORMAT binary)',
      table: '"orders_copy"',
      columns: ['id', 'amount', 'name', 'at'],
      types: ['bigint', 'numeric(18,4)', 'text', 'timestamp without time zone'],
      zoned: true,
    });
  });

  it('DuckDB -> PostgreSQL: a SELECT that casts what Arrow would write differently from Python, CSV into COPY', () => {
    const duck: SourceColumn[] = PG.map((c) => ({ name: c.name, type: c.type }));
    const plan = planCopyTransfer(
      transfer({ source: { kind: 'duckdb', path: '/d/a.duckdb' }, mode: 'append' }),
      duck,
      'SELECT 1',
    );
    expect(plan).toMatchObject({
      source: 'duckdb',
      create: [
        'CREATE TABLE IF NOT EXISTS "orders_copy" ("id" BIGINT, "amount" NUMERIC(18,4), "name" TEXT, "at" TIMESTAMP)',
      ],
      read: 'SELECT _q."id", _q."amount", CAST(_q."name" AS VARCHAR), CAST(_q."at" AS TIMESTAMP) FROM (SELECT 1) AS _q',
      write: 'COPY "orders_copy" ("id", "amount", "name", "at") FROM STDIN (FORMAT csv)',
    });
    expect(describeTransferPath(plan)).toMatchObject({ path: 'native', method: 'copy' });
  });

  it.each([
    ['a real column (psycopg reads its shortest text)', { name: 'r', type: 'double', declared: 'real' }],
    ['a blank-padded character column', { name: 'c', type: 'text', declared: 'character' }],
    ['a json column (psycopg parses it)', { name: 'j', type: 'text', declared: 'jsonb' }],
    ['a column of unknown declared type', { name: 'x', type: 'text' }],
  ] as [string, SourceColumn][])('streams a PostgreSQL source with %s read without a cast', (_, column) => {
    const columns = [...PG, column];
    const plan = planCopyTransfer(transfer(), columns, SQL);
    expect(plan).toEqual({ reason: expect.stringContaining(`the source column ${column.name} (`) });
    // The same column cast by the source server lands exactly: COPY
    const cast = transfer({ columns: [{ name: 'id' }, { name: column.name, cast: 'text' }] });
    expect(planCopyTransfer(cast, columns, SQL)).toMatchObject({ method: 'copy' });
  });

  it.each([
    ['an upsert', transfer({ mode: 'upsert', keys: ['id'] }), /upsert mode streams/],
    ['an incremental load', transfer({ mode: 'incremental', watermark_column: 'id' }), /incremental mode streams/],
    [
      'the table it replaces',
      transfer({ target: { kind: 'postgres', conn_id: 'shop' }, target_table: 'orders' }),
      /the table it replaces/,
    ],
    ['MySQL into PostgreSQL', transfer({ source: { kind: 'mysql', conn_id: 'm' } }), /from mysql into postgres/],
    ['a computed column without a type', transfer({ columns: [{ name: 'k', expr: 'amount * 2' }] }), /not known/],
  ])('streams %s, and says why', (_, task, reason) => {
    const plan = planCopyTransfer(task, PG, SQL);
    expect('reason' in plan ? plan.reason : '').toMatch(reason);
  });

  it('PostgreSQL without its columns at compile time (as the service compiles it): typed at run time', () => {
    const plan = planCopyTransfer(transfer({ mode: 'append' }), undefined, SQL);
    expect(plan).toMatchObject({
      method: 'copy',
      late: true,
      sourceSql: SQL,
      replace: false,
      table: '"orders_copy"',
      names: null,
      types: null,
      columnTypes: { integer: 'INTEGER', decimal: 'NUMERIC(18,4)', timestamp: 'TIMESTAMP' },
      formatTypes: { timestamp: 'timestamp without time zone' },
    });
    expect(describeTransferPath(plan)).toMatchObject({ how: expect.stringContaining('typed at run time') });
    const listed = transfer({ columns: [{ name: 'id' }, { name: 'n', source: 'name', cast: 'text' }] });
    expect(planCopyTransfer(listed, undefined, SQL)).toMatchObject({
      late: true,
      names: ['id', 'n'],
      types: [null, 'text'],
    });
    // Given columns without their declared types, nothing is typed at run time: it streams.
    const bare = PG.map((c) => ({ name: c.name, type: c.type }));
    expect(planCopyTransfer(transfer(), bare, SQL)).toEqual({ reason: expect.stringContaining('type unknown') });
  });

  it('appends into the very table it reads: COPY (the target keeps its rows, the source snapshot is taken first)', () => {
    const task = transfer({ target: { kind: 'postgres', conn_id: 'shop' }, target_table: 'orders', mode: 'append' });
    expect(planCopyTransfer(task, PG, SQL)).toMatchObject({ method: 'copy' });
  });
});

describe('checkCopyStatement', () => {
  it('lets through the two shapes the compiler builds', () => {
    expect(checkCopyStatement('COPY (SELECT 1) TO STDOUT (FORMAT binary)', 'out')).toBeTruthy();
    expect(checkCopyStatement('COPY "t" ("a") FROM STDIN (FORMAT csv)', 'in')).toBeTruthy();
  });

  it.each([
    ["COPY (SELECT 1) TO '/tmp/x' (FORMAT binary)", 'out'],
    ["COPY (SELECT 1) TO PROGRAM 'touch /tmp/x' (FORMAT binary)", 'out'],
    ['COPY (SELECT 1) TO STDOUT (FORMAT binary); DROP TABLE t', 'out'],
    ["COPY (SELECT 1) TO STDOUT (FORMAT binary, ENCODING 'LATIN1')", 'out'],
    ['COPY (DELETE FROM t RETURNING 1) TO STDOUT (FORMAT binary)', 'out'],
    ['COPY t TO STDOUT (FORMAT binary)', 'out'],
    ["COPY t FROM '/etc/passwd' (FORMAT csv)", 'in'],
    ["COPY t FROM PROGRAM 'id' (FORMAT csv)", 'in'],
    ['COPY other.t FROM STDIN (FORMAT csv)', 'in'],
    ['COPY t FROM STDIN (FORMAT csv) WHERE a > 1', 'in'],
    ['COPY t FROM STDIN (FORMAT text)', 'in'],
    ['SELECT 1', 'in'],
  ] as const)('refuses %s', (sql, direction) => {
    expect(() => checkCopyStatement(sql, direction)).toThrow(/must not run/);
  });
});
