import { ALL_TENANTS, AppError, DEFAULT_TENANT } from '@airflow-mcp/core';
import { join } from 'node:path';

/**
 * Tenant names: a lowercase letter, then up to 30 lowercase letters or digits. No "-" or "_", so a tenant's DAG-id
 * prefix `<tenant>__` ends at the first "_" of an id and no tenant's prefix can be another's.
 */
export const TENANT_NAME = /^[a-z][a-z0-9]{0,30}$/;

export const isTenantName = (name: string): boolean => TENANT_NAME.test(name);

/** The owner part of a DAG id: a tenant name followed by "__" at its very start. */
const OWNER_PREFIX = /^([a-z][a-z0-9]{0,30})__/;

/** The service's own DAGs (the introspection DAG): only the cross-tenant administrator sees them. */
const SERVICE_DAG = /^airflow_mcp_/;

/**
 * The one tenant a DAG id belongs to: `acme__users` -> acme; ids without a tenant prefix -> the default tenant;
 * the service's own DAGs -> `*` (nobody but the cross-tenant administrator). Every tenant check compares this
 * exactly with the caller's tenant.
 */
export function tenantOfDag(dagId: string): string {
  if (SERVICE_DAG.test(dagId)) return ALL_TENANTS;
  return OWNER_PREFIX.exec(dagId)?.[1] ?? DEFAULT_TENANT;
}

/** `<tenant>__` for a named tenant; '' for the default tenant (and the administrator, who creates as default). */
export function tenantPrefix(tenant: string): string {
  return tenant === DEFAULT_TENANT || tenant === ALL_TENANTS ? '' : `${tenant}__`;
}

/**
 * The id a new DAG gets for this tenant, so that tenantOfDag(result) === tenant whatever the planner or caller
 * wrote: a named tenant's ids start with its prefix; a default-tenant id that looks like another tenant's
 * (`acme__x`) or the service's (`airflow_mcp_x`) is renamed (`acme_x`, `dag_airflow_mcp_x`).
 */
export function scopeDagId(dagId: string, tenant: string): string {
  const prefix = tenantPrefix(tenant);
  if (prefix !== '') return tenantOfDag(dagId) === tenant ? dagId : `${prefix}${dagId}`.slice(0, 120);
  if (SERVICE_DAG.test(dagId)) return `dag_${dagId}`.slice(0, 120);
  return OWNER_PREFIX.test(dagId) ? dagId.replace(/^([a-z][a-z0-9]{0,30})_+/, '$1_') : dagId;
}

export function ownsDag(dagId: string, tenant: string): boolean {
  return tenant === ALL_TENANTS || tenantOfDag(dagId) === tenant;
}

/** Another tenant's DAG is reported as missing, so ids cannot be probed across tenants. */
export function assertOwnsDag(dagId: string, tenant: string): void {
  if (!ownsDag(dagId, tenant)) {
    throw new AppError('NOT_FOUND', `No DAG "${dagId}" for this key. Use list_dags to see yours.`);
  }
}

/** A named tenant's data lives in `<allowed dir>/<tenant>/`; the default tenant and the administrator use all. */
export function tenantDataDirs(allowed: readonly string[], tenant: string): string[] {
  return tenantPrefix(tenant) === '' ? [...allowed] : allowed.map((dir) => join(dir, tenant));
}
