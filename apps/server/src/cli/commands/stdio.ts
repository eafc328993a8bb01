import { pino } from 'pino';
import { serveStdio } from '@modelcontextprotocol/server/stdio';
import { loadConfig } from '../../config.js';
import { CallTracker } from '../../mcp/call-tracker.js';
import { createMcpServer } from '../../mcp/create-mcp-server.js';
import { createLogger } from '../../observability/create-logger-options.js';
import { createMetrics } from '../../observability/create-metrics.js';
import { createServices } from '../../services/create-services.js';
import { serviceSecrets } from '../../services/service-secrets.js';
import type { CliCommand } from '../command.js';

export const stdioCommand: CliCommand = {
  name: 'stdio',
  summary: 'Serve the same MCP tools over stdio, for desktop clients (logs go to stderr).',
  usage: 'airflow-mcp stdio',
  async run(_args, io) {
    const config = loadConfig(io.env);
    // stdout carries JSON-RPC: every log line goes to stderr (fd 2).
    const secrets = serviceSecrets(config);
    const log = createLogger(config.logLevel, {
      secrets,
      destination: pino.destination(2),
      base: { transport: 'stdio' },
    });
    const services = await createServices({ config, log, mode: 'stdio' });
    const metrics = createMetrics();
    const tracker = new CallTracker();
    const closed = new Promise<void>((resolve) => {
      process.stdin.once('end', resolve);
      process.stdin.once('close', resolve);
    });
    // Both revisions: a 2025-11-25 client opens with initialize, a 2026-07-28 one with server/discover.
    const handle = serveStdio(
      () => createMcpServer({ catalog: services.catalog, metrics, log, readOnly: config.readOnly, secrets, tracker }),
      { onerror: (error) => log.debug({ err: error.message }, 'mcp stdio error') },
    );
    await closed;
    await handle.close();
    await services.close();
    return 0;
  },
};
