import { createKnowledgeBase, type KnowledgeBase, KnowledgeStore, LocalEmbedder } from '@airflow-mcp/knowledge';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { CountingEmbedder } from './counting-embedder.js';

const fixtures = join(import.meta.dirname, 'fixtures', 'docs');
// A PostgreSQL with pgvector: the one given, else the integration suites' own (test/setup/postgres.global.ts).
const databaseUrl = process.env.AIRFLOW_MCP_TEST_DATABASE_URL ?? inject('postgres')?.url;

interface Backend {
  name: string;
  /** Options for createKnowledgeBase; a fresh, empty store each call. */
  prepare(): Promise<{ databaseUrl?: string }>;
}

const pglite: Backend = { name: 'PGlite (in memory)', prepare: async () => ({}) };
const postgres: Backend = {
  name: 'PostgreSQL + pgvector',
  async prepare() {
    const client = new pg.Client({ connectionString: databaseUrl });
    await client.connect();
    await client.query('DROP SCHEMA IF EXISTS knowledge CASCADE');
    await client.end();
    return { databaseUrl: databaseUrl as string };
  },
};

function copyFixtures(): string {
  const dir = mkdtempSync(join(tmpdir(), 'knowledge-fixtures-'));
  cpSync(fixtures, dir, { recursive: true });
  return dir;
}

