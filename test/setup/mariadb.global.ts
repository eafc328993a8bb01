import { fileURLToPath } from 'node:url';
import type { TestProject } from 'vitest/node';
import { startLocalDatabase, type LocalDatabase } from './start-local-database.js';

/** mysql://etl:<password>@127.0.0.1:<port>/warehouse and its parts. */
export type TestMysql = LocalDatabase;

declare module 'vitest' {
  export interface ProvidedContext {
    mysql: TestMysql;
  }
}

const root = fileURLToPath(new URL('../..', import.meta.url));

/**
 * Starts the tests' own MariaDB (Debian's mariadb-server-core, pinned, unpacked into the cache by
 * scripts/mariadb-local.mjs) in the same DATA_DIR as the tests' Airflow, on AIRFLOW_MCP_TEST_MYSQL_PORT (23306), with a
 * password login user `etl` holding the database `warehouse`. Runs before airflow.global.ts, which hands the
 * credentials to Airflow as the connection `warehouse_mysql` (AIRFLOW_CONN_WAREHOUSE_MYSQL).
 * AIRFLOW_MCP_KEEP_TEST_AIRFLOW=1 leaves it running.
 */
export default function setup(project: TestProject) {
  const env: Record<string, string | undefined> = {
    ...process.env,
    DATA_DIR: process.env.AIRFLOW_MCP_TEST_DATA_DIR ?? `${root}.data/test-airflow`,
    MYSQL_PORT: process.env.AIRFLOW_MCP_TEST_MYSQL_PORT ?? '23306',
    MYSQL_USER: 'etl',
    MYSQL_DATABASE: 'warehouse',
  };
  delete env.MYSQL_PASSWORD;
  delete env.MYSQL_ROOT_PASSWORD;
  const { database, teardown } = startLocalDatabase({
    name: 'MariaDB',
    script: fileURLToPath(new URL('../../scripts/mariadb-local.mjs', import.meta.url)),
    env,
  });
  project.provide('mysql', database);
  return teardown;
}
