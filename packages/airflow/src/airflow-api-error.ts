import { AppError, type ErrorCode } from '@airflow-mcp/core';

const RETRYABLE = new Set([408, 409, 429, 500, 502, 503, 504]);

/** A failed Airflow API call: the HTTP status (0 when Airflow was not reached) and whether a retry may succeed. */
export class AirflowApiError extends AppError {
  readonly status: number;
  readonly isRetryable: boolean;

  constructor(options: {
    status: number;
    message: string;
    cause?: unknown;
    code?: ErrorCode;
    details?: Record<string, unknown>;
  }) {
    const status = options.status;
    const retryable = status === 0 || RETRYABLE.has(status);
    const code: ErrorCode =
      options.code ??
      (status === 0 || status >= 500
        ? 'UNAVAILABLE'
        : status === 404
          ? 'NOT_FOUND'
          : status === 401 || status === 403
            ? 'DEPENDENCY_FAILED'
            : status === 409
              ? 'CONFLICT'
              : status === 429
                ? 'RATE_LIMITED'
                : 'DEPENDENCY_FAILED');
    super(code, options.message, {
      cause: options.cause,
      retryable,
      ...(options.details ? { details: options.details } : {}),
    });
    this.status = status;
    this.isRetryable = retryable;
  }
}

/** Airflow's error bodies: v2 `{"detail": string | object | [{msg}]}`, v1 RFC 7807 `{"title","detail"}`. */
export function describeErrorBody(body: unknown): string {
  if (typeof body === 'string') return body.slice(0, 500);
  if (body && typeof body === 'object') {
    const detail = (body as { detail?: unknown }).detail;
    if (typeof detail === 'string') return detail;
    if (Array.isArray(detail)) return detail.map((d) => (d as { msg?: string }).msg ?? JSON.stringify(d)).join('; ');
    if (detail && typeof detail === 'object') {
      const d = detail as { reason?: string; message?: string };
      return d.reason ?? d.message ?? JSON.stringify(detail).slice(0, 500);
    }
    const title = (body as { title?: unknown }).title;
    if (typeof title === 'string') return title;
  }
  return JSON.stringify(body ?? null).slice(0, 500);
}
