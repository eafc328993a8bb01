import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { startServiceApp, type ServiceApp } from '../support/start-service-app.js';
import { createSampleDatabase } from '@airflow-mcp/pipeline';

type ToolResult = { structuredContent?: Record<string, unknown>; isError?: boolean; content: { text?: string }[] };

const ACME = 'acme-key-0123456789abcdef';
const GLOBEX = 'globex-key-0123456789abcdef';
const ADMIN = 'admin-key-0123456789abcdef';

describe('tenants: each key sees and changes only its own DAGs and data', () => {
  const airflow = inject('airflow');
  const suffix = Date.now().toString(36);
  const warehouse = join(airflow.dataDir, `tenants-${suffix}`);
  let app: ServiceApp;
  let acme: Client;
  let globex: Client;
  let admin: Client;
  const call = async (client: Client, name: string, args: Record<string, unknown>) =>
    (await client.callTool({ name, arguments: args }, undefined, { timeout: 300_000 })) as ToolResult;

  beforeAll(async () => {
    for (const tenant of ['acme', 'globex']) {
      mkdirSync(join(warehouse, tenant), { recursive: true });
      createSampleDatabase(join(warehouse, tenant, 'sample.db'));
    }
    const env = {
      DATA_DIR: join(warehouse, '.state'),
      ALLOWED_DATA_DIRS: warehouse,
      // The cross-tenant administrator is explicit (tenant "*"); a bare key would see the default tenant only.
      MCP_API_KEYS: `${ACME}:read+write:acme,${GLOBEX}:read+write:globex,${ADMIN}:read+write+admin:*`,
    };
    app = await startServiceApp(airflow, env);
    const as = (key: string) => app.connect({ headers: { authorization: `Bearer ${key}` } });
    [acme, globex, admin] = await Promise.all([as(ACME), as(GLOBEX), as(ADMIN)]);
  });
  afterAll(async () => {
    await app?.close();
  });

  it('namespaces, isolates and audits', async () => {
    const created = await call(acme, 'create_dag', {
      task_description: `copy the users table from SQLite sample.db into DuckDB t.duckdb, dag id users_${suffix}`,
      run: true,
      wait: true,
    });
    expect(created.isError, created.content[0]?.text).toBeFalsy();
    const out = created.structuredContent as { dag_id: string; run: { state: string; rows: number; target: string } };
    const dagId = `acme__users_${suffix}`;
    expect(out.dag_id).toBe(dagId);
    expect(out.run).toMatchObject({ state: 'success', rows: 200 });
    expect(out.run.target).toContain(join(warehouse, 'acme', 't.duckdb'));

    const mine = (await call(acme, 'list_dags', { only_generated: true })).structuredContent as {
      dags: { dag_id: string; tags: string[] }[];
    };
    expect(mine.dags.map((d) => d.dag_id)).toContain(dagId);
    expect(mine.dags.every((d) => d.dag_id.startsWith('acme__'))).toBe(true);
    expect(mine.dags.find((d) => d.dag_id === dagId)?.tags).toContain('tenant:acme');

    const theirs = (await call(globex, 'list_dags', {})).structuredContent as { dags: { dag_id: string }[] };
    expect(theirs.dags.map((d) => d.dag_id)).not.toContain(dagId);
    for (const [tool, args] of [
      ['check_dag_status', { dag_id: dagId }],
      ['run_dag', { dag_id: dagId }],
      ['set_dag_paused', { dag_id: dagId, paused: true }],
      ['update_dag', { dag_id: dagId, change_request: 'run it hourly' }],
      ['list_dag_versions', { dag_id: dagId }],
      ['rollback_dag', { dag_id: dagId, version: 1 }],
    ] as const) {
      const refused = await call(globex, tool, args);
      expect(refused.isError, `${tool} crossed tenants`).toBe(true);
      expect(refused.content[0]?.text).toMatch(/No DAG|not allowed|scope/i);
    }
    const probe = await call(globex, 'inspect_source', { source_db: '../acme/sample.db' });
    expect(probe.isError).toBe(true);
    expect(probe.content[0]?.text).toContain('outside the allowed data folders');
    expect((await call(globex, 'inspect_source', { source_db: 'sample.db' })).isError).toBeFalsy();

    expect((await call(acme, 'audit_log', {})).isError).toBe(true);
    const audit = (await call(admin, 'audit_log', { dag_id: dagId })).structuredContent as {
      entries: { tenant: string; action: string; outcome: string }[];
    };
    expect(audit.entries).toEqual([
      expect.objectContaining({ tenant: 'acme', action: 'create_dag', outcome: 'deployed v1' }),
    ]);
    const all = (await call(admin, 'list_dags', { pattern: `users_${suffix}` })).structuredContent as {
      dags: { dag_id: string }[];
    };
    expect(all.dags.map((d) => d.dag_id)).toContain(dagId);

    // Deleting takes the admin scope (the tenants' keys lack it); the cross-tenant admin removes the DAG.
    const notTheirs = await call(globex, 'delete_dag', { dag_id: dagId });
    expect(notTheirs.isError, 'delete_dag with a tenant key').toBe(true);
    expect((await call(acme, 'check_dag_status', { dag_id: dagId })).isError).toBeFalsy();
    const deleted = await call(admin, 'delete_dag', { dag_id: dagId });
    expect(deleted.isError, deleted.content[0]?.text).toBeFalsy();
    const left = (await call(acme, 'list_dags', { only_generated: true })).structuredContent as {
      dags: { dag_id: string }[];
    };
    expect(left.dags.map((d) => d.dag_id)).not.toContain(dagId);
  });
});
