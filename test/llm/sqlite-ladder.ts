import { isAppError } from '@airflow-mcp/core';
import type { SpecValidation } from '@airflow-mcp/llm';
import { checkSpec, introspectSqlite, type PipelineSpec } from '@airflow-mcp/pipeline';

/**
 * The validation ladder's spec check (pipeline's checkSpec: schema and rules, data paths, the source's real columns
 * read from the SQLite file, compile), as the `validate` a model planner gets. Every failure comes back as text for
 * the repair loop.
 */
export function sqliteLadder(allowedDataDirs: readonly string[]) {
  return async (json: unknown): Promise<SpecValidation<PipelineSpec>> => {
    try {
      const { spec } = await checkSpec(json, {
        allowedDataDirs,
        introspect: async (connection, table) =>
          connection.kind === 'sqlite' ? introspectSqlite(connection.path, table) : undefined,
        airflowMajor: () => 3,
      });
      return { ok: true, value: spec };
    } catch (error) {
      if (!isAppError(error)) throw error;
      const step = typeof error.details?.['step'] === 'string' ? error.details['step'] : error.code;
      return { ok: false, step, error: error.message };
    }
  };
}
