import { AppError } from '@airflow-mcp/core';
import { resolveDataPath, type Connection } from '@airflow-mcp/pipeline';
import { isAbsolute, relative, sep } from 'node:path';
import { assertMayUseConnection, type TenantConnections } from './tenant-connections.js';
import { tenantPrefix } from './tenant-scope.js';

/** What a tenant may name besides its own DAGs: Airflow connection ids, and (for the default tenant) data folders. */
export interface TenantAccess {
  /** MCP_TENANT_CONNECTIONS. */
  connections?: TenantConnections | undefined;
  /** The named tenants the service knows: the default tenant may not enter their folders `<allowed>/<tenant>/`. */
  namedTenants?: readonly string[] | undefined;
}

/** The access settings out of the service's options. */
export const tenantAccess = (options: {
  tenantConnections?: TenantConnections | undefined;
  namedTenants?: readonly string[] | undefined;
}): TenantAccess => ({ connections: options.tenantConnections, namedTenants: options.namedTenants });

/**
 * Refuses a connection the tenant may not use, before anything reads it: an Airflow connection id it is not allowed
 * (the same words whether the id exists), or, for the default tenant, a file inside a named tenant's folder (a named
 * tenant's own folders are its only ones already). `allowedDataDirs` are the service's, not the tenant's.
 */
export function assertTenantMayUse(
  access: TenantAccess,
  tenant: string,
  connection: Connection,
  allowedDataDirs: readonly string[],
): void {
  if ('conn_id' in connection) {
    assertMayUseConnection(access.connections, tenant, connection.conn_id);
    return;
  }
  if (tenantPrefix(tenant) !== '' || !access.namedTenants?.length || allowedDataDirs.length === 0) return;
  const path = resolveDataPath(connection.path, allowedDataDirs, 'The file');
  for (const dir of allowedDataDirs) {
    const root = resolveDataPath(dir, allowedDataDirs, 'The folder');
    const rel = relative(root, path);
    if (rel === '' || rel.startsWith('..') || isAbsolute(rel)) continue;
    const first = rel.split(sep)[0] ?? '';
    if (rel.includes(sep) && access.namedTenants.includes(first)) {
      throw new AppError(
        'FORBIDDEN',
        `The file "${connection.path}" is in the folder of another tenant; this key may use the files of the default tenant only.`,
        { details: { step: 'paths' } },
      );
    }
  }
}

/** Every SQLite/DuckDB and Airflow connection a spec names (sources, targets, checks, sql tasks). */
export function connectionsOf(spec: unknown): Connection[] {
  const found: Connection[] = [];
  const walk = (value: unknown): void => {
    if (Array.isArray(value)) value.forEach(walk);
    else if (value !== null && typeof value === 'object') {
      const v = value as Record<string, unknown>;
      const kind = v.kind;
      if ((kind === 'sqlite' || kind === 'duckdb') && typeof v.path === 'string') found.push(v as Connection);
      else if ((kind === 'postgres' || kind === 'mysql') && typeof v.conn_id === 'string') found.push(v as Connection);
      else Object.values(v).forEach(walk);
    }
  };
  walk(spec);
  return found;
}
