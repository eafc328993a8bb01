import { AppError } from '@airflow-mcp/core';
import { join } from 'node:path';

export const DEFAULT_TENANT = 'default';

/**
 * Tenants: every API key belongs to one. The default tenant (bare keys, or no authentication on loopback) sees
 * everything; any other tenant's generated DAGs carry the prefix `<tenant>__` in their id, its files live in
 * `<allowed dir>/<tenant>/`, and it can see and change only those.
 */
export function tenantPrefix(tenant: string): string {
  return tenant === DEFAULT_TENANT ? '' : `${tenant.replace(/-/g, '_')}__`;
}

/** The id a new DAG gets for this tenant. */
export function scopeDagId(dagId: string, tenant: string): string {
  const prefix = tenantPrefix(tenant);
  return prefix && !dagId.startsWith(prefix) ? `${prefix}${dagId}`.slice(0, 120) : dagId;
}

export function ownsDag(dagId: string, tenant: string): boolean {
  const prefix = tenantPrefix(tenant);
  return prefix === '' || dagId.startsWith(prefix);
}

/** Another tenant's DAG is reported as missing, so ids cannot be probed across tenants. */
export function assertOwnsDag(dagId: string, tenant: string): void {
  if (!ownsDag(dagId, tenant)) {
    throw new AppError('NOT_FOUND', `No DAG "${dagId}" for this key. Use list_dags to see yours.`);
  }
}

export function tenantDataDirs(allowed: readonly string[], tenant: string): string[] {
  return tenant === DEFAULT_TENANT ? [...allowed] : allowed.map((dir) => join(dir, tenant));
}
