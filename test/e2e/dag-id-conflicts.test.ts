import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { mcpToolCalls } from '../support/mcp-tool-calls.js';
import { startServiceApp, type ServiceApp } from '../support/start-service-app.js';

interface Created {
  dag_id: string;
  file: string;
  version: number;
  notes: string[];
  spec: Record<string, unknown> & { tasks: Record<string, unknown>[] };
}

/**
 * create_dag never takes over another pipeline: through a real MCP client, the real service and the test Airflow,
 * two unrelated requests that derive the same DAG id make two DAGs, the same request twice makes one version, and an
 * explicit id that holds another pipeline is refused with CONFLICT unless replace: true.
 */
describe('create_dag and DAG ids that already exist', () => {
  const airflow = inject('airflow');
  const suffix = Date.now().toString(36);
  const warehouse = join(airflow.dataDir, `warehouse-ids-${suffix}`);
  const table = `parcels_${suffix}`;
  let app: ServiceApp;
  let client: Client;
  const { call, createDag } = mcpToolCalls(() => client);
  const made = new Set<string>();
  const create = async (args: Record<string, unknown>) => {
    const out = (await createDag(args)) as unknown as Created;
    made.add(out.dag_id);
    return out;
  };
  const versionsOf = async (dagId: string) => {
    const listed = await call('list_dag_versions', { dag_id: dagId });
    expect(listed.isError, listed.content[0]?.text).toBeFalsy();
    return (listed.structuredContent as { versions: { version: number; spec_hash: string }[] }).versions;
  };
  const request = (target: string) => `copy the ${table} table from SQLite parcels.db into DuckDB ${target}.duckdb`;

  beforeAll(async () => {
    mkdirSync(warehouse, { recursive: true });
    const db = new DatabaseSync(join(warehouse, 'parcels.db'));
    db.exec(`CREATE TABLE ${table} (id INTEGER PRIMARY KEY, city TEXT NOT NULL, weight REAL NOT NULL)`);
    const insert = db.prepare(`INSERT INTO ${table} VALUES (?, ?, ?)`);
    for (let i = 1; i <= 30; i++) insert.run(i, i % 3 === 0 ? 'Busan' : 'Seoul', i * 1.5);
    db.close();
    app = await startServiceApp(airflow, { ALLOWED_DATA_DIRS: warehouse });
    client = await app.connect();
  });
  afterAll(async () => {
    for (const dagId of made) await call('delete_dag', { dag_id: dagId }).catch(() => undefined);
    await app?.close();
  });

  it('keeps an unrelated pipeline, makes the same request idempotent, and needs replace: true for a given id', async () => {
    // The first pipeline, and the file Airflow runs for it.
    const first = await create({ task_description: request('north') });
    expect(first.version).toBe(1);
    const firstFile = readFileSync(first.file, 'utf8');

    // An unrelated request whose derived id is the same: a DAG of its own, said in notes; the first is untouched.
    const second = await create({ task_description: request('south') });
    expect(second.dag_id).not.toBe(first.dag_id);
    expect(second.dag_id.startsWith(first.dag_id)).toBe(true);
    expect(second.version).toBe(1);
    const note = second.notes.find((n) => n.includes(`"${first.dag_id}" belongs to another pipeline`));
    expect(note, second.notes.join(' | ')).toBeDefined();
    expect(note).toContain('north.duckdb');
    expect(note).toContain('update_dag');
    expect(second.file).not.toBe(first.file);
    expect(readFileSync(first.file, 'utf8')).toBe(firstFile);
    expect((await versionsOf(first.dag_id)).map((v) => v.version)).toEqual([1]);
    expect(readFileSync(second.file, 'utf8')).toContain('south.duckdb');

    // The same request again: the same id, no new version, the file as it was.
    const again = await create({ task_description: request('north') });
    expect(again).toMatchObject({ dag_id: first.dag_id, version: 1 });
    expect((await versionsOf(first.dag_id)).map((v) => v.version)).toEqual([1]);
    expect(readFileSync(first.file, 'utf8')).toBe(firstFile);
    // ... and the second request again finds its own DAG, not a third one.
    const secondAgain = await create({ task_description: request('south') });
    expect(secondAgain).toMatchObject({ dag_id: second.dag_id, version: 1 });

    // A caller's spec naming the first id explicitly, with a different pipeline: CONFLICT pointing to update_dag.
    const other = JSON.parse(JSON.stringify(first.spec).replaceAll('north.duckdb', 'east.duckdb')) as Created['spec'];
    const refused = await call('create_dag', { task_description: 'deploy this spec', spec: other });
    expect(refused.isError).toBe(true);
    const text = refused.content[0]?.text ?? '';
    expect(text).toMatch(new RegExp(`^CONFLICT: The DAG id "${first.dag_id}" already belongs to another pipeline`));
    expect(text).toContain(`${table} -> duckdb:${join(warehouse, 'north.duckdb')}#`);
    expect(text).toContain(`To change that pipeline, use update_dag with dag_id "${first.dag_id}"`);
    expect(readFileSync(first.file, 'utf8')).toBe(firstFile);
    expect((await versionsOf(first.dag_id)).map((v) => v.version)).toEqual([1]);

    // With replace: true it becomes the id's next version.
    const replaced = await create({ task_description: 'deploy this spec', spec: other, replace: true });
    expect(replaced).toMatchObject({ dag_id: first.dag_id, version: 2 });
    expect(replaced.notes.join(' ')).toContain('replace: true');
    expect((await versionsOf(first.dag_id)).map((v) => v.version)).toEqual([2, 1]);
    const replacedFile = readFileSync(first.file, 'utf8');
    expect(replacedFile).toContain('# version: 2');
    expect(replacedFile).toContain('east.duckdb');
  });
});
