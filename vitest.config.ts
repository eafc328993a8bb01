import { fileURLToPath } from 'node:url';
import { configDefaults, defineConfig } from 'vitest/config';

const packages = ['core', 'state', 'knowledge', 'pipeline', 'airflow', 'llm', 'agent'];
const alias = Object.fromEntries(
  packages.map((name) => [
    `@airflow-mcp/${name}`,
    fileURLToPath(new URL(`./packages/${name}/src/index.ts`, import.meta.url)),
  ]),
);

/**
 * Suites that start an Airflow of their own (CeleryExecutor with git delivery, Airflow 2). `npm test` runs them in a
 * second lane beside the integration suites, on a PostgreSQL of their own (scripts/lib/test-lanes.mjs).
 */
const ownAirflowSuites = ['test/celery/**/*.test.ts', 'test/git-delivery/**/*.test.ts', 'test/airflow2/**/*.test.ts'];

/**
 * One root config. `unit`: tests beside the code. `integration`: cross-package and end-to-end suites in test/,
 * against real components the global setups start (Airflow standalone, PostgreSQL with pgvector,
 * MariaDB). `own-airflow`: the suites that bring their own Airflow.
 */
export default defineConfig({
  resolve: { alias },
  test: {
    // On a failed run, the tests' Airflow's own errors are printed last (test/setup/airflow-log-on-failure.ts).
    reporters: ['default', './test/setup/airflow-log-on-failure.ts'],
    projects: [
      {
        resolve: { alias },
        test: {
          name: 'unit',
          include: ['packages/*/src/**/*.test.ts', 'apps/*/src/**/*.test.ts'],
          environment: 'node',
          setupFiles: ['test/setup/temp-folder-per-file.ts'],
          testTimeout: 20_000,
          // Hooks that open PGlite databases took over 10 s at load 17 on 2 cores.
          hookTimeout: 60_000,
        },
      },
      {
        resolve: { alias },
        test: {
          name: 'integration',
          include: ['test/**/*.test.ts'],
          exclude: [...configDefaults.exclude, ...ownAirflowSuites],
          environment: 'node',
          setupFiles: ['test/setup/temp-folder-per-file.ts'],
          testTimeout: 180_000,
          hookTimeout: 600_000,
          globalSetup: [
            'test/setup/postgres.global.ts',
            'test/setup/mariadb.global.ts',
            'test/setup/airflow.global.ts',
          ],
          // Suites share one Airflow, one PostgreSQL and one MariaDB: run files one at a time on these 2-core machines.
          fileParallelism: false,
        },
      },
      {
        resolve: { alias },
        test: {
          name: 'own-airflow',
          include: ownAirflowSuites,
          environment: 'node',
          setupFiles: ['test/setup/temp-folder-per-file.ts'],
          testTimeout: 180_000,
          hookTimeout: 600_000,
          // Each suite starts an Airflow of its own; they need only a PostgreSQL (Celery's metadata, warehouse_pg).
          globalSetup: ['test/setup/postgres.global.ts'],
          fileParallelism: false,
        },
      },
    ],
  },
});
