import { AppError, DEFAULT_TENANT } from '@airflow-mcp/core';
import type { PipelineSpecInput } from '@airflow-mcp/pipeline';
import { detectLanguage } from '../i18n/detect-language.js';
import { editSpec } from '../planning/edit-spec.js';
import { assertTenantMayUse, tenantAccess } from '../tenancy/assert-tenant-may-use.js';
import { assertOwnsDag, tenantDataDirs } from '../tenancy/tenant-scope.js';
import { buildDag } from './build-dag.js';
import type { UpdateDagInput } from './create-dag-input.js';
import type { CreateDagResult } from './create-dag-result.js';
import type { DagServiceDeps } from './dag-service-deps.js';

/** update_dag: a change request applied to the latest version's spec, validated and deployed as a new version. */
export async function updateDag(deps: DagServiceDeps, input: UpdateDagInput): Promise<CreateDagResult> {
  const language = detectLanguage(input.request);
  assertOwnsDag(input.dagId, input.actor?.tenant ?? DEFAULT_TENANT);
  const latest = await deps.history().latest(input.dagId);
  if (!latest) {
    throw new AppError(
      'NOT_FOUND',
      `No version history for DAG ${input.dagId}: only DAGs made by create_dag can be updated. Use list_dags to see them.`,
    );
  }
  const tenant = input.actor?.tenant ?? DEFAULT_TENANT;
  const tenantDirs = tenantDataDirs(deps.allowedDataDirs, tenant);
  const edited = await editSpec(
    latest.spec as PipelineSpecInput,
    input.request,
    language,
    async (connection, table) => {
      // What the tenant may use can have changed since this version was deployed.
      assertTenantMayUse(tenantAccess(deps), tenant, connection, deps.allowedDataDirs);
      return deps.introspect(connection, table, tenantDirs);
    },
  );
  if ((edited.spec as { dag_id?: string }).dag_id !== input.dagId) edited.spec.dag_id = input.dagId;
  return buildDag(deps, {
    ...input,
    plan: { spec: edited.spec, planner: 'rules (edit)', notes: edited.changes, attempts: 1 },
    language,
    progress: async (m) => input.onProgress?.(m),
    reason: input.request,
    action: 'update_dag',
  });
}
