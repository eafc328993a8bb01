import { randomUUID } from 'node:crypto';
import { InMemoryServerEventBus } from '@modelcontextprotocol/server';
import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify';
import type { Config } from './config.js';
import { CallTracker } from './mcp/call-tracker.js';
import { createMcpServer, type McpCatalog } from './mcp/create-mcp-server.js';
import { SessionStore } from './mcp/session-store.js';
import { TaskStore } from './mcp/tasks/task-store.js';
import { createLoggerOptions } from './observability/create-logger-options.js';
import { createMetrics, type Metrics } from './observability/create-metrics.js';
import { consoleRoutes } from './routes/console.js';
import { oauthMetadataRoutes } from './routes/oauth-metadata.js';
import { healthRoutes, type ReadinessCheck } from './routes/health.js';
import { mcpRoutes, type ModernServing } from './routes/mcp.js';
import { metricsRoutes } from './routes/metrics.js';
import { serviceSecrets } from './services/service-secrets.js';

export interface BuildAppOptions {
  config: Config;
  catalog: McpCatalog;
  readiness?: readonly ReadinessCheck[];
  /** Called last on close: release stores, pools and clients. */
  onClose?: () => Promise<void>;
  metrics?: Metrics;
  /** Override the logger (tests pass false or a stream-backed pino config). */
  logger?: FastifyServerOptions['logger'];
}

export interface App {
  fastify: FastifyInstance;
  metrics: Metrics;
  sessions: SessionStore;
  tracker: CallTracker;
  /** Stops taking requests, lets tool calls finish within the bound, closes sessions and the store. */
  shutdown(timeoutMs?: number): Promise<void>;
}

/** Builds the whole service in-process. It never listens: main.ts does, and tests use inject() or listen(0). */
export async function buildApp(options: BuildAppOptions): Promise<App> {
  const { config, catalog } = options;
  const metrics = options.metrics ?? createMetrics({ dagLabels: config.metrics.dagLabels });
  const secrets = serviceSecrets(config);
  const fastify = Fastify({
    logger: options.logger ?? createLoggerOptions(config.logLevel, { secrets }),
    genReqId: (req) => {
      const given = req.headers['x-request-id'];
      return typeof given === 'string' && /^[\w.-]{1,128}$/.test(given) ? given : randomUUID();
    },
    bodyLimit: config.mcp.bodyLimitBytes,
    // A slow client (slowloris) gets 408 once the whole request has not arrived in time. Node checks the bound
    // every connectionsCheckingInterval (30 s by default), which would let a stalled request live far longer.
    requestTimeout: config.mcp.requestTimeoutMs,
    http: {
      requestTimeout: config.mcp.requestTimeoutMs,
      headersTimeout: config.mcp.requestTimeoutMs,
      connectionsCheckingInterval: Math.min(1000, config.mcp.requestTimeoutMs),
    },
    // SSE streams are long-lived; shutdown ends them explicitly by closing sessions.
    forceCloseConnections: true,
  });
  const tracker = new CallTracker();
  const sessions = new SessionStore(config.mcp.sessionTtlMs, {
    onCountChange: (n) => metrics.sessionsOpen.set(n),
    onOpen: () => metrics.sessionsOpened.inc(),
    onClose: (reason) => metrics.sessionsClosed.inc({ reason }),
  });
  let draining = false;

  fastify.addHook('onRequest', async (request, reply) => {
    reply.header('x-request-id', request.id);
    if (draining && request.url !== '/healthz') {
      return reply.code(503).header('retry-after', '5').send({ error: 'shutting down', code: 'UNAVAILABLE' });
    }
    return undefined;
  });
  fastify.addHook('onResponse', async (request, reply) => {
    const route = request.routeOptions.url ?? 'unmatched';
    metrics.httpRequests.inc({ method: request.method, route, status: String(reply.statusCode) });
    metrics.httpDuration.observe({ method: request.method, route }, reply.elapsedTime / 1000);
  });
  fastify.addHook('preClose', async () => {
    await sessions.closeAll();
  });
  fastify.addHook('onClose', async () => {
    tasks.close();
    await options.onClose?.();
  });

  const events = new InMemoryServerEventBus();
  const tasks = new TaskStore({ ttlMs: config.mcp.taskTtlS * 1000, maxPerKey: config.mcp.maxTasksPerKey });
  tasks.startSweeper();
  // The Tasks extension exists on 2026-07-28 only: 2025-11-25 sessions get servers without it.
  const createServer = (serving?: ModernServing) =>
    createMcpServer({
      events,
      ...(serving ? { tasks, servesToolCall: serving.toolCall } : {}),
      catalog,
      metrics,
      log: fastify.log,
      readOnly: config.readOnly,
      hideWriteTools: config.mcp.hideWriteTools,
      maxConcurrentWrites: config.mcp.maxConcurrentWrites,
      secrets,
      tracker,
    });

  await fastify.register(healthRoutes, { checks: options.readiness ?? [] });
  await fastify.register(metricsRoutes, { metrics, config });
  await fastify.register(oauthMetadataRoutes, { config });
  await fastify.register(consoleRoutes);
  const taskOnlyTools = new Set(catalog.taskOnlyTools);
  await fastify.register(mcpRoutes, { config, sessions, createServer, metrics, events, tasks, taskOnlyTools });
  sessions.startSweeper();

  return {
    fastify,
    metrics,
    sessions,
    tracker,
    async shutdown(timeoutMs = config.shutdownTimeoutMs) {
      draining = true;
      const finished = await tracker.idle(timeoutMs);
      if (!finished)
        fastify.log.warn({ inFlight: tracker.inFlight }, 'shutdown bound reached with tool calls still running');
      await fastify.close();
    },
  };
}
