import { createHash } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { createSampleDatabase } from '@airflow-mcp/pipeline';
import { Client as ModernClient, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import type { Client as LegacyClient } from '@modelcontextprotocol/sdk/client/index.js';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { startServiceApp, type ServiceApp } from '../support/start-service-app.js';

const MIME = 'text/html;profile=mcp-app';
const UI = 'io.modelcontextprotocol/ui';
const DAG_PREVIEW = 'ui://airflow-mcp/dag-preview.html';
const RUN_STATUS = 'ui://airflow-mcp/run-status.html';
const STRICT_CSP = { connectDomains: [], resourceDomains: [], frameDomains: [], baseUriDomains: [] };
const LINKS = { create_dag: DAG_PREVIEW, update_dag: DAG_PREVIEW, check_dag_status: RUN_STATUS, run_dag: RUN_STATUS };

const sha256 = (text: string) => createHash('sha256').update(text, 'utf8').digest('base64');

interface Listed {
  tools: { name: string; _meta?: Record<string, unknown> }[];
}
interface ResourceList {
  resources: { uri: string; mimeType?: string; _meta?: Record<string, unknown> }[];
}
interface ReadResult {
  contents: { uri: string; mimeType?: string; text?: string; _meta?: Record<string, unknown> }[];
}

/** What both revisions must show: the links in tools/list, the apps in resources/list, the HTML on read. */
async function expectAppsServed(client: {
  listTools(): Promise<unknown>;
  listResources(): Promise<unknown>;
  readResource(params: { uri: string }): Promise<unknown>;
}) {
  const { tools } = (await client.listTools()) as Listed;
  for (const [name, uri] of Object.entries(LINKS)) {
    expect(tools.find((t) => t.name === name)?._meta, name).toEqual({ ui: { resourceUri: uri } });
  }
  // Tools without an app carry no _meta at all (tools/list stays small).
  expect(
    tools
      .filter((t) => t._meta !== undefined)
      .map((t) => t.name)
      .sort(),
  ).toEqual(Object.keys(LINKS).sort());

  const { resources } = (await client.listResources()) as ResourceList;
  for (const uri of [DAG_PREVIEW, RUN_STATUS]) {
    expect(resources.find((r) => r.uri === uri)).toMatchObject({ mimeType: MIME, _meta: { ui: { csp: STRICT_CSP } } });
    const read = (await client.readResource({ uri })) as ReadResult;
    expect(read.contents).toHaveLength(1);
    const [content] = read.contents;
    expect(content).toMatchObject({ uri, mimeType: MIME, _meta: { ui: { csp: STRICT_CSP, prefersBorder: true } } });
    const html = content?.text ?? '';
    expect(html.startsWith('<!doctype html>')).toBe(true);
    expect(html).toMatch(/<meta http-equiv="Content-Security-Policy" content="default-src 'none'; script-src 'sha256-/);
    // Self-contained: nothing loaded from anywhere, one inline script, one inline style.
    expect(html).not.toMatch(/<script[^>]*\ssrc=|<link\b|<iframe\b/i);
    expect(html.match(/<script>/g)).toHaveLength(1);
    expect(html.match(/<style>/g)).toHaveLength(1);
    // The document's own CSP lets exactly its inline script and style run: their sha256 hashes.
    const script = /<script>([\s\S]*)<\/script>/.exec(html)?.[1] ?? '';
    const style = /<style>([\s\S]*?)<\/style>/.exec(html)?.[1] ?? '';
    expect(script.length).toBeGreaterThan(1000);
    expect(html).toContain(`script-src 'sha256-${sha256(script)}'`);
    expect(html).toContain(`style-src 'sha256-${sha256(style)}'`);
    expect(html).toContain("connect-src 'none'");
  }
}

describe('MCP Apps: ui:// resources linked from create_dag, update_dag, check_dag_status and run_dag', () => {
  const airflow = inject('airflow');
  let app: ServiceApp;

  beforeAll(async () => {
    const warehouse = join(airflow.dataDir, `warehouse-apps-${Date.now().toString(36)}`);
    mkdirSync(warehouse, { recursive: true });
    createSampleDatabase(join(warehouse, 'sample.db'));
    app = await startServiceApp(airflow, { KNOWLEDGE_DIR: 'none', ALLOWED_DATA_DIRS: warehouse });
  });
  afterAll(async () => app?.close());

  it('2025-11-25 (session): declares the extension, lists the links and the apps, reads the HTML', async () => {
    const client: LegacyClient = await app.connect({ capabilities: { extensions: { [UI]: { mimeTypes: [MIME] } } } });
    const capabilities = client.getServerCapabilities() as Record<string, unknown> | undefined;
    expect(capabilities?.extensions).toMatchObject({ [UI]: { mimeTypes: [MIME] } });
    expect(capabilities).toHaveProperty('resources');
    await expectAppsServed(client);
  });

  it('2026-07-28 (stateless): server/discover declares it; the same links, apps and HTML', async () => {
    const modern = new ModernClient(
      { name: 'apps-2026-client', version: '1.0.0' },
      {
        capabilities: { extensions: { [UI]: { mimeTypes: [MIME] } } },
        versionNegotiation: { mode: { pin: '2026-07-28' } },
      },
    );
    await modern.connect(new StreamableHTTPClientTransport(app.mcpUrl));
    try {
      expect(modern.getNegotiatedProtocolVersion()).toBe('2026-07-28');
      expect(modern.getServerCapabilities()?.extensions).toMatchObject({ [UI]: { mimeTypes: [MIME] } });
      await expectAppsServed(modern);
      expect(app.app.sessions.size).toBe(1); // only the 2025-11-25 test's session
    } finally {
      await modern.close();
    }
  });

  it('answers a ui:// URI that is not an app with resource-not-found (-32602 naming the uri), on both revisions', async () => {
    const uri = 'ui://airflow-mcp/no-such-app.html';
    const legacy = await app.connect();
    const legacyError = await legacy.readResource({ uri }).catch((error: unknown) => error);
    expect(legacyError).toMatchObject({ code: -32602 });
    const modern = new ModernClient(
      { name: 'apps-2026-client', version: '1.0.0' },
      { capabilities: {}, versionNegotiation: { mode: { pin: '2026-07-28' } } },
    );
    await modern.connect(new StreamableHTTPClientTransport(app.mcpUrl));
    try {
      const modernError = await modern.readResource({ uri }).catch((error: unknown) => error);
      expect(modernError).toMatchObject({ code: -32602, data: { uri } });
    } finally {
      await modern.close();
    }
  });

  it('keeps the answer the same for hosts without the extension: the text sentence and structuredContent', async () => {
    const plain = await app.connect();
    const result = (await plain.callTool(
      {
        name: 'create_dag',
        arguments: {
          task_description: 'Move the events table from SQLite sample.db into DuckDB analytics.duckdb every day',
          deploy: false,
        },
      },
      undefined,
      { timeout: 120_000 },
    )) as {
      content: { type: string; text?: string }[];
      structuredContent?: Record<string, unknown>;
      isError?: boolean;
    };
    expect(result.isError, result.content[0]?.text).toBeFalsy();
    expect(result.content).toHaveLength(1);
    const out = result.structuredContent ?? {};
    expect(result.content[0]?.text).toBe(`${String(out.understood_text)}\n${String(out.message)}`);
    expect(out).toMatchObject({ deployed: false, version: null });
    expect(Object.keys(result)).not.toContain('_meta');
  });
});
