import { createKnowledgeBase, GeminiEmbedder, LocalEmbedder } from '@airflow-mcp/knowledge';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startFakeGemini } from './fake-gemini-server.js';

const docs = join(import.meta.dirname, 'fixtures', 'docs');
const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'knowledge-pglite-'));
  dirs.push(dir);
  return dir;
}

describe('a PGlite data folder', () => {
  it('keeps documents across restarts: the second start re-embeds nothing and warms its cache from disk', async () => {
    const dataDir = tempDir();
    const first = await createKnowledgeBase({ dataDir, embedder: new LocalEmbedder() });
    const added = await first.ingest([{ path: docs, source: 'fixtures' }]);
    expect(added.added).toHaveLength(8);
    await first.close();

    const second = await createKnowledgeBase({ dataDir, embedder: new LocalEmbedder() });
    try {
      const again = await second.ingest([{ path: docs, source: 'fixtures' }]);
      expect(again.unchanged).toHaveLength(8);
      expect(again.chunksEmbedded).toBe(0);
      await second.retriever.warm();
      expect(second.retriever.cacheState).toBe('warm');
      const hits = await second.retriever.search('watermark for incremental loads', { k: 1 });
      expect(hits[0]?.doc).toBe('patterns/incremental-watermark.md');
    } finally {
      await second.close();
    }

    await expect(
      createKnowledgeBase({ dataDir, embedder: new LocalEmbedder({ dimensions: 256 }) }),
    ).rejects.toMatchObject({
      code: 'CONFLICT',
    });
    const reset = await createKnowledgeBase({ dataDir, embedder: new LocalEmbedder({ dimensions: 256 }), reset: true });
    expect(await reset.store.listDocuments()).toEqual([]);
    await reset.close();
  });
});

describe('the Gemini embedder end to end', () => {
  it('ingests and searches through a server speaking the Gemini REST API', async () => {
    const gemini = await startFakeGemini();
    const embedder = new GeminiEmbedder({ apiKey: 'test-key', baseUrl: gemini.baseUrl, initialDelayMs: 1 });
    const kb = await createKnowledgeBase({ embedder });
    try {
      const summary = await kb.ingest([{ path: docs, source: 'fixtures' }]);
      expect(summary.added).toHaveLength(8);
      // 17 chunks in batches of at most 100 chunks: one request
      expect(gemini.requests).toBe(1);
      const hits = await kb.retriever.search('ON CONFLICT upsert in PostgreSQL', { k: 1, mode: 'vector' });
      expect(hits[0]?.doc).toBe('guides/postgres-upsert.rst');
      expect(gemini.requests).toBe(2);
      expect(kb.store.embedderId).toBe('gemini:gemini-embedding-001:768');
    } finally {
      await kb.close();
      await gemini.close();
    }
  });
});
