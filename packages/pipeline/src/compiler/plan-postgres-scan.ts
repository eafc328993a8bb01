import { parseExpression, type ExprNode } from '../expression/parse-expression.js';
import { renderExpression } from '../expression/render-expression.js';
import { sqlDialect } from '../expression/sql-dialect.js';
import type { SqlType, TransferTask } from '../spec/pipeline-spec.js';
import { planTransferColumns, type SourceColumn } from './plan-transfer-columns.js';

// Column types DuckDB's postgres scanner reads exactly as PostgreSQL holds them, and compares and casts the same way.
// Not: text (collations, char(n) padding, non-deterministic collations), double and numeric (an unconstrained numeric
// reaches DuckDB as a DOUBLE), timestamps (a cast of timestamptz follows each engine's own time zone).
const READ_ALIKE: Partial<Record<SqlType, Kind>> = {
  integer: 'number',
  bigint: 'number',
  boolean: 'boolean',
  date: 'date',
};
const COMPARISONS = new Set(['=', '<>', '!=', '<', '>', '<=', '>=']);

/** What a filter's part is in both engines; a NULL compares with any. */
type Kind = 'number' | 'boolean' | 'date' | 'null';

/**
 * The kind of a filter's part, or the first part that PostgreSQL and DuckDB could read differently. Both sides of a
 * comparison must be of one kind: PostgreSQL refuses `flag = 1` where DuckDB would cast, so the two would disagree.
 */
function kindOf(node: ExprNode, typeOf: (name: string) => SqlType | undefined): Kind | { part: string } {
  const all = (nodes: ExprNode[], result: Kind): Kind | { part: string } => {
    const kinds = new Set<Kind>();
    for (const n of nodes) {
      const kind = kindOf(n, typeOf);
      if (typeof kind !== 'string') return kind;
      if (kind !== 'null') kinds.add(kind);
    }
    return kinds.size > 1 ? { part: `a comparison of ${[...kinds].join(' with ')}` } : result;
  };
  const condition = (nodes: ExprNode[]): Kind | { part: string } => {
    for (const n of nodes) {
      const kind = kindOf(n, typeOf);
      if (typeof kind !== 'string') return kind;
      if (kind !== 'boolean' && kind !== 'null') return { part: `AND, OR or NOT over a ${kind}` };
    }
    return 'boolean';
  };
  switch (node.kind) {
    case 'column': {
      const type = typeOf(node.name);
      const kind = type && READ_ALIKE[type];
      return kind ?? { part: `the ${type ?? 'untyped'} column ${node.name}` };
    }
    case 'number':
      return 'number';
    case 'boolean':
      return 'boolean';
    case 'null':
      return 'null';
    case 'string':
      return { part: 'a string literal' };
    case 'unary':
      if (node.op === 'NOT') return condition([node.arg]);
      return node.arg.kind === 'number' ? 'number' : { part: 'a negated column' };
    case 'isnull': {
      const kind = kindOf(node.arg, typeOf);
      return typeof kind === 'string' ? 'boolean' : kind;
    }
    case 'binary': {
      const op = node.op.toUpperCase();
      if (op === 'AND' || op === 'OR') return condition([node.left, node.right]);
      return COMPARISONS.has(op) ? all([node.left, node.right], 'boolean') : { part: `the operator ${node.op}` };
    }
    case 'in':
      return all([node.arg, ...node.list], 'boolean');
    case 'between':
      return all([node.arg, node.low, node.high], 'boolean');
    case 'like':
      return { part: 'LIKE' };
    case 'case':
      return { part: 'CASE' };
    case 'call':
      return { part: `the function ${node.name}()` };
  }
}

/**
 * A PostgreSQL source read by scanning its attached table, which DuckDB splits into parallel ranges: the select items
 * and filter in DuckDB's dialect, or why the server has to run the streaming SELECT itself (postgres_query). Only
 * plain columns, renames, casts that change nothing (or an integer to a bigint) and filters over integer, bigint,
 * boolean and date columns with number literals; anything else is evaluated by the server, as the fallback would.
 */
export function planPostgresScan(
  task: TransferTask,
  sourceColumns: readonly SourceColumn[] | undefined,
): { selects: string[]; where: string; resolves: string } | { reason: string } {
  const typeOf = (name: string) => sourceColumns?.find((c) => c.name.toLowerCase() === name.toLowerCase())?.type;
  for (const column of task.columns) {
    if (column.expr !== undefined) return { reason: `the computed column ${column.name} is evaluated by the server` };
    const source = column.source ?? column.name;
    const type = typeOf(source);
    const same = column.cast === type || (type === 'integer' && column.cast === 'bigint');
    if (column.cast && !(same && type && READ_ALIKE[type])) {
      return { reason: `the cast of ${source} to ${column.cast} is applied by the server` };
    }
  }
  const d = sqlDialect('duckdb');
  let where = '';
  if (task.filter) {
    const known = sourceColumns?.map((c) => c.name);
    const filter = parseExpression(task.filter, known ? { columns: known } : {});
    const kind = kindOf(filter, typeOf);
    if (typeof kind !== 'string') return { reason: `${kind.part} in the filter is evaluated by the server` };
    if (kind !== 'boolean') return { reason: 'a filter that is not a condition is evaluated by the server' };
    where = ` WHERE ${renderExpression(filter, d)}`;
  }
  const selects = planTransferColumns(task, sourceColumns, 'duckdb').selects;
  if (!selects) return { reason: 'the source columns are not known at compile time' };
  return { selects, where, resolves: resolvesToTable(task.source_table) };
}

// Each column of the table, in a subquery over c, the table.
const COLUMNS = 'FROM pg_catalog.pg_attribute a WHERE a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped';

/**
 * The server's answer, one row or none, to: does the streaming SELECT's unqualified name resolve (search path) to
 * the plain table public.<table> that DuckDB scans? DuckDB reads a domain's values as text from a table (as its base
 * type from a query): every column of a base type. DuckDB also finds tables and columns by name whatever their case:
 * none may differ from another by case alone.
 */
function resolvesToTable(table: string): string {
  const pg = sqlDialect('postgres');
  return [
    'SELECT 1 FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace',
    `WHERE c.oid = pg_catalog.to_regclass(${pg.string(pg.ident(table))})`,
    "AND n.nspname = 'public' AND c.relkind = 'r'",
    `AND NOT EXISTS (SELECT 1 ${COLUMNS} AND (SELECT t.typtype FROM pg_catalog.pg_type t WHERE t.oid = a.atttypid) <> 'b')`,
    `AND (SELECT count(*) = count(DISTINCT lower(a.attname)) ${COLUMNS})`,
    'AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_class o WHERE o.relnamespace = c.relnamespace AND o.oid <> c.oid',
    'AND lower(o.relname) = lower(c.relname))',
  ].join(' ');
}
