import { createPgliteClient } from '@airflow-mcp/state';
import { afterEach, describe, expect, it } from 'vitest';
import { loadMarkdown } from '../loaders/load-markdown.js';
import { KnowledgeStore } from './knowledge-store.js';
import type { ChunkInput } from './store-types.js';

const open: KnowledgeStore[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((s) => s.close()));
});

function unit(dimensions: number, hot: number): Float32Array {
  const v = new Float32Array(dimensions);
  v[hot % dimensions] = 1;
  return v;
}

function chunk(ordinal: number, text: string, embedding: Float32Array): ChunkInput {
  return {
    ordinal,
    headingPath: 'Doc > Part',
    text,
    searchHeading: 'doc part',
    searchText: text.toLowerCase(),
    embedding,
  };
}

describe('KnowledgeStore on PGlite', () => {
  it('migrates once, records the embedder and refuses another one while it holds chunks', async () => {
    const client = await createPgliteClient();
    const store = await KnowledgeStore.open({ client, embedder: { id: 'e1', dimensions: 8 } });
    const doc = loadMarkdown({ path: 'a.md', text: '---\ndoc_type: guide\n---\n# A\n\ntext' });
    await store.replaceDocument({
      source: 's',
      document: doc,
      contentHash: 'h1',
      chunks: [chunk(0, 'alpha', unit(8, 1))],
    });

    const migrations = await client.query<{ version: number }>('SELECT version FROM knowledge.migrations');
    expect(migrations.rows).toEqual([{ version: 1 }]);

    await expect(KnowledgeStore.open({ client, embedder: { id: 'e2', dimensions: 8 } })).rejects.toMatchObject({
      code: 'CONFLICT',
      message: expect.stringMatching(/embedded by "e1".*--reset/),
    });
    await expect(KnowledgeStore.open({ client, embedder: { id: 'e1', dimensions: 16 } })).rejects.toMatchObject({
      code: 'CONFLICT',
    });
    // the same embedder opens again without migrating twice
    const again = await KnowledgeStore.open({ client, embedder: { id: 'e1', dimensions: 8 } });
    expect(again.approximateChunkCount).toBe(1);
    open.push(store);
  });

  it('lets an emptied store switch embedder and vector size', async () => {
    const client = await createPgliteClient();
    const first = await KnowledgeStore.open({ client, embedder: { id: 'e1', dimensions: 8 } });
    const doc = loadMarkdown({ path: 'a.md', text: '# A\n\ntext' });
    await first.replaceDocument({ source: 's', document: doc, contentHash: 'h', chunks: [chunk(0, 'x', unit(8, 0))] });
    const second = await KnowledgeStore.open({ client, embedder: { id: 'e1', dimensions: 8 } });
    await second.reset();
    const third = await KnowledgeStore.open({ client, embedder: { id: 'e3', dimensions: 4 } });
    await third.replaceDocument({ source: 's', document: doc, contentHash: 'h', chunks: [chunk(0, 'x', unit(4, 2))] });
    expect(await third.vectorSearch(unit(4, 2), { limit: 1 })).toEqual([{ chunkId: expect.any(Number), distance: 0 }]);
    open.push(third);
  });

  it('replaces a document and its chunks in one transaction and reports the chunk ids it changed', async () => {
    const client = await createPgliteClient();
    const store = await KnowledgeStore.open({ client, embedder: { id: 'e', dimensions: 8 } });
    open.push(store);
    const doc = loadMarkdown({ path: 'dir/a.md', text: '---\ncategory: databases\nairflow_version: 3\n---\n# A\n\nt' });
    const first = await store.replaceDocument({
      source: 's',
      document: doc,
      contentHash: 'h1',
      chunks: [chunk(0, 'one', unit(8, 0)), chunk(1, 'two', unit(8, 1))],
    });
    expect(first.added.map((c) => c.category)).toEqual(['databases', 'databases']);
    const second = await store.replaceDocument({
      source: 's',
      document: doc,
      contentHash: 'h2',
      chunks: [chunk(0, 'three', unit(8, 2))],
    });
    expect(second.documentId).toBe(first.documentId);
    expect(second.removedChunkIds.sort()).toEqual(first.added.map((c) => c.id).sort());
    expect((await store.listDocuments())[0]).toMatchObject({ path: 'dir/a.md', contentHash: 'h2', chunkCount: 1 });

    // a failing write (wrong vector size) leaves the previous version in place
    await expect(
      store.replaceDocument({ source: 's', document: doc, contentHash: 'h3', chunks: [chunk(0, 'bad', unit(4, 0))] }),
    ).rejects.toMatchObject({ code: 'CONFLICT' });
    await expect(
      client.transaction(async (tx) => {
        await tx.query('DELETE FROM knowledge.chunks');
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    expect((await store.getDocument('dir/a.md'))?.contentHash).toBe('h2');
    expect(await store.countChunks()).toBe(1);

    const removed = await store.deleteDocument(first.documentId);
    expect(removed.removedChunkIds).toHaveLength(1);
    expect(await store.listDocuments()).toEqual([]);
  });

  it('searches by vector (exact and HNSW) and by text, with metadata filters', async () => {
    const client = await createPgliteClient();
    const store = await KnowledgeStore.open({ client, embedder: { id: 'e', dimensions: 8 } });
    open.push(store);
    const guide = loadMarkdown({ path: 'g.md', text: '---\ndoc_type: guide\nairflow_version: "2, 3"\n---\n# G\n\nx' });
    const ref = loadMarkdown({
      path: 'r.md',
      text: '---\ndoc_type: reference\nairflow_version: "3"\nlang: ko\n---\n# R\n\nx',
    });
    await store.replaceDocument({
      source: 's',
      document: guide,
      contentHash: 'g',
      chunks: [chunk(0, 'watermark incremental load', unit(8, 3))],
    });
    await store.replaceDocument({
      source: 's',
      document: ref,
      contentHash: 'r',
      chunks: [chunk(0, 'retry failed tasks', unit(8, 5))],
    });

    for (const mode of ['exact', 'index', 'auto'] as const) {
      const hits = await store.vectorSearch(unit(8, 5), { limit: 2, mode });
      expect(hits[0]?.distance).toBeCloseTo(0, 6);
      expect((await store.getChunks([hits[0]?.chunkId ?? -1]))[0]?.path).toBe('r.md');
    }
    const filtered = await store.vectorSearch(unit(8, 5), { limit: 2, filters: { doc_type: 'guide' }, mode: 'index' });
    expect(filtered).toHaveLength(1);
    expect((await store.getChunks(filtered.map((h) => h.chunkId)))[0]?.path).toBe('g.md');

    const text = await store.textSearch(['watermark', 'retry'], { limit: 5 });
    expect(text).toHaveLength(2);
    const ko = await store.textSearch(['watermark', 'retry'], { limit: 5, filters: { lang: 'ko' } });
    expect((await store.getChunks(ko.map((h) => h.chunkId))).map((c) => c.path)).toEqual(['r.md']);
    const v2 = await store.textSearch(['watermark', 'retry'], { limit: 5, filters: { airflow_version: '2.9' } });
    expect((await store.getChunks(v2.map((h) => h.chunkId))).map((c) => c.path)).toEqual(['g.md']);
    expect(await store.textSearch(['---'], { limit: 5 })).toEqual([]);
    const stats = await store.termFrequencies();
    expect(stats.chunks).toBe(2);
    expect(stats.documentFrequency.get('doc')).toBe(2);
    expect(stats.documentFrequency.get('watermark')).toBe(1);

    const scanned = [];
    for await (const page of store.scanEmbeddings(1)) scanned.push(...page);
    expect(scanned.map((c) => [c.docType, c.embedding.indexOf(1)])).toEqual([
      ['guide', 3],
      ['reference', 5],
    ]);
  });
});
