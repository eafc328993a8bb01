import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { TestProject } from 'vitest/node';
import type { TestMysql } from './mariadb.global.js';
import type { TestPostgres } from './postgres.global.js';

export interface TestAirflow {
  url: string;
  username: string;
  password: string;
  dagsDir: string;
  dataDir: string;
  /** The venv's Python, with the pinned Airflow: for the validation ladder's import check. */
  python: string;
  /** The environment `airflow-local.mjs` runs with, for suites that stop and restart this Airflow. */
  env: Record<string, string>;
}

declare module 'vitest' {
  export interface ProvidedContext {
    airflow: TestAirflow;
  }
}

const root = fileURLToPath(new URL('../..', import.meta.url));
const script = fileURLToPath(new URL('../../airflow/scripts/airflow-local.mjs', import.meta.url));
const postgresScript = fileURLToPath(new URL('../../scripts/postgres-local.mjs', import.meta.url));

/**
 * Starts the tests' own Airflow standalone (its own port and DATA_DIR, so a demo instance on 8080 is left alone)
 * from the cached virtualenv built from airflow/requirements.lock, and stops it afterwards.
 * AIRFLOW_MCP_KEEP_TEST_AIRFLOW=1 leaves it running for the next local run (`up` is then a no-op).
 *
 * The tests' PostgreSQL and MariaDB (postgres.global.ts and mariadb.global.ts, which run first) reach Airflow only as
 * the connections `warehouse_pg` and `warehouse_mysql`, defined through Airflow's environment-variable secrets backend:
 * AIRFLOW_CONN_WAREHOUSE_PG and AIRFLOW_CONN_WAREHOUSE_MYSQL in the standalone's environment. A running standalone started with other AIRFLOW_CONN_* or AIRFLOW_METADATA_* values is
 * restarted, since `up` would keep it. Airflow's metadata lives on a PostgreSQL of its own (`airflow-metadata/` in the
 * same DATA_DIR, on the warehouse port + 1), stopped with Airflow.
 */
export default function setup(project: TestProject) {
  const dataDir = process.env.AIRFLOW_MCP_TEST_DATA_DIR ?? `${root}.data/test-airflow`;
  const env: Record<string, string | undefined> = {
    ...process.env,
    DATA_DIR: dataDir,
    AIRFLOW_PORT: process.env.AIRFLOW_MCP_TEST_AIRFLOW_PORT ?? '28080',
    AIRFLOW_USERNAME: 'airflow-mcp',
    AIRFLOW_PASSWORD: 'airflow-mcp-test-pw',
    // Short tokens, so the suites exercise re-login (test/airflow/airflow-auth.test.ts relies on it).
    AIRFLOW_JWT_EXPIRATION_S: '20',
    // Airflow's metadata on a PostgreSQL of its own, as deployments run it, not SQLite: under load on 2 cores
    // SQLite's single writer held heartbeats and API deletes for 10 s and more ("database is locked"), and a delete
    // that finally went through mid-pass killed the dag-processor. Its own instance, so that suites stopping the
    // tests' warehouse PostgreSQL (database-down) leave Airflow alone.
    AIRFLOW_METADATA_PG_DATA_DIR: join(dataDir, 'airflow-metadata'),
    AIRFLOW_METADATA_PG_PORT:
      process.env.AIRFLOW_MCP_TEST_AIRFLOW_META_PG_PORT ??
      String(Number(process.env.AIRFLOW_MCP_TEST_PG_PORT ?? '25432') + 1),
  };
  delete env.DAGS_DIR;
  const postgres = project.getProvidedContext().postgres as TestPostgres | undefined;
  if (postgres) env.AIRFLOW_CONN_WAREHOUSE_PG = postgres.url;
  const mysql = project.getProvidedContext().mysql as TestMysql | undefined;
  if (mysql) env.AIRFLOW_CONN_WAREHOUSE_MYSQL = mysql.url;
  const connections = createHash('sha256')
    .update(
      JSON.stringify(
        Object.entries(env)
          .filter(([key]) => key.startsWith('AIRFLOW_CONN_') || key.startsWith('AIRFLOW_METADATA_'))
          .sort(([a], [b]) => a.localeCompare(b)),
      ),
    )
    .digest('hex');
  const stamp = join(dataDir, 'airflow-connections.sha256');
  if (!existsSync(stamp) || readFileSync(stamp, 'utf8') !== connections) {
    spawnSync(process.execPath, [script, 'down'], { env, stdio: ['ignore', 'ignore', 'inherit'] });
  }
  const up = spawnSync(process.execPath, [script, 'up', '--json'], {
    env,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  if (up.status !== 0) throw new Error(`Airflow for the tests did not start (exit ${up.status})`);
  mkdirSync(dataDir, { recursive: true });
  writeFileSync(stamp, connections);
  const info = JSON.parse(up.stdout.trim().split('\n').pop() ?? '{}') as {
    url: string;
    dagsDir: string;
    dataDir: string;
    service: { username: string; password: string };
    python: string;
  };
  project.provide('airflow', {
    url: info.url,
    username: info.service.username,
    password: info.service.password,
    dagsDir: info.dagsDir,
    dataDir: info.dataDir,
    python: info.python,
    env: Object.fromEntries(Object.entries(env).filter((e): e is [string, string] => typeof e[1] === 'string')),
  });
  return () => {
    if (process.env.AIRFLOW_MCP_KEEP_TEST_AIRFLOW === '1') return;
    spawnSync(process.execPath, [script, 'down'], { env, stdio: 'inherit' });
    spawnSync(process.execPath, [postgresScript, 'down'], {
      env: { ...env, DATA_DIR: env.AIRFLOW_METADATA_PG_DATA_DIR, PG_PORT: env.AIRFLOW_METADATA_PG_PORT },
      stdio: ['ignore', 'ignore', 'inherit'],
    });
  };
}
