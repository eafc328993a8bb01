import type { PipelineSpecInput } from '@airflow-mcp/pipeline';
import { assertMayUseConnection, connectionIdsOf, type TenantConnections } from './tenant-connections.js';
import { scopeDagId, tenantPrefix } from './tenant-scope.js';

/**
 * A spec as the tenant may deploy it, whatever the planner or caller wrote: its DAG id belongs to the tenant
 * (tenantOfDag(id) === tenant), a named tenant's spec carries the tag `tenant:<name>` and no other `tenant:` tag
 * (the default tenant's none),
 * and every Airflow connection id it names is one the tenant may use (FORBIDDEN otherwise).
 */
export function scopeSpecToTenant(
  spec: PipelineSpecInput,
  tenant: string,
  connections?: TenantConnections,
): PipelineSpecInput {
  if (typeof spec !== 'object' || spec === null) return spec;
  for (const connId of connectionIdsOf(spec)) assertMayUseConnection(connections, tenant, connId);
  const dagId = typeof spec.dag_id === 'string' ? scopeDagId(spec.dag_id, tenant) : spec.dag_id;
  if (!Array.isArray(spec.tags) && tenantPrefix(tenant) === '') return { ...spec, dag_id: dagId };
  const tags = (Array.isArray(spec.tags) ? spec.tags : []).filter((t) => !t.startsWith('tenant:'));
  return { ...spec, dag_id: dagId, tags: tenantPrefix(tenant) === '' ? tags : [...tags, `tenant:${tenant}`] };
}
