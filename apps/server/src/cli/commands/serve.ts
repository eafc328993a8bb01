import { loadConfig } from '../../config.js';
import { startServer } from '../../start-server.js';
import type { CliCommand } from '../command.js';

export const serveCommand: CliCommand = {
  name: 'serve',
  summary: 'Start the HTTP service (MCP at /mcp, /healthz, /readyz, /metrics).',
  usage: 'airflow-mcp serve [--host HOST] [--port PORT]',
  async run(args, io) {
    const env = { ...io.env };
    for (let i = 0; i < args.length; i += 2) {
      const flag = args[i];
      const value = args[i + 1];
      if ((flag !== '--host' && flag !== '--port') || value === undefined) {
        io.stderr.write(`unknown or incomplete option ${flag ?? ''}\nusage: ${this.usage}\n`);
        return 2;
      }
      env[flag === '--host' ? 'HOST' : 'PORT'] = value;
    }
    const running = await startServer(loadConfig(env));
    io.stderr.write(`airflow-mcp listening on ${running.url} (MCP at ${running.url}/mcp)\n`);
    await new Promise<never>(() => {});
    return 0;
  },
};
