import { AppError } from '@airflow-mcp/core';
import type { SourceColumn } from '../compiler/render-transfer.js';
import { columnsOf, parseExpression } from '../expression/parse-expression.js';
import type { Connection, PipelineSpec, TransferTask } from '../spec/pipeline-spec.js';

/** Where a table lives: the same key for a transfer's target and a quality check's table. */
export function tableKey(connection: Connection, table: string): string {
  const where = connection.kind === 'sqlite' || connection.kind === 'duckdb' ? connection.path : connection.conn_id;
  return `${connection.kind}:${where}#${table.toLowerCase()}`;
}

function fail(message: string, details: Record<string, unknown>): never {
  throw new AppError('VALIDATION_FAILED', message, { details: { step: 'source-schema', ...details } });
}

/**
 * An expression held against the source's columns: a column it does not have fails here, with the expression
 * parser's own message; an expression that does not parse at all is left to the compile rung, which reports it.
 */
function checkExpression(expression: string, columns: readonly string[]): void {
  try {
    columnsOf(parseExpression(expression));
  } catch {
    return;
  }
  parseExpression(expression, { columns });
}

/** The target columns a transfer writes, when they are known. */
function targetColumns(task: TransferTask, source: readonly SourceColumn[] | undefined): string[] | undefined {
  if (task.columns.length > 0) return task.columns.map((c) => c.name);
  return source?.map((c) => c.name);
}

/**
 * Every column a spec names, held against the columns it can have: a transfer's columns, computed expressions and
 * filter against its source table (when introspected), its keys and watermark against what it writes, and each
 * quality check against the table a transfer of the same spec writes.
 */
export function checkColumnReferences(
  spec: PipelineSpec,
  sourceColumns: Readonly<Record<string, readonly SourceColumn[]>>,
): void {
  const written = new Map<string, string[]>();
  for (const task of spec.tasks) {
    if (task.type !== 'transfer') continue;
    const source = sourceColumns[task.id];
    if (source) {
      const names = source.map((c) => c.name);
      const known = new Set(names.map((n) => n.toLowerCase()));
      const named = task.columns.flatMap((c) => (c.expr === undefined ? [c.source ?? c.name] : []));
      const missing = named.find((name) => !known.has(name.toLowerCase()));
      if (missing !== undefined) {
        fail(
          `Task ${task.id}: the source table ${task.source_table} has no column "${missing}" (columns: ${names.join(', ')}).`,
          { task: task.id, column: missing },
        );
      }
      for (const column of task.columns) if (column.expr !== undefined) checkExpression(column.expr, names);
      if (task.filter) checkExpression(task.filter, names);
    }
    const target = targetColumns(task, source);
    if (!target) continue;
    const lower = new Set(target.map((n) => n.toLowerCase()));
    const key = [...task.keys, ...(task.watermark_column ? [task.watermark_column] : [])].find(
      (k) => !lower.has(k.toLowerCase()),
    );
    if (key !== undefined) {
      fail(`Task ${task.id}: "${key}" is not one of the target columns (${target.join(', ')}).`, {
        task: task.id,
        column: key,
      });
    }
    written.set(tableKey(task.target, task.target_table), target);
  }
  for (const task of spec.tasks) {
    if (task.type !== 'quality_check') continue;
    const columns = written.get(tableKey(task.connection, task.table));
    if (!columns) continue;
    const lower = new Set(columns.map((n) => n.toLowerCase()));
    for (const check of task.checks) {
      const named =
        check.kind === 'unique'
          ? check.columns
          : check.kind === 'row_count' || check.kind === 'custom_sql'
            ? []
            : [check.column];
      const missing = named.find((name) => !lower.has(name.toLowerCase()));
      if (missing !== undefined) {
        fail(
          `Task ${task.id}: the ${check.kind} check names column "${missing}", which table ${task.table} will not have (columns: ${columns.join(', ')}).`,
          { task: task.id, column: missing },
        );
      }
    }
  }
}
