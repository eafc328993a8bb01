import type { FastifyServerOptions } from 'fastify';

/** pino options: JSON logs, request ids, and redaction of credentials wherever they may sit. */
export const REDACT_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-api-key"]',
  'req.headers["x-goog-api-key"]',
  'headers.authorization',
  '*.password',
  '*.apiKey',
  '*.api_key',
  '*.token',
  '*.secret',
  '*.access_token',
];

export function createLoggerOptions(level: string): NonNullable<FastifyServerOptions['logger']> {
  return {
    level,
    redact: { paths: REDACT_PATHS, censor: '***' },
    base: { service: 'airflow-mcp-rag' },
  };
}
