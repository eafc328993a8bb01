/** What the model planner needs of a cache: a Map, an LRU, or a shared store adapter. */
export interface PlanCache<V> {
  get(key: string): V | undefined;
  set(key: string, value: V): unknown;
}

/**
 * An in-memory least-recently-used cache: a Map keeps insertion order, so a hit re-inserts its key at the end and
 * the first key is the one to drop. (packages/knowledge has its own; a shared one would belong in core.)
 */
export function createLruCache<V>(capacity: number): PlanCache<V> & { readonly size: number } {
  const entries = new Map<string, V>();
  return {
    get(key) {
      if (!entries.has(key)) return undefined;
      const value = entries.get(key) as V;
      entries.delete(key);
      entries.set(key, value);
      return value;
    },
    set(key, value) {
      entries.delete(key);
      entries.set(key, value);
      for (const oldest of entries.keys()) {
        if (entries.size <= capacity) break;
        entries.delete(oldest);
      }
    },
    get size() {
      return entries.size;
    },
  };
}
