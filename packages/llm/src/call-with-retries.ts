export interface RetryPolicy {
  /** Calls in all, the first included (default 4). */
  attempts?: number;
  /** The first delay in ms (default 500); each next one doubles, with full jitter. */
  backoffMs?: number;
  /** The longest single delay in ms (default 20,000), also the cap on a server's Retry-After hint. */
  maxBackoffMs?: number;
}

/**
 * Calls `call` until it succeeds, `isRetryable` says the error will not go away, or the attempts are spent
 * (then the last error is thrown). The wait before try n+1 is random in [0, backoffMs * 2^(n-1)], or the server's
 * hint when that is longer, never more than maxBackoffMs.
 */
export async function callWithRetries<T>(
  call: () => Promise<T>,
  policy: RetryPolicy & {
    isRetryable: (error: unknown) => boolean;
    /** A wait the server asked for (Retry-After, RetryInfo), in ms. */
    retryAfterMs?: (error: unknown) => number | undefined;
  },
): Promise<T> {
  const attempts = Math.max(1, policy.attempts ?? 4);
  const base = policy.backoffMs ?? 500;
  const cap = policy.maxBackoffMs ?? 20_000;
  let tried = 0;
  for (;;) {
    tried++;
    try {
      return await call();
    } catch (error) {
      if (tried >= attempts || !policy.isRetryable(error)) throw error;
      const jittered = Math.random() * base * 2 ** (tried - 1);
      const wait = Math.min(cap, Math.max(jittered, policy.retryAfterMs?.(error) ?? 0));
      await new Promise((resolve) => setTimeout(resolve, wait));
    }
  }
}

/** Statuses worth another try: request timeout, throttling, server errors; undefined means no answer at all. */
export function isRetryableStatus(status: number | undefined): boolean {
  return status === undefined || status === 408 || status === 429 || status >= 500;
}
