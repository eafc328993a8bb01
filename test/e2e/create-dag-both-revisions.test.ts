import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { Client as ModernClient, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { queryDuckdb } from '../support/query-duckdb.js';
import { seedOrders } from '../support/seed-orders.js';
import { startServiceApp, type ServiceApp } from '../support/start-service-app.js';

interface CreateDagOutput {
  dag_id: string;
  deployed: boolean;
  run?: { state: string; rows: number | null; target: string };
  message: string;
}
type ToolResult = { structuredContent?: unknown; isError?: boolean; content: { type: string; text?: string }[] };

const MODERN = '2026-07-28';

/** A 2026-07-28 request exactly as the spec has it: no session, the envelope in `_meta`, the routing headers. */
async function rawModern(url: URL, method: string, params: Record<string, unknown>, name?: string) {
  const response = await fetch(url, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      accept: 'application/json, text/event-stream',
      'mcp-protocol-version': MODERN,
      'mcp-method': method,
      ...(name ? { 'mcp-name': name } : {}),
    },
    body: JSON.stringify({
      jsonrpc: '2.0',
      id: 7,
      method,
      params: {
        ...params,
        _meta: {
          'io.modelcontextprotocol/protocolVersion': MODERN,
          'io.modelcontextprotocol/clientInfo': { name: 'raw-http', version: '1.0.0' },
          'io.modelcontextprotocol/clientCapabilities': {},
        },
      },
    }),
  });
  const text = await response.text();
  const body = JSON.parse(text.startsWith('{') ? text : (/^data: (.*)$/m.exec(text)?.[1] ?? 'null')) as {
    result?: Record<string, unknown>;
    error?: { code: number; message: string; data?: unknown };
  };
  return { response, body };
}

