#!/usr/bin/env node
// What Airflow's default discovery gives: a standalone with the default [dag_processor] refresh_interval (300 s),
// a new file written, the time until the DAG is visible. Slow by nature (minutes a sample): BENCH_N=2 by default.
// Writes bench-results/airflow-default-discovery.json. Run: npm run bench -- default-discovery-bench
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));
const N = Number(process.env.BENCH_N ?? 2);
const env = {
  ...process.env,
  DATA_DIR: join(root, '.data', 'bench-default-discovery'),
  AIRFLOW_PORT: process.env.BENCH_AIRFLOW_PORT ?? '48080',
  AIRFLOW_DAG_REFRESH_INTERVAL_S: '300',
};
delete env.DAGS_DIR;
const script = join(root, 'airflow', 'scripts', 'airflow-local.mjs');
const up = spawnSync(process.execPath, [script, 'up', '--json'], {
  env,
  encoding: 'utf8',
  stdio: ['ignore', 'pipe', 'inherit'],
});
if (up.status !== 0) process.exit(1);
const af = JSON.parse(up.stdout.trim().split('\n').pop());
const { createAirflowClient, createDagDeployer, renderDagFileHeader } = await import(
  join(root, 'packages/airflow/dist/index.js')
);
const client = createAirflowClient({ baseUrl: af.url, username: af.service.username, password: af.service.password });
const deployer = createDagDeployer({ client, dagsDir: af.dagsDir, pollMs: 1000, parseTimeoutMs: 400_000 });
const samples = [];
try {
  for (let i = 0; i < N; i++) {
    const id = `default_discovery_${Date.now().toString(36)}`;
    const t = Date.now();
    await deployer.deploy({
      dagId: id,
      source: `${renderDagFileHeader({ dagId: id, specHash: 'd', version: 1, generator: 'bench' })}
from datetime import datetime
from airflow.sdk import dag, task
@dag(dag_id="${id}", schedule=None, start_date=datetime(2024, 1, 1), catchup=False)
def d():
    @task
    def t():
        return 1
    t()
d()
`,
    });
    samples.push(Math.round((Date.now() - t) / 100) / 10);
    console.log(`sample ${i + 1}: ${samples.at(-1)} s`);
  }
  const result = { when: new Date().toISOString(), refresh_interval_s: 300, new_file_visible_s: samples };
  mkdirSync(join(root, 'bench-results'), { recursive: true });
  writeFileSync(join(root, 'bench-results', 'airflow-default-discovery.json'), `${JSON.stringify(result, null, 2)}\n`);
  console.log(JSON.stringify(result));
} finally {
  spawnSync(process.execPath, [script, 'down'], { env, stdio: 'ignore' });
}
