/** One line of a diff: kept, added (only in the newer text) or deleted (only in the older). */
export interface DiffLine {
  kind: 'same' | 'add' | 'del';
  text: string;
}

/** A line diff of two texts by longest common subsequence (DAG files are a few hundred lines). */
export function diffLines(older: string, newer: string): DiffLine[] {
  const a = older.split('\n');
  const b = newer.split('\n');
  // lcs[i][j]: the longest common subsequence of a[i..] and b[j..].
  const lcs: number[][] = Array.from({ length: a.length + 1 }, () => new Array<number>(b.length + 1).fill(0));
  for (let i = a.length - 1; i >= 0; i--) {
    const row = lcs[i] as number[];
    const below = lcs[i + 1] as number[];
    for (let j = b.length - 1; j >= 0; j--) {
      row[j] = a[i] === b[j] ? (below[j + 1] as number) + 1 : Math.max(below[j] as number, row[j + 1] as number);
    }
  }
  const out: DiffLine[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    const lineA = a[i];
    const lineB = b[j];
    if (i < a.length && j < b.length && lineA === lineB) {
      out.push({ kind: 'same', text: lineA as string });
      i++;
      j++;
    } else if (i < a.length && (j >= b.length || (lcs[i + 1]?.[j] ?? 0) >= (lcs[i]?.[j + 1] ?? 0))) {
      out.push({ kind: 'del', text: lineA as string });
      i++;
    } else {
      out.push({ kind: 'add', text: lineB as string });
      j++;
    }
  }
  return out;
}
