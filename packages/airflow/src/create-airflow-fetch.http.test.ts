import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from '@airflow-mcp/core';
import { afterEach, describe, expect, it } from 'vitest';
import { AirflowApiError } from './airflow-api-error.js';
import { createAirflowFetch, type AirflowFetchOptions } from './create-airflow-fetch.js';

/** One request as the server saw it. */
interface Seen {
  method: string;
  path: string;
  authorization: string | undefined;
  body: string;
}

type Handler = (request: Seen, response: ServerResponse, count: number) => void;

const servers: Server[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => new Promise((r) => s.close(r))));
});

/** A real HTTP server on loopback answering with `handler`; `seen` lists every request it got, in order. */
async function serve(handler: Handler) {
  const seen: Seen[] = [];
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const request = {
        method: req.method ?? '',
        path: req.url ?? '',
        authorization: req.headers.authorization,
        body: Buffer.concat(chunks).toString('utf8'),
      };
      seen.push(request);
      handler(request, res, seen.length);
    });
  });
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, seen };
}

const json = (res: ServerResponse, status: number, body: unknown) => {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
};

/** An unsigned JWT whose `exp` is `seconds` from now (the client only reads the expiry). */
const jwt = (name: string, seconds = 3600) =>
  [
    Buffer.from('{"alg":"none"}').toString('base64url'),
    Buffer.from(JSON.stringify({ sub: name, exp: Math.floor(Date.now() / 1000) + seconds })).toString('base64url'),
    'sig',
  ].join('.');

function recordingLogger() {
  const warnings: { obj: Record<string, unknown>; msg: string | undefined }[] = [];
  const logger: Logger = {
    debug() {},
    info() {},
    warn(obj, msg) {
      warnings.push({ obj: obj as Record<string, unknown>, msg });
    },
    error() {},
    child: () => logger,
  };
  return { logger, warnings };
}

function airflowFetch(baseUrl: string, options: Partial<AirflowFetchOptions> & { auth?: 'jwt' | 'basic' } = {}) {
  const { logger, warnings } = recordingLogger();
  const http = createAirflowFetch({
    baseUrl,
    username: 'svc',
    password: 's3cret-pw',
    timeoutMs: 2_000,
    attempts: 4,
    backoffMs: 1,
    logger,
    ...options,
    auth: () => options.auth ?? 'basic',
  });
  return { http, warnings };
}

