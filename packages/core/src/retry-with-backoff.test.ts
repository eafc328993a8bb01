import { describe, expect, it } from 'vitest';
import { isRetryableStatus, retryWithBackoff, type RetryEvent } from './retry-with-backoff.js';

class StatusError extends Error {
  constructor(readonly status: number) {
    super(`HTTP ${status}`);
  }
}

const retryable = (error: unknown) => error instanceof StatusError && isRetryableStatus(error.status);

/** A call that fails with the given statuses, one per call, then answers "ok". */
function failing(statuses: number[]) {
  const calls: number[] = [];
  return {
    calls,
    call: (attempt: number) => {
      calls.push(attempt);
      const status = statuses[calls.length - 1];
      return status === undefined ? Promise.resolve('ok') : Promise.reject(new StatusError(status));
    },
  };
}

describe('retryWithBackoff', () => {
  it('succeeds after failures, numbering the calls and reporting each retry', async () => {
    const { call, calls } = failing([503, 429]);
    const retries: RetryEvent[] = [];
    const result = await retryWithBackoff(call, {
      attempts: 4,
      initialDelayMs: 4,
      maxDelayMs: 50,
      isRetryable: retryable,
      onRetry: (event) => retries.push(event),
    });
    expect(result).toBe('ok');
    expect(calls).toEqual([1, 2, 3]);
    expect(retries.map((r) => [r.attempt, (r.error as StatusError).status])).toEqual([
      [1, 503],
      [2, 429],
    ]);
    // full jitter: the first wait is within [0, 4], the second within [0, 8]
    expect(retries[0]?.delayMs).toBeGreaterThanOrEqual(0);
    expect(retries[0]?.delayMs).toBeLessThanOrEqual(4);
    expect(retries[1]?.delayMs).toBeLessThanOrEqual(8);
  });

  it('throws a non-retryable error at once', async () => {
    const { call, calls } = failing([400, 503]);
    const error = await retryWithBackoff(call, {
      attempts: 4,
      initialDelayMs: 1,
      maxDelayMs: 10,
      isRetryable: retryable,
    }).catch((e: unknown) => e);
    expect(error).toMatchObject({ status: 400 });
    expect(calls).toEqual([1]);
  });

  it('throws the last error when the attempts are spent', async () => {
    const { call, calls } = failing([500, 502, 503, 504]);
    const error = await retryWithBackoff(call, {
      attempts: 3,
      initialDelayMs: 1,
      maxDelayMs: 10,
      isRetryable: retryable,
    }).catch((e: unknown) => e);
    expect(error).toMatchObject({ status: 503 });
    expect(calls).toEqual([1, 2, 3]);
  });

  it('makes one call when attempts is below 1', async () => {
    const { call, calls } = failing([503]);
    await expect(
      retryWithBackoff(call, { attempts: 0, initialDelayMs: 1, maxDelayMs: 10, isRetryable: retryable }),
    ).rejects.toMatchObject({ status: 503 });
    expect(calls).toEqual([1]);
  });

  it.each([
    { name: 'waits for a hint longer than the backoff', hint: 40, maxDelayMs: 1000, expected: 40 },
    { name: 'caps the hint at maxDelayMs', hint: 60_000, maxDelayMs: 15, expected: 15 },
  ])("server's hint: $name", async ({ hint, maxDelayMs, expected }) => {
    const { call } = failing([429]);
    const retries: RetryEvent[] = [];
    const started = performance.now();
    await retryWithBackoff(call, {
      attempts: 2,
      initialDelayMs: 1,
      maxDelayMs,
      isRetryable: retryable,
      retryAfterMs: () => hint,
      onRetry: (event) => retries.push(event),
    });
    expect(retries[0]?.delayMs).toBe(expected);
    const elapsed = performance.now() - started;
    expect(elapsed).toBeGreaterThanOrEqual(expected - 2);
    expect(elapsed).toBeLessThan(5_000);
  });

  it('stops waiting when the signal aborts and throws the last error', async () => {
    const { call, calls } = failing([503, 503]);
    const controller = new AbortController();
    const started = performance.now();
    const pending = retryWithBackoff(call, {
      attempts: 3,
      initialDelayMs: 60_000,
      maxDelayMs: 60_000,
      isRetryable: retryable,
      retryAfterMs: () => 60_000,
      signal: controller.signal,
      onRetry: () => setTimeout(() => controller.abort(), 10),
    });
    await expect(pending).rejects.toMatchObject({ status: 503 });
    expect(calls).toEqual([1]);
    expect(performance.now() - started).toBeLessThan(5_000);
  });

  it('does not wait at all when the signal is already aborted', async () => {
    const { call, calls } = failing([503]);
    const error = await retryWithBackoff(call, {
      attempts: 3,
      initialDelayMs: 60_000,
      maxDelayMs: 60_000,
      isRetryable: retryable,
      signal: AbortSignal.abort(),
    }).catch((e: unknown) => e);
    expect(error).toMatchObject({ status: 503 });
    expect(calls).toEqual([1]);
  });
});

describe('isRetryableStatus', () => {
  it('retries timeouts, throttling, server errors and no answer, nothing else', () => {
    expect([undefined, 408, 429, 500, 503].map(isRetryableStatus)).toEqual([true, true, true, true, true]);
    expect([200, 400, 401, 403, 404, 409, 422].map(isRetryableStatus)).toEqual([
      false,
      false,
      false,
      false,
      false,
      false,
      false,
    ]);
  });
});
