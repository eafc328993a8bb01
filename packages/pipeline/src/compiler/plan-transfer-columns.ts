import { AppError } from '@airflow-mcp/core';
import { parseExpression } from '../expression/parse-expression.js';
import { renderExpression } from '../expression/render-expression.js';
import { sqlDialect } from '../expression/sql-dialect.js';
import type { Connection, SqlType, TransferTask } from '../spec/pipeline-spec.js';

/** A column of a source table as introspection found it. */
export interface SourceColumn {
  name: string;
  type: SqlType | undefined;
  /** The engine's own type name, as declared. */
  declared?: string;
  nullable?: boolean;
  primaryKey?: boolean;
}

/**
 * The output columns of a transfer: SQL select items in the dialect of the engine that reads the source (the source
 * itself, or DuckDB when it reads a SQLite file through its scanner) and the type each lands as.
 */
export function planTransferColumns(
  task: TransferTask,
  sourceColumns: readonly SourceColumn[] | undefined,
  reader: Connection['kind'] = task.source.kind,
): { names: string[] | undefined; selects: string[] | undefined; types: (SqlType | undefined)[] | undefined } {
  const d = sqlDialect(reader);
  const known = sourceColumns?.map((c) => c.name);
  const typeOf = (name: string) => sourceColumns?.find((c) => c.name.toLowerCase() === name.toLowerCase())?.type;
  const castSql = (sql: string, type: SqlType) => {
    if (reader === 'sqlite' && type === 'date') return `date(${sql})`;
    if (reader === 'sqlite' && type === 'timestamp') return `datetime(${sql})`;
    // SQLite's date() also reads a timestamp's text; DuckDB casts that text to a DATE only through TIMESTAMP.
    if (reader === 'duckdb' && task.source.kind === 'sqlite' && type === 'date') {
      return `CAST(CAST(${sql} AS TIMESTAMP) AS DATE)`;
    }
    return `CAST(${sql} AS ${d.castType(type)})`;
  };
  if (task.columns.length === 0) {
    if (!sourceColumns) return { names: undefined, selects: undefined, types: undefined };
    return {
      names: sourceColumns.map((c) => c.name),
      selects: sourceColumns.map((c) => d.ident(c.name)),
      types: sourceColumns.map((c) => c.type),
    };
  }
  const names: string[] = [];
  const selects: string[] = [];
  const types: (SqlType | undefined)[] = [];
  for (const column of task.columns) {
    let sql: string;
    let type: SqlType | undefined;
    if (column.expr !== undefined) {
      sql = renderExpression(parseExpression(column.expr, known ? { columns: known } : {}), d);
      type = column.cast;
    } else {
      const source = column.source ?? column.name;
      if (known && !known.some((k) => k.toLowerCase() === source.toLowerCase())) {
        throw new AppError(
          'VALIDATION_FAILED',
          `Task ${task.id}: column "${source}" is not in ${task.source_table} (columns: ${known.join(', ')}).`,
          { details: { step: 'source-schema', task: task.id, column: source } },
        );
      }
      sql = d.ident(source);
      type = column.cast ?? typeOf(source);
    }
    if (column.cast) sql = castSql(sql, column.cast);
    names.push(column.name);
    selects.push(`${sql} AS ${d.ident(column.name)}`);
    types.push(type);
  }
  return { names, selects, types };
}

/** The target table as the streaming path makes it: dropped and made anew (replace), or made when missing. */
export function createTargetTable(table: string, columnsDdl: string, replace: boolean): string[] {
  return replace
    ? [`DROP TABLE IF EXISTS ${table}`, `CREATE TABLE ${table} (${columnsDdl})`]
    : [`CREATE TABLE IF NOT EXISTS ${table} (${columnsDdl})`];
}