describe('create_dag through both MCP revisions on one endpoint, against the test Airflow', () => {
  const airflow = inject('airflow');
  const suffix = Date.now().toString(36);
  const warehouse = join(airflow.dataDir, `warehouse-revisions-${suffix}`);
  const source = join(warehouse, 'shop.db');
  const modernTable = `orders_modern_${suffix}`;
  const legacyTable = `orders_legacy_${suffix}`;
  let app: ServiceApp;
  let modern: ModernClient;

  beforeAll(async () => {
    mkdirSync(warehouse, { recursive: true });
    seedOrders(source, modernTable, 750);
    seedOrders(source, legacyTable, 420);
    app = await startServiceApp(airflow, { ALLOWED_DATA_DIRS: warehouse, KNOWLEDGE_DIR: 'none' });
    modern = new ModernClient(
      { name: 'revision-2026-client', version: '1.0.0' },
      { capabilities: {}, versionNegotiation: { mode: { pin: MODERN } } },
    );
    await modern.connect(new StreamableHTTPClientTransport(app.mcpUrl));
  });
  afterAll(async () => {
    await modern?.close().catch(() => {});
    await app?.close();
  });

  it('a 2026-07-28 client (SDK v2, pinned) creates, deploys and runs a SQLite -> DuckDB DAG', async () => {
    expect(modern.getNegotiatedProtocolVersion()).toBe(MODERN);
    expect(modern.getServerVersion()?.name).toBe('airflow-mcp-rag');
    const progress: string[] = [];
    const result = (await modern.callTool(
      {
        name: 'create_dag',
        arguments: {
          task_description: `Move the ${modernTable} table from SQLite into DuckDB file modern.duckdb`,
          source_db: source,
          run: true,
          wait: true,
        },
      },
      { timeout: 300_000, onprogress: (p) => progress.push(p.message ?? '') },
    )) as ToolResult;
    expect(result.isError, result.content[0]?.text).toBeFalsy();
    const out = result.structuredContent as CreateDagOutput;
    expect(out.dag_id).toContain(modernTable);
    expect(out.run).toMatchObject({ state: 'success', rows: 750 });
    expect(progress.length).toBeGreaterThan(2);
    expect(
      queryDuckdb(airflow.python, join(warehouse, 'modern.duckdb'), `SELECT COUNT(*), SUM(amount) FROM ${modernTable}`),
    ).toEqual([[750, (750 * 751 * 1.5) / 2]]);
    // No session was ever opened for it.
    expect(app.app.sessions.size).toBe(0);
  });

  it('a 2025-11-25 client (SDK v1, session) does the same through the same endpoint', async () => {
    const legacy = await app.connect();
    expect(app.app.sessions.size).toBe(1);
    const result = (await legacy.callTool(
      {
        name: 'create_dag',
        arguments: {
          task_description: `Move the ${legacyTable} table from SQLite into DuckDB file legacy.duckdb`,
          source_db: source,
          run: true,
          wait: true,
        },
      },
      undefined,
      { timeout: 300_000 },
    )) as ToolResult;
    expect(result.isError, result.content[0]?.text).toBeFalsy();
    const out = result.structuredContent as CreateDagOutput;
    expect(out.dag_id).toContain(legacyTable);
    expect(out.run).toMatchObject({ state: 'success', rows: 420 });
    expect(
      queryDuckdb(airflow.python, join(warehouse, 'legacy.duckdb'), `SELECT COUNT(*) FROM ${legacyTable}`),
    ).toEqual([[420]]);
  });

  it('answers raw 2026-07-28 requests as the spec says: no session, resultType, cache hints, discover', async () => {
    const { response, body } = await rawModern(app.mcpUrl, 'tools/list', {});
    expect(response.status).toBe(200);
    expect(response.headers.get('mcp-session-id')).toBeNull();
    expect(body.result).toMatchObject({ resultType: 'complete', ttlMs: 300_000, cacheScope: 'private' });
    const names = (body.result?.tools as { name: string }[]).map((t) => t.name);
    expect(names).toContain('create_dag');
    const again = await rawModern(app.mcpUrl, 'tools/list', {});
    expect((again.body.result?.tools as { name: string }[]).map((t) => t.name)).toEqual(names);

    const discover = await rawModern(app.mcpUrl, 'server/discover', {});
    expect(discover.body.result?.supportedVersions).toEqual(expect.arrayContaining([MODERN]));

    // A header that disagrees with the body is refused before anything runs.
    const mismatch = await rawModern(app.mcpUrl, 'tools/call', { name: 'list_dags', arguments: {} }, 'search_docs');
    expect(mismatch.response.status).toBe(400);
    expect(mismatch.body.error?.code).toBe(-32020);

    // A missing resource is the protocol's not-found error (-32602 naming the uri), not an internal error.
    const uri = 'knowledge://docs/no-such-document.md';
    const missing = await rawModern(app.mcpUrl, 'resources/read', { uri }, uri);
    expect(missing.body.error).toMatchObject({ code: -32602, data: { uri } });
  });

  it('closes a 2025-11-25 session on DELETE even with a JSON content type and an empty body', async () => {
    const client = await app.connect();
    const sessionId = (client.transport as { sessionId?: string } | undefined)?.sessionId;
    expect(sessionId).toBeTruthy();
    const before = app.app.sessions.size;
    const response = await fetch(app.mcpUrl, {
      method: 'DELETE',
      headers: { 'mcp-session-id': sessionId ?? '', 'content-type': 'application/json' },
    });
    expect(response.status).toBe(200);
    expect(app.app.sessions.size).toBe(before - 1);
    const metrics = await (await fetch(`${app.url}/metrics`)).text();
    expect(metrics).toMatch(/airflow_mcp_sessions_opened_total [2-9]/);
    expect(metrics).toContain('airflow_mcp_sessions_closed_total{reason="deleted"} 1');
    expect(metrics).toMatch(/airflow_mcp_protocol_requests_total\{revision="2026-07-28"\} [1-9]/);
  });
});
