import type { ErrorCode } from '@airflow-mcp/core';

/** The one place where error codes become HTTP statuses. */
export function statusForError(code: ErrorCode): number {
  switch (code) {
    case 'INVALID_INPUT':
    case 'VALIDATION_FAILED':
    case 'NEEDS_CLARIFICATION':
      return 400;
    case 'UNAUTHORIZED':
      return 401;
    case 'FORBIDDEN':
      return 403;
    case 'NOT_FOUND':
      return 404;
    case 'CONFLICT':
      return 409;
    case 'RATE_LIMITED':
      return 429;
    case 'UNSUPPORTED':
      return 501;
    case 'DEPENDENCY_FAILED':
      return 502;
    case 'UNAVAILABLE':
      return 503;
    case 'TIMEOUT':
      return 504;
    case 'INTERNAL':
      return 500;
  }
}
