import { spawnSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, inject, it } from 'vitest';

const root = join(import.meta.dirname, '..', '..');
const cli = join(root, 'apps', 'server', 'bin', 'airflow-mcp.js');

describe('airflow-mcp CLI against the real Airflow', () => {
  const airflow = inject('airflow');
  const warehouse = join(airflow.dataDir, `cli-warehouse-${Date.now().toString(36)}`);
  const env = {
    PATH: process.env.PATH ?? '',
    DATA_DIR: join(warehouse, '.data'),
    AIRFLOW_URL: airflow.url,
    AIRFLOW_USERNAME: airflow.username,
    AIRFLOW_PASSWORD: airflow.password,
    AIRFLOW_PYTHON: airflow.python,
    DAGS_DIR: airflow.dagsDir,
    ALLOWED_DATA_DIRS: warehouse,
  };
  const run = (...args: string[]) =>
    spawnSync(process.execPath, [cli, ...args], { env, encoding: 'utf8', timeout: 240_000 });

  it('builds (incremental, a no-op after npm test built it)', () => {
    const built = spawnSync(process.execPath, [join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-b'], {
      cwd: root,
    });
    expect(built.status).toBe(0);
  });

  it('writes sample data, previews and then creates and runs a DAG, and reports its status', () => {
    mkdirSync(warehouse, { recursive: true });
    expect(run('sample-data', warehouse).stdout).toContain('events (2,000 rows)');
    const preview = run(
      'create',
      'copy the users table from SQLite sample.db into DuckDB cli.duckdb, dag id cli_users',
      '--preview',
      '--json',
    );
    expect(preview.status, preview.stderr).toBe(0);
    expect(JSON.parse(preview.stdout)).toMatchObject({ dag_id: 'cli_users', deployed: false });

    const created = run(
      'create',
      'copy the users table from SQLite sample.db into DuckDB cli.duckdb, dag id cli_users',
      '--wait',
    );
    expect(created.status, created.stderr).toBe(0);
    expect(created.stdout).toMatch(
      /Migration completed: dag_id=cli_users, run_id=\S+, duration [\d.]+ s, rows migrated: 200/,
    );
    expect(created.stderr).toContain('running');

    const status = run('status', 'cli_users', '--json');
    expect(status.status, status.stderr).toBe(0);
    expect(JSON.parse(status.stdout)).toMatchObject({ dag_id: 'cli_users', state: 'success' });
  });

  it('fails with a clear message and exit 1 on an unknown DAG, exit 2 on bad usage', () => {
    const unknown = run('status', 'no_such_dag_here');
    expect(unknown.status).toBe(1);
    expect(unknown.stderr).toContain('No DAG "no_such_dag_here"');
    expect(run('create').status).toBe(2);
    expect(run('status', 'a', '--bogus').stderr).toContain('unknown option --bogus');
  });
});
