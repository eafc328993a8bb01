import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../support/start-test-app.js';
import { releaseSlowTools, slowToolsWaiting, testCatalog } from './fixtures/test-tools.js';

type JsonRpcError = { error: { code: number; message: string } };
const ACCEPT = 'application/json, text/event-stream';
const initialize = {
  jsonrpc: '2.0',
  id: 1,
  method: 'initialize',
  params: { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 'raw', version: '1' } },
};
const post = (t: TestApp, body: string, headers: Record<string, string> = {}) =>
  fetch(t.mcpUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: ACCEPT, ...headers },
    body,
  });

describe('MCP over Streamable HTTP (stateful)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ catalog: testCatalog });
  });
  afterAll(async () => t.close());

  it('initializes and lists tools with schemas and annotations', async () => {
    const client = await t.connect();
    expect(client.getServerVersion()?.name).toBe('airflow-mcp-rag');
    const { tools } = await client.listTools();
    const echo = tools.find((tool) => tool.name === 'echo');
    expect(echo?.description).toMatch(/Echoes/);
    expect(echo?.inputSchema.properties).toHaveProperty('text');
    expect(echo?.outputSchema?.properties).toHaveProperty('principal');
    expect(echo?.annotations).toMatchObject({ readOnlyHint: true, openWorldHint: false });
    expect(tools.find((tool) => tool.name === 'write_thing')?.annotations).toMatchObject({
      readOnlyHint: false,
      idempotentHint: true,
    });
  });

  it('calls a tool, returns structured content and sends progress notifications', async () => {
    const client = await t.connect();
    const progress: string[] = [];
    const result = await client.callTool({ name: 'echo', arguments: { text: 'hi', steps: 3 } }, undefined, {
      onprogress: (p) => progress.push(`${p.progress}/${p.total}:${p.message}`),
    });
    expect(result.isError, JSON.stringify(result.content)).toBeFalsy();
    expect(result.structuredContent).toEqual({ text: 'hi', principal: 'anonymous', tenant: 'default' });
    expect(progress).toEqual(['1/3:step 1', '2/3:step 2', '3/3:step 3']);
  });

  it('masks credential-shaped text inside structured content without breaking it (quotes, escapes)', async () => {
    const client = await t.connect();
    const text = 'conn: password="x\\"y" and token=abc\\"def, {"api_key": "k-123"}';
    const result = await client.callTool({ name: 'echo', arguments: { text } });
    expect(result.isError, JSON.stringify(result.content)).toBeFalsy();
    const echoed = (result.structuredContent as { text: string }).text;
    expect(echoed).toMatch(/^conn: password="\*\*\*/);
    expect(echoed).not.toMatch(/abc|k-123/);
  });

  it('turns an AppError into an actionable error result with its code, secrets masked', async () => {
    const client = await t.connect();
    const result = await client.callTool({ name: 'fail', arguments: { kind: 'app' } });
    expect(result.isError).toBe(true);
    const text = (result.content as { text: string }[])[0]?.text ?? '';
    expect(text).toMatch(/^NOT_FOUND: No DAG named x/);
    expect(text).not.toContain('hunter2-secret');
    expect(result._meta).toMatchObject({ code: 'NOT_FOUND', retryable: false, details: { nearby: ['x_daily'] } });
  });

  it('reports an unexpected failure as INTERNAL without a stack trace', async () => {
    const client = await t.connect();
    const result = await client.callTool({ name: 'fail', arguments: { kind: 'unexpected' } });
    expect(result.isError).toBe(true);
    const text = (result.content as { text: string }[])[0]?.text ?? '';
    expect(text).toMatch(/^INTERNAL: /);
    expect(text).not.toMatch(/\n\s+at /);
  });

  it('rejects invalid tool input with a readable message', async () => {
    const client = await t.connect();
    const result = await client.callTool({ name: 'echo', arguments: { text: 42 } });
    expect(result.isError).toBe(true);
    expect(JSON.stringify(result.content)).toMatch(/text/);
  });

  it('keeps two concurrent sessions apart', async () => {
    const [a, b] = await Promise.all([t.connect(), t.connect()]);
    const ta = a.transport as unknown as { sessionId?: string };
    const tb = b.transport as unknown as { sessionId?: string };
    expect(ta.sessionId).toBeTruthy();
    expect(ta.sessionId).not.toBe(tb.sessionId);
    const [ra, rb] = await Promise.all([
      a.callTool({ name: 'echo', arguments: { text: 'from a' } }),
      b.callTool({ name: 'echo', arguments: { text: 'from b' } }),
    ]);
    expect((ra.structuredContent as { text: string }).text).toBe('from a');
    expect((rb.structuredContent as { text: string }).text).toBe('from b');
    await (a.transport as unknown as { terminateSession(): Promise<void> }).terminateSession();
    expect((await b.callTool({ name: 'echo', arguments: { text: 'still here' } })).isError).toBeFalsy();
  });

  it('ends a session on DELETE; the id then answers 404, as does an unknown id', async () => {
    const client = await t.connect();
    const transport = client.transport as unknown as { sessionId: string; terminateSession(): Promise<void> };
    const id = transport.sessionId;
    await transport.terminateSession();
    const ping = JSON.stringify({ jsonrpc: '2.0', id: 2, method: 'ping' });
    const gone = await post(t, ping, { 'mcp-session-id': id, 'mcp-protocol-version': '2025-11-25' });
    expect(gone.status).toBe(404);
    expect(((await gone.json()) as JsonRpcError).error.code).toBe(-32001);
    const unknown = await post(t, ping, { 'mcp-session-id': 'no-such-session' });
    expect(unknown.status).toBe(404);
  });

  it('closes idle sessions in the sweeper', async () => {
    const client = await t.connect();
    const id = (client.transport as unknown as { sessionId: string }).sessionId;
    expect(t.app.sessions.get(id)).toBeDefined();
    const closed = await t.app.sessions.sweep(Date.now() + 10 * 24 * 3600 * 1000);
    expect(closed).toBeGreaterThanOrEqual(1);
    expect(t.app.sessions.get(id)).toBeUndefined();
    const res = await post(t, JSON.stringify({ jsonrpc: '2.0', id: 3, method: 'ping' }), { 'mcp-session-id': id });
    expect(res.status).toBe(404);
  });

  it('counts tool calls and sessions in /metrics', async () => {
    const client = await t.connect();
    await client.callTool({ name: 'echo', arguments: { text: 'count me' } });
    const metrics = await (await fetch(`${t.url}/metrics`)).text();
    expect(metrics).toMatch(/airflow_mcp_tool_calls_total\{tool="echo",outcome="ok"\} \d+/);
    expect(metrics).toMatch(/airflow_mcp_tool_errors_total\{tool="fail",code="NOT_FOUND"\} \d+/);
    expect(metrics).toMatch(/airflow_mcp_tool_duration_seconds_bucket\{le="0.005",tool="echo"\}/);
    expect(metrics).toMatch(/airflow_mcp_sessions_open \d+/);
    expect(metrics).toMatch(/airflow_mcp_process_cpu_user_seconds_total/);
  });

  describe('bad input gets the right HTTP or JSON-RPC error, never a crash or a hang', () => {
    it('malformed JSON -> 400 / -32700', async () => {
      const res = await post(t, '{"jsonrpc": "2.0", "id": 1, "method": ');
      expect(res.status).toBe(400);
      expect(((await res.json()) as JsonRpcError).error.code).toBe(-32700);
    });
    it('a JSON body that is not JSON-RPC, without a session -> 400', async () => {
      const res = await post(t, JSON.stringify({ hello: 'world' }));
      expect(res.status).toBe(400);
      expect(((await res.json()) as { jsonrpc: string }).jsonrpc).toBe('2.0');
    });
    it('oversized body -> 413 naming the limit', async () => {
      const res = await post(t, JSON.stringify({ ...initialize, pad: 'x'.repeat(1100 * 1024) }));
      expect(res.status).toBe(413);
      expect(((await res.json()) as JsonRpcError).error.message).toMatch(/MCP_BODY_LIMIT_BYTES/);
    });
    it('wrong content type -> 415', async () => {
      const res = await fetch(t.mcpUrl, {
        method: 'POST',
        headers: { 'content-type': 'text/plain', accept: ACCEPT },
        body: 'hi',
      });
      expect(res.status).toBe(415);
    });
    it('missing text/event-stream in Accept -> 406', async () => {
      const res = await post(t, JSON.stringify(initialize), { accept: 'application/json' });
      expect(res.status).toBe(406);
    });
    it('a foreign Origin or Host -> 403 (DNS-rebinding protection)', async () => {
      const origin = await post(t, JSON.stringify(initialize), { origin: 'http://evil.example.com' });
      expect(origin.status).toBe(403);
      const { request } = await import('node:http');
      const status = await new Promise<number>((resolve, reject) => {
        const req = request(
          t.mcpUrl,
          { method: 'POST', headers: { host: 'evil.example.com', 'content-type': 'application/json', accept: ACCEPT } },
          (res) => {
            res.resume();
            resolve(res.statusCode ?? 0);
          },
        );
        req.on('error', reject);
        req.end(JSON.stringify(initialize));
      });
      expect(status).toBe(403);
    });
    it('GET without a session -> 400', async () => {
      const res = await fetch(t.mcpUrl, { headers: { accept: 'text/event-stream' } });
      expect(res.status).toBe(400);
    });
  });
});

