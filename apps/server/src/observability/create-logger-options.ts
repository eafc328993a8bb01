import { redactSecrets, redactSecretsDeep } from '@airflow-mcp/core';
import { pino, type DestinationStream, type Logger, type LoggerOptions } from 'pino';

/** pino options: JSON logs, request ids, and redaction of credentials wherever they may sit. */
export const REDACT_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-api-key"]',
  'req.headers["x-goog-api-key"]',
  'headers.authorization',
  '*.password',
  '*.passwd',
  '*.apiKey',
  '*.api_key',
  '*.token',
  '*.secret',
  '*.access_token',
  '*.refresh_token',
  '*.client_secret',
  '*.private_key',
  '*.secret_access_key',
];

export interface LogOutputOptions {
  /** Values that must never be printed (the service's passwords and keys): masked in every line. */
  secrets?: readonly string[];
  /** Where lines go (default stdout); tests pass a stream they read back. */
  destination?: DestinationStream;
  /** Extra fields on every line. */
  base?: Record<string, unknown>;
}

/**
 * pino options for the HTTP server and the services alike. Field redaction covers credentials in known places;
 * every string in each finished line then goes through redactSecrets, so a known secret or a credential-shaped value inside a
 * message or an error text (an upstream error quoting a connection URI, say) is masked too.
 */
export function createLoggerOptions(
  level: string,
  options: LogOutputOptions = {},
): LoggerOptions & { stream: DestinationStream } {
  const secrets = options.secrets ?? [];
  const destination = options.destination ?? pino.destination(1);
  return {
    level,
    redact: { paths: REDACT_PATHS, censor: '***' },
    base: { service: 'airflow-mcp-rag', ...options.base },
    stream: { write: (line: string) => destination.write(maskLine(line, secrets)) },
  };
}

/** Masks every string value of a JSON log line (so escaping stays valid); a line that is not JSON as text. */
function maskLine(line: string, secrets: readonly string[]): string {
  let parsed: unknown;
  try {
    parsed = JSON.parse(line);
  } catch {
    return redactSecrets(line, secrets);
  }
  return `${JSON.stringify(redactSecretsDeep(parsed, secrets))}\n`;
}

/** A logger for the services and the CLI, with the same redaction as the HTTP server's. */
export function createLogger(level: string, options: LogOutputOptions = {}): Logger {
  const { stream, ...pinoOptions } = createLoggerOptions(level, options);
  return pino(pinoOptions, stream);
}
