import { sqlDialect } from '../expression/sql-dialect.js';
import { SQL_TYPES, type SqlType, type TransferTask } from '../spec/pipeline-spec.js';
import { checkCopyStatement } from './check-copy-statement.js';
import { createTargetTable, planTransferColumns, type SourceColumn } from './plan-transfer-columns.js';

/**
 * The native path of a transfer into PostgreSQL: one COPY stream into the target, in one transaction. From DuckDB
 * the source query's Arrow batches are written as CSV into `COPY ... FROM STDIN (FORMAT csv)`; from PostgreSQL the
 * source server runs `COPY (SELECT ...) TO STDOUT (FORMAT binary)` and its bytes go unchanged into the target's
 * `COPY ... FROM STDIN (FORMAT binary)`.
 */
export type CopyTransfer = PlannedCopy | LateTypedCopy;

/** A COPY path whose statements the compiler wrote: every output column's type known at compile time. */
export interface PlannedCopy {
  method: 'copy';
  source: 'duckdb' | 'postgres';
  late?: undefined;
  /** The target table's DDL, the same the streaming path runs (DROP + CREATE, or CREATE IF NOT EXISTS). */
  create: string[];
  /** DuckDB: the SELECT whose Arrow batches are sent. PostgreSQL: the COPY ... TO STDOUT run on the source. */
  read: string;
  /** The COPY ... FROM STDIN run on the target. */
  write: string;
  /** The target's table and each column's type as format_type() names it: binary COPY needs these exactly. */
  table: string;
  columns: string[];
  types: string[];
  /** A source column is a timestamp with time zone read without a cast (its session time zone must be Python's). */
  zoned: boolean;
}

/**
 * PostgreSQL -> PostgreSQL without the source's columns at compile time (the service reads no PostgreSQL schema
 * before the DAG runs): the task reads the streaming path's first batch, types the columns from it exactly as the
 * streaming path does, checks each column's source type lands the same, then builds the COPY statements around the
 * same SELECT (checked here as a COPY TO STDOUT) with quoted names and these fixed type names.
 */
export interface LateTypedCopy {
  method: 'copy';
  source: 'postgres';
  late: true;
  sourceSql: string;
  replace: boolean;
  table: string;
  names: string[] | null;
  types: (SqlType | null)[] | null;
  columnTypes: Record<SqlType, string>;
  formatTypes: Record<SqlType, string>;
}

/** PostgreSQL's format_type() name of each column type the compiler creates. */
const FORMAT_TYPE: Record<SqlType, string> = {
  integer: 'integer',
  bigint: 'bigint',
  double: 'double precision',
  decimal: 'numeric(18,4)',
  text: 'text',
  boolean: 'boolean',
  date: 'date',
  timestamp: 'timestamp without time zone',
};

// PostgreSQL source types (information_schema data_type) whose value, read uncast, lands the same through the
// source server's cast as through the streaming path (psycopg's Python value, written as text). Not: real (psycopg
// reads its shortest decimal text, a cast widens the float4 itself), character (blank-padded: the cast to text
// trims), json/jsonb (the streaming path now reads them as the server's text, as a cast would; they still stream
// until the COPY fidelity test covers them).
const EXACT_POSTGRES_TYPES = new Set([
  'smallint',
  'integer',
  'bigint',
  'numeric',
  'double precision',
  'boolean',
  'date',
  'timestamp without time zone',
  'timestamp with time zone',
  'text',
  'character varying',
  'uuid',
]);

// DuckDB values whose text in Arrow's CSV is not what the streaming path writes, cast first to the type that is:
// FLOAT widened (Python reads a FLOAT as the double it is), TIMESTAMP_NS/WITH TIME ZONE to microseconds in the
// session's time zone (what Python's datetime holds), UUID/JSON as their text.
const DUCKDB_CASTS: Partial<Record<SqlType, string>> = { double: 'DOUBLE', timestamp: 'TIMESTAMP', text: 'VARCHAR' };

