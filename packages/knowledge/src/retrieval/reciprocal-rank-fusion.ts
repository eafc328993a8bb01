/**
 * Reciprocal rank fusion: each list adds 1 / (k + rank) for every id it ranks (rank from 1). Returns the ids by
 * fused score, highest first (ties keep first-list order), with the score divided by the best possible one
 * (rank 1 in every list), so 1.0 means "first everywhere".
 */
export function reciprocalRankFusion(
  lists: readonly (readonly number[])[],
  options: { k?: number } = {},
): { id: number; score: number }[] {
  const k = options.k ?? 60;
  const scores = new Map<number, number>();
  for (const list of lists) {
    list.forEach((id, index) => scores.set(id, (scores.get(id) ?? 0) + 1 / (k + index + 1)));
  }
  const best = lists.filter((l) => l.length > 0).length / (k + 1);
  return [...scores.entries()]
    .map(([id, score]) => ({ id, score: best === 0 ? 0 : score / best }))
    .sort((a, b) => b.score - a.score);
}
