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

/** The columns an expression reads, or none when it does not parse (the compile rung reports that). */
function expressionColumns(expression: string): string[] {
  try {
    return [...columnsOf(parseExpression(expression))];
  } catch {
    return [];
  }
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
      const known = new Set(source.map((c) => c.name.toLowerCase()));
      const listed = source.map((c) => c.name).join(', ');
      const named = [
        ...task.columns.map((c) => (c.expr === undefined ? [c.source ?? c.name] : expressionColumns(c.expr))).flat(),
        ...(task.filter ? expressionColumns(task.filter) : []),
      ];
      const missing = named.find((name) => !known.has(name.toLowerCase()));
      if (missing !== undefined) {
        fail(
          `Task ${task.id}: the source table ${task.source_table} has no column "${missing}" (columns: ${listed}).`,
          {
            task: task.id,
            column: missing,
          },
        );
      }
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
