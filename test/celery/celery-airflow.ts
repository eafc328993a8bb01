import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { TestAirflow } from '../setup/airflow.global.js';
import type { TestPostgres } from '../setup/postgres.global.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const script = fileURLToPath(new URL('../../airflow/scripts/airflow-celery.mjs', import.meta.url));

export interface CeleryAirflow extends TestAirflow {
  workers: string[];
}

/**
 * The CeleryExecutor Airflow of airflow/scripts/airflow-celery.mjs (port 28090, Redis on 26379, metadata on the tests'
 * PostgreSQL), in its own DATA_DIR. `up` starts what is missing, so it also brings back a killed worker.
 */
export function celeryAirflow(postgres: TestPostgres, command: 'up' | 'down' | 'kill-worker', worker?: string) {
  const env: Record<string, string> = {
    ...(Object.fromEntries(
      Object.entries(process.env).filter((e): e is [string, string] => e[1] !== undefined),
    ) as Record<string, string>),
    DATA_DIR: process.env.AIRFLOW_MCP_TEST_CELERY_DATA_DIR ?? `${root}.data/test-celery`,
    AIRFLOW_PORT: '28090',
    REDIS_PORT: '26379',
    PG_DATA_DIR: postgres.env.DATA_DIR ?? `${root}.data/test-airflow`,
    PG_PORT: String(postgres.port),
    AIRFLOW_USERNAME: 'airflow-mcp',
    AIRFLOW_PASSWORD: 'airflow-mcp-celery-pw',
  };
  delete env.DAGS_DIR;
  const result = spawnSync(process.execPath, [script, command, ...(worker ? [worker] : []), '--json'], {
    env,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  if (result.status !== 0) throw new Error(`airflow-celery.mjs ${command} exited ${result.status}`);
  const info = JSON.parse(result.stdout.trim().split('\n').pop() ?? '{}') as {
    url: string;
    dagsDir: string;
    dataDir: string;
    service: { username: string; password: string };
    python: string;
    workers: string[];
  };
  const airflow: CeleryAirflow = {
    url: info.url,
    username: info.service?.username,
    password: info.service?.password,
    dagsDir: info.dagsDir,
    dataDir: info.dataDir,
    python: info.python,
    env,
    workers: info.workers,
  };
  return airflow;
}