describe('MCP authentication and scopes', () => {
  const admin = 'admin-key-0123456789abcdef';
  const reader = 'read-key-0123456789abcdef';
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ catalog: testCatalog, env: { MCP_API_KEYS: `${admin},${reader}:read:acme` } });
  });
  afterAll(async () => t.close());

  it('refuses a request without a key with 401 and WWW-Authenticate', async () => {
    const res = await post(t, JSON.stringify(initialize));
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toMatch(/^Bearer /);
  });
  it('refuses a wrong key', async () => {
    const res = await post(t, JSON.stringify(initialize), { authorization: 'Bearer not-a-valid-key-at-all' });
    expect(res.status).toBe(401);
  });
  it('lets a valid key in and passes its tenant to tools', async () => {
    const client = await t.connect({ headers: { authorization: `Bearer ${reader}` } });
    const result = await client.callTool({ name: 'echo', arguments: { text: 'x' } });
    expect(result.structuredContent).toMatchObject({ tenant: 'acme' });
    expect((result.structuredContent as { principal: string }).principal).not.toContain(reader);
  });
  it('refuses a tool that needs a scope the key lacks', async () => {
    const client = await t.connect({ headers: { authorization: `Bearer ${reader}` } });
    const result = await client.callTool({ name: 'write_thing', arguments: {} });
    expect(result.isError).toBe(true);
    expect((result.content as { text: string }[])[0]?.text).toMatch(/^FORBIDDEN: .*"write" scope/);
    const ok = await (
      await t.connect({ headers: { authorization: `Bearer ${admin}` } })
    ).callTool({ name: 'write_thing', arguments: {} });
    expect(ok.structuredContent).toEqual({ written: true });
  });
  it('does not let another key use a session (404)', async () => {
    const client = await t.connect({ headers: { authorization: `Bearer ${admin}` } });
    const id = (client.transport as unknown as { sessionId: string }).sessionId;
    const res = await post(t, JSON.stringify({ jsonrpc: '2.0', id: 9, method: 'ping' }), {
      authorization: `Bearer ${reader}`,
      'mcp-session-id': id,
    });
    expect(res.status).toBe(404);
  });
});