/** The COPY path of a transfer into PostgreSQL from DuckDB or PostgreSQL, or why it streams. */
export function planCopyTransfer(
  task: TransferTask,
  sourceColumns: readonly SourceColumn[] | undefined,
  sourceSql: string,
): CopyTransfer | { reason: string } {
  const { source, target } = task;
  if (target.kind !== 'postgres' || (source.kind !== 'duckdb' && source.kind !== 'postgres')) {
    return { reason: `no bulk path from ${source.kind} into ${target.kind} yet` };
  }
  if (task.mode !== 'replace' && task.mode !== 'append') return { reason: `${task.mode} mode streams` };
  const same = source.kind === 'postgres' && source.conn_id === target.conn_id;
  if (same && task.mode === 'replace' && task.source_table === task.target_table) {
    return { reason: 'the source table is the table it replaces' };
  }
  const d = sqlDialect('postgres');
  const { names, types } = planTransferColumns(task, sourceColumns);
  if (!names || !types || types.some((t) => t === undefined)) {
    // The service reads no PostgreSQL schema before the DAG runs: the task types the columns as the streaming path
    // does (from its first batch) and checks each source type at run time.
    if (source.kind === 'postgres' && sourceColumns === undefined) {
      checkCopyStatement(`COPY (SELECT * FROM (${sourceSql}) AS _q) TO STDOUT (FORMAT binary)`, 'out');
      checkCopyStatement(`COPY ${d.ident(task.target_table)} ("c") FROM STDIN (FORMAT binary)`, 'in');
      return {
        method: 'copy',
        source: 'postgres',
        late: true,
        sourceSql,
        replace: task.mode === 'replace',
        table: d.ident(task.target_table),
        names: names ?? null,
        types: types?.map((t) => t ?? null) ?? null,
        columnTypes: Object.fromEntries(SQL_TYPES.map((t) => [t, d.columnType(t)])) as Record<SqlType, string>,
        formatTypes: FORMAT_TYPE,
      };
    }
    return { reason: 'the source columns or their types are not known at compile time' };
  }
  const known = types as SqlType[];
  let zoned = false;
  if (source.kind === 'postgres') {
    // Each output column read without a cast keeps its source type: only those that land exactly go native.
    const uncast =
      task.columns.length === 0
        ? (sourceColumns ?? [])
        : task.columns.flatMap((c) =>
            c.cast || c.expr !== undefined
              ? []
              : (sourceColumns ?? []).filter((s) => s.name.toLowerCase() === (c.source ?? c.name).toLowerCase()),
          );
    for (const column of uncast) {
      const declared = column.declared
        ?.toLowerCase()
        .replace(/\(.*\)/, '')
        .trim();
      if (!declared || !EXACT_POSTGRES_TYPES.has(declared)) {
        return { reason: `the source column ${column.name} (${column.declared ?? 'type unknown'}) streams` };
      }
      if (declared === 'timestamp with time zone') zoned = true;
    }
  }
  const s = sqlDialect(source.kind);
  const columns = names.map((n) => d.ident(n));
  const table = d.ident(task.target_table);
  const ddl = columns.map((c, i) => `${c} ${d.columnType(known[i] as SqlType)}`).join(', ');
  const create = createTargetTable(table, ddl, task.mode === 'replace');
  let read: string;
  let write: string;
  if (source.kind === 'postgres') {
    const casts = names.map((n, i) => `CAST(_q.${s.ident(n)} AS ${d.castType(known[i] as SqlType)})`);
    read = `COPY (SELECT ${casts.join(', ')} FROM (${sourceSql}) AS _q) TO STDOUT (FORMAT binary)`;
    write = `COPY ${table} (${columns.join(', ')}) FROM STDIN (FORMAT binary)`;
    checkCopyStatement(read, 'out');
  } else {
    const selects = names.map((n, i) => {
      const cast = DUCKDB_CASTS[known[i] as SqlType];
      return cast ? `CAST(_q.${s.ident(n)} AS ${cast})` : `_q.${s.ident(n)}`;
    });
    read = `SELECT ${selects.join(', ')} FROM (${sourceSql}) AS _q`;
    write = `COPY ${table} (${columns.join(', ')}) FROM STDIN (FORMAT csv)`;
  }
  checkCopyStatement(write, 'in');
  return {
    method: 'copy',
    source: source.kind,
    create,
    read,
    write,
    table,
    columns: names,
    types: known.map((t) => FORMAT_TYPE[t]),
    zoned,
  };
}
