import { createLimiter, retryWithBackoff, type Logger } from '@airflow-mcp/core';
import { AirflowApiError } from './airflow-api-error.js';

export interface AirflowFetchOptions {
  baseUrl: string;
  username: string | undefined;
  password: string | undefined;
  timeoutMs: number;
  /** Attempts for connection errors, 429 and 5xx (the first included; default 4). */
  attempts?: number;
  /**
   * The average first wait in ms (default 300); it doubles with each retry. Each wait is random in
   * [0, 2 * backoffMs * 2^(n-1)] (full jitter), at most 30 s.
   */
  backoffMs?: number;
  fetch?: typeof fetch;
  logger?: Logger;
  /** How long before the JWT expires to log in again (default: a minute, or a quarter of a short lifetime). */
  renewBeforeMs?: number;
  /**
   * Requests in flight to Airflow at once (default 8; 0 = no bound); the rest wait their turn here. Airflow's API
   * server falls over under many parallel requests (its database pool makes them wait up to 30 s), so a burst of
   * tool calls is queued by us instead.
   */
  maxConcurrent?: number;
}

interface Token {
  value: string;
  /** epoch ms after which we log in again (exp - 60 s). */
  renewAt: number;
}

/** A 429 or 5xx answer, thrown so the retry loop tries again; the last one is returned as is. */
class RetryableResponse extends Error {
  constructor(readonly response: Response) {
    super(`HTTP ${response.status}`);
  }
}

