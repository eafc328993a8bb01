import { AppError, DEFAULT_TENANT } from '@airflow-mcp/core';
import type { PipelineSpecInput } from '@airflow-mcp/pipeline';
import { assertOwnsDag } from '../tenancy/tenant-scope.js';
import { buildDag } from './build-dag.js';
import type { RollbackDagInput } from './create-dag-input.js';
import type { CreateDagResult } from './create-dag-result.js';
import type { DagServiceDeps } from './dag-service-deps.js';

/** rollback_dag: an earlier version's spec compiled and deployed again, as a new version. */
export async function rollbackDag(deps: DagServiceDeps, input: RollbackDagInput): Promise<CreateDagResult> {
  assertOwnsDag(input.dagId, input.actor?.tenant ?? DEFAULT_TENANT);
  const history = deps.history();
  const target = await history.get(input.dagId, input.version);
  if (!target) {
    const known = (await history.list(input.dagId)).map((v) => v.version);
    throw new AppError(
      'NOT_FOUND',
      `DAG ${input.dagId} has no version ${input.version}.${known.length ? ` Versions: ${known.join(', ')}.` : ' It has no history.'}`,
    );
  }
  return buildDag(deps, {
    ...input,
    plan: {
      spec: target.spec as PipelineSpecInput,
      planner: 'rollback',
      notes: [`spec of version ${input.version}`],
      attempts: 0,
    },
    language: 'en',
    progress: async (m) => input.onProgress?.(m),
    reason: `rollback to version ${input.version}`,
    action: 'rollback_dag',
  });
}