describe('createAirflowFetch against a real HTTP server', () => {
  it('retries 503 until Airflow answers, logging each retry with its status', async () => {
    const { baseUrl, seen } = await serve((_, res, n) =>
      n <= 2 ? json(res, 503, { detail: 'busy' }) : json(res, 200, { dags: [] }),
    );
    const { http, warnings } = airflowFetch(baseUrl);
    const response = await http.fetch(new Request(`${baseUrl}/api/v2/dags`));
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ dags: [] });
    expect(seen.map((s) => s.path)).toEqual(['/api/v2/dags', '/api/v2/dags', '/api/v2/dags']);
    expect(warnings).toEqual([
      { obj: { status: 503, url: `${baseUrl}/api/v2/dags`, attempt: 1 }, msg: 'airflow call failed; retrying' },
      { obj: { status: 503, url: `${baseUrl}/api/v2/dags`, attempt: 2 }, msg: 'airflow call failed; retrying' },
    ]);
  });

  it('returns the last 429 once the attempts are spent, so the caller can map it to RATE_LIMITED', async () => {
    const { baseUrl, seen } = await serve((_, res) => json(res, 429, { detail: 'slow down' }));
    const { http, warnings } = airflowFetch(baseUrl, { attempts: 3 });
    const response = await http.fetch(new Request(`${baseUrl}/api/v2/dags`));
    expect(response.status).toBe(429);
    expect(await response.json()).toEqual({ detail: 'slow down' });
    expect(seen).toHaveLength(3);
    expect(warnings).toHaveLength(2);
  });

  it('does not retry an answer that will not change (404, 400)', async () => {
    const { baseUrl, seen } = await serve((req, res) =>
      req.path.endsWith('missing') ? json(res, 404, { detail: 'nope' }) : json(res, 400, { detail: 'bad' }),
    );
    const { http, warnings } = airflowFetch(baseUrl);
    expect((await http.fetch(new Request(`${baseUrl}/api/v2/dags/missing`))).status).toBe(404);
    expect((await http.fetch(new Request(`${baseUrl}/api/v2/dags/x`, { method: 'PATCH', body: '{}' }))).status).toBe(
      400,
    );
    expect(seen).toHaveLength(2);
    expect(warnings).toEqual([]);
  });

  it('sends the whole body again on each retry of a write', async () => {
    const { baseUrl, seen } = await serve((_, res, n) =>
      n === 1 ? json(res, 502, { detail: 'gateway' }) : json(res, 200, { dag_run_id: 'r1' }),
    );
    const { http } = airflowFetch(baseUrl);
    const body = JSON.stringify({ dag_run_id: 'r1', logical_date: null, conf: { note: 'x'.repeat(10_000) } });
    const response = await http.fetch(
      new Request(`${baseUrl}/api/v2/dags/d/dagRuns`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body,
      }),
    );
    expect(response.status).toBe(200);
    expect(seen.map((s) => s.body)).toEqual([body, body]);
  });

  it('gives up on a stalled Airflow after the timeout with an actionable error', async () => {
    const { baseUrl, seen } = await serve(() => {
      // never answers
    });
    const { http } = airflowFetch(baseUrl, { timeoutMs: 150, attempts: 2 });
    const error = await http.fetch(new Request(`${baseUrl}/api/v2/dags`)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AirflowApiError);
    expect(error).toMatchObject({ status: 0, code: 'UNAVAILABLE', isRetryable: true });
    expect((error as Error).message).toContain('did not answer GET /api/v2/dags within 150 ms (AIRFLOW_TIMEOUT_MS)');
    expect(seen).toHaveLength(2);
  });

  it('logs in once for many calls, and again when Airflow rejects the token, then replays the call', async () => {
    let issued = 0;
    let valid = '';
    const { baseUrl, seen } = await serve((req, res) => {
      if (req.path === '/auth/token') {
        expect(JSON.parse(req.body)).toEqual({ username: 'svc', password: 's3cret-pw' });
        valid = jwt(`t${++issued}`);
        json(res, 201, { access_token: valid });
      } else if (req.authorization === `Bearer ${valid}`) {
        json(res, 200, { ok: true, token: issued });
      } else {
        json(res, 403, { detail: 'Invalid JWT token' });
      }
    });
    const { http } = airflowFetch(baseUrl, { auth: 'jwt' });
    const answers = await Promise.all(
      ['/a', '/b', '/c'].map((p) => http.fetch(new Request(`${baseUrl}/api/v2${p}`)).then((r) => r.json())),
    );
    expect(answers).toEqual([1, 1, 1].map((token) => ({ ok: true, token })));
    expect(seen.filter((s) => s.path === '/auth/token')).toHaveLength(1);

    valid = 'rotated-on-the-server';
    const after = await http.fetch(new Request(`${baseUrl}/api/v2/d`));
    expect(await after.json()).toEqual({ ok: true, token: 2 });
    expect(seen.slice(-3).map((s) => `${s.path} ${s.authorization === undefined ? '' : 'auth'}`)).toEqual([
      '/api/v2/d auth',
      '/auth/token ',
      '/api/v2/d auth',
    ]);
  });

  it('logs in again before a short-lived token expires', async () => {
    let issued = 0;
    const { baseUrl, seen } = await serve((req, res) => {
      if (req.path === '/auth/token') json(res, 201, { access_token: jwt(`t${++issued}`, 2) });
      else json(res, 200, { ok: true });
    });
    // a 2 s token is renewed after three quarters of its life
    const { http } = airflowFetch(baseUrl, { auth: 'jwt' });
    await http.fetch(new Request(`${baseUrl}/api/v2/one`));
    await new Promise((r) => setTimeout(r, 1_700));
    await http.fetch(new Request(`${baseUrl}/api/v2/two`));
    expect(seen.map((s) => s.path)).toEqual(['/auth/token', '/api/v2/one', '/auth/token', '/api/v2/two']);
  });

  it('answers a refused login with UNAUTHORIZED naming the account, and never the password', async () => {
    const { baseUrl } = await serve((_, res) => json(res, 401, { detail: 'Invalid credentials' }));
    const { http } = airflowFetch(baseUrl, { auth: 'jwt' });
    const error = await http.fetch(new Request(`${baseUrl}/api/v2/dags`)).catch((e: unknown) => e);
    expect(error).toMatchObject({ status: 401, code: 'UNAUTHORIZED' });
    expect((error as Error).message).toContain('AIRFLOW_USERNAME=svc');
    expect((error as Error).message).not.toContain('s3cret-pw');
  });

  it('sends Basic credentials on Airflow 2 and no login request', async () => {
    const { baseUrl, seen } = await serve((_, res) => json(res, 200, {}));
    const { http } = airflowFetch(baseUrl, { auth: 'basic' });
    await http.fetch(new Request(`${baseUrl}/api/v1/dags`));
    expect(seen).toEqual([
      {
        method: 'GET',
        path: '/api/v1/dags',
        authorization: `Basic ${Buffer.from('svc:s3cret-pw').toString('base64')}`,
        body: '',
      },
    ]);
  });
});
