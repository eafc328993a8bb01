import { describe, expect, it } from 'vitest';
import { reciprocalRankFusion } from './reciprocal-rank-fusion.js';

describe('reciprocalRankFusion', () => {
  it('puts ids ranked well in both lists first and scales the top possible score to 1', () => {
    const fused = reciprocalRankFusion([
      [1, 2, 3],
      [1, 3, 4],
    ]);
    expect(fused.map((f) => f.id)).toEqual([1, 3, 2, 4]);
    expect(fused[0]?.score).toBeCloseTo(1, 10);
    expect(fused[1]?.score).toBeCloseTo((1 / 63 + 1 / 62) / (2 / 61), 10);
  });

  it('scores against the lists that returned something', () => {
    expect(reciprocalRankFusion([[7, 8], []])[0]).toEqual({ id: 7, score: 1 });
    expect(reciprocalRankFusion([[], []])).toEqual([]);
  });

  it('weighs each list by its weight, normalised so first everywhere is still 1', () => {
    const fused = reciprocalRankFusion(
      [
        [1, 2],
        [2, 1],
      ],
      { weights: [2, 1] },
    );
    expect(fused.map((f) => f.id)).toEqual([1, 2]);
    expect(fused[0]?.score).toBeCloseTo((2 / 61 + 1 / 62) / (3 / 61), 10);
    expect(reciprocalRankFusion([[5], [5]], { weights: [2, 1] })[0]?.score).toBeCloseTo(1, 10);
  });
});
