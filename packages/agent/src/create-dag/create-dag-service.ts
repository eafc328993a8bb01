import { DEFAULT_TENANT, assertOwnsDag } from '../tenancy/tenant-scope.js';
import { createDag } from './create-dag.js';
import type { CreateDagInput, RollbackDagInput, UpdateDagInput } from './create-dag-input.js';
import type { CreateDagServiceOptions } from './create-dag-service-options.js';
import { createDagServiceDeps } from './dag-service-deps.js';
import { inspectSource } from './inspect-source.js';
import { rateDag, type RateDagInput } from './rate-dag.js';
import { rollbackDag } from './rollback-dag.js';
import { updateDag } from './update-dag.js';

/**
 * The heart of the product: request -> plan -> validation ladder -> compile -> Python/AST/Airflow checks -> deploy ->
 * run -> follow -> result in the user's language. Nothing reaches DAGS_DIR unless every check before it passed.
 * Each use case lives in its own file; this composes them over one set of dependencies.
 */
export function createDagService(options: CreateDagServiceOptions) {
  const deps = createDagServiceDeps(options);
  return {
    create: (input: CreateDagInput) => createDag(deps, input),
    rateDag: (input: RateDagInput) => rateDag(deps, input),
    update: (input: UpdateDagInput) => updateDag(deps, input),
    rollback: (input: RollbackDagInput) => rollbackDag(deps, input),
    versions: async (dagId: string, tenant = DEFAULT_TENANT) => {
      assertOwnsDag(dagId, tenant);
      return deps.history().list(dagId);
    },
    /** A tenant other than the default one reads only its own entries. */
    auditLog: async (filter: { tenant?: string; dagId?: string; limit?: number }, tenant = DEFAULT_TENANT) =>
      deps.history().auditLog(tenant === DEFAULT_TENANT ? filter : { ...filter, tenant }),
    introspect: deps.introspect,
    inspect: (sourceDb: string, table?: string, tenant = DEFAULT_TENANT) =>
      inspectSource(deps, { sourceDb, table, tenant }),
  };
}

export type DagService = ReturnType<typeof createDagService>;
