import { describe, expect, it } from 'vitest';
import { createLruCache } from './lru-cache.js';

describe('createLruCache', () => {
  it('drops the least recently used entry past maxEntries', () => {
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

  it('refreshes a key on set, so the other one goes first', () => {
    const cache = createLruCache<string>(2);
    cache.set('a', 'x');
    cache.set('b', 'y');
    cache.set('a', 'z');
    cache.set('c', 'w');
    expect(cache.get('b')).toBeUndefined();
    expect(cache.get('a')).toBe('z');
  });

  it('forgets everything on clear', () => {
    const cache = createLruCache<number>(3);
    cache.set('a', 1);
    cache.set('b', 2);
    cache.clear();
    expect(cache.size).toBe(0);
    expect(cache.get('a')).toBeUndefined();
  });

  it('keeps nothing when maxEntries is 0', () => {
    const cache = createLruCache<number>(0);
    cache.set('a', 1);
    expect(cache.size).toBe(0);
    expect(cache.get('a')).toBeUndefined();
  });
});
