export { AppError, isAppError, toAppError } from './app-error.js';
export type { AppErrorOptions, ErrorCode } from './app-error.js';
export { silentLogger } from './logger.js';
export type { Logger } from './logger.js';
export { MASK, redactSecrets } from './redact-secrets.js';
