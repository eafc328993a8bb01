import { composeUseCases, createAirflowService, type DagEvents, type KnowledgeService } from '@airflow-mcp/agent';
import type { Logger } from '@airflow-mcp/core';
import { Gauge } from 'prom-client';
import type { Config } from '../config.js';
import type { Metrics } from '../observability/create-metrics.js';
import type { McpCatalog } from '../mcp/create-mcp-server.js';
import type { ResourceProvider } from '../mcp/define-tool.js';
import { knowledgeResources } from '../mcp/resources/knowledge-resources.js';
import { runResources } from '../mcp/resources/run-resources.js';
import { schemaResources } from '../mcp/resources/schema-resources.js';
import { createTools } from '../mcp/tools/create-tools.js';
import type { ReadinessCheck } from '../routes/health.js';
import { checkLogin, createAirflowHealthCheck } from './create-airflow-health-check.js';
import { knowledgeOptions } from './knowledge-options.js';
import { openDatabase } from './open-database.js';
import { waitForCorpus } from './wait-for-corpus.js';
import { serviceSecrets } from './service-secrets.js';
import { resolveAirflowCredentials } from './resolve-airflow-credentials.js';
import { SERVICE_VERSION } from '../version.js';

/** Everything the service runs on, built once from the config and shared by HTTP sessions and stdio. */
export interface Services {
  catalog: McpCatalog;
  knowledge: KnowledgeService;
  readiness: readonly ReadinessCheck[];
  close(): Promise<void>;
}

export interface CreateServicesOptions {
  config: Config;
  log: Logger;
  /** Domain metrics (plans, runs, rows) land here when given. */
  metrics?: Metrics;
  /** What this process runs (`serve`, `stdio`, a CLI command): named to a second process refused DATA_DIR's lock. */
  mode?: string;
  /** How long the first search_docs waits for the bundled corpus on a cold start (default 20 s). */
  corpusWaitMs?: number;
}

