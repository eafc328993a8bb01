import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { mcpToolCalls } from '../support/mcp-tool-calls.js';
import { startServiceApp, type ServiceApp } from '../support/start-service-app.js';

interface BatchResult {
  results: {
    index: number;
    ok: boolean;
    dag_id: string | null;
    version: number | null;
    message: string;
    error_code?: string;
  }[];
}

/**
 * A DAG id the request names ("dag id x", read by the rule planner) is given, not derived: a different pipeline under
 * it is CONFLICT pointing to update_dag and to replace, through create_dag and per request through create_dags; with
 * replace: true on the create_dags item it becomes the id's next version; the same request again is idempotent.
 */
describe('an explicit DAG id named in the request, create_dag and create_dags with replace', () => {
  const airflow = inject('airflow');
  const suffix = Date.now().toString(36);
  const warehouse = join(airflow.dataDir, `warehouse-replace-${suffix}`);
  const dagId = `named_parcels_${suffix}`;
  let app: ServiceApp;
  let client: Client;
  const { call, createDag } = mcpToolCalls(() => client);
  const request = (target: string) =>
    `copy the parcels table from SQLite parcels.db into DuckDB ${target}.duckdb, dag id ${dagId}`;

  beforeAll(async () => {
    mkdirSync(warehouse, { recursive: true });
    const db = new DatabaseSync(join(warehouse, 'parcels.db'));
    db.exec('CREATE TABLE parcels (id INTEGER PRIMARY KEY, city TEXT NOT NULL, weight REAL NOT NULL)');
    const insert = db.prepare('INSERT INTO parcels VALUES (?, ?, ?)');
    for (let i = 1; i <= 12; i++) insert.run(i, i % 2 ? 'Seoul' : 'Busan', i * 2.5);
    db.close();
    app = await startServiceApp(airflow, { ALLOWED_DATA_DIRS: warehouse });
    client = await app.connect();
  });
  afterAll(async () => {
    await call('delete_dag', { dag_id: dagId }).catch(() => undefined);
    await app?.close();
  });

  it('refuses another pipeline under the named id, replaces it with replace: true, and keeps the same request idempotent', async () => {
    const first = (await createDag({ task_description: request('west') })) as unknown as {
      dag_id: string;
      file: string;
      version: number;
    };
    expect(first).toMatchObject({ dag_id: dagId, version: 1 });
    const firstFile = readFileSync(first.file, 'utf8');

    // The same id named by a request for another target: CONFLICT, through create_dag and through create_dags.
    const refused = await call('create_dag', { task_description: request('east') });
    expect(refused.isError).toBe(true);
    const text = refused.content[0]?.text ?? '';
    expect(text).toMatch(new RegExp(`^CONFLICT: The DAG id "${dagId}" already belongs to another pipeline`));
    expect(text).toContain('update_dag');
    expect(text).toContain('replace: true');
    const batch = await call('create_dags', { requests: [{ task_description: request('east') }] });
    const refusedInBatch = (batch.structuredContent as unknown as BatchResult).results[0];
    expect(refusedInBatch).toMatchObject({ ok: false, error_code: 'CONFLICT', dag_id: null });
    expect(refusedInBatch?.message).toContain('replace: true');
    expect(readFileSync(first.file, 'utf8')).toBe(firstFile);

    // replace: true on the create_dags item: the id's next version, now writing east.duckdb.
    const replaced = await call('create_dags', {
      requests: [{ task_description: request('east'), replace: true }],
    });
    expect(replaced.isError, replaced.content[0]?.text).toBeFalsy();
    expect((replaced.structuredContent as unknown as BatchResult).results[0]).toMatchObject({
      ok: true,
      dag_id: dagId,
      version: 2,
    });
    expect(readFileSync(first.file, 'utf8')).toContain('east.duckdb');

    // The same request again: the same version, nothing new deployed.
    const again = await call('create_dags', { requests: [{ task_description: request('east') }] });
    expect((again.structuredContent as unknown as BatchResult).results[0]).toMatchObject({
      ok: true,
      dag_id: dagId,
      version: 2,
    });
  });
});
