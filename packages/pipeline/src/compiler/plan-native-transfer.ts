import { parseExpression, type ExprNode } from '../expression/parse-expression.js';
import { renderExpression } from '../expression/render-expression.js';
import { sqlDialect } from '../expression/sql-dialect.js';
import type { TransferTask } from '../spec/pipeline-spec.js';
import { planCopyTransfer, type CopyTransfer } from './plan-copy-transfer.js';
import { createTargetTable, planTransferColumns, type SourceColumn } from './plan-transfer-columns.js';

/** Which path a transfer task takes at run time, as the compile result and the preview tell it. */
export type TransferPath =
  { path: 'native'; method: 'scanner' | 'copy'; how: string } | { path: 'streaming'; reason: string };

/** The native path into DuckDB: the statements DuckDB runs, the last one an INSERT whose count is the rows moved. */
export interface ScannerTransfer {
  method: 'scanner';
  scanner: 'sqlite' | 'postgres' | 'mysql';
  statements: string[];
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
 * from SQLite, PostgreSQL and MySQL sources, replace and append modes, every output type known at compile time. A SQLite source is attached and its
 * filter and columns rendered in DuckDB's dialect (only expressions both engines read alike); a server source runs
 * the streaming path's own SELECT through postgres_query / mysql_query, so the server evaluates it exactly as it
 * would for the fallback. Either way the target table is the one the streaming path creates, filled by one INSERT.
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
  let from: string;
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
    from = `(SELECT ${selects.join(', ')} FROM ${NATIVE_SOURCE}.${d.ident(task.source_table)}${where})`;
  } else {
    from = `${source.kind}_query(${quote(NATIVE_SOURCE)}, ${quote(sourceSql)})`;
  }
  const columns = names.map((n) => d.ident(n));
  const ddl = columns.map((c, i) => `${c} ${d.columnType(types[i] as NonNullable<(typeof types)[number]>)}`);
  const table = d.ident(task.target_table);
  const create = createTargetTable(table, ddl.join(', '), task.mode === 'replace');
  const casts = columns.map(
    (c, i) => `CAST(_q.${c} AS ${d.castType(types[i] as NonNullable<(typeof types)[number]>)})`,
  );
  const insert = `INSERT INTO ${table} (${columns.join(', ')}) SELECT ${casts.join(', ')} FROM ${from} AS _q`;
  return { method: 'scanner', scanner: source.kind, statements: [...create, insert] };
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
  return {
    path: 'native',
    method: 'scanner',
    how: `one DuckDB statement through the ${native.scanner} scanner, streaming if that fails`,
  };
}
