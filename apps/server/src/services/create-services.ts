import {
  createAirflowService,
  createDagService,
  createGeminiModel,
  createOpenAiChatModel,
  createPlannerRouter,
  createRulePlanner,
} from '@airflow-mcp/agent';
import type { Logger } from '@airflow-mcp/core';
import type { Config } from '../config.js';
import type { McpCatalog } from '../mcp/create-mcp-server.js';
import type { ResourceProvider } from '../mcp/define-tool.js';
import { schemaResources } from '../mcp/resources/schema-resources.js';
import { createTools } from '../mcp/tools/create-tools.js';
import type { ReadinessCheck } from '../routes/health.js';
import { createAirflowHealthCheck } from './create-airflow-health-check.js';
import { resolveAirflowCredentials } from './resolve-airflow-credentials.js';
import { SERVICE_VERSION } from '../version.js';

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
  const resources: ResourceProvider[] = [schemaResources()];
  const readiness: ReadinessCheck[] = [createAirflowHealthCheck({ url: config.airflow.url })];

  const credentials = resolveAirflowCredentials(config);
  const secrets = [...config.secrets, ...(credentials.password ? [credentials.password] : [])];
  const airflow = createAirflowService({
    url: config.airflow.url,
    username: credentials.username,
    password: credentials.password,
    dagsDir: config.dagsDir,
    timeoutMs: config.airflow.timeoutMs,
    secrets,
    logger: options.log,
  });
  options.log.info(
    {
      airflowUrl: config.airflow.url,
      dagsDir: config.dagsDir,
      airflowLogin: credentials.source,
      python: credentials.python ?? 'none (the import check happens when Airflow parses the deployed file)',
    },
    'airflow configured',
  );

  const dags = createDagService({
    airflow,
    planner: createPlannerRouter({
      mode: config.planner,
      rules: createRulePlanner(),
      gemini: config.gemini.apiKey
        ? createGeminiModel({
            apiKey: config.gemini.apiKey,
            model: config.gemini.model,
            ...(config.gemini.baseUrl ? { baseUrl: config.gemini.baseUrl } : {}),
          })
        : undefined,
      openai:
        config.openai.baseUrl && config.openai.model
          ? createOpenAiChatModel({
              baseUrl: config.openai.baseUrl,
              model: config.openai.model,
              ...(config.openai.apiKey ? { apiKey: config.openai.apiKey } : {}),
            })
          : undefined,
      allowedDataDirs: config.allowedDataDirs,
      logger: options.log,
    }),
    allowedDataDirs: config.allowedDataDirs,
    python: credentials.python,
    logger: options.log,
    generatorVersion: `airflow-mcp-rag ${SERVICE_VERSION}`,
  });

  const tools = createTools({ airflow, dags });

  return {
    catalog: { tools, resources },
    readiness,
    async close() {
      for (const close of closers.reverse()) await close().catch(() => {});
    },
  };
}
