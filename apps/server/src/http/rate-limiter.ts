/**
 * A token bucket per caller (API key id, or client address when unauthenticated): `perMinute` requests a minute
 * with bursts up to the same number. A JSON-RPC batch costs its length. Buckets idle for ten minutes are forgotten.
 */
export function createRateLimiter(options: { perMinute: number; now?: () => number }) {
  const now = options.now ?? Date.now;
  const capacity = options.perMinute;
  const refillPerMs = options.perMinute / 60_000;
  const buckets = new Map<string, { tokens: number; at: number }>();
  let lastSweep = now();

  return {
    /**
     * Takes `cost` tokens (all or none); returns 0 when allowed, else the seconds to wait before a retry. A cost above
     * the burst can never be paid: Infinity.
     */
    take(key: string, cost = 1): number {
      if (capacity <= 0) return 0;
      const t = now();
      if (t - lastSweep > 60_000) {
        for (const [k, b] of buckets) if (t - b.at > 600_000) buckets.delete(k);
        lastSweep = t;
      }
      const bucket = buckets.get(key) ?? { tokens: capacity, at: t };
      bucket.tokens = Math.min(capacity, bucket.tokens + (t - bucket.at) * refillPerMs);
      bucket.at = t;
      buckets.set(key, bucket);
      if (cost > capacity) return Infinity;
      if (bucket.tokens >= cost) {
        bucket.tokens -= cost;
        return 0;
      }
      return Math.max(1, Math.ceil((cost - bucket.tokens) / refillPerMs / 1000));
    },
  };
}
