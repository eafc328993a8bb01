import { describe, expect, it } from 'vitest';
import { normalizeVector } from '../embedders/normalize-vector.js';
import type { IndexedChunk } from '../store/store-types.js';
import { HnswCache } from './hnsw-cache.js';

const DIMENSIONS = 16;

function chunk(id: number, hot: number, fields: Partial<IndexedChunk> = {}): IndexedChunk {
  const embedding = new Float32Array(DIMENSIONS).fill(0.01);
  embedding[hot % DIMENSIONS] = 1;
  return {
    id,
    documentId: id,
    source: 'docs',
    embedding,
    docType: 'guide',
    category: 'c',
    airflowVersion: 'any',
    lang: 'en',
    ...fields,
  };
}

/** An embedding source that yields pages and lets the test act between them. */
function source(pages: IndexedChunk[][], between?: (page: number) => void) {
  return {
    async *scanEmbeddings() {
      for (const [i, page] of pages.entries()) {
        yield page;
        between?.(i);
      }
    },
  };
}

describe('HnswCache', () => {
  it('is cold until built, then finds nearest chunks by cosine distance', async () => {
    const cache = new HnswCache({ dimensions: DIMENSIONS });
    expect(cache.state).toBe('cold');
    expect(cache.search(chunk(0, 1).embedding, { limit: 1 })).toEqual([]);
    await cache.build(source([[chunk(1, 1), chunk(2, 2)], [chunk(3, 3)]]));
    expect(cache.state).toBe('warm');
    const [hit] = cache.search(chunk(0, 2).embedding, { limit: 1 });
    expect(hit?.chunkId).toBe(2);
    expect(hit?.distance).toBeCloseTo(0, 5);
  });

  it('queues changes that arrive while building and applies them after', async () => {
    const cache = new HnswCache({ dimensions: DIMENSIONS });
    await cache.build(
      source([[chunk(1, 1), chunk(2, 2)], [chunk(3, 3)]], (page) => {
        if (page === 0) cache.apply({ added: [chunk(10, 5)], removedChunkIds: [2] });
      }),
    );
    expect(cache.size).toBe(3);
    expect(cache.search(chunk(0, 5).embedding, { limit: 1 })[0]?.chunkId).toBe(10);
    expect(cache.search(chunk(0, 2).embedding, { limit: 3 }).map((h) => h.chunkId)).not.toContain(2);
  });

  it('grows past its first capacity, deletes and filters like the database', async () => {
    const cache = new HnswCache({ dimensions: DIMENSIONS });
    await cache.build(source([]));
    const many = Array.from({ length: 1500 }, (_, i) =>
      chunk(i + 1, i, { lang: i % 2 === 0 ? 'en' : 'ko', airflowVersion: i % 3 === 0 ? '2' : 'any' }),
    );
    cache.apply({ added: many, removedChunkIds: [] });
    expect(cache.size).toBe(1500);
    cache.apply({ added: [], removedChunkIds: [1, 2, 3] });
    expect(cache.size).toBe(1497);
    const korean = cache.search(chunk(0, 4).embedding, { limit: 20, filters: { lang: 'ko' } });
    expect(korean).toHaveLength(20);
    expect(korean.every((h) => h.chunkId % 2 === 0)).toBe(true);
    const v3 = cache.search(chunk(0, 4).embedding, { limit: 20, filters: { airflow_version: '3' } });
    expect(v3.every((h) => (h.chunkId - 1) % 3 !== 0)).toBe(true);
    expect(cache.search(chunk(0, 0).embedding, { limit: 50 }).map((h) => h.chunkId)).not.toContain(1);
  });

  it("adds a chunk's document as a whole to its score, and keeps documents in step with changes", async () => {
    const cache = new HnswCache({ dimensions: DIMENSIONS });
    expect(cache.contextScorer(chunk(0, 1).embedding, 0.5)).toBeUndefined();
    // document 100 is about direction 1 throughout; document 200 has one chunk on it among others
    await cache.build(
      source([
        [
          chunk(1, 1, { documentId: 100 }),
          chunk(2, 1, { documentId: 100 }),
          chunk(3, 1, { documentId: 200 }),
          chunk(4, 6, { documentId: 200 }),
          chunk(5, 7, { documentId: 200 }),
          chunk(6, 9, { documentId: 300 }),
        ],
      ]),
    );
    const query = chunk(0, 1).embedding;
    const plain = cache.contextScorer(query, 0);
    const context = cache.contextScorer(query, 0.5);
    // one source and no document weight: the raw similarities already compare, as before
    expect(plain).toBeUndefined();
    expect(context?.(1, 0.9)).toBeGreaterThan(context?.(3, 0.9) ?? Infinity);
    // replace document 200's off-topic chunks: it becomes as much about the query as document 100
    cache.apply({ added: [chunk(4, 1, { documentId: 200 })], removedChunkIds: [5] });
    const after = cache.contextScorer(query, 0.5);
    expect(after?.(3, 0.9)).toBeCloseTo(after?.(1, 0.9) ?? Infinity, 4);
  });

  it('stays cold-but-failed, never throwing, when the source fails', async () => {
    const cache = new HnswCache({ dimensions: DIMENSIONS });
    await cache.build({
      // eslint-disable-next-line require-yield
      async *scanEmbeddings() {
        throw new Error('database closed');
      },
    });
    expect(cache.state).toBe('failed');
    expect(cache.search(chunk(0, 1).embedding, { limit: 1 })).toEqual([]);
  });

  it('scores sources after a change as a cache built afresh from the chunks left would', async () => {
    // over 512 chunks in one source, so its similarity sample leaves some out and removals leave holes to refill;
    // unit vectors, as embedders give (hnswlib keeps cosine-space points normalised, and the refill reads them back)
    const unit = (c: IndexedChunk) => ({ ...c, embedding: normalizeVector(c.embedding) });
    const docs = Array.from({ length: 700 }, (_, i) => unit(chunk(i + 1, i * 7, { documentId: Math.floor(i / 10) })));
    const notes = Array.from({ length: 20 }, (_, i) =>
      unit(chunk(1000 + i, i, { source: 'notes', documentId: 500 + i })),
    );
    const updated = new HnswCache({ dimensions: DIMENSIONS });
    await updated.build(source([[...docs, ...notes]]));
    const removed = docs.filter((c) => c.id % 3 === 0).map((c) => c.id);
    updated.apply({ added: [], removedChunkIds: removed });
    const fresh = new HnswCache({ dimensions: DIMENSIONS });
    await fresh.build(source([[...docs.filter((c) => c.id % 3 !== 0), ...notes]]));
    const query = chunk(0, 5).embedding;
    const [a, b] = [updated.sourceStandardizer(query), fresh.sourceStandardizer(query)];
    expect(a).toBeDefined();
    for (const id of [1, 2, 5, 700, 1003]) expect(a?.(id, 0.4)).toBeCloseTo(b?.(id, 0.4) ?? Number.NaN, 6);
  });
});
