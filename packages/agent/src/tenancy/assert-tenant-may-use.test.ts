import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { assertTenantMayUse, connectionsOf } from './assert-tenant-may-use.js';

/** Real folders: a warehouse with the default tenant's files, a plain sub-folder, and two tenants' folders. */
function warehouse() {
  const root = mkdtempSync(join(tmpdir(), 'tenant-folders-'));
  for (const dir of ['acme', 'globex', 'raw']) mkdirSync(join(root, dir));
  for (const file of ['sample.db', 'acme.db', 'raw/x.db', 'acme/secret.db', 'globex/g.db'])
    writeFileSync(join(root, file), '');
  symlinkSync(join(root, 'acme', 'secret.db'), join(root, 'innocent.db'));
  return root;
}

describe('assertTenantMayUse', () => {
  const root = warehouse();
  const access = { namedTenants: ['acme', 'globex'], connections: { acme: ['warehouse_pg'] } };
  const use = (tenant: string, path: string) => () =>
    assertTenantMayUse(access, tenant, { kind: 'sqlite', path }, [root]);

  it("keeps the default tenant out of named tenants' folders, however the path is written", () => {
    for (const path of [
      'acme/secret.db',
      join(root, 'acme', 'secret.db'),
      'raw/../acme/secret.db',
      'globex/g.db',
      'acme/not-yet-there.duckdb',
      'innocent.db',
    ])
      expect(use('default', path), path).toThrow(/in the folder of another tenant/);
    for (const path of ['sample.db', 'acme.db', 'raw/x.db', join(root, 'sample.db')])
      expect(use('default', path), path).not.toThrow();
  });

  it('leaves named tenants to their own folders (the data dirs they are given) and checks connection ids', () => {
    expect(use('acme', 'acme/secret.db')).not.toThrow();
    expect(() =>
      assertTenantMayUse(access, 'acme', { kind: 'postgres', conn_id: 'warehouse_pg' }, [root]),
    ).not.toThrow();
    expect(() => assertTenantMayUse(access, 'acme', { kind: 'mysql', conn_id: 'other' }, [root])).toThrow(
      /may not use the Airflow connection "other"/,
    );
  });

  it('finds every connection of a spec', () => {
    const spec = {
      tasks: [
        { source: { kind: 'sqlite', path: 'a.db' }, target: { kind: 'duckdb', path: 'b.duckdb' } },
        { connection: { kind: 'postgres', conn_id: 'pg' }, checks: [{ kind: 'row_count' }] },
      ],
    };
    expect(connectionsOf(spec).map((c) => ('path' in c ? c.path : c.conn_id))).toEqual(['a.db', 'b.duckdb', 'pg']);
  });
});
