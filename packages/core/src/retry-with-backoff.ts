export interface RetryOptions {
  /** Calls in all, the first included (at least 1). */
  attempts: number;
  /** Upper bound of the first wait, in ms; it doubles after every failed call. */
  initialDelayMs: number;
  /** The longest single wait, in ms: caps the exponential bound and a server's hint alike. */
  maxDelayMs: number;
  /** Whether an error may go away on another try; anything else is thrown at once. */
  isRetryable: (error: unknown) => boolean;
  /** A wait the server asked for (Retry-After, Gemini's RetryInfo), in ms; it wins when longer than the backoff. */
  retryAfterMs?: ((error: unknown) => number | undefined) | undefined;
  /** Aborting it ends a wait at once: no further call is made and the last error is thrown. */
  signal?: AbortSignal | undefined;
  /** Called before each wait, e.g. to log "retrying". */
  onRetry?: ((retry: RetryEvent) => void) | undefined;
}

export interface RetryEvent {
  /** The number of the call that failed, from 1. */
  attempt: number;
  /** The wait before the next call, in ms. */
  delayMs: number;
  error: unknown;
}

/**
 * Calls `call` (with the number of the call, from 1) until it succeeds, `isRetryable` says the error will not go
 * away, the attempts are spent or `signal` aborts; then the last error is thrown. The wait after failed call n is
 * random in [0, min(maxDelayMs, initialDelayMs * 2^(n-1))] (full jitter), or the server's hint when that is longer,
 * never more than maxDelayMs.
 */
export async function retryWithBackoff<T>(call: (attempt: number) => Promise<T>, options: RetryOptions): Promise<T> {
  const attempts = Math.max(1, options.attempts);
  for (let attempt = 1; ; attempt++) {
    try {
      return await call(attempt);
    } catch (error) {
      if (attempt >= attempts || options.signal?.aborted || !options.isRetryable(error)) throw error;
      const backoff = Math.random() * Math.min(options.maxDelayMs, options.initialDelayMs * 2 ** (attempt - 1));
      const hint = options.retryAfterMs?.(error) ?? 0;
      const delayMs = Math.min(options.maxDelayMs, Math.max(backoff, hint));
      options.onRetry?.({ attempt, delayMs, error });
      if (!(await wait(delayMs, options.signal))) throw error;
    }
  }
}

/** Resolves true after `ms`, or false as soon as `signal` aborts. */
function wait(ms: number, signal: AbortSignal | undefined): Promise<boolean> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve(false);
    const onAbort = () => {
      clearTimeout(timer);
      resolve(false);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve(true);
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/** HTTP statuses worth another try: request timeout, throttling, server errors; undefined means no answer at all. */
export function isRetryableStatus(status: number | undefined): boolean {
  return status === undefined || status === 408 || status === 429 || status >= 500;
}
