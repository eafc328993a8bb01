import { AppError, redactSecrets } from '@airflow-mcp/core';

/** One place that turns a failed embeddings call into an AppError a person can act on, secrets masked. */
export function embeddingError(options: {
  provider: string;
  status: number | undefined;
  detail: string;
  secrets: readonly string[];
  cause: unknown;
}): AppError {
  const { provider, status } = options;
  const detail = redactSecrets(options.detail, options.secrets).slice(0, 300);
  const details = { provider, ...(status === undefined ? {} : { status }) };
  if (status === 401 || status === 403) {
    return new AppError(
      'UNAUTHORIZED',
      `${provider} refused the embeddings request (${status}): check the API key. ${detail}`,
      {
        cause: options.cause,
        details,
      },
    );
  }
  if (status === 429) {
    return new AppError(
      'RATE_LIMITED',
      `${provider} kept rate-limiting embeddings after retries; try again later or lower the ingest size. ${detail}`,
      {
        cause: options.cause,
        retryable: true,
        details,
      },
    );
  }
  if (status !== undefined && status >= 400 && status < 500) {
    return new AppError('INVALID_INPUT', `${provider} rejected the embeddings request (${status}): ${detail}`, {
      cause: options.cause,
      details,
    });
  }
  return new AppError(
    'UNAVAILABLE',
    `${provider} embeddings failed${status === undefined ? '' : ` (${status})`} after retries: ${detail}. Check that the endpoint is reachable.`,
    { cause: options.cause, retryable: true, details },
  );
}
