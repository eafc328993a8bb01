export interface RetryOptions {
  /** Attempts after the first (default 4). */
  retries?: number;
  /** Delay before the first retry in ms (default 500); doubles each time, with full jitter. */
  initialDelayMs?: number;
  /** Upper bound of one delay in ms (default 20,000). */
  maxDelayMs?: number;
}

/**
 * Runs `call` until it succeeds, `isRetryable(error)` says no, or the retries are spent. Delays grow
 * exponentially with full jitter; a server's hint (`retryAfterMs` of the error) wins when it is larger.
 */
export async function retryWithBackoff<T>(
  call: (attempt: number) => Promise<T>,
  options: RetryOptions & {
    isRetryable: (error: unknown) => boolean;
    retryAfterMs?: (error: unknown) => number | undefined;
    signal?: AbortSignal;
  },
): Promise<T> {
  const retries = options.retries ?? 4;
  const initial = options.initialDelayMs ?? 500;
  const max = options.maxDelayMs ?? 20_000;
  for (let attempt = 0; ; attempt++) {
    try {
      return await call(attempt);
    } catch (error) {
      if (attempt >= retries || !options.isRetryable(error) || options.signal?.aborted) throw error;
      const backoff = Math.random() * Math.min(max, initial * 2 ** attempt);
      const hint = options.retryAfterMs?.(error);
      await sleep(Math.min(max, Math.max(backoff, hint ?? 0)), options.signal);
    }
  }
}

function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener(
      'abort',
      () => {
        clearTimeout(timer);
        resolve();
      },
      { once: true },
    );
  });
}

/** HTTP statuses worth another try: timeouts, throttling, server errors. */
export function isRetryableStatus(status: number | undefined): boolean {
  return status === undefined || status === 408 || status === 429 || status >= 500;
}
