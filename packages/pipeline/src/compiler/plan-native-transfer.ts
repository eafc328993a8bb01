import { parseExpression, type ExprNode } from '../expression/parse-expression.js';
import { renderExpression } from '../expression/render-expression.js';
import { sqlDialect } from '../expression/sql-dialect.js';
import type { TransferTask } from '../spec/pipeline-spec.js';
import { planCopyTransfer, type CopyTransfer } from './plan-copy-transfer.js';
import { planPostgresScan } from './plan-postgres-scan.js';
import { createTargetTable, planTransferColumns, type SourceColumn } from './plan-transfer-columns.js';

/** Which path a transfer task takes at run time, as the compile result and the preview tell it. */
export type TransferPath =
  { path: 'native'; method: 'scanner' | 'copy'; how: string } | { path: 'streaming'; reason: string };

/** The native path into DuckDB: the statements DuckDB runs, the last one an INSERT whose count is the rows moved. */
export interface ScannerTransfer {
  method: 'scanner';
  scanner: 'sqlite' | 'postgres' | 'mysql';
  statements: string[];
  /** How the INSERT reads the source: the attached file or table, or the server running the streaming SELECT, and why. */
  reads: { via: 'attached' } | { via: 'server'; reason: string };
  /**
   * A PostgreSQL table scanned through the attached database: a statement counting 1 when the streaming SELECT's
   * table name resolves, on the server, to that plain table in public, every column of a base type (no domain, enum
   * or composite) and no table or column name differing from another by case alone; otherwise the postgres_query
   * statements run.
   */
  check?: { sql: string; otherwise: string[] };
}

/** A transfer's native path: DuckDB's scanner into DuckDB, or one COPY stream into PostgreSQL. */
export type NativeTransfer = ScannerTransfer | CopyTransfer;

/** The alias a source is attached under inside the target's DuckDB (fixed text, never user input). */
export const NATIVE_SOURCE = '_mcp_src';

// Expression parts DuckDB evaluates exactly as SQLite does. Not: `/` and `%` (integer division and remainder in
// SQLite), LIKE (case-insensitive in SQLite), lower/upper (ASCII only in SQLite), substr (negative starts differ).
const PORTABLE_FUNCTIONS = new Set(['trim', 'length', 'coalesce', 'nullif', 'round', 'abs', 'concat']);
const PORTABLE_OPERATORS = new Set(['+', '-', '*', '=', '<>', '!=', '<', '>', '<=', '>=', 'AND', 'OR', '||']);

/** The first part of an expression that SQLite and DuckDB could read differently, or undefined. */
function notPortable(node: ExprNode): string | undefined {
  const first = (nodes: ExprNode[]) => nodes.map(notPortable).find((x) => x !== undefined);
  switch (node.kind) {
    case 'column':
    case 'number':
    case 'string':
    case 'boolean':
    case 'null':
      return undefined;
    case 'unary':
    case 'isnull':
      return notPortable(node.arg);
    case 'binary':
      return PORTABLE_OPERATORS.has(node.op.toUpperCase()) ? first([node.left, node.right]) : `the operator ${node.op}`;
    case 'in':
      return first([node.arg, ...node.list]);
    case 'like':
      return 'LIKE (case-insensitive in SQLite)';
    case 'between':
      return first([node.arg, node.low, node.high]);
    case 'case':
      return first([...node.whens.flatMap((w) => [w.when, w.then]), ...(node.otherwise ? [node.otherwise] : [])]);
    case 'call':
      return PORTABLE_FUNCTIONS.has(node.name) ? first(node.args) : `the function ${node.name}()`;
  }
}

const quote = (value: string) => `'${value.replace(/'/g, "''")}'`;

/**
 * The native bulk path of a transfer, or why it streams instead. Into PostgreSQL: see planCopyTransfer. Into DuckDB:
 * from SQLite, PostgreSQL and MySQL sources, replace and append modes, every output type known at compile time. A
 * SQLite source is attached and its filter and columns rendered in DuckDB's dialect (only expressions both engines
 * read alike); a PostgreSQL table is scanned through the attached database when its columns and filter read alike
 * in both engines (planPostgresScan), which DuckDB splits into parallel ranges; otherwise, and for MySQL, the server
 * runs the streaming path's own SELECT through postgres_query / mysql_query, evaluating it exactly as it would for
 * the fallback. Either way the target table is the one the streaming path creates, filled by one INSERT.
 */
