import { request } from 'node:http';
import { afterAll, describe, expect, it } from 'vitest';
import { sha256Hex } from '../../apps/server/src/config.js';
import { startTestApp, type TestApp } from '../support/start-test-app.js';
import { testCatalog } from '../mcp/fixtures/test-tools.js';

const KEY = 'doors-key-0123456789abcdef';
const OTHER = 'doors-other-0123456789abcdef';
const METRICS_TOKEN = 'scrape-token-0123456789abcdef';

const initializeBody = (id = 1) => ({
  jsonrpc: '2.0',
  id,
  method: 'initialize',
  params: { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 'outsider', version: '1' } },
});

/** A POST to /mcp as an outsider would send it, over plain HTTP. */
async function post(app: TestApp, body: unknown, headers: Record<string, string> = {}) {
  const response = await fetch(app.mcpUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream', ...headers },
    body: JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, text, session: response.headers.get('mcp-session-id') };
}

/** The smaller doors of the HTTP surface: /metrics, batches against the rate limit, sessions per key. */
describe('smaller doors (real app over HTTP)', () => {
  const apps: TestApp[] = [];
  const start = async (env: Record<string, string>) => {
    const app = await startTestApp({ catalog: testCatalog, env });
    apps.push(app);
    return app;
  };
  afterAll(async () => {
    for (const app of apps) await app.close();
  });

  it('keeps /metrics behind METRICS_TOKEN and the Host check, and closed on a keyed service without a token', async () => {
    const app = await start({ MCP_API_KEYS: `${KEY}:admin`, METRICS_TOKEN });
    const scrape = (headers: Record<string, string> = {}) => fetch(`${app.url}/metrics`, { headers });
    expect((await scrape()).status).toBe(401);
    expect((await scrape({ authorization: `Bearer ${KEY}` })).status).toBe(401);
    expect((await scrape({ authorization: `Bearer ${METRICS_TOKEN}x` })).status).toBe(401);
    // A DNS-rebinding page reaches the service under its own name (fetch cannot set Host: node:http can).
    const rebound = await new Promise<{ status: number; text: string }>((resolve, reject) => {
      const req = request(
        `${app.url}/metrics`,
        { headers: { host: 'attacker.example', authorization: `Bearer ${METRICS_TOKEN}` } },
        (res) => {
          let text = '';
          res.on('data', (chunk: Buffer) => (text += chunk.toString()));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
        },
      );
      req.on('error', reject);
      req.end();
    });
    expect(rebound.status).toBe(403);
    expect(rebound.text).toMatch(/Invalid Host: attacker.example/);
    const ok = await scrape({ authorization: `Bearer ${METRICS_TOKEN}` });
    expect(ok.status).toBe(200);
    expect(await ok.text()).toContain('airflow_mcp_http_requests_total');

    const closed = await start({ MCP_API_KEYS: `${KEY}:admin` });
    const refused = await fetch(`${closed.url}/metrics`, { headers: { authorization: `Bearer ${KEY}` } });
    expect(refused.status).toBe(401);
    expect(await refused.text()).toMatch(/set METRICS_TOKEN/);

    // A loopback service without any authentication keeps /metrics open (nothing to put it behind).
    expect((await fetch(`${(await start({})).url}/metrics`)).status).toBe(200);
  });

  it('labels runs without DAG ids (which name tenants) unless METRICS_DAG_LABELS=true', async () => {
    for (const [labels, expected] of [
      ['false', 'airflow_mcp_dag_runs_total{dag_id="",state="success"} 1'],
      ['true', 'airflow_mcp_dag_runs_total{dag_id="acme__payroll",state="success"} 1'],
    ] as const) {
      const app = await start({ METRICS_DAG_LABELS: labels });
      const { metrics } = app.app;
      // What create-services does when a followed run ends.
      metrics.dagRuns.inc({ dag_id: metrics.dagLabel('acme__payroll'), state: 'success' });
      metrics.rowsMoved.inc({ dag_id: metrics.dagLabel('acme__payroll'), task_id: 'load' }, 5);
      const text = await (await fetch(`${app.url}/metrics`)).text();
      expect(text).toContain(expected);
      expect(text.includes('acme__payroll')).toBe(labels === 'true');
    }
  });

  it('counts a JSON-RPC batch as its length against the per-key rate limit', async () => {
    const app = await start({ MCP_API_KEYS: `${KEY},${OTHER}`, MCP_RATE_LIMIT_PER_MIN: '10' });
    const auth = (key: string) => ({ authorization: `Bearer ${key}` });
    const pings = (n: number) => Array.from({ length: n }, (_, i) => ({ jsonrpc: '2.0', id: i, method: 'ping' }));

    const tooBig = await post(app, pings(11), auth(KEY));
    expect(tooBig.status).toBe(429);
    expect(tooBig.text).toMatch(/batch of 11 requests is larger than the limit of 10 a minute/);

    // 9 in one batch, then one more: the 11th request of the minute is refused (before, 10 batches of 9 passed).
    expect((await post(app, pings(9), auth(OTHER))).status).not.toBe(429);
    expect((await post(app, pings(1), auth(OTHER))).status).not.toBe(429);
    const over = await post(app, pings(2), auth(OTHER));
    expect(over.status).toBe(429);
    expect(over.text).toMatch(/Too many requests/);
    expect((await post(app, pings(1), auth(OTHER))).status).toBe(429);
  });

  it('bounds the open sessions per key (MCP_MAX_SESSIONS_PER_KEY), also under concurrent initializes', async () => {
    const app = await start({ MCP_API_KEYS: `${KEY},${OTHER}`, MCP_MAX_SESSIONS_PER_KEY: '2' });
    const auth = { authorization: `Bearer ${KEY}` };
    const opened = await Promise.all(Array.from({ length: 12 }, (_, i) => post(app, initializeBody(i), auth)));
    expect(opened.filter((r) => r.status === 200)).toHaveLength(2);
    expect(opened.filter((r) => r.status === 429)).toHaveLength(10);
    expect(opened.find((r) => r.status === 429)?.text).toMatch(/Too many open sessions.*MCP_MAX_SESSIONS_PER_KEY/);
    expect(app.app.sessions.countFor(sha256Hex(KEY).slice(0, 12))).toBe(2);

    // Another key is not affected; ending a session frees its place.
    expect((await post(app, initializeBody(), { authorization: `Bearer ${OTHER}` })).status).toBe(200);
    const session = opened.find((r) => r.status === 200)?.session ?? '';
    const ended = await fetch(app.mcpUrl, { method: 'DELETE', headers: { ...auth, 'mcp-session-id': session } });
    expect(ended.status).toBe(200);
    expect((await post(app, initializeBody(), auth)).status).toBe(200);
    expect((await post(app, initializeBody(), auth)).status).toBe(429);
  });
});
