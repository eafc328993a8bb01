import { isAppError } from '@airflow-mcp/core';
import type { SpecValidation } from '@airflow-mcp/llm';
import { introspectSqlite, resolveDataPaths, validateSpec, type PipelineSpec } from '@airflow-mcp/pipeline';

/**
 * The first rungs of the validation ladder the agent runs (schema and rules, data paths, the source's real
 * columns from the SQLite file), as the `validate` a model planner gets. Every failure comes back as text for the
 * repair loop.
 */
export function sqliteLadder(allowedDataDirs: readonly string[]) {
  return async (json: unknown): Promise<SpecValidation<PipelineSpec>> => {
    try {
      const spec = resolveDataPaths(validateSpec(json), allowedDataDirs);
      for (const task of spec.tasks) {
        if (task.type !== 'transfer' || task.source.kind !== 'sqlite') continue;
        const info = introspectSqlite(task.source.path, task.source_table);
        if (!info.columns) {
          return {
            ok: false,
            step: 'source-schema',
            error: `Task ${task.id}: the source has no table "${task.source_table}".`,
          };
        }
        const known = new Set(info.columns.map((c) => c.name));
        for (const column of task.columns) {
          const source = column.expr === undefined ? (column.source ?? column.name) : undefined;
          if (source !== undefined && !known.has(source)) {
            return {
              ok: false,
              step: 'source-schema',
              error: `Task ${task.id}: the source table ${task.source_table} has no column "${source}" (columns: ${[...known].join(', ')}).`,
            };
          }
        }
      }
      return { ok: true, value: spec };
    } catch (error) {
      if (!isAppError(error)) throw error;
      const step = typeof error.details?.['step'] === 'string' ? error.details['step'] : error.code;
      return { ok: false, step, error: error.message };
    }
  };
}
