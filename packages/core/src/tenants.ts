/** Who owns what: the tenant names every package agrees on (the rules about DAG ids are packages/agent's). */
export const DEFAULT_TENANT = 'default';

/**
 * The cross-tenant administrator: an explicit role (`MCP_API_KEYS` entry `KEY:admin:*`), never a fallback. It sees
 * and changes every tenant's DAGs and audit entries; what it creates belongs to the default tenant.
 */
export const ALL_TENANTS = '*';

/** The tenant a caller's own work (what it creates, rates, or is shown as examples) belongs to. */
export function homeTenant(tenant: string): string {
  return tenant === ALL_TENANTS ? DEFAULT_TENANT : tenant;
}