export async function createServices(options: CreateServicesOptions): Promise<Services> {
  const { config } = options;
  const closers: (() => Promise<void>)[] = [];
  const resources: ResourceProvider[] = [schemaResources()];
  const credentials = resolveAirflowCredentials(config);
  const secrets = serviceSecrets(config);
  const airflow = createAirflowService({
    url: config.airflow.url,
    username: credentials.username,
    password: credentials.password,
    dagsDir: config.dagsDir,
    dagsGit: config.dagsGit,
    timeoutMs: config.airflow.timeoutMs,
    maxConcurrent: config.airflow.maxConcurrentRequests,
    secrets,
    logger: options.log,
  });
  // An authenticated call: a rejected Airflow login makes Airflow down for /readyz and airflow_mcp_airflow_up.
  const login = () => airflow.client.listDags({ limit: 1 });
  const readiness: ReadinessCheck[] = [createAirflowHealthCheck({ url: config.airflow.url, login })];
  if (options.metrics) {
    // Read from Airflow on each scrape: how far behind the scheduler's heartbeat is, and whether Airflow answers.
    const health = async () => airflow.client.health().catch(() => undefined);
    new Gauge({
      name: 'airflow_mcp_airflow_scheduler_lag_seconds',
      help: "Seconds since the Airflow scheduler's last heartbeat (from Airflow's health endpoint); absent when Airflow is down.",
      registers: [options.metrics.registry],
      async collect() {
        const beat = (await health())?.scheduler?.latest_scheduler_heartbeat;
        if (beat) this.set(Math.max(0, (Date.now() - Date.parse(beat)) / 1000));
        else this.reset();
      },
    });
    new Gauge({
      name: 'airflow_mcp_store_up',
      help: 'Whether each database answered at the last scrape (1) or not (0): state (versions, audit, feedback) and knowledge.',
      labelNames: ['store'] as const,
      registers: [options.metrics.registry],
      async collect() {
        this.set(
          { store: 'state' },
          await useCases.versions.ping().then(
            () => 1,
            () => 0,
          ),
        );
        this.set(
          { store: 'knowledge' },
          await useCases.knowledge.store.countChunks().then(
            () => 1,
            () => 0,
          ),
        );
      },
    });
    new Gauge({
      name: 'airflow_mcp_airflow_up',
      help: 'Whether Airflow answered its health endpoint and accepted the login at the last scrape (1) or not (0).',
      registers: [options.metrics.registry],
      async collect() {
        const up =
          (await health()) !== undefined &&
          (await checkLogin(login).then(
            () => true,
            () => false,
          ));
        this.set(up ? 1 : 0);
      },
    });
  }
  options.log.info(
    {
      airflowUrl: config.airflow.url,
      dagsDir: config.dagsDir,
      airflowLogin: credentials.source,
      python: credentials.python ?? 'none (the import check happens when Airflow parses the deployed file)',
    },
    'airflow configured',
  );

  // One database for the version history, audit log, feedback and the knowledge base (its own schema).
  const state = await openDatabase(config, options.log, { mode: options.mode ?? 'serve' });
  closers.push(() => state.close());
  const metrics = options.metrics;
  const useCases = await composeUseCases({
    db: state,
    airflow,
    knowledge: { ...knowledgeOptions(config), corpusDir: config.knowledgeDir },
    planner: {
      mode: config.planner,
      gemini: { apiKey: config.gemini.apiKey, model: config.gemini.model, baseUrl: config.gemini.baseUrl },
      openai: { baseUrl: config.openai.baseUrl, apiKey: config.openai.apiKey, model: config.openai.model },
    },
    dags: {
      allowedDataDirs: config.allowedDataDirs,
      tenantConnections: config.tenantConnections,
      namedTenants: config.tenants,
      python: credentials.python,
      generatorVersion: `airflow-mcp-rag ${SERVICE_VERSION}`,
      secrets,
    },
    events: metrics ? dagEvents(metrics) : undefined,
    timeRetrieval: metrics ? (use) => metrics.retrievalDuration.startTimer({ use }) : undefined,
    logger: options.log,
  });
  closers.push(() => useCases.close());
  const { versions, feedback, knowledge, dags } = useCases;
  readiness.push({
    name: 'database',
    required: true,
    async check() {
      await versions.ping();
      return { kind: state.kind };
    },
  });
  resources.push(knowledgeResources(knowledge));
  readiness.push({
    name: 'knowledge',
    required: true,
    async check() {
      return { chunks: await knowledge.store.countChunks(), embedder: knowledge.embedder.id };
    },
  });

  const tools = createTools({
    airflow,
    dags,
    feedback,
    retriever: waitForCorpus(useCases.docs, {
      ready: knowledge.corpusReady,
      timeoutMs: options.corpusWaitMs ?? 20_000,
    }),
    readOnly: config.readOnly,
    waitBoundS: config.mcp.waitBoundS,
  });
  resources.push(...runResources(airflow));

  return {
    catalog: { tools, resources },
    knowledge,
    readiness,
    async close() {
      for (const close of closers.reverse()) await close().catch(() => {});
    },
  };
}

/** What the DAG service reports, counted in the domain metrics. */
function dagEvents(metrics: Metrics): DagEvents {
  return {
    planned: (e) => {
      metrics.plans.inc({ planner: e.planner, outcome: e.ok ? 'ok' : 'failed' });
      if (e.planner !== 'rules' && e.planner !== 'caller') {
        metrics.planAttempts.observe({ planner: e.planner }, e.attempts);
        metrics.modelTokens.inc({ planner: e.planner, direction: 'input' }, e.inputTokens);
        metrics.modelTokens.inc({ planner: e.planner, direction: 'output' }, e.outputTokens);
      }
    },
    retrieved: (e) => {
      for (const score of e.scores) metrics.retrievalScore.observe(score);
    },
    ran: (e) => {
      const dagId = metrics.dagLabel(e.dagId);
      metrics.dagRuns.inc({ dag_id: dagId, state: e.state });
      if (e.durationS !== null) metrics.dagRunDuration.observe({ dag_id: dagId }, e.durationS);
      for (const [task, rows] of Object.entries(e.rowsByTask)) {
        metrics.rowsMoved.inc({ dag_id: dagId, task_id: task }, rows);
      }
    },
  };
}
