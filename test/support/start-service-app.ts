import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { silentLogger } from '@airflow-mcp/core';
import { loadConfig } from '../../apps/server/src/config.js';
import { createLogger, type LogOutputOptions } from '../../apps/server/src/observability/create-logger-options.js';
import { createMetrics, type Metrics } from '../../apps/server/src/observability/create-metrics.js';
import { serviceSecrets } from '../../apps/server/src/services/service-secrets.js';
import { createServices, type Services } from '../../apps/server/src/services/create-services.js';
import type { TestAirflow } from '../setup/airflow.global.js';
import { startTestApp, type TestApp } from './start-test-app.js';

export interface ServiceApp extends TestApp {
  services: Services;
  metrics: Metrics;
}

/**
 * The real service (production services and tools, metrics wired) against the tests' Airflow, on a free port.
 * `env` adds or overrides settings (ALLOWED_DATA_DIRS, DATA_DIR, MCP_API_KEYS, PLANNER, ...).
 */
export async function startServiceApp(
  airflow: TestAirflow,
  env: Record<string, string>,
  options: { logDestination?: LogOutputOptions['destination'] } = {},
): Promise<ServiceApp> {
  // Each app its own state and knowledge databases (PGlite folders are single-process), removed on close, unless
  // env gives one.
  const ownDataDir = env['DATA_DIR'] ? undefined : mkdtempSync(join(tmpdir(), 'airflow-mcp-service-'));
  const all = {
    ...(ownDataDir ? { DATA_DIR: ownDataDir } : {}),
    AIRFLOW_URL: airflow.url,
    AIRFLOW_USERNAME: airflow.username,
    AIRFLOW_PASSWORD: airflow.password,
    AIRFLOW_PYTHON: airflow.python,
    DAGS_DIR: airflow.dagsDir,
    // Suites that wait for runs on a loaded machine keep the old 10-minute wait; the bound has its own suite.
    MCP_WAIT_BOUND_S: '600',
    ...env,
  };
  const config = loadConfig({ ...all, LOG_LEVEL: 'silent' });
  const metrics = createMetrics({ dagLabels: config.metrics.dagLabels });
  const log = options.logDestination
    ? createLogger('trace', { secrets: serviceSecrets(config), destination: options.logDestination })
    : silentLogger;
  const services = await createServices({ config, log, metrics });
  const app = await startTestApp({
    catalog: services.catalog,
    env: all,
    metrics,
    readiness: services.readiness,
    ...(options.logDestination ? { logDestination: options.logDestination } : {}),
  });
  return {
    ...app,
    services,
    metrics,
    async close() {
      await app.close();
      await services.close();
      if (ownDataDir) rmSync(ownDataDir, { recursive: true, force: true });
    },
  };
}
