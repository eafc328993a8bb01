import { describe, expect, it } from 'vitest';
import { scopeSpecToTenant } from './scope-spec-to-tenant.js';
import { allowedConnections, assertMayUseConnection, connectionIdsOf } from './tenant-connections.js';

const spec = {
  dag_id: 'pg_copy',
  failure_webhook_conn_id: 'alerts',
  tasks: [
    {
      id: 'load',
      type: 'transfer',
      source: { kind: 'postgres', conn_id: 'warehouse_pg' },
      target: { kind: 'duckdb', path: 'out.duckdb' },
      source_table: 'users',
      target_table: 'users',
    },
    { id: 'check', type: 'quality', connection: { kind: 'mysql', conn_id: 'billing_mysql' }, checks: [] },
  ],
};

describe('tenant connections', () => {
  it('lets the default tenant and the administrator use every id, a named tenant only what is listed', () => {
    expect(allowedConnections(undefined, 'default')).toBe('all');
    expect(allowedConnections(undefined, '*')).toBe('all');
    expect(allowedConnections(undefined, 'acme')).toEqual([]);
    expect(allowedConnections({ acme: ['warehouse_pg'], default: [] }, 'default')).toEqual([]);
    expect(allowedConnections({ acme: 'all' }, 'acme')).toBe('all');
  });

  it('finds every connection id a spec names', () => {
    expect(connectionIdsOf(spec).sort()).toEqual(['alerts', 'billing_mysql', 'warehouse_pg']);
  });

  it('refuses an id in the same words whether it exists or not', () => {
    const config = { acme: ['warehouse_pg'] };
    expect(() => assertMayUseConnection(config, 'acme', 'warehouse_pg')).not.toThrow();
    const words = (connId: string) => {
      try {
        assertMayUseConnection(config, 'acme', connId);
        return 'allowed';
      } catch (error) {
        return (error as Error).message.replace(connId, '<id>');
      }
    };
    expect(words('warehouse_mysql')).toBe(words('no_such_connection_anywhere'));
    expect(words('warehouse_mysql')).toMatch(/may not use the Airflow connection "<id>".*may use: warehouse_pg/);
  });

  it('scopes a spec: prefixed id, tenant tag, and connection ids checked', () => {
    const settings = (tenantConnections: Record<string, string[] | 'all'>) => ({
      tenantConnections,
      allowedDataDirs: [],
    });
    expect(() => scopeSpecToTenant(spec as never, 'acme', settings({ acme: ['warehouse_pg'] }))).toThrow(/"alerts"/);
    const scoped = scopeSpecToTenant(spec as never, 'acme', settings({ acme: 'all' })) as {
      dag_id: string;
      tags: string[];
    };
    expect(scoped.dag_id).toBe('acme__pg_copy');
    expect(scoped.tags).toEqual(['tenant:acme']);
    const forged = scopeSpecToTenant({ ...spec, dag_id: 'acme__x', tags: ['tenant:acme'] } as never, 'default', {
      allowedDataDirs: [],
    });
    expect(forged).toMatchObject({ dag_id: 'acme_x', tags: [] });
  });
});
