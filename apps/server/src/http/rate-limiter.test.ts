import { describe, expect, it } from 'vitest';
import { createRateLimiter } from './rate-limiter.js';

describe('createRateLimiter', () => {
  it('allows a burst, then refuses with a retry delay, then refills over time', () => {
    let t = 0;
    const limiter = createRateLimiter({ perMinute: 3, now: () => t });
    expect([limiter.take('a'), limiter.take('a'), limiter.take('a')]).toEqual([0, 0, 0]);
    expect(limiter.take('a')).toBe(20);
    expect(limiter.take('b')).toBe(0);
    t += 20_000;
    expect(limiter.take('a')).toBe(0);
    expect(limiter.take('a')).toBeGreaterThan(0);
  });

  it('charges a batch its length, all or nothing, and never lets a batch larger than the burst through', () => {
    const limiter = createRateLimiter({ perMinute: 10, now: () => 0 });
    expect(limiter.take('a', 8)).toBe(0);
    expect(limiter.take('a', 3)).toBe(6);
    expect(limiter.take('a', 2)).toBe(0);
    expect(limiter.take('a')).toBeGreaterThan(0);
    expect(limiter.take('b', 11)).toBe(Infinity);
    expect(limiter.take('b', 10)).toBe(0);
  });

  it('is off at 0', () => {
    const limiter = createRateLimiter({ perMinute: 0 });
    for (let i = 0; i < 100; i++) expect(limiter.take('a')).toBe(0);
  });
});
