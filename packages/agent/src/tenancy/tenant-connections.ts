import { AppError, ALL_TENANTS, DEFAULT_TENANT } from '@airflow-mcp/core';

/** Airflow connection ids each tenant may use (`MCP_TENANT_CONNECTIONS`); 'all' = any. */
export type TenantConnections = Readonly<Record<string, readonly string[] | 'all'>>;

/**
 * The connection ids a tenant may name (in a spec, or to inspect_source): what MCP_TENANT_CONNECTIONS lists for
 * it; without an entry, every id for the default tenant and none for a named tenant. The cross-tenant
 * administrator may use every id.
 */
export function allowedConnections(config: TenantConnections | undefined, tenant: string): readonly string[] | 'all' {
  if (tenant === ALL_TENANTS) return 'all';
  return config?.[tenant] ?? (tenant === DEFAULT_TENANT ? 'all' : []);
}

/**
 * Refuses a connection id the tenant may not use, with the same words whether Airflow has it or not, so a caller
 * cannot learn which ids exist.
 */
export function assertMayUseConnection(config: TenantConnections | undefined, tenant: string, connId: string): void {
  const allowed = allowedConnections(config, tenant);
  if (allowed === 'all' || allowed.includes(connId)) return;
  throw new AppError(
    'FORBIDDEN',
    `This key may not use the Airflow connection "${connId}". ` +
      (allowed.length > 0
        ? `Its tenant may use: ${allowed.join(', ')}.`
        : 'Its tenant may use no Airflow connection; ask the operator to list it in MCP_TENANT_CONNECTIONS.'),
  );
}

/** Every Airflow connection id a spec names: `conn_id` of sources, targets and checks, and `*_conn_id` fields. */
export function connectionIdsOf(spec: unknown): string[] {
  const found = new Set<string>();
  const walk = (value: unknown): void => {
    if (Array.isArray(value)) value.forEach(walk);
    else if (value !== null && typeof value === 'object') {
      for (const [key, child] of Object.entries(value)) {
        if ((key === 'conn_id' || key.endsWith('_conn_id')) && typeof child === 'string') found.add(child);
        else walk(child);
      }
    }
  };
  walk(spec);
  return [...found];
}