describe('READ_ONLY and stateless modes', () => {
  it('refuses write tools under READ_ONLY with a clear message', async () => {
    const t = await startTestApp({ catalog: testCatalog, env: { READ_ONLY: 'true' } });
    try {
      const result = await (await t.connect()).callTool({ name: 'write_thing', arguments: {} });
      expect(result.isError).toBe(true);
      expect(JSON.stringify(result.content)).toMatch(/READ_ONLY=true/);
    } finally {
      await t.close();
    }
  });

  it('serves each request with a fresh server when stateless; GET is 405', async () => {
    const t = await startTestApp({ catalog: testCatalog, env: { MCP_STATELESS: 'true' } });
    try {
      const client = await t.connect();
      expect((await client.listTools()).tools.map((tool) => tool.name)).toContain('echo');
      expect(
        (await client.callTool({ name: 'echo', arguments: { text: 'stateless' } })).structuredContent,
      ).toMatchObject({ text: 'stateless' });
      const res = await fetch(t.mcpUrl, { headers: { accept: 'text/event-stream' } });
      expect(res.status).toBe(405);
      expect(t.app.sessions.size).toBe(0);
    } finally {
      await t.close();
    }
  });
});

describe('HTTP request time limit', () => {
  it('answers 408 and disconnects a client that stalls while sending, but lets a long tool call run past it', async () => {
    const t = await startTestApp({ catalog: testCatalog, env: { HTTP_REQUEST_TIMEOUT_MS: '500' } });
    try {
      const { connect } = await import('node:net');
      const { hostname, port } = new URL(t.url);
      const body = JSON.stringify(initialize);
      const started = Date.now();
      // Headers and half of the body, then silence (slowloris).
      const { reply, closedAfterMs } = await new Promise<{ reply: string; closedAfterMs: number }>(
        (resolve, reject) => {
          const socket = connect(Number(port), hostname, () => {
            socket.write(
              `POST /mcp HTTP/1.1\r\nHost: ${hostname}:${port}\r\ncontent-type: application/json\r\n` +
                `accept: ${ACCEPT}\r\ncontent-length: ${body.length}\r\n\r\n${body.slice(0, 20)}`,
            );
          });
          let reply = '';
          socket.on('data', (d) => (reply += d.toString()));
          socket.on('close', () => resolve({ reply, closedAfterMs: Date.now() - started }));
          socket.on('error', reject);
          setTimeout(() => reject(new Error('the stalled request was never cut off')), 10_000);
        },
      );
      expect(reply).toMatch(/^HTTP\/1\.1 408/);
      expect(closedAfterMs).toBeGreaterThanOrEqual(450);
      expect(closedAfterMs).toBeLessThan(5000);

      // The bound is on receiving the request, not on the answer: a tool call longer than it completes.
      const client = await t.connect();
      const call = client.callTool({ name: 'slow', arguments: {} });
      while (slowToolsWaiting() === 0) await new Promise((r) => setTimeout(r, 10));
      await new Promise((r) => setTimeout(r, 1500));
      releaseSlowTools();
      expect((await call).structuredContent).toEqual({ done: true });
    } finally {
      await t.close();
    }
  });
});

