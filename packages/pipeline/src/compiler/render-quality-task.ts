import { sqlDialect } from '../expression/sql-dialect.js';
import type { CheckSpec, QualityTask, SqlTask } from '../spec/pipeline-spec.js';
import { checkSqlStatement } from './check-sql-statement.js';
import { indent, py } from './python-literal.js';
import { connectionArgument } from './render-transfer.js';

/** Each check becomes a query returning one number: the violations (or, for row_count, the rows). */
function checkQuery(task: QualityTask, check: CheckSpec): { name: string; sql: string; min?: number; max?: number } {
  const d = sqlDialect(task.connection.kind);
  const table = d.ident(task.table);
  switch (check.kind) {
    case 'row_count':
      return {
        name: 'row_count',
        sql: `SELECT COUNT(*) FROM ${table}`,
        ...(check.min === undefined ? {} : { min: check.min }),
        ...(check.max === undefined ? {} : { max: check.max }),
      };
    case 'not_null':
      return {
        name: `not_null_${check.column}`,
        sql: `SELECT COUNT(*) FROM ${table} WHERE ${d.ident(check.column)} IS NULL`,
        max: 0,
      };
    case 'unique': {
      const cols = check.columns.map((c) => d.ident(c)).join(', ');
      return {
        name: `unique_${check.columns.join('_')}`,
        sql: `SELECT COUNT(*) FROM (SELECT ${cols} FROM ${table} GROUP BY ${cols} HAVING COUNT(*) > 1) AS dup`,
        max: 0,
      };
    }
    case 'accepted_values':
      return {
        name: `accepted_values_${check.column}`,
        sql: `SELECT COUNT(*) FROM ${table} WHERE ${d.ident(check.column)} IS NOT NULL AND ${d.ident(check.column)} NOT IN (${check.values.map((v) => (typeof v === 'number' ? String(v) : d.string(v))).join(', ')})`,
        max: 0,
      };
    case 'range': {
      const col = d.ident(check.column);
      const parts = [
        ...(check.min === undefined ? [] : [`${col} < ${check.min}`]),
        ...(check.max === undefined ? [] : [`${col} > ${check.max}`]),
      ];
      return {
        name: `range_${check.column}`,
        sql: `SELECT COUNT(*) FROM ${table} WHERE ${parts.length ? parts.join(' OR ') : '1 = 0'}`,
        max: 0,
      };
    }
    case 'custom_sql':
      return {
        name: check.name,
        // On lines of its own: a trailing line comment in the check cannot swallow the closing parenthesis.
        sql: `SELECT COUNT(*) FROM (\n${checkSqlStatement(check.sql, { where: `Task ${task.id}, check ${check.name}`, readOnly: true, dialect: task.connection.kind })}\n) AS violations`,
        max: 0,
      };
  }
}

export function renderQualityTask(task: QualityTask): string {
  const kind = task.connection.kind;
  const checks = task.checks.map((c) => checkQuery(task, c));
  const body = `checks = ${py(checks.map((c) => ({ name: c.name, sql: c.sql, min: c.min ?? null, max: c.max ?? null })))}
con = _open_${kind}(${connectionArgument(task.connection)}${kind === 'sqlite' || kind === 'duckdb' ? ', read_only=True' : ''})
results, failures = {}, []
try:
    _read_only(${py(kind)}, con)
    for check in checks:
        value = _run(${py(kind)}, con, check["sql"]).fetchone()[0]
        results[check["name"]] = value
        if (check["min"] is not None and value < check["min"]) or (check["max"] is not None and value > check["max"]):
            failures.append("%s = %s (expected %s..%s)" % (check["name"], value, check["min"], check["max"]))
finally:
    con.close()
print("data quality on %s: %s" % (${py(task.table)}, results))
if failures:
    raise ValueError("data quality checks failed on " + ${py(task.table)} + ": " + "; ".join(failures))
return {"checks": results}`;
  return `@task(task_id=${py(task.id)})
def t_${task.id}():
${indent(body, 4)}`;
}

export function renderSqlTask(task: SqlTask): string {
  const kind = task.connection.kind;
  const sql = checkSqlStatement(task.sql, { where: `Task ${task.id}`, readOnly: false, dialect: kind });
  const body = `con = _open_${kind}(${connectionArgument(task.connection)})
try:
    _begin(${py(kind)}, con)
    try:
        cur = _run(${py(kind)}, con, ${py(sql)})
        affected = cur.rowcount
        _commit(${py(kind)}, con)
    except Exception:
        _rollback(${py(kind)}, con)
        raise
finally:
    con.close()
return {"rows_affected": affected}`;
  return `@task(task_id=${py(task.id)})
def t_${task.id}():
${indent(body, 4)}`;
}
