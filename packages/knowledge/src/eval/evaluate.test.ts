import { describe, expect, it } from 'vitest';
import {
  evaluateRetrieval,
  ndcgAtK,
  parseEvalQueries,
  rankedDocuments,
  recallAtK,
  reciprocalRank,
} from './evaluate.js';

describe('retrieval metrics', () => {
  it('computes recall@k, reciprocal rank and nDCG on distinct documents', () => {
    const ranked = rankedDocuments([{ doc: 'a' }, { doc: 'a' }, { doc: 'b' }, { doc: 'c' }], 5);
    expect(ranked).toEqual(['a', 'b', 'c']);
    expect(recallAtK(ranked, ['b', 'z'], 5)).toBe(0.5);
    expect(recallAtK(ranked, ['c'], 2)).toBe(0);
    expect(reciprocalRank(ranked, ['c', 'b'])).toBe(0.5);
    expect(reciprocalRank(ranked, ['z'])).toBe(0);
    expect(ndcgAtK(['x', 'a'], ['a'], 5)).toBeCloseTo(1 / Math.log2(3), 10);
    expect(ndcgAtK(['a', 'b'], ['a', 'b'], 5)).toBe(1);
  });

  it('parses JSONL and names a bad line', () => {
    expect(parseEvalQueries('{"id":"q1","query":"x","lang":"ko","relevant":["a.md"]}\n\n')).toEqual([
      { id: 'q1', query: 'x', lang: 'ko', relevant: ['a.md'] },
    ]);
    expect(() => parseEvalQueries('{"query":"x"}')).toThrow(/Line 1 .*relevant/);
    expect(() => parseEvalQueries('\nnot json')).toThrow(/Line 2 /);
  });

  it('averages per language', async () => {
    const report = await evaluateRetrieval({
      queries: [
        { id: '1', query: 'one', lang: 'en', relevant: ['a'] },
        { id: '2', query: 'two', lang: 'ko', relevant: ['b'] },
      ],
      search: async (q) => (q.id === '1' ? [{ doc: 'a' }] : [{ doc: 'x' }, { doc: 'b' }]),
    });
    expect(report.overall).toMatchObject({ queries: 2, recallAtK: 1, mrr: 0.75, hits: 2 });
    expect(report.byLang.ko).toMatchObject({ queries: 1, mrr: 0.5 });
    expect(report.perQuery[1]).toEqual({ id: '2', lang: 'ko', firstRelevantRank: 2, retrieved: ['x', 'b'] });
  });
});
