import { chmodSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { createSampleDatabase } from '@airflow-mcp/pipeline';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { startServiceApp, type ServiceApp } from '../support/start-service-app.js';
import type { ToolResult } from '../support/mcp-tool-calls.js';

const READER = 'doors-reader-0123456789abcdef';
const WRITER = 'doors-writer-0123456789abcdef';
const OUTSIDER = 'doors-outsider-0123456789abcdef';

/** Every file and folder under `root` whose mode lets anyone but the owner in: [path, octal mode]. */
function openToOthers(root: string): [string, string][] {
  const found: [string, string][] = [];
  const walk = (path: string) => {
    const stat = lstatSync(path);
    if (stat.isSymbolicLink()) return;
    if ((stat.mode & 0o077) !== 0) found.push([path, (stat.mode & 0o777).toString(8)]);
    if (stat.isDirectory()) for (const name of readdirSync(path)) walk(join(path, name));
  };
  walk(root);
  return found;
}

/** inspect_source through Airflow and DATA_DIR on disk, against the real service and the test Airflow. */
describe('service doors: inspect_source through Airflow, DATA_DIR modes', () => {
  const airflow = inject('airflow');
  const warehouse = join(airflow.dataDir, `doors-${Date.now().toString(36)}`);
  const dataDir = mkdtempSync(join(tmpdir(), 'airflow-mcp-doors-'));
  let app: ServiceApp;
  let readOnly: ServiceApp;
  const call = async (client: Client, name: string, args: Record<string, unknown>) =>
    (await client.callTool({ name, arguments: args }, undefined, { timeout: 120_000 })) as ToolResult;

  beforeAll(async () => {
    mkdirSync(join(warehouse, 'outsiders'), { recursive: true });
    createSampleDatabase(join(warehouse, 'sample.db'));
    // What the local Airflow script leaves in DATA_DIR, readable by everyone before the service starts.
    mkdirSync(join(dataDir, 'airflow'), { recursive: true });
    writeFileSync(join(dataDir, 'airflow', 'local-credentials.json'), '{"username":"u","password":"p"}');
    chmodSync(join(dataDir, 'airflow', 'local-credentials.json'), 0o644);
    chmodSync(dataDir, 0o755);
    const keys = `${READER}:read,${WRITER}:read+write,${OUTSIDER}:read+write:outsiders`;
    app = await startServiceApp(airflow, {
      DATA_DIR: dataDir,
      ALLOWED_DATA_DIRS: warehouse,
      MCP_API_KEYS: keys,
      MCP_TENANT_CONNECTIONS: 'outsiders:their_own_pg',
    });
    readOnly = await startServiceApp(airflow, { ALLOWED_DATA_DIRS: warehouse, MCP_API_KEYS: keys, READ_ONLY: 'true' });
  });
  afterAll(async () => {
    await app?.close();
    await readOnly?.close();
  });

  it('creates DATA_DIR 0700 with the database and the credentials 0700/0600, and keeps them so after a close', async () => {
    expect((lstatSync(dataDir).mode & 0o777).toString(8)).toBe('700');
    expect((lstatSync(join(dataDir, 'db')).mode & 0o777).toString(8)).toBe('700');
    expect(readdirSync(join(dataDir, 'db')).length).toBeGreaterThan(5);
    expect(openToOthers(join(dataDir, 'db'))).toEqual([]);
    expect((lstatSync(join(dataDir, 'airflow', 'local-credentials.json')).mode & 0o777).toString(8)).toBe('600');
    // Work that writes to the database (a rating), then a close: files the database made meanwhile are restricted too.
    const writer = await app.connect({ headers: { authorization: `Bearer ${WRITER}` } });
    const rated = await call(writer, 'rate_dag', { query: 'doors', doc: 'x.md', score: 1 });
    expect(rated.isError, rated.content[0]?.text).toBeFalsy();
    await app.close();
    expect(openToOthers(join(dataDir, 'db'))).toEqual([]);
    app = await startServiceApp(airflow, {
      DATA_DIR: dataDir,
      ALLOWED_DATA_DIRS: warehouse,
      MCP_API_KEYS: `${READER}:read`,
    });
  });

  it('refuses inspect_source through Airflow to a read key and in READ_ONLY, before anything is deployed', async () => {
    const reader = await app.connect({ headers: { authorization: `Bearer ${READER}` } });
    for (const source of ['postgres:warehouse_pg', 'mysql:warehouse_mysql', 'postgresql:no_such_connection']) {
      const started = performance.now();
      const refused = await call(reader, 'inspect_source', { source_db: source });
      expect(refused.isError, source).toBe(true);
      expect(refused.content[0]?.text).toMatch(
        /^FORBIDDEN: Inspecting a (postgres|mysql) source deploys and runs a DAG in Airflow, so it needs a key with the "write" scope/,
      );
      // Deploying and triggering the introspection DAG takes seconds; the refusal does not reach Airflow.
      expect(performance.now() - started).toBeLessThan(1500);
    }
    // Files are still read with a read key.
    const file = await call(reader, 'inspect_source', { source_db: 'sample.db' });
    expect(file.isError, file.content[0]?.text).toBeFalsy();

    const writer = await readOnly.connect({ headers: { authorization: `Bearer ${WRITER}` } });
    const refused = await call(writer, 'inspect_source', { source_db: 'postgres:warehouse_pg', table: 'users' });
    expect(refused.content[0]?.text).toMatch(
      /FORBIDDEN: .*needs a key with the "write" scope on a service that is not READ_ONLY/,
    );
  });

  it('never tells a tenant which connection ids exist when it may not use them', async () => {
    const service = await startServiceApp(airflow, {
      ALLOWED_DATA_DIRS: warehouse,
      MCP_API_KEYS: `${OUTSIDER}:read+write:outsiders`,
      MCP_TENANT_CONNECTIONS: 'outsiders:their_own_pg',
    });
    try {
      const client = await service.connect({ headers: { authorization: `Bearer ${OUTSIDER}` } });
      const answers: string[] = [];
      for (const id of ['warehouse_pg', 'warehouse_mysql', 'no_such_connection', 'airflow_db']) {
        for (const source of [`postgres:${id}`, `mysql:${id}`]) {
          const started = performance.now();
          const result = await call(client, 'inspect_source', { source_db: source, table: 'users' });
          expect(result.isError).toBe(true);
          expect(performance.now() - started).toBeLessThan(1500);
          answers.push((result.content[0]?.text ?? '').replace(id, '<id>'));
        }
        // The same words for a spec given to create_dag.
        const created = await call(client, 'create_dag', {
          task_description: 'copy users from postgres',
          deploy: false,
          spec: {
            dag_id: `doors_${id}`,
            tasks: [
              {
                type: 'transfer',
                id: 'load',
                source: { kind: 'postgres', conn_id: id },
                source_table: 'users',
                target: { kind: 'duckdb', path: 'out.duckdb' },
                target_table: 'users',
              },
            ],
          },
        });
        expect(created.isError).toBe(true);
        answers.push((created.content[0]?.text ?? '').replace(id, '<id>'));
      }
      expect(new Set(answers)).toEqual(
        new Set(['FORBIDDEN: This key may not use the Airflow connection "<id>". Its tenant may use: their_own_pg.']),
      );
    } finally {
      await service.close();
    }
  });

  it("keeps a bare key (the default tenant) out of a named tenant's folder", async () => {
    createSampleDatabase(join(warehouse, 'outsiders', 'secret.db'));
    const service = await startServiceApp(airflow, {
      ALLOWED_DATA_DIRS: warehouse,
      MCP_API_KEYS: `${WRITER},${OUTSIDER}:read+write:outsiders`,
    });
    try {
      const bare = await service.connect({ headers: { authorization: `Bearer ${WRITER}` } });
      for (const path of [
        'outsiders/secret.db',
        join(warehouse, 'outsiders', 'secret.db'),
        './x/../outsiders/secret.db',
      ]) {
        const inspected = await call(bare, 'inspect_source', { source_db: path, table: 'users' });
        expect(inspected.content[0]?.text, path).toMatch(
          /^FORBIDDEN: The file ".*" is in the folder of another tenant/,
        );
        const copied = await call(bare, 'create_dag', {
          task_description: 'copy users',
          deploy: false,
          spec: {
            dag_id: 'doors_steal',
            tasks: [
              {
                type: 'transfer',
                id: 'load',
                source: { kind: 'sqlite', path },
                source_table: 'users',
                target: { kind: 'duckdb', path: 'stolen.duckdb' },
                target_table: 'users',
              },
            ],
          },
        });
        expect(copied.content[0]?.text, path).toMatch(/^FORBIDDEN: The file ".*" is in the folder of another tenant/);
        // Nor as a target: writing into the tenant's folder.
        const planted = await call(bare, 'create_dag', {
          task_description: 'copy users',
          deploy: false,
          spec: {
            dag_id: 'doors_plant',
            tasks: [
              {
                type: 'transfer',
                id: 'load',
                source: { kind: 'sqlite', path: 'sample.db' },
                source_table: 'users',
                target: { kind: 'duckdb', path: 'outsiders/planted.duckdb' },
                target_table: 'users',
              },
            ],
          },
        });
        expect(planted.content[0]?.text).toMatch(/in the folder of another tenant/);
      }
      expect((await call(bare, 'inspect_source', { source_db: 'sample.db' })).isError).toBeFalsy();
      const outsider = await service.connect({ headers: { authorization: `Bearer ${OUTSIDER}` } });
      const own = await call(outsider, 'inspect_source', { source_db: 'secret.db', table: 'users' });
      expect(own.isError, own.content[0]?.text).toBeFalsy();
    } finally {
      await service.close();
    }
  });
});
