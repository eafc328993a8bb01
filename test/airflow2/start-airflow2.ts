import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { TestAirflow } from '../setup/airflow.global.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const script = join(root, 'airflow/scripts/airflow2-local.mjs');

/** Where the suites' failure alerts go: an HTTP connection whose host is the whole URL (the alert posts there). */
export const ALERT_PORT = Number(process.env.AIRFLOW_MCP_TEST_AIRFLOW2_ALERT_PORT ?? 28103);
export const ALERT_CONN_ID = 'airflow2_alert';

/**
 * Starts the Airflow 2 standalone of the Airflow-2 suites (airflow2-local.mjs: its own port and DATA_DIR, beside the
 * test Airflow 3), or finds it running; `connections` are AIRFLOW_CONN_* variables for its environment. A running one started with other connections is restarted. `stop()` stops it
 * unless AIRFLOW_MCP_KEEP_TEST_AIRFLOW=1.
 */
export function startAirflow2(connections: Record<string, string> = {}): TestAirflow & { stop: () => void } {
  const dataDir = process.env.AIRFLOW_MCP_TEST_AIRFLOW2_DATA_DIR ?? join(root, '.data/test-airflow2');
  const env: Record<string, string | undefined> = {
    ...process.env,
    DATA_DIR: dataDir,
    AIRFLOW_PORT: process.env.AIRFLOW_MCP_TEST_AIRFLOW2_PORT ?? '28100',
    AIRFLOW_USERNAME: 'airflow-mcp',
    AIRFLOW_PASSWORD: 'airflow-mcp-test-pw',
    [`AIRFLOW_CONN_${ALERT_CONN_ID.toUpperCase()}`]: JSON.stringify({
      conn_type: 'http',
      host: `http://127.0.0.1:${ALERT_PORT}/alert`,
    }),
    ...connections,
  };
  delete env.DAGS_DIR;
  const connectionsHash = createHash('sha256')
    .update(
      JSON.stringify(
        Object.entries(env)
          .filter(([key]) => key.startsWith('AIRFLOW_CONN_'))
          .sort(),
      ),
    )
    .digest('hex');
  const stamp = join(dataDir, 'airflow-connections.sha256');
  const run = (command: string) =>
    spawnSync(process.execPath, [script, command, '--json'], {
      env,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'inherit'],
    });
  if (!existsSync(stamp) || readFileSync(stamp, 'utf8') !== connectionsHash) run('down');
  const up = run('up');
  if (up.status !== 0) throw new Error(`Airflow 2 for the tests did not start (exit ${up.status})`);
  mkdirSync(dataDir, { recursive: true });
  writeFileSync(stamp, connectionsHash);
  const info = JSON.parse(up.stdout.trim().split('\n').pop() ?? '{}') as {
    url: string;
    dagsDir: string;
    dataDir: string;
    service: { username: string; password: string };
    python: string;
  };
  return {
    url: info.url,
    username: info.service.username,
    password: info.service.password,
    dagsDir: info.dagsDir,
    dataDir: info.dataDir,
    python: info.python,
    env: Object.fromEntries(Object.entries(env).filter((e): e is [string, string] => typeof e[1] === 'string')),
    stop() {
      if (process.env.AIRFLOW_MCP_KEEP_TEST_AIRFLOW !== '1') run('down');
    },
  };
}
