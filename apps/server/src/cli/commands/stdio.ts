import { pino } from 'pino';
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import { loadConfig } from '../../config.js';
import { CallTracker } from '../../mcp/call-tracker.js';
import { createMcpServer } from '../../mcp/create-mcp-server.js';
import { createMetrics } from '../../observability/create-metrics.js';
import { createServices } from '../../services/create-services.js';
import type { CliCommand } from '../command.js';

export const stdioCommand: CliCommand = {
  name: 'stdio',
  summary: 'Serve the same MCP tools over stdio, for desktop clients (logs go to stderr).',
  usage: 'airflow-mcp stdio',
  async run(_args, io) {
    const config = loadConfig(io.env);
    // stdout carries JSON-RPC: every log line goes to stderr (fd 2).
    const log = pino(
      { level: config.logLevel, base: { service: 'airflow-mcp-rag', transport: 'stdio' } },
      pino.destination(2),
    );
    const services = await createServices({ config, log });
    const server = createMcpServer({
      catalog: services.catalog,
      metrics: createMetrics(),
      log,
      readOnly: config.readOnly,
      secrets: config.secrets,
      tracker: new CallTracker(),
    });
    const closed = new Promise<void>((resolve) => {
      server.server.onclose = () => resolve();
    });
    await server.connect(new StdioServerTransport());
    process.stdin.on('end', () => void server.close());
    await closed;
    await services.close();
    return 0;
  },
};
