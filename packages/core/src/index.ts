export { AppError, isAppError, toAppError } from './app-error.js';
export type { ErrorCode } from './app-error.js';
export { createLimiter } from './create-limiter.js';
export { silentLogger } from './logger.js';
export type { Logger } from './logger.js';
export { createLruCache } from './lru-cache.js';
export type { LruCache } from './lru-cache.js';
export {
  redactSecrets,
  redactSecretsAsync,
  redactSecretsDeep,
  redactSecretsDeepAsync,
  redactSpecSecrets,
  secretValuesIn,
} from './redact-secrets.js';
export { secretShapes } from './secret-shapes.js';
export { isRetryableStatus, retryWithBackoff } from './retry-with-backoff.js';
export type { RetryOptions } from './retry-with-backoff.js';
export { ALL_TENANTS, DEFAULT_TENANT, homeTenant } from './tenants.js';
