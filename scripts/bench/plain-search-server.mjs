#!/usr/bin/env node
// The baseline for bench:load: the service's own search_docs (same services, same knowledge database, same
// handler and input validation) behind a plain Fastify JSON route, without MCP (no JSON-RPC, sessions or SSE).
// Env: the service's settings (DATA_DIR, PORT, ...). Prints "ready <url>" once listening.
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Fastify from 'fastify';

const root = fileURLToPath(new URL('../..', import.meta.url));
const { loadConfig } = await import(join(root, 'apps/server/dist/config.js'));
const { createServices } = await import(join(root, 'apps/server/dist/services/create-services.js'));
const { silentLogger } = await import(join(root, 'packages/core/dist/index.js'));

const config = loadConfig(process.env);
const services = await createServices({ config, log: silentLogger });
const searchDocs = services.catalog.tools.find((t) => t.name === 'search_docs');
const context = {
  signal: new AbortController().signal,
  log: silentLogger,
  sessionId: undefined,
  principal: { keyId: 'bench', tenant: 'default', scopes: ['read'] },
  progress: async () => {},
  sampling: undefined,
};
const app = Fastify({ logger: false, bodyLimit: config.mcp.bodyLimitBytes });
app.post('/search', async (request, reply) => {
  const input = searchDocs.input.safeParse(request.body);
  if (!input.success) return reply.code(400).send({ error: input.error.message });
  return searchDocs.handler(input.data, context);
});
const url = await app.listen({ host: '127.0.0.1', port: config.port });
process.stdout.write(`ready ${url}\n`);
for (const signal of ['SIGTERM', 'SIGINT']) {
  process.once(signal, () => {
    void app
      .close()
      .then(() => services.close())
      .finally(() => process.exit(0));
  });
}
