import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { buildApp, type App } from '../../apps/server/src/app.js';
import { loadConfig } from '../../apps/server/src/config.js';
import type { McpCatalog } from '../../apps/server/src/mcp/create-mcp-server.js';
import type { ReadinessCheck } from '../../apps/server/src/routes/health.js';
import type { Metrics } from '../../apps/server/src/observability/create-metrics.js';
import {
  createLoggerOptions,
  type LogOutputOptions,
} from '../../apps/server/src/observability/create-logger-options.js';
import { serviceSecrets } from '../../apps/server/src/services/service-secrets.js';

export interface TestApp {
  app: App;
  url: string;
  mcpUrl: URL;
  connect(options?: { headers?: Record<string, string>; capabilities?: Record<string, unknown> }): Promise<Client>;
  close(): Promise<void>;
}

/** Builds the real app with the given catalog and env, listening on 127.0.0.1 and a free port. */
export async function startTestApp(options: {
  catalog: McpCatalog;
  env?: Record<string, string>;
  readiness?: readonly ReadinessCheck[];
  metrics?: Metrics;
  /** Where the server's log lines go (at trace level, masked as in production); no logs without it. */
  logDestination?: LogOutputOptions['destination'];
}): Promise<TestApp> {
  // A DATA_DIR of its own unless one is given; removed on close.
  const ownDataDir = options.env?.['DATA_DIR'] ? undefined : mkdtempSync(join(tmpdir(), 'airflow-mcp-test-'));
  const config = loadConfig({
    ...(ownDataDir ? { DATA_DIR: ownDataDir } : {}),
    LOG_LEVEL: 'silent',
    NODE_ENV: 'test',
    ...options.env,
  });
  const app = await buildApp({
    config,
    catalog: options.catalog,
    readiness: options.readiness ?? [],
    logger: options.logDestination
      ? createLoggerOptions('trace', { secrets: serviceSecrets(config), destination: options.logDestination })
      : false,
    ...(options.metrics ? { metrics: options.metrics } : {}),
  });
  const url = await app.fastify.listen({ host: '127.0.0.1', port: 0 });
  const clients: Client[] = [];
  return {
    app,
    url,
    mcpUrl: new URL(`${url}/mcp`),
    async connect({ headers, capabilities } = {}) {
      const client = new Client({ name: 'airflow-mcp-test', version: '1.0.0' }, { capabilities: capabilities ?? {} });
      await client.connect(
        new StreamableHTTPClientTransport(new URL(`${url}/mcp`), { requestInit: { headers: headers ?? {} } }),
      );
      clients.push(client);
      return client;
    },
    async close() {
      await Promise.all(clients.map((c) => c.close().catch(() => {})));
      await app.shutdown(1000);
      if (ownDataDir) rmSync(ownDataDir, { recursive: true, force: true });
    },
  };
}
