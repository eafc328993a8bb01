import type { Logger } from '@airflow-mcp/core';
import { describe, expect, it } from 'vitest';
import { AirflowApiError } from './airflow-api-error.js';
import { createAirflowFetch } from './create-airflow-fetch.js';

/** The discard port: nobody listens on it here, so every connection is refused. */
const baseUrl = 'http://127.0.0.1:9';

/** A logger that keeps the warnings it is given. */
function recordingLogger(warnings: { obj: object; msg: string | undefined }[]): Logger {
  const logger: Logger = {
    debug() {},
    info() {},
    warn(obj, msg) {
      warnings.push({ obj, msg });
    },
    error() {},
    child: () => logger,
  };
  return logger;
}

/** A fetch against the refused port with Basic auth, recording the warnings it logs. */
function refusedFetch(attempts: number) {
  const warnings: { obj: object; msg: string | undefined }[] = [];
  const http = createAirflowFetch({
    baseUrl,
    username: 'u',
    password: 'p',
    timeoutMs: 2_000,
    attempts,
    backoffMs: 1,
    logger: recordingLogger(warnings),
    auth: () => 'basic',
  });
  return { http, warnings };
}

describe('createAirflowFetch retries', () => {
  it('retries a refused connection, logs each retry and throws an actionable UNAVAILABLE error', async () => {
    const { http, warnings } = refusedFetch(3);
    const error = await http.fetchPublic('/api/v2/version').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AirflowApiError);
    expect(error).toMatchObject({ status: 0, code: 'UNAVAILABLE', isRetryable: true });
    expect((error as Error).message).toMatch(/unreachable.*npm run airflow:up/);
    // two retries after three refused calls; no "retrying" once the attempts are spent
    expect(warnings).toEqual([
      { obj: { url: `${baseUrl}/api/v2/version`, attempt: 1 }, msg: 'airflow unreachable; retrying' },
      { obj: { url: `${baseUrl}/api/v2/version`, attempt: 2 }, msg: 'airflow unreachable; retrying' },
    ]);
  });

  it('makes a single call when attempts is 1', async () => {
    const { http, warnings } = refusedFetch(1);
    await expect(http.fetchPublic('/api/v2/monitor/health')).rejects.toMatchObject({ status: 0 });
    expect(warnings).toEqual([]);
  });
});
