import { describe, expect, it } from 'vitest';
import { normalizeVector } from '../embedders/normalize-vector.js';
import { DocumentSimilarity } from './document-similarity.js';

const vector = (...values: number[]) => normalizeVector(Float32Array.from(values));

describe('DocumentSimilarity', () => {
  it('scores a chunk by how close its whole document is to the query, against the documents of its source', () => {
    const documents = new DocumentSimilarity();
    // document 1 is about the query throughout; document 2 has one passage on it among others
    documents.add(1, 1, 'docs', vector(1, 0.1, 0));
    documents.add(2, 1, 'docs', vector(1, 0, 0.1));
    documents.add(3, 2, 'docs', vector(1, 0, 0));
    documents.add(4, 2, 'docs', vector(0, 1, 0));
    documents.add(5, 2, 'docs', vector(0, 0, 1));
    documents.add(6, 3, 'docs', vector(0, 1, 1));
    const score = documents.scorer(vector(1, 0, 0));
    expect(documents.documentCount).toBe(3);
    expect(score(1)).toBe(score(2));
    expect(score(1)).toBeGreaterThan(score(3));
    expect(score(3)).toBeGreaterThan(score(6));
    // z-scores: they centre on 0 over the source's documents
    expect(score(1) + score(3) + score(6)).toBeCloseTo(0, 5);
    expect(score(99)).toBe(0);
  });

  it('puts documents of different sources on one scale', () => {
    const documents = new DocumentSimilarity();
    // notes: all close to the query; pages: one stands out among far ones
    [vector(1, 0.5), vector(1, 0.6), vector(1, 0.4)].forEach((v, i) => documents.add(i + 1, i + 1, 'notes', v));
    [vector(0, 1), vector(0.1, 1), vector(1, 0.7)].forEach((v, i) => documents.add(i + 11, i + 11, 'pages', v));
    const score = documents.scorer(vector(1, 0));
    expect(score(13)).toBeGreaterThan(score(3));
  });

  it('takes removed chunks out of their document, and forgets a document with its last chunk', () => {
    const documents = new DocumentSimilarity();
    documents.add(1, 1, 'docs', vector(1, 0));
    documents.add(2, 1, 'docs', vector(0, 1));
    documents.add(3, 2, 'docs', vector(0.2, 1));
    documents.add(4, 3, 'docs', vector(0.5, 0.5));
    const before = documents.scorer(vector(1, 0))(2);
    documents.remove(2, vector(0, 1));
    expect(documents.scorer(vector(1, 0))(1)).toBeGreaterThan(before);
    // a chunk added twice counts once
    documents.add(1, 1, 'docs', vector(1, 0));
    documents.remove(1, vector(1, 0));
    expect(documents.documentCount).toBe(2);
    expect(documents.scorer(vector(1, 0))(1)).toBe(0);
  });

  it('gives 0 when a source has a single document or the query cannot tell them apart', () => {
    const documents = new DocumentSimilarity();
    documents.add(1, 1, 'docs', vector(1, 0));
    expect(documents.scorer(vector(1, 0))(1)).toBe(0);
    documents.add(2, 2, 'docs', vector(0, 1));
    expect(documents.scorer(vector(1, 1))(1)).toBe(0);
  });
});
