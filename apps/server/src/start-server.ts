import { buildApp, type App } from './app.js';
import type { Config } from './config.js';
import { createLogger } from './observability/create-logger-options.js';
import { createMetrics } from './observability/create-metrics.js';
import { createServices } from './services/create-services.js';
import { serviceSecrets } from './services/service-secrets.js';
import { createConformanceFixtures } from './mcp/conformance-fixtures.js';
import { TASK_ONLY_FIXTURE_TOOLS } from './mcp/conformance-task-fixtures.js';

export interface RunningServer {
  app: App;
  url: string;
  stop(): Promise<void>;
}

/** Builds the services and the app, listens, and wires SIGTERM/SIGINT to a bounded graceful shutdown. */
export async function startServer(config: Config, options: { handleSignals?: boolean } = {}): Promise<RunningServer> {
  let app: App | undefined;
  const bootLog = createLogger(config.logLevel, { secrets: serviceSecrets(config) });
  const metrics = createMetrics({ dagLabels: config.metrics.dagLabels });
  const services = await createServices({ config, log: bootLog, metrics });
  try {
    app = await buildApp({
      config,
      catalog: config.mcp.testFixtures
        ? { ...services.catalog, extend: createConformanceFixtures(), taskOnlyTools: TASK_ONLY_FIXTURE_TOOLS }
        : services.catalog,
      readiness: services.readiness,
      metrics,
      onClose: () => services.close(),
    });
    const address = await app.fastify.listen({ host: config.host, port: config.port });
    const running = app;
    let stopping: Promise<void> | undefined;
    const stop = () => (stopping ??= running.shutdown());
    if (options.handleSignals ?? true) {
      for (const signal of ['SIGTERM', 'SIGINT'] as const) {
        process.once(signal, () => {
          running.fastify.log.info({ signal }, 'shutting down');
          void stop().then(
            () => process.exit(0),
            (error: unknown) => {
              running.fastify.log.error({ err: error }, 'shutdown failed');
              process.exit(1);
            },
          );
        });
      }
    }
    return { app: running, url: address, stop };
  } catch (error) {
    await services.close();
    throw error;
  }
}
