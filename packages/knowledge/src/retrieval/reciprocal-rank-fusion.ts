/**
 * Reciprocal rank fusion: each list adds 1 / (k + rank) for every id it ranks (rank from 1). Returns the ids by
 * fused score, highest first (ties keep first-list order), with the score divided by the best possible one
 * (rank 1 in every list), so 1.0 means "first everywhere". `weights` scales each list's share (default 1 each).
 */
export function reciprocalRankFusion(
  lists: readonly (readonly number[])[],
  options: { k?: number; weights?: readonly number[] } = {},
): { id: number; score: number }[] {
  const k = options.k ?? 60;
  const scores = new Map<number, number>();
  const weight = (list: number) => options.weights?.[list] ?? 1;
  lists.forEach((list, n) => {
    list.forEach((id, index) => scores.set(id, (scores.get(id) ?? 0) + weight(n) / (k + index + 1)));
  });
  const best = lists.reduce((sum, list, n) => sum + (list.length > 0 ? weight(n) : 0), 0) / (k + 1);
  return [...scores.entries()]
    .map(([id, score]) => ({ id, score: best === 0 ? 0 : score / best }))
    .sort((a, b) => b.score - a.score);
}
