import { ALL_TENANTS, DEFAULT_TENANT } from '@airflow-mcp/core';
import { assertOwnsDag } from '../tenancy/tenant-scope.js';
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
    /** Each tenant reads only its own entries; the cross-tenant administrator reads all (or one tenant's). */
    auditLog: async (filter: { tenant?: string; dagId?: string; limit?: number }, tenant = DEFAULT_TENANT) =>
      deps.history().auditLog(tenant === ALL_TENANTS ? filter : { ...filter, tenant }),
    introspect: deps.introspect,
    inspect: (sourceDb: string, table?: string, tenant = DEFAULT_TENANT, options: { mayRunAirflow?: boolean } = {}) =>
      inspectSource(deps, { sourceDb, table, tenant, ...options }),
  };
}

export type DagService = ReturnType<typeof createDagService>;
