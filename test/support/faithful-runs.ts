import { DatabaseSync } from 'node:sqlite';

/** The rows of a query on a SQLite file, opened read-only, each row as its values in column order. */
export function sqliteRows(file: string, sql: string): unknown[][] {
  const db = new DatabaseSync(file, { readOnly: true });
  try {
    return db
      .prepare(sql)
      .all()
      .map((row) => Object.values(row as Record<string, unknown>));
  } finally {
    db.close();
  }
}

/**
 * Starts `work` for every key, at most `limit` at a time (a shared two-core machine runs two DAG runs well), and
 * returns each key's promise at once, so the runs go on while the tests wait for their own; a failure shows in the
 * test that reads it (the promises are marked handled here).
 */
export function startRuns<K extends string, T>(keys: readonly K[], limit: number, work: (key: K) => Promise<T>) {
  let active = 0;
  const waiting: (() => void)[] = [];
  const limited = async (key: K) => {
    while (active >= limit) await new Promise<void>((resolve) => waiting.push(resolve));
    active++;
    try {
      return await work(key);
    } finally {
      active--;
      waiting.shift()?.();
    }
  };
  const runs = new Map<K, Promise<T>>();
  for (const key of keys) {
    const run = limited(key);
    run.catch(() => undefined);
    runs.set(key, run);
  }
  return {
    runs,
    ran(key: K): Promise<T> {
      const run = runs.get(key);
      if (!run) throw new Error(`no run started for ${key}`);
      return run;
    },
  };
}