describe('graceful shutdown', () => {
  it('lets an in-flight tool call finish, refuses new requests, then closes sessions', async () => {
    const t = await startTestApp({ catalog: testCatalog });
    const client = await t.connect();
    const call = client.callTool({ name: 'slow', arguments: {} });
    while (slowToolsWaiting() === 0) await new Promise((r) => setTimeout(r, 10));
    let shutDown = false;
    const shutdown = t.app.shutdown(10_000).then(() => {
      shutDown = true;
    });
    await new Promise((r) => setTimeout(r, 100));
    expect(shutDown).toBe(false);
    expect((await fetch(`${t.url}/readyz`)).status).toBe(503);
    releaseSlowTools();
    expect((await call).structuredContent).toEqual({ done: true });
    await shutdown;
    expect(t.app.sessions.size).toBe(0);
  });
});

describe('MCP rate limiting', () => {
  it('answers 429 with Retry-After once a caller exceeds MCP_RATE_LIMIT_PER_MIN', async () => {
    const t = await startTestApp({ catalog: testCatalog, env: { MCP_RATE_LIMIT_PER_MIN: '3' } });
    try {
      const statuses: number[] = [];
      let retryAfter: string | null = null;
      let message = '';
      for (let i = 0; i < 4; i++) {
        const response = await post(t, JSON.stringify(initialize));
        statuses.push(response.status);
        if (response.status === 429) {
          retryAfter = response.headers.get('retry-after');
          message = ((await response.json()) as { error: { message: string } }).error.message;
        } else await response.body?.cancel();
      }
      expect(statuses).toEqual([200, 200, 200, 429]);
      expect(Number(retryAfter)).toBeGreaterThan(0);
      expect(message).toContain('MCP_RATE_LIMIT_PER_MIN');
    } finally {
      await t.close();
    }
  });
});

describe('bounds on state-changing calls', () => {
  it('refuses a write beyond MCP_MAX_CONCURRENT_WRITES with a retryable error, and accepts it again after', async () => {
    const t = await startTestApp({ catalog: testCatalog, env: { MCP_MAX_CONCURRENT_WRITES: '1' } });
    try {
      const client = await t.connect();
      const first = client.callTool({ name: 'slow_write', arguments: {} });
      while (slowToolsWaiting() === 0) await new Promise((r) => setTimeout(r, 10));
      const second = (await client.callTool({ name: 'slow_write', arguments: {} })) as {
        isError?: boolean;
        content: { text?: string }[];
        _meta?: Record<string, unknown>;
      };
      expect(second.isError).toBe(true);
      expect(second.content[0]?.text).toContain('MCP_MAX_CONCURRENT_WRITES');
      // Reads are not bounded by it.
      expect(
        ((await client.callTool({ name: 'echo', arguments: { text: 'hi' } })) as { isError?: boolean }).isError,
      ).toBeFalsy();
      releaseSlowTools();
      expect(((await first) as { isError?: boolean }).isError).toBeFalsy();
      const third = client.callTool({ name: 'slow_write', arguments: {} });
      while (slowToolsWaiting() === 0) await new Promise((r) => setTimeout(r, 10));
      releaseSlowTools();
      expect(((await third) as { isError?: boolean }).isError).toBeFalsy();
    } finally {
      releaseSlowTools();
      await t.close();
    }
  });

  it('hides write tools from tools/list with READ_ONLY and MCP_HIDE_WRITE_TOOLS', async () => {
    const t = await startTestApp({ catalog: testCatalog, env: { READ_ONLY: 'true', MCP_HIDE_WRITE_TOOLS: 'true' } });
    try {
      const { tools } = await (await t.connect()).listTools();
      expect(tools.map((tool) => tool.name).sort()).toEqual(['echo', 'fail', 'slow']);
    } finally {
      await t.close();
    }
  });
});
