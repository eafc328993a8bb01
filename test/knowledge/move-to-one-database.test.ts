import { silentLogger } from '@airflow-mcp/core';
import { createKnowledgeBase, LocalEmbedder } from '@airflow-mcp/knowledge';
import { createDagVersionStore, createFeedbackStore, createPgliteClient } from '@airflow-mcp/state';
import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { moveToOneDatabase } from '../../apps/server/src/services/move-to-one-database.js';

describe('moveToOneDatabase', () => {
  it('moves the two-folder layout into DATA_DIR/db without losing embeddings or history, once', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'one-db-'));
    // The old layout: DATA_DIR/knowledge with an ingested document, DATA_DIR/state with history and feedback.
    const docs = join(dataDir, 'docs');
    mkdirSync(docs);
    writeFileSync(join(docs, 'retries.md'), '# Retries\n\nSet retries and retry_delay in default_args.\n');
    const kb = await createKnowledgeBase({
      dataDir: join(dataDir, 'knowledge'),
      embedder: new LocalEmbedder(),
      vectorCache: false,
    });
    await kb.ingest([docs]);
    await kb.close();
    const state = await createPgliteClient({ dataDir: join(dataDir, 'state') });
    const versions = await createDagVersionStore(state, { deployedFile: async () => undefined });
    await versions.audit({
      actor: 'k1',
      tenant: 'default',
      action: 'create_dag',
      dag_id: 'd1',
      spec_hash: 'h',
      outcome: 'deployed v1',
      detail: '',
    });
    await state.query(
      `INSERT INTO dag_versions (dag_id, version, spec, code, spec_hash, created_by, tenant, reason, planner, checks, outcome)
       VALUES ('d1', 1, '{"dag_id":"d1"}', 'code v1', 'h', 'k1', 'default', 'first', 'rules', '[]', 'deployed')`,
    );
    const feedback = await createFeedbackStore(state);
    await feedback.record({
      actor: 'k1',
      tenant: 'default',
      kind: 'search',
      dag_id: null,
      query: 'retries',
      doc: 'retries.md',
      score: 1,
      correction: '',
      request: null,
      spec: null,
    });
    await state.close();

    await moveToOneDatabase(dataDir, silentLogger);
    expect(existsSync(join(dataDir, 'db'))).toBe(true);
    expect(existsSync(join(dataDir, 'knowledge'))).toBe(false);
    expect(existsSync(join(dataDir, 'state'))).toBe(false);
    expect(existsSync(join(dataDir, 'state.moved-into-db'))).toBe(true);
    // Running again (every start does) changes nothing.
    await moveToOneDatabase(dataDir, silentLogger);

    const db = await createPgliteClient({ dataDir: join(dataDir, 'db') });
    try {
      const count = async (sql: string) => Number((await db.query<{ n: string }>(sql)).rows[0]?.n);
      expect(await count('SELECT COUNT(*) AS n FROM knowledge.documents')).toBe(1);
      expect(await count('SELECT COUNT(*) AS n FROM knowledge.chunks WHERE embedding IS NOT NULL')).toBeGreaterThan(0);
      const version = (await db.query<{ code: string; spec: unknown }>('SELECT code, spec FROM dag_versions')).rows;
      expect(version).toEqual([{ code: 'code v1', spec: { dag_id: 'd1' } }]);
      expect(await count('SELECT COUNT(*) AS n FROM audit_log')).toBe(1);
      expect(await count("SELECT COUNT(*) AS n FROM feedback WHERE doc = 'retries.md'")).toBe(1);
      // Sequences continue after the copied ids.
      const next = await db.query<{ id: string }>(
        "INSERT INTO audit_log (actor, tenant, action, outcome) VALUES ('k2', 'default', 'x', 'y') RETURNING id",
      );
      expect(Number(next.rows[0]?.id)).toBe(2);
    } finally {
      await db.close();
    }
    // The knowledge base opens on the moved database with its embeddings, as the service will.
    const reopened = await createKnowledgeBase({ dataDir: join(dataDir, 'db'), embedder: new LocalEmbedder() });
    expect((await reopened.retriever.search('retry delay', { k: 1 }))[0]?.doc).toBe('retries.md');
    await reopened.close();
  }, 120_000);
});