export function planNativeTransfer(
  task: TransferTask,
  sourceColumns: readonly SourceColumn[] | undefined,
  sourceSql: string,
): NativeTransfer | { reason: string } {
  const { source, target } = task;
  if (target.kind === 'postgres') return planCopyTransfer(task, sourceColumns, sourceSql);
  if (target.kind !== 'duckdb') return { reason: `no bulk path into ${target.kind} yet` };
  if (source.kind === 'duckdb') return { reason: 'DuckDB to DuckDB streams' };
  if (task.mode !== 'replace' && task.mode !== 'append') return { reason: `${task.mode} mode streams` };
  const plan = planTransferColumns(task, sourceColumns);
  const names = plan.names;
  const types = plan.types;
  if (!names || !types || types.some((t) => t === undefined)) {
    return { reason: 'the source columns or their types are not known at compile time' };
  }
  const d = sqlDialect('duckdb');
  const columns = names.map((n) => d.ident(n));
  const ddl = columns.map((c, i) => `${c} ${d.columnType(types[i] as NonNullable<(typeof types)[number]>)}`);
  const table = d.ident(task.target_table);
  const create = createTargetTable(table, ddl.join(', '), task.mode === 'replace');
  const casts = columns.map(
    (c, i) => `CAST(_q.${c} AS ${d.castType(types[i] as NonNullable<(typeof types)[number]>)})`,
  );
  const fill = (from: string) => [
    ...create,
    `INSERT INTO ${table} (${columns.join(', ')}) SELECT ${casts.join(', ')} FROM ${from} AS _q`,
  ];
  const attached = (selects: readonly string[], where: string) =>
    `(SELECT ${selects.join(', ')} FROM ${NATIVE_SOURCE}.${source.kind === 'postgres' ? 'public.' : ''}${d.ident(task.source_table)}${where})`;
  const query = fill(`${source.kind}_query(${quote(NATIVE_SOURCE)}, ${quote(sourceSql)})`);
  if (source.kind === 'sqlite') {
    const known = sourceColumns?.map((c) => c.name);
    const parse = (expr: string) => parseExpression(expr, known ? { columns: known } : {});
    const expressions = [...task.columns.flatMap((c) => (c.expr === undefined ? [] : [c.expr]))];
    if (task.filter) expressions.push(task.filter);
    for (const expr of expressions) {
      const part = notPortable(parse(expr));
      if (part) return { reason: `${part} reads differently in DuckDB and SQLite` };
    }
    const selects = planTransferColumns(task, sourceColumns, 'duckdb').selects as string[];
    const where = task.filter ? ` WHERE ${renderExpression(parse(task.filter), d)}` : '';
    return {
      method: 'scanner',
      scanner: 'sqlite',
      statements: fill(attached(selects, where)),
      reads: { via: 'attached' },
    };
  }
  if (source.kind === 'mysql') {
    const reason = 'no attached scan of MySQL tables yet';
    return { method: 'scanner', scanner: 'mysql', statements: query, reads: { via: 'server', reason } };
  }
  const scan = planPostgresScan(task, sourceColumns);
  if ('reason' in scan) {
    return { method: 'scanner', scanner: 'postgres', statements: query, reads: { via: 'server', reason: scan.reason } };
  }
  return {
    method: 'scanner',
    scanner: 'postgres',
    statements: fill(attached(scan.selects, scan.where)),
    reads: { via: 'attached' },
    check: {
      sql: `SELECT count(*) FROM postgres_query(${quote(NATIVE_SOURCE)}, ${quote(scan.resolves)})`,
      otherwise: query,
    },
  };
}

/** What the preview says about a transfer's path. */
export function describeTransferPath(native: NativeTransfer | { reason: string }): TransferPath {
  if ('reason' in native) return { path: 'streaming', reason: native.reason };
  if (native.method === 'copy') {
    const how =
      native.source === 'postgres'
        ? `one COPY stream from the source server (TO STDOUT, binary) into the target (FROM STDIN)${native.late ? ', its columns typed at run time as the streaming path types them' : ''}`
        : "one COPY stream of DuckDB's rows as CSV into the target (FROM STDIN)";
    return { path: 'native', method: 'copy', how: `${how}, streaming if that fails` };
  }
  const reads =
    native.reads.via === 'server'
      ? `, the server running the streaming SELECT through ${native.scanner}_query (${native.reads.reason})`
      : native.scanner === 'postgres'
        ? ', scanning the attached table in parallel ranges (postgres_query unless the server resolves its name to a plain table in public with columns of base types and names unique in any case)'
        : '';
  return {
    path: 'native',
    method: 'scanner',
    how: `one DuckDB statement through the ${native.scanner} scanner${reads}, streaming if that fails`,
  };
}
