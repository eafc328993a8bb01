import type { PipelineSpecInput } from '@airflow-mcp/pipeline';
import { assertTenantMayUse, connectionsOf, tenantAccess } from './assert-tenant-may-use.js';
import { assertMayUseConnection, connectionIdsOf, type TenantConnections } from './tenant-connections.js';
import { scopeDagId, tenantPrefix } from './tenant-scope.js';

/** The service's tenant settings a spec is checked against (CreateDagServiceOptions carries them). */
export interface TenantSettings {
  tenantConnections?: TenantConnections | undefined;
  namedTenants?: readonly string[] | undefined;
  allowedDataDirs: readonly string[];
}

/**
 * A spec as the tenant may deploy it, whatever the planner or caller wrote: its DAG id belongs to the tenant
 * (tenantOfDag(id) === tenant), a named tenant's spec carries the tag `tenant:<name>` and no other `tenant:` tag
 * (the default tenant's none), every Airflow connection id it names is one the tenant may use, and (for the default
 * tenant) no file it names is in a named tenant's folder: FORBIDDEN otherwise, before anything reads them.
 */
export function scopeSpecToTenant(
  spec: PipelineSpecInput,
  tenant: string,
  settings: TenantSettings,
): PipelineSpecInput {
  if (typeof spec !== 'object' || spec === null) return spec;
  const access = tenantAccess(settings);
  for (const connId of connectionIdsOf(spec)) assertMayUseConnection(access.connections, tenant, connId);
  for (const connection of connectionsOf(spec))
    assertTenantMayUse(access, tenant, connection, settings.allowedDataDirs);
  const dagId = typeof spec.dag_id === 'string' ? scopeDagId(spec.dag_id, tenant) : spec.dag_id;
  if (!Array.isArray(spec.tags) && tenantPrefix(tenant) === '') return { ...spec, dag_id: dagId };
  const tags = (Array.isArray(spec.tags) ? spec.tags : []).filter((t) => !t.startsWith('tenant:'));
  return { ...spec, dag_id: dagId, tags: tenantPrefix(tenant) === '' ? tags : [...tags, `tenant:${tenant}`] };
}
