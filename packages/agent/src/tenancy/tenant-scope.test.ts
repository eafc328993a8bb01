import { ALL_TENANTS, DEFAULT_TENANT } from '@airflow-mcp/core';
import { describe, expect, it } from 'vitest';
import { assertOwnsDag, isTenantName, ownsDag, scopeDagId, tenantDataDirs, tenantOfDag } from './tenant-scope.js';

/** Tenant names an operator might pick, many of them prefixes of one another. */
const TENANTS = [
  DEFAULT_TENANT,
  't',
  't1',
  't11',
  't1x',
  'ta',
  'team',
  'teama',
  'teamb',
  'teamab',
  'acme',
  'acmecorp',
  'a',
  'ab',
  'abc',
  'airflow',
  'dag',
  'x'.repeat(31),
  'x'.repeat(30),
];

/** DAG ids a planner or an attacker might write: other tenants' prefixes, underscores, service ids, long ids. */
const RAW_IDS = [
  'users',
  'users_copy',
  't1__users',
  't1___users',
  't1_users',
  't11__users',
  'teama__teamb__x',
  'team__a',
  'default__x',
  'acme__',
  'acme__acmecorp__y',
  'airflow_mcp_introspect',
  'airflow_mcp_x',
  'dag_airflow_mcp_x',
  `${'x'.repeat(31)}__z`,
  `${'x'.repeat(32)}__z`,
  `${'a'.repeat(119)}`,
  `t1__${'b'.repeat(116)}`,
];

describe('tenant scope', () => {
  it('accepts only the safe alphabet: no "-" or "_", no capitals, no leading digit, at most 31 characters', () => {
    for (const name of TENANTS) expect(isTenantName(name), name).toBe(true);
    for (const name of ['team-a', 'team_a', 't1_', 'T1', '1team', '', 'x'.repeat(32), 'a b', '../a', '*'])
      expect(isTenantName(name), name).toBe(false);
  });

  it('gives every scoped id exactly the tenant that created it, so two tenants never share an id', () => {
    const owners = new Map<string, string>();
    for (const tenant of TENANTS) {
      for (const raw of RAW_IDS) {
        const id = scopeDagId(raw, tenant);
        expect(tenantOfDag(id), `${tenant} / ${raw} -> ${id}`).toBe(tenant);
        expect(id.length).toBeLessThanOrEqual(120);
        expect(scopeDagId(id, tenant), 'scoping twice changes nothing').toBe(id);
        for (const other of TENANTS) expect(ownsDag(id, other), `${other} owns ${id}`).toBe(other === tenant);
        expect(ownsDag(id, ALL_TENANTS)).toBe(true);
        const before = owners.get(id);
        expect(before === undefined || before === tenant, `${id} reached by ${before} and ${tenant}`).toBe(true);
        owners.set(id, tenant);
      }
    }
    expect(owners.size).toBeGreaterThan(TENANTS.length * 10);
  });

  it('keeps ids of the old aliases apart: team-a/team_a and t1/t1_ are refused names, t1 and t11 are disjoint', () => {
    expect(ownsDag('t11__users', 't1')).toBe(false);
    expect(ownsDag('t1__users', 't11')).toBe(false);
    expect(ownsDag('t1___users', 't1')).toBe(true);
    expect(ownsDag('t1__users', DEFAULT_TENANT)).toBe(false);
    expect(ownsDag('users', 't1')).toBe(false);
    expect(() => assertOwnsDag('t1__users', 't11')).toThrow(/No DAG "t1__users" for this key/);
  });

  it("renames a default-tenant id that looks like another tenant's or the service's", () => {
    expect(scopeDagId('acme__payroll', DEFAULT_TENANT)).toBe('acme_payroll');
    expect(scopeDagId('acme___payroll', DEFAULT_TENANT)).toBe('acme_payroll');
    expect(scopeDagId('airflow_mcp_introspect', DEFAULT_TENANT)).toBe('dag_airflow_mcp_introspect');
    expect(scopeDagId('users', DEFAULT_TENANT)).toBe('users');
    expect(scopeDagId('users', ALL_TENANTS)).toBe('users');
  });

  it("keeps the service's own DAGs to the cross-tenant administrator", () => {
    expect(tenantOfDag('airflow_mcp_introspect')).toBe(ALL_TENANTS);
    expect(ownsDag('airflow_mcp_introspect', DEFAULT_TENANT)).toBe(false);
    expect(ownsDag('airflow_mcp_introspect', ALL_TENANTS)).toBe(true);
  });

  it("puts a named tenant's data in its own folder", () => {
    expect(tenantDataDirs(['/w', '/v'], 'acme')).toEqual(['/w/acme', '/v/acme']);
    expect(tenantDataDirs(['/w'], DEFAULT_TENANT)).toEqual(['/w']);
    expect(tenantDataDirs(['/w'], ALL_TENANTS)).toEqual(['/w']);
  });
});
