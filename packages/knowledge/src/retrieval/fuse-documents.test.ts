import { describe, expect, it } from 'vitest';
import { fuseDocuments } from './fuse-documents.js';

// chunks 1-3 belong to document 10, 4 to 20, 5 to 30
const documentOf = (id: number) => ({ 1: 10, 2: 10, 3: 10, 4: 20, 5: 30 })[id];

describe('fuseDocuments', () => {
  it('ranks documents by their best chunk in each list, not by how many chunks they have', () => {
    const fused = fuseDocuments(
      [
        [4, 1, 2, 3],
        [4, 5, 1],
      ],
      { documentOf },
    );
    expect(fused.map((d) => d.documentId)).toEqual([20, 10, 30]);
    expect(fused[0]?.score).toBeCloseTo(1, 10);
    expect(fused[1]?.chunks.map((c) => c.id)).toEqual([1, 2, 3]);
  });

  it('weighs the lists and leaves out chunks of unknown documents', () => {
    const fused = fuseDocuments(
      [
        [5, 9, 4],
        [4, 9, 5],
      ],
      { documentOf, weights: [4, 1] },
    );
    expect(fused.map((d) => d.documentId)).toEqual([30, 20]);
    expect(fused[1]?.score).toBeCloseTo((4 / 12 + 1 / 11) / (5 / 11), 10);
    expect(fused.flatMap((d) => d.chunks.map((c) => c.id))).not.toContain(9);
  });
});
