import { createHash } from 'node:crypto';
import { parseExpression } from '../expression/parse-expression.js';
import { renderExpression } from '../expression/render-expression.js';
import { sqlDialect } from '../expression/sql-dialect.js';
import { SQL_TYPES, type Connection, type TransferTask } from '../spec/pipeline-spec.js';
import {
  describeTransferPath,
  planNativeTransfer,
  type NativeTransfer,
  type TransferPath,
} from './plan-native-transfer.js';
import { indent, py } from './python-literal.js';
import { planTransferColumns, type SourceColumn } from './plan-transfer-columns.js';

export { planTransferColumns, type SourceColumn };

export function connectionArgument(c: Connection): string {
  return c.kind === 'sqlite' || c.kind === 'duckdb' ? py(c.path) : py(c.conn_id);
}

export function describeConnection(c: Connection, table?: string): string {
  const where = c.kind === 'sqlite' || c.kind === 'duckdb' ? c.path : `conn_id=${c.conn_id}`;
  return `${c.kind}:${where}${table ? `#${table}` : ''}`;
}

/**
 * A SQLite or DuckDB source is only read: opened read-only. Not when the target is the same DuckDB file: one process
 * shares one DuckDB instance, which the target opens for writing.
 */
function sourceOptions(task: TransferTask): string {
  const { source, target } = task;
  if (source.kind === 'sqlite') return ', read_only=True';
  if (source.kind !== 'duckdb' || (target.kind === 'duckdb' && target.path === source.path)) return '';
  return ', read_only=True';
}

const placeholder = (engine: Connection['kind']) => (engine === 'sqlite' || engine === 'duckdb' ? '?' : '%s');

/** The streaming path's SELECT on the source, in the source's dialect: its FROM part, and the filter. */
function sourceQuery(task: TransferTask, sourceColumns: readonly SourceColumn[] | undefined) {
  const src = sqlDialect(task.source.kind);
  const plan = planTransferColumns(task, sourceColumns);
  const known = sourceColumns?.map((c) => c.name);
  const where: string[] = [];
  if (task.filter) where.push(renderExpression(parseExpression(task.filter, known ? { columns: known } : {}), src));
  const from = `${plan.selects ? plan.selects.join(', ') : '*'} FROM ${src.ident(task.source_table)}`;
  return { plan, from, where, sql: `SELECT ${from}${where.length ? ` WHERE ${where.join(' AND ')}` : ''}` };
}

/** Which path a transfer takes at run time. */
export function transferPathOf(task: TransferTask, sourceColumns: readonly SourceColumn[] | undefined): TransferPath {
  return describeTransferPath(planNativeTransfer(task, sourceColumns, sourceQuery(task, sourceColumns).sql));
}

/** Which COPY helpers a transfer's task calls, if it takes a COPY path. */
export function copyHelperOf(
  task: TransferTask,
  sourceColumns: readonly SourceColumn[] | undefined,
): 'duckdb' | 'postgres' | 'postgres-late' | undefined {
  const native = planNativeTransfer(task, sourceColumns, sourceQuery(task, sourceColumns).sql);
  if ('reason' in native || native.method !== 'copy') return undefined;
  return native.late ? 'postgres-late' : native.source;
}

/** The native call of a transfer task: returns from the task when the native path moved the rows. */
function renderNativeCall(task: TransferTask, native: NativeTransfer | { reason: string }): string {
  const path = describeTransferPath(native);
  if ('reason' in native || path.path === 'streaming') {
    return `# Transfer path: streaming (${path.path === 'streaming' ? path.reason.replace(/[\r\n]/g, ' ') : ''}).`;
  }
  const call =
    native.method === 'scanner'
      ? `_native_transfer(${py(native.scanner)}, ${connectionArgument(task.source)}, ${connectionArgument(task.target)}, ${py(native.statements)}${native.check ? `, check=${py(native.check.sql)}, otherwise=${py(native.check.otherwise)}` : ''})`
      : native.late
        ? `_copy_from_postgres_typed_late(
    ${connectionArgument(task.source)},
    ${connectionArgument(task.target)},
    ${py(native.sourceSql)},
    ${py(native.replace)},
    ${py(native.table)},
    ${py(native.names)},
    ${py(native.types)},
    ${py(native.columnTypes)},
    ${py(native.formatTypes)},
    ${task.batch_size},
)`
        : `_copy_from_${native.source}(
    ${connectionArgument(task.source)},
    ${connectionArgument(task.target)},
    ${py(native.create)},
    ${py(native.read)},
    ${py(native.write)},
    ${py(native.table)},
    ${py(native.columns)},
    ${py(native.types)},
    ${native.source === 'postgres' ? py(native.zoned) : String(task.batch_size)},
)`;
  const target = py(describeConnection(task.target, task.target_table));
  return `# Transfer path: native, ${path.how}.
moved = ${call}
if moved is not None:
    print("moved %d rows into %s (native path)" % (moved, ${target}))
    return {"rows": moved, "target": ${target}, "path": "native"}`;
}