export function decodeJwtExpiry(token: string): number | undefined {
  const payload = token.split('.')[1];
  if (!payload) return undefined;
  try {
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as { exp?: unknown };
    return typeof claims.exp === 'number' ? claims.exp * 1000 : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The fetch every Airflow call goes through: a timeout per attempt, retries with exponential backoff and jitter for
 * connection errors, 429 and 5xx, and authentication (Airflow 3: a JWT from POST /auth/token, renewed a minute
 * before it expires and again on 401 or 403 "Invalid JWT token"; Airflow 2: Basic).
 */
export function createAirflowFetch(options: AirflowFetchOptions & { auth: () => 'jwt' | 'basic' }) {
  const doFetch = options.fetch ?? fetch;
  const attempts = options.attempts ?? 4;
  const backoffMs = options.backoffMs ?? 300;
  let token: Token | undefined;
  let login: Promise<Token> | undefined;
  const limiter = createLimiter(options.maxConcurrent ?? 8);
  const inflightGets = new Map<string, Promise<Response>>();

  async function attempt(input: Request): Promise<Response> {
    return limiter.run(() => attemptNow(input));
  }

  async function attemptNow(input: Request): Promise<Response> {
    const signal = AbortSignal.timeout(options.timeoutMs);
    try {
      return await doFetch(input.clone(), { signal });
    } catch (error) {
      const timedOut = signal.aborted;
      throw new AirflowApiError({
        status: 0,
        message: timedOut
          ? `Airflow at AIRFLOW_URL=${options.baseUrl} did not answer ${input.method} ${new URL(input.url).pathname} within ${options.timeoutMs} ms (AIRFLOW_TIMEOUT_MS). Check that Airflow is running and reachable.`
          : `Airflow at AIRFLOW_URL=${options.baseUrl} is unreachable (${input.method} ${new URL(input.url).pathname}: ${error instanceof Error ? (error.cause instanceof Error ? error.cause.message : error.message) : String(error)}). Start it (npm run airflow:up) or fix AIRFLOW_URL.`,
        cause: error,
      });
    }
  }

  /** Retries what may succeed later; returns the last response or throws the last connection error. */
  async function withRetries(input: Request): Promise<Response> {
    try {
      return await retryWithBackoff(
        async () => {
          const response = await attempt(input);
          if (response.status === 429 || response.status >= 500) throw new RetryableResponse(response);
          return response;
        },
        {
          attempts,
          // full jitter over twice the base keeps the average wait at backoffMs * 2^(n-1)
          initialDelayMs: 2 * backoffMs,
          maxDelayMs: 30_000,
          // connection errors and timeouts (AirflowApiError with status 0), 429 and 5xx
          isRetryable: () => true,
          onRetry: (retry) => {
            if (retry.error instanceof RetryableResponse) {
              options.logger?.warn(
                { status: retry.error.response.status, url: input.url, attempt: retry.attempt },
                'airflow call failed; retrying',
              );
            } else {
              options.logger?.warn({ url: input.url, attempt: retry.attempt }, 'airflow unreachable; retrying');
            }
          },
        },
      );
    } catch (error) {
      if (error instanceof RetryableResponse) return error.response;
      throw error;
    }
  }

  async function fetchToken(): Promise<Token> {
    if (options.username === undefined || options.password === undefined) {
      throw new AirflowApiError({
        status: 401,
        code: 'UNAUTHORIZED',
        message: 'Airflow needs a login: set AIRFLOW_USERNAME and AIRFLOW_PASSWORD (a User-role account is enough).',
      });
    }
    const response = await withRetries(
      new Request(`${options.baseUrl}/auth/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username: options.username, password: options.password }),
      }),
    );
    if (response.status !== 201 && response.status !== 200) {
      throw new AirflowApiError({
        status: response.status,
        code: 'UNAUTHORIZED',
        message: `Airflow refused the login of AIRFLOW_USERNAME=${options.username} (HTTP ${response.status}). Check AIRFLOW_USERNAME and AIRFLOW_PASSWORD.`,
      });
    }
    const body = (await response.json()) as { access_token?: string };
    if (!body.access_token)
      throw new AirflowApiError({
        status: response.status,
        message: 'Airflow answered the login without an access_token.',
      });
    const exp = decodeJwtExpiry(body.access_token) ?? Date.now() + 3600_000;
    // Renew a minute before expiry, or at three quarters of a short lifetime; `renewBeforeMs: 0` waits for the 401.
    const lifetime = exp - Date.now();
    const before = options.renewBeforeMs ?? Math.min(60_000, lifetime / 4);
    return { value: body.access_token, renewAt: exp - before };
  }

  async function currentToken(force = false): Promise<string> {
    if (force) token = undefined;
    if (!token || Date.now() >= token.renewAt) {
      login ??= fetchToken().finally(() => {
        login = undefined;
      });
      token = await login;
    }
    return token.value;
  }

  async function authorized(input: Request, force = false): Promise<Request> {
    const headers = new Headers(input.headers);
    if (options.auth() === 'basic') {
      if (options.username !== undefined && options.password !== undefined) {
        headers.set(
          'authorization',
          `Basic ${Buffer.from(`${options.username}:${options.password}`).toString('base64')}`,
        );
      }
    } else {
      headers.set('authorization', `Bearer ${await currentToken(force)}`);
    }
    return new Request(input, { headers });
  }

  async function send(input: Request): Promise<Response> {
    const response = await withRetries(await authorized(input));
    if (options.auth() === 'jwt' && (response.status === 401 || response.status === 403)) {
      const text = await response.clone().text();
      if (response.status === 401 || text.includes('Invalid JWT token')) {
        options.logger?.info({ status: response.status }, 'airflow token rejected; logging in again');
        return withRetries(await authorized(input, true));
      }
    }
    return response;
  }

  return {
    /**
     * For openapi-fetch: `createClient({ fetch: airflowFetch.fetch })`. Identical GETs in flight at the same time
     * (many sessions asking for the same DAG list or run) share one request to Airflow; each caller gets its own
     * copy of the answer. A write (POST, PATCH, DELETE) ends the sharing of GETs already in flight, when it starts
     * and when it ends, so a read after a write always sees it.
     */
    async fetch(input: Request): Promise<Response> {
      if (input.method !== 'GET') {
        inflightGets.clear();
        try {
          return await send(input);
        } finally {
          inflightGets.clear();
        }
      }
      const key = input.url;
      let shared = inflightGets.get(key);
      if (!shared) {
        shared = send(input).finally(() => {
          if (inflightGets.get(key) === shared) inflightGets.delete(key);
        });
        inflightGets.set(key, shared);
      }
      return (await shared).clone();
    },
    /** Unauthenticated GET for /api/v2/version and /api/v2/monitor/health. */
    async fetchPublic(path: string): Promise<Response> {
      return withRetries(new Request(`${options.baseUrl}${path}`));
    },
    forgetToken() {
      token = undefined;
    },
  };
}
