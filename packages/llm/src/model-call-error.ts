import { AppError, redactSecrets } from '@airflow-mcp/core';

/**
 * The one place a failed model call becomes an AppError: 429 -> RATE_LIMITED, 5xx / no answer -> UNAVAILABLE
 * (both retryable), anything else -> DEPENDENCY_FAILED. Secrets are masked in the provider's text.
 */
export function modelCallError(options: {
  provider: string;
  status: number | undefined;
  attempts: number;
  detail: string;
  secrets: readonly string[];
  cause: unknown;
}): AppError {
  const { provider, status, attempts } = options;
  const detail = redactSecrets(options.detail, options.secrets).replace(/\s+/g, ' ').slice(0, 300);
  const details = { provider, attempts, ...(status === undefined ? {} : { status }) };
  const tries = attempts === 1 ? 'once' : `${attempts} times`;
  if (status === 429) {
    return new AppError(
      'RATE_LIMITED',
      `${provider} is rate-limiting requests (429, tried ${tries}): wait a minute and retry, or use another planner. ${detail}`,
      { cause: options.cause, retryable: true, details },
    );
  }
  if (status === undefined || status === 408 || status >= 500) {
    const what = status === undefined ? 'did not answer' : `answered ${status}`;
    return new AppError(
      'UNAVAILABLE',
      `${provider} ${what} (tried ${tries}): check that it is reachable and retry later. ${detail}`,
      { cause: options.cause, retryable: true, details },
    );
  }
  const hint =
    status === 401 || status === 403
      ? 'check the API key and that it may use this model'
      : status === 404
        ? 'check the model name and the base URL'
        : 'the request was refused';
  return new AppError('DEPENDENCY_FAILED', `${provider} refused the request (${status}): ${hint}. ${detail}`, {
    cause: options.cause,
    details,
  });
}

/**
 * A short reason for a failed call: the provider's error message when its body has one ({"error":{"message":..}}),
 * "no answer within N ms" for a timeout, else the error with its cause (e.g. "fetch failed (connect ECONNREFUSED)").
 */
export function describeCallFailure(error: unknown, options: { timeoutMs: number; body?: string | undefined }): string {
  if (options.body !== undefined) return errorMessageOf(options.body) ?? options.body;
  if (error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError')) {
    return `no answer within ${options.timeoutMs} ms.`;
  }
  const cause = error instanceof Error && error.cause instanceof Error ? ` (${error.cause.message})` : '';
  return error instanceof Error ? `${error.message}${cause}` : String(error);
}

function errorMessageOf(body: string): string | undefined {
  try {
    const parsed = JSON.parse(body) as { error?: { message?: unknown } | string; message?: unknown };
    const message = typeof parsed.error === 'string' ? parsed.error : (parsed.error?.message ?? parsed.message);
    return typeof message === 'string' ? message : undefined;
  } catch {
    return undefined;
  }
}
