/** Up to `limit` names closest to `wanted` (edit distance, with substring matches first). */
export function nearestNames(wanted: string, names: readonly string[], limit = 5): string[] {
  const w = wanted.toLowerCase();
  const scored = names.map((name) => {
    const n = name.toLowerCase();
    const score = n.includes(w) || w.includes(n) ? 0 : editDistance(w, n) / Math.max(w.length, n.length);
    return { name, score };
  });
  return scored
    .filter((s) => s.score <= 0.6)
    .sort((a, b) => a.score - b.score || a.name.localeCompare(b.name))
    .slice(0, limit)
    .map((s) => s.name);
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(
        (previous[j] ?? 0) + 1,
        (current[j - 1] ?? 0) + 1,
        (previous[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1),
      );
    }
    previous = current;
  }
  return previous[b.length] ?? 0;
}
