export interface LruCache<V> {
  /** The value, which becomes the most recently used; undefined when absent. */
  get(key: string): V | undefined;
  /** Stores the value as the most recently used, dropping the least recently used entries past `maxEntries`. */
  set(key: string, value: V): void;
  clear(): void;
  readonly size: number;
}

/**
 * An in-memory least-recently-used cache of at most `maxEntries` entries (0 or less: it keeps nothing). A Map keeps
 * insertion order, so a hit re-inserts its key at the end and the first key is the one to drop.
 */
export function createLruCache<V>(maxEntries: number): LruCache<V> {
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
      if (maxEntries <= 0) return;
      entries.delete(key);
      entries.set(key, value);
      for (const oldest of entries.keys()) {
        if (entries.size <= maxEntries) break;
        entries.delete(oldest);
      }
    },
    clear() {
      entries.clear();
    },
    get size() {
      return entries.size;
    },
  };
}
