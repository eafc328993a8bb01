import type { Logger } from '@airflow-mcp/core';
import type { Config } from '../config.js';
import type { McpCatalog } from '../mcp/create-mcp-server.js';
import type { ResourceProvider } from '../mcp/define-tool.js';
import { createTools } from '../mcp/tools/create-tools.js';
import type { ReadinessCheck } from '../routes/health.js';
import { createAirflowHealthCheck } from './create-airflow-health-check.js';

/** Everything the service runs on, built once from the config and shared by HTTP sessions and stdio. */
export interface Services {
  catalog: McpCatalog;
  readiness: readonly ReadinessCheck[];
  close(): Promise<void>;
}

export interface CreateServicesOptions {
  config: Config;
  log: Logger;
}

export async function createServices(options: CreateServicesOptions): Promise<Services> {
  const { config } = options;
  const closers: (() => Promise<void>)[] = [];
  const resources: ResourceProvider[] = [];
  const readiness: ReadinessCheck[] = [createAirflowHealthCheck({ url: config.airflow.url })];

  const tools = createTools({});

  return {
    catalog: { tools, resources },
    readiness,
    async close() {
      for (const close of closers.reverse()) await close().catch(() => {});
    },
  };
}