export function renderTransferTask(task: TransferTask, sourceColumns: readonly SourceColumn[] | undefined): string {
  const src = sqlDialect(task.source.kind);
  const dst = sqlDialect(task.target.kind);
  const { plan, from, where, sql: sourceSql } = sourceQuery(task, sourceColumns);
  let incrementalSql: string | undefined;
  if (task.mode === 'incremental') {
    const wm = task.watermark_column as string;
    const index = plan.names?.indexOf(wm) ?? -1;
    const wmSql =
      index >= 0 && plan.selects ? (plan.selects[index] as string).replace(/ AS [^ ]+$/, '') : src.ident(wm);
    const mark = placeholder(task.source.kind);
    // With a parameter, %s-style drivers (psycopg, PyMySQL) read every % of the statement: a literal one doubles.
    const literal = (sql: string) => (mark === '%s' ? sql.replace(/%/g, '%%') : sql);
    incrementalSql = `${literal(`SELECT ${from} WHERE ${[...where, `(${wmSql})`].join(' AND ')}`)} > ${mark}`;
  }
  const typeMap = Object.fromEntries(SQL_TYPES.map((t) => [t, dst.columnType(t)]));
  const s = task.source.kind;
  const t = task.target.kind;
  const targetSql = dst.ident(task.target_table);
  const insert =
    t === 'duckdb'
      ? 'rows += _insert_duckdb(dst, into, cols_sql, batch, [TYPE_SQL[x] for x in types])'
      : `rows += _insert_${t}(dst, into, cols_sql, batch)`;
  const keys = task.keys.map((k) => dst.ident(k));
  const stage = dst.ident('_mcp_stage');
  const createStage =
    t === 'mysql'
      ? `CREATE TEMPORARY TABLE ${stage} LIKE ${targetSql}`
      : `CREATE TEMP TABLE ${stage} AS SELECT * FROM ${targetSql} WHERE 1 = 0`;
  const match = keys.map((k) => `${stage}.${k} = ${targetSql}.${k}`).join(' AND ');
  // MariaDB rewrites only a multi-table DELETE into a join; a temporary table may appear once per statement.
  const deleteMatched =
    t === 'mysql'
      ? `DELETE ${targetSql} FROM ${targetSql} JOIN ${stage} ON ${match}`
      : `DELETE FROM ${targetSql} WHERE EXISTS (SELECT 1 FROM ${stage} WHERE ${match})`;
  // MySQL commits implicitly at DROP / CREATE TABLE: a replace there loads a new table, then swaps it in with one
  // atomic RENAME after the commit, so a failed load leaves the old table as it was.
  const swap = t === 'mysql' && task.mode === 'replace';
  const tag = createHash('sha256').update(task.target_table).digest('hex').slice(0, 12);
  const fresh = dst.ident(`_mcp_new_${tag}`);
  const old = dst.ident(`_mcp_old_${tag}`);
  const create = swap
    ? `_run(${py(t)}, dst, ${py(`DROP TABLE IF EXISTS ${fresh}`)})
_run(${py(t)}, dst, ${py(`CREATE TABLE ${fresh} (`)} + ddl + ")")`
    : task.mode === 'replace'
      ? `_run(${py(t)}, dst, ${py(`DROP TABLE IF EXISTS ${targetSql}`)})
_run(${py(t)}, dst, ${py(`CREATE TABLE ${targetSql} (`)} + ddl + ")")`
      : `_run(${py(t)}, dst, ${py(`CREATE TABLE IF NOT EXISTS ${targetSql} (`)} + ddl + ")")`;
  const swapIn = `if _table_exists(${py(t)}, dst, ${py(task.target_table)}):
    _run(${py(t)}, dst, ${py(`RENAME TABLE ${targetSql} TO ${old}, ${fresh} TO ${targetSql}`)})
    _run(${py(t)}, dst, ${py(`DROP TABLE ${old}`)})
else:
    _run(${py(t)}, dst, ${py(`RENAME TABLE ${fresh} TO ${targetSql}`)})`;

  const nativeCall = renderNativeCall(task, planNativeTransfer(task, sourceColumns, sourceSql));

  const body = `${nativeCall}
source_sql = ${py(sourceSql)}
names = ${py(plan.names ?? null)}
types = ${py(plan.types?.map((x) => x ?? null) ?? null)}
TYPE_SQL = ${py(typeMap)}
src = _open_${s}(${connectionArgument(task.source)}${sourceOptions(task)})
dst = _open_${t}(${connectionArgument(task.target)})
rows = 0
gc_enabled = _pause_gc()
try:
    params = None
${
  task.mode === 'incremental'
    ? `    if _table_exists(${py(t)}, dst, ${py(task.target_table)}):
        high = _run(${py(t)}, dst, ${py(`SELECT MAX(${dst.ident(task.watermark_column as string)}) FROM ${targetSql}`)}).fetchone()[0]
        if high is not None:
            source_sql, params = ${py(incrementalSql ?? '')}, (high,)
`
    : ''
}    ${
    s === 'postgres'
      ? `# A server-side (named) cursor: PostgreSQL sends rows batch by batch, memory stays flat.
    cur = src.cursor(name="_mcp_source")
    cur.execute(source_sql, params)`
      : s === 'mysql'
        ? 'cur = _stream_mysql(src, source_sql, params)'
        : `cur = _run(${py(s)}, src, source_sql, params)`
  }
    # psycopg2 (Airflow 2's PostgresHook) describes a named cursor's columns only after a fetch.
    batch = cur.fetchmany(${task.batch_size})
    if names is None:
        names = [d[0] for d in cur.description]
        types = [None] * len(names)
    types = [t or _infer_type([r[i] for r in batch]) for i, t in enumerate(types)]
    cols_sql = [_q(${py(t)}, n) for n in names]
    ddl = ", ".join(c + " " + TYPE_SQL[x] for c, x in zip(cols_sql, types))
    _begin(${py(t)}, dst)
    try:
${indent(create, 8)}
${indent(
  task.mode === 'upsert'
    ? `_run(${py(t)}, dst, ${py(createStage)})
into = ${py(stage)}
while batch:
    ${insert}
    _run(${py(t)}, dst, ${py(deleteMatched)})
    _run(${py(t)}, dst, ${py(`INSERT INTO ${targetSql} SELECT * FROM ${stage}`)})
    _run(${py(t)}, dst, ${py(`DELETE FROM ${stage}`)})
    batch = cur.fetchmany(${task.batch_size})
_run(${py(t)}, dst, ${py(`DROP ${t === 'mysql' ? 'TEMPORARY ' : ''}TABLE ${stage}`)})`
    : `into = ${py(swap ? fresh : targetSql)}
while batch:
    ${insert}
    batch = cur.fetchmany(${task.batch_size})`,
  8,
)}
        _commit(${py(t)}, dst)${swap ? `\n${indent(swapIn, 8)}` : ''}
    except Exception:
        _rollback(${py(t)}, dst)${
          swap
            ? `
        try:
            _run(${py(t)}, dst, ${py(`DROP TABLE IF EXISTS ${fresh}`)})
        except Exception:
            pass`
            : ''
        }
        raise
finally:
    _resume_gc(gc_enabled)
    src.close()
    dst.close()
print("moved %d rows into %s" % (rows, ${py(describeConnection(task.target, task.target_table))}))
return {"rows": rows, "target": ${py(describeConnection(task.target, task.target_table))}, "path": "streaming"}`;

  return `@task(task_id=${py(task.id)})
def t_${task.id}():
${indent(body, 4)}`;
}
