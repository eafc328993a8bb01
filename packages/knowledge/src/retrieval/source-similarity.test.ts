import { describe, expect, it } from 'vitest';
import { normalizeVector } from '../embedders/normalize-vector.js';
import { SourceSimilarity } from './source-similarity.js';

const vector = (...values: number[]) => normalizeVector(Float32Array.from(values));
const similarity = (a: Float32Array, b: Float32Array) => a.reduce((sum, value, i) => sum + value * (b[i] ?? 0), 0);

describe('SourceSimilarity', () => {
  it("scores a chunk against its own source's similarities to the query, so origins compare fairly", () => {
    const sources = new SourceSimilarity();
    // notes: every chunk close to the query; pages: most far from it, one close
    const notes = [vector(1, 0.5, 0), vector(1, 0.6, 0), vector(1, 0.4, 0.1)];
    const pages = [vector(0, 1, 0), vector(0, 0, 1), vector(0.1, 1, 1), vector(1, 0.7, 0)];
    notes.forEach((v, i) => sources.add(i + 1, 'notes', v));
    pages.forEach((v, i) => sources.add(i + 11, 'pages', v));
    const query = vector(1, 0, 0);
    const standardize = sources.standardizer(query);
    const [note, page] = [notes[2] ?? query, pages[3] ?? query];
    // raw, the best note is closer than the one close page; but every note is close, and that page stands out
    expect(similarity(query, note)).toBeGreaterThan(similarity(query, page));
    const bestNote = standardize(3, similarity(query, note));
    expect(standardize(14, similarity(query, page))).toBeGreaterThan(bestNote);
    // order within a source is kept
    expect(standardize(1, similarity(query, notes[0] ?? query))).toBeLessThan(bestNote);
    // unknown chunks keep their raw similarity
    expect(standardize(99, 0.42)).toBe(0.42);
  });

  it('forgets removed chunks, and a source once its last chunk is gone, also past a full sample', () => {
    const sources = new SourceSimilarity(2);
    sources.add(1, 'a', vector(1, 0));
    sources.add(2, 'b', vector(0, 1));
    expect(sources.sourceCount).toBe(2);
    sources.remove(2);
    expect(sources.sourceCount).toBe(1);
    for (let id = 10; id < 20; id++) sources.add(id, 'a', vector(1, id / 10));
    sources.remove(1);
    expect(sources.sourceCount).toBe(1);
    for (let id = 10; id < 20; id++) sources.remove(id);
    expect(sources.sourceCount).toBe(0);
  });

  it('keeps the sample the same as a fresh start from the chunks left, after removals and re-adds', () => {
    const vectors = new Map<number, Float32Array>();
    for (let id = 1; id <= 40; id++) vectors.set(id, vector(1, id / 40, (id % 7) / 7));
    const updated = new SourceSimilarity(6);
    for (const [id, v] of vectors) updated.add(id, 'docs', v);
    const before = updated.sampled('docs');
    expect(before).toHaveLength(6);
    // a re-ingest: two sampled chunks and one other go away, two new chunks arrive, the later id first
    const gone = [before[0] ?? 0, before[3] ?? 0, before.includes(40) ? 39 : 40];
    for (const id of gone) {
      updated.remove(id);
      vectors.delete(id);
    }
    for (const id of [42, 41]) {
      const v = vector(0.5, id / 60, 1);
      vectors.set(id, v);
      updated.add(id, 'docs', v);
    }
    updated.refill((id) => vectors.get(id));

    const fresh = new SourceSimilarity(6);
    for (const id of [...vectors.keys()].sort((a, b) => a - b)) fresh.add(id, 'docs', vectors.get(id) ?? vector(1));
    expect(updated.sampled('docs')).toEqual(fresh.sampled('docs'));
    const query = vector(1, 0.3, 0.2);
    const [a, b] = [updated.standardizer(query), fresh.standardizer(query)];
    for (const id of [2, 17, 41, 42]) expect(a(id, 0.5)).toBeCloseTo(b(id, 0.5), 6);
  });

  it('leaves out of the refilled sample a chunk whose vector cannot be read', () => {
    const sources = new SourceSimilarity(2);
    for (let id = 1; id <= 10; id++) sources.add(id, 'docs', vector(1, id));
    const [first] = sources.sampled('docs');
    sources.remove(first ?? 0);
    sources.refill(() => undefined);
    expect(sources.sampled('docs')).toHaveLength(1);
    expect(sources.sourceCount).toBe(1);
  });
});
