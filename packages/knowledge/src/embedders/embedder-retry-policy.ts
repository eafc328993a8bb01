import type { RetryOptions } from '@airflow-mcp/core';

/** The embedders' retry settings: 429, 5xx, timeouts and no answer are tried again with backoff and full jitter. */
export interface EmbedderRetryOptions {
  /** Attempts after the first (default 4). */
  retries?: number;
  /** Upper bound of the first wait in ms (default 500); it doubles with each retry. */
  initialDelayMs?: number;
  /** Upper bound of one wait in ms (default 20,000), also the cap on a server's hint. */
  maxDelayMs?: number;
}

/** The embedder settings with their defaults, as the counts and delays of core's `retryWithBackoff`. */
export function embedderRetryPolicy(
  options: EmbedderRetryOptions,
): Pick<RetryOptions, 'attempts' | 'initialDelayMs' | 'maxDelayMs'> {
  return {
    attempts: (options.retries ?? 4) + 1,
    initialDelayMs: options.initialDelayMs ?? 500,
    maxDelayMs: options.maxDelayMs ?? 20_000,
  };
}
