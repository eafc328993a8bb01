/**
 * The one error base of the project. `code` is stable (SCREAMING_SNAKE) and is what callers branch on;
 * `message` is an actionable sentence meant for a person or a model: what was wrong and what to do.
 * Packages never choose HTTP statuses: the server maps codes to statuses in one place.
 */
export type ErrorCode =
  | 'INVALID_INPUT'
  | 'NOT_FOUND'
  | 'CONFLICT'
  | 'UNAUTHORIZED'
  | 'FORBIDDEN'
  | 'RATE_LIMITED'
  | 'UNAVAILABLE'
  | 'TIMEOUT'
  | 'DEPENDENCY_FAILED'
  | 'VALIDATION_FAILED'
  | 'NEEDS_CLARIFICATION'
  | 'UNSUPPORTED'
  | 'INTERNAL';

export interface AppErrorOptions {
  cause?: unknown;
  /** True when the same call may succeed later without any change (the dependency was down, a 429). */
  retryable?: boolean;
  /** Extra structured facts safe to show (never secrets): nearby names, the failing step, limits. */
  details?: Record<string, unknown>;
}

export class AppError extends Error {
  readonly code: ErrorCode;
  readonly retryable: boolean;
  readonly details: Record<string, unknown> | undefined;

  constructor(code: ErrorCode, message: string, options: AppErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
    this.retryable = options.retryable ?? false;
    this.details = options.details;
  }
}

export function isAppError(value: unknown): value is AppError {
  return value instanceof AppError;
}

/** Wraps anything thrown into an AppError without losing the original as `cause`. */
export function toAppError(value: unknown): AppError {
  if (value instanceof AppError) return value;
  const message = value instanceof Error ? value.message : String(value);
  return new AppError('INTERNAL', `Unexpected failure: ${message}`, { cause: value });
}
