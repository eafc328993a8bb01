import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { LocalEmbedder } from './local-embedder.js';
import {
  formatPrecomputedVectors,
  precomputedVectorsPath,
  readPrecomputedVectors,
  textKey,
  withPrecomputedVectors,
} from './precomputed-vectors.js';

const embedder = new LocalEmbedder({ dimensions: 16 });

async function corpusWith(texts: string[]): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'vectors-'));
  const vectors = await embedder.embedDocuments(texts);
  const path = precomputedVectorsPath(dir, embedder.id);
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, formatPrecomputedVectors(embedder, new Map(texts.map((t, i) => [textKey(t), vectors[i]!]))));
  return dir;
}

describe('precomputed vectors', () => {
  it('round-trips through the file exactly, one line a vector, under a hidden folder named after the embedder', async () => {
    const dir = await corpusWith(['retries and retry_delay', 'bulk loading into DuckDB']);
    expect(precomputedVectorsPath(dir, 'all-minilm-l6-v2-int8:384')).toBe(
      join(dir, '.vectors', 'all-minilm-l6-v2-int8_384.json'),
    );
    const read = readPrecomputedVectors(dir, embedder);
    expect(read?.size).toBe(2);
    const [expected] = await embedder.embedDocuments(['bulk loading into DuckDB']);
    expect([...(read?.get(textKey('bulk loading into DuckDB')) ?? [])]).toEqual([...(expected ?? [])]);
  });

  it('is ignored for another embedder or size, and absent when the corpus ships none', async () => {
    const dir = await corpusWith(['x']);
    expect(readPrecomputedVectors(dir, new LocalEmbedder({ dimensions: 32 }))).toBeUndefined();
    expect(readPrecomputedVectors(mkdtempSync(join(tmpdir(), 'none-')), embedder)).toBeUndefined();
  });

  it('answers known texts from the file and embeds only the others, in order, under the same id', async () => {
    const dir = await corpusWith(['known one', 'known two']);
    const wrapped = withPrecomputedVectors(embedder, readPrecomputedVectors(dir, embedder) ?? new Map());
    expect([wrapped.id, wrapped.dimensions]).toEqual([embedder.id, embedder.dimensions]);
    const texts = ['new text', 'known two', 'another new one', 'known one'];
    const got = await wrapped.embedDocuments(texts);
    expect(got.map((v) => [...v])).toEqual((await embedder.embedDocuments(texts)).map((v) => [...v]));
    expect(wrapped.counts).toEqual({ reused: 2, embedded: 2 });
    // the caller may keep or change what it gets: the shipped vector stays as it was
    got[1]!.fill(0);
    expect([...(await wrapped.embedDocuments(['known two']))[0]!]).not.toEqual(new Array(16).fill(0));
  });
});
