import { describe, expect, it } from 'vitest';
import { createLruCache } from './create-lru-cache.js';

describe('createLruCache', () => {
  it('drops the least recently used entry past its capacity', () => {
    const cache = createLruCache<number>(2);
    cache.set('a', 1);
    cache.set('b', 2);
    expect(cache.get('a')).toBe(1); // a is now the most recent
    cache.set('c', 3);
    expect(cache.get('b')).toBeUndefined();
    expect(cache.get('a')).toBe(1);
    expect(cache.get('c')).toBe(3);
    expect(cache.size).toBe(2);
  });

  it('replaces a key in place and keeps falsy values', () => {
    const cache = createLruCache<number>(2);
    cache.set('a', 0);
    cache.set('a', 0);
    expect(cache.size).toBe(1);
    expect(cache.get('a')).toBe(0);
  });
});