function knowledgeBaseSuite(backend: Backend) {
  describe(`knowledge base on ${backend.name}`, () => {
    const embedder = new CountingEmbedder();
    let kb: KnowledgeBase;
    let docs: string;

    beforeAll(async () => {
      docs = copyFixtures();
      // files that must be skipped or ignored, with reasons
      writeFileSync(join(docs, 'blob.md'), Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x00, 0x01, 0x02]));
      writeFileSync(join(docs, 'latin1.txt'), Buffer.from([0x63, 0x61, 0x66, 0xe9, 0x20, 0x0a]));
      writeFileSync(join(docs, 'notes.json'), '{}');
      kb = await createKnowledgeBase({ ...(await backend.prepare()), embedder });
    });
    afterAll(async () => {
      await kb?.close();
      rmSync(docs, { recursive: true, force: true });
    });

    it('ingests the fixtures, naming what it skipped and why', async () => {
      const summary = await kb.ingest([{ path: docs, source: 'fixtures' }]);
      expect(summary.added.sort()).toEqual([
        'airflow/retries-and-callbacks.md',
        'airflow/xcom-limits.md',
        'databases/duckdb-bulk-loading.md',
        'guides/postgres-upsert.rst',
        'ko/daily-table-migration.md',
        'patterns/incremental-watermark.md',
        'quality/null-duplicate-checks.md',
        'security/connections-secrets.md',
      ]);
      expect(summary.skipped).toEqual([
        { path: 'blob.md', reason: 'binary file' },
        { path: 'latin1.txt', reason: 'not UTF-8 text' },
      ]);
      expect(summary.ignoredFiles).toBe(1);
      expect(summary.chunksEmbedded).toBe(embedder.documentTexts.length);
      const listed = await kb.store.listDocuments({ source: 'fixtures' });
      expect(listed).toHaveLength(8);
      const rst = listed.find((d) => d.path === 'guides/postgres-upsert.rst');
      expect(rst).toMatchObject({ title: 'PostgreSQL upserts', format: 'rst', category: 'guides' });
    });

    it('re-ingests incrementally: unchanged documents cost no embedding, a changed one is re-embedded alone', async () => {
      embedder.reset();
      const again = await kb.ingest([{ path: docs, source: 'fixtures' }]);
      expect(again.unchanged).toHaveLength(8);
      expect(again.added.length + again.changed.length + again.removed.length).toBe(0);
      expect(embedder.documentCalls).toBe(0);

      // the same search before and after the change: the cached result must not survive the ingest
      const query = 'object storage XCom backend for large values';
      expect((await kb.retriever.search(query, { k: 1 }))[0]?.section).toBe('XCom');
      const path = join(docs, 'airflow', 'xcom-limits.md');
      writeFileSync(
        path,
        `${readFileSync(path, 'utf8')}\n\n## Custom backends\n\nAn object-storage XCom backend keeps large values outside the database.\n`,
      );
      embedder.reset();
      const changed = await kb.ingest([{ path: docs, source: 'fixtures' }]);
      expect(changed.changed).toEqual(['airflow/xcom-limits.md']);
      expect(changed.unchanged).toHaveLength(7);
      expect(embedder.documentCalls).toBe(1);
      expect(embedder.documentTexts.every((t) => t.startsWith('XCom and its limits'))).toBe(true);

      const hits = await kb.retriever.search(query, { k: 1 });
      expect(hits[0]).toMatchObject({ doc: 'airflow/xcom-limits.md', section: 'XCom > Custom backends' });
    });

    it('ranks the right document first for an English and a Korean query', async () => {
      const english = await kb.retriever.search('how do I load parquet files into duckdb quickly', { k: 3 });
      expect(english[0]).toMatchObject({ doc: 'databases/duckdb-bulk-loading.md', title: 'DuckDB bulk loading' });
      expect(english[0]?.section).toBe('DuckDB > Bulk loading');
      expect(english[0]?.score).toBeGreaterThan(0);

      const korean = await kb.retriever.search('태스크가 실패하면 재시도하고 슬랙으로 알림 보내기', { k: 3 });
      expect(korean[0]?.doc).toBe('airflow/retries-and-callbacks.md');

      const koreanDoc = await kb.retriever.search('매일 테이블을 이관하는 방법', { k: 3 });
      expect(koreanDoc[0]?.doc).toBe('ko/daily-table-migration.md');

      const upsert = await kb.retriever.search('업서트 ON CONFLICT', { k: 1 });
      expect(upsert[0]).toMatchObject({
        doc: 'guides/postgres-upsert.rst',
        section: 'PostgreSQL upserts > ON CONFLICT',
      });
      expect(upsert[0]?.text).toContain('ON CONFLICT (id) DO UPDATE');
    });

    it('applies metadata filters and the score threshold', async () => {
      const query = 'load rows incrementally, retry failures, check duplicates';
      const guides = await kb.retriever.search(query, { k: 10, filters: { doc_type: 'guide' } });
      expect(guides.length).toBeGreaterThan(0);
      expect(guides.every((r) => r.docType === 'guide')).toBe(true);

      const korean = await kb.retriever.search('테이블 이관 재시도', { k: 10, filters: { lang: 'ko' } });
      expect(korean.map((r) => r.doc)).toEqual(['ko/daily-table-migration.md', 'ko/daily-table-migration.md']);

      const airflow3 = await kb.retriever.search('xcom retries', { k: 10, filters: { airflow_version: '3.1' } });
      expect(airflow3.every((r) => r.airflowVersion === 'any' || r.airflowVersion.split(',').includes('3'))).toBe(true);
      const airflow2 = await kb.retriever.search('retries failure callback', {
        k: 10,
        filters: { airflow_version: '2' },
      });
      expect(airflow2.map((r) => r.doc)).not.toContain('airflow/retries-and-callbacks.md');

      const security = await kb.retriever.search('where do passwords go', { k: 10, filters: { category: 'security' } });
      expect(security.map((r) => r.doc)).toEqual(['security/connections-secrets.md']);

      const strict = await kb.retriever.search(query, { k: 10, minScore: 0.9 });
      expect(strict.every((r) => r.score >= 0.9)).toBe(true);
      expect(strict.length).toBeLessThan((await kb.retriever.search(query, { k: 10 })).length);
    });

    it('serves the vector half from the hnsw cache once warm, with the same top-k as exact SQL', async () => {
      await kb.retriever.warm();
      expect(kb.retriever.cacheState).toBe('warm');
      const queries = [
        'duckdb bulk load parquet',
        'watermark column for incremental loads',
        'failure alert callback',
        '널 값과 중복 검사',
        'secrets in dag code',
      ];
      for (const query of queries) {
        const cached = await kb.retriever.search(query, { k: 5, mode: 'vector', maxPerDocument: 5 });
        const exact = await kb.retriever.search(query, {
          k: 5,
          mode: 'vector',
          maxPerDocument: 5,
          vectorSource: 'database',
          vectorMode: 'exact',
        });
        expect(cached.map((r) => r.chunkId)).toEqual(exact.map((r) => r.chunkId));
      }
    });

    it('removes deleted documents from the store, the cache and cached results', async () => {
      const before = await kb.retriever.search('where do passwords go', { k: 1 });
      expect(before[0]?.doc).toBe('security/connections-secrets.md');
      rmSync(join(docs, 'security'), { recursive: true });
      const summary = await kb.ingest([{ path: docs, source: 'fixtures' }]);
      expect(summary.removed).toEqual(['security/connections-secrets.md']);
      const after = await kb.retriever.search('where do passwords go', { k: 5 });
      expect(after.map((r) => r.doc)).not.toContain('security/connections-secrets.md');
      const vectorOnly = await kb.retriever.search('Never write passwords or API keys into DAG code', {
        k: 5,
        mode: 'vector',
      });
      expect(vectorOnly.map((r) => r.doc)).not.toContain('security/connections-secrets.md');
      expect(await kb.store.getDocument('security/connections-secrets.md')).toBeUndefined();
    });

    it('leaves no half-ingested document when the embedder fails mid-ingest', async () => {
      writeFileSync(join(docs, 'a-new.md'), '# First new\n\nA document about sensors and deferrable operators.');
      writeFileSync(join(docs, 'b-new.md'), '# Second new\n\nA document about pools and priority weights.');
      const upsertPath = join(docs, 'guides', 'postgres-upsert.rst');
      writeFileSync(upsertPath, 'PostgreSQL upserts\n==================\n\nReplaced text about MERGE.\n');
      const previous = await kb.store.getDocument('guides/postgres-upsert.rst');
      embedder.reset();
      embedder.failOnCall = 2;
      await expect(kb.ingest([{ path: docs, source: 'fixtures' }], { embedBatchSize: 1 })).rejects.toMatchObject({
        message: expect.stringMatching(/Embedding failed for b-new\.md: embedding service went away/),
      });
      // the first batch was committed whole, the failing one and everything after it left as they were
      expect((await kb.store.getDocument('a-new.md'))?.chunkCount).toBe(1);
      expect(await kb.store.getDocument('b-new.md')).toBeUndefined();
      expect(await kb.store.getDocument('guides/postgres-upsert.rst')).toMatchObject({
        contentHash: previous?.contentHash,
        chunkCount: previous?.chunkCount,
      });
      const { rows } = await kb.store.client.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM knowledge.documents d
         WHERE NOT EXISTS (SELECT 1 FROM knowledge.chunks c WHERE c.document_id = d.id)`,
      );
      expect(rows[0]?.n).toBe(0);

      embedder.reset();
      const retry = await kb.ingest([{ path: docs, source: 'fixtures' }]);
      expect(retry.added).toEqual(['b-new.md']);
      expect(retry.changed).toEqual(['guides/postgres-upsert.rst']);
    });

    it('refuses over-long queries with the limit, and an embedder of another size at open', async () => {
      await expect(kb.retriever.search('x'.repeat(2001))).rejects.toMatchObject({
        code: 'INVALID_INPUT',
        details: { limit: 2000 },
      });
      const other = new LocalEmbedder({ dimensions: 384 });
      await expect(KnowledgeStore.open({ client: kb.store.client, embedder: other })).rejects.toMatchObject({
        code: 'CONFLICT',
        message: expect.stringMatching(/"local-hash-v2:768" \(768 dimensions\).*"local-hash-v2:384" \(384\)/),
      });
    });
  });
}

knowledgeBaseSuite(pglite);
// The one allowed conditional: the same suite against a real PostgreSQL when one is given or provided by the setup.
describe.skipIf(!databaseUrl)('with a real PostgreSQL', () => {
  knowledgeBaseSuite(postgres);
});
