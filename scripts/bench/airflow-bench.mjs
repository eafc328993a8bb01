#!/usr/bin/env node
// Measures what users wait for against a real Airflow standalone (its own port and DATA_DIR): a new DAG file
// becoming visible, a changed file re-parsed, a trigger to success, and create_dag end to end moving 2,000 rows.
// create_dag's own `timings` (each phase in ms) give the breakdown table; the machine's load average is sampled
// every second while create_dag runs (2 cores, shared with other work).
// Writes bench-results/airflow.json. Run: npm run bench:airflow   (N=10 by default: BENCH_N)
// BENCH_AIRFLOW_MODE=celery (airflow-celery.mjs: CeleryExecutor, two workers) or celery-git (the same, DAGs delivered
// as commits to its git DAG bundle, DAGS_DELIVERY=git) writes bench-results/airflow-<mode>.json instead.
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));
const N = Number(process.env.BENCH_N ?? 10);
const loadAtStart = loadavg().map((l) => Math.round(l * 100) / 100);
const mode = process.env.BENCH_AIRFLOW_MODE ?? 'standalone';
if (!['standalone', 'celery', 'celery-git'].includes(mode))
  throw new Error('BENCH_AIRFLOW_MODE: standalone, celery or celery-git');
const celery = mode !== 'standalone';
const env = {
  ...process.env,
  DATA_DIR: process.env.BENCH_DATA_DIR ?? join(root, '.data', celery ? 'bench-celery' : 'bench-airflow'),
  AIRFLOW_PORT: process.env.BENCH_AIRFLOW_PORT ?? (celery ? '38090' : '38080'),
  ...(celery ? { REDIS_PORT: process.env.BENCH_REDIS_PORT ?? '36379' } : {}),
};
delete env.DAGS_DIR;
const script = join(root, 'airflow', 'scripts', celery ? 'airflow-celery.mjs' : 'airflow-local.mjs');
const up = spawnSync(process.execPath, [script, 'up', '--json'], {
  env,
  encoding: 'utf8',
  stdio: ['ignore', 'pipe', 'inherit'],
});
if (up.status !== 0) process.exit(1);
const af = JSON.parse(up.stdout.trim().split('\n').pop());

const { createAirflowService, createDagService, createPlannerRouter, createRulePlanner } = await import(
  join(root, 'packages/agent/dist/index.js')
);
const { createSampleDatabase } = await import(join(root, 'packages/pipeline/dist/index.js'));
const { renderDagFileHeader } = await import(join(root, 'packages/airflow/dist/index.js'));

const stats = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const q = (p) => s[Math.min(s.length - 1, Math.floor(p * s.length))];
  return { n: s.length, min: s[0], p50: q(0.5), p95: q(0.95), max: s.at(-1) };
};
const secs = (ms) => Math.round(ms / 100) / 10;
const airflow = createAirflowService({
  url: af.url,
  username: af.service.username,
  password: af.service.password,
  dagsDir: af.dagsDir,
  ...(mode === 'celery-git'
    ? {
        dagsGit: {
          repository: af.gitRepository,
          branch: 'main',
          workDir: join(af.dataDir, `bench-clone-${Date.now()}`),
        },
      }
    : {}),
  timeoutMs: 15000,
  pollMs: 200,
});
const dag = (id, v) => `${renderDagFileHeader({ dagId: id, specHash: `b${v}`, version: v, generator: 'bench' })}
from datetime import datetime
from airflow.sdk import dag, task
@dag(dag_id="${id}", schedule=None, start_date=datetime(2024, 1, 1), catchup=False, tags=["bench", "v${v}"])
def d():
    @task
    def t():
        return ${v}
    t()
d()
`;
const suffix = Date.now().toString(36);
const newParse = [];
const reparse = [];
const runs = [];
try {
  for (let i = 0; i < N; i++) {
    const id = `bench_${suffix}_${i}`;
    let t = Date.now();
    await airflow.deployer.deploy({ dagId: id, source: dag(id, 1) });
    newParse.push(Date.now() - t);
    t = Date.now();
    await airflow.deployer.deploy({ dagId: id, source: dag(id, 2) });
    reparse.push(Date.now() - t);
    t = Date.now();
    const run = await airflow.run({ dagId: id, wait: true, timeoutMs: 120000 });
    if (run.state !== 'success') throw new Error(`run ${run.run_id} ${run.state}`);
    runs.push(Date.now() - t);
    await airflow.deployer.remove(id);
  }
  const warehouse = join(af.dataDir, `bench-warehouse-${suffix}`);
  mkdirSync(warehouse, { recursive: true });
  createSampleDatabase(join(warehouse, 'sample.db'));
  const dags = createDagService({
    airflow,
    planner: createPlannerRouter({ mode: 'rules', rules: createRulePlanner(), allowedDataDirs: [warehouse] }),
    allowedDataDirs: [warehouse],
    python: af.python,
    generatorVersion: 'bench',
  });
  const e2e = [];
  const timings = [];
  const loadSamples = [];
  const sampler = setInterval(() => loadSamples.push(loadavg()[0]), 1000);
  for (let i = 0; i < N; i++) {
    const t = Date.now();
    const r = await dags.create({
      request: `SQLite의 events 테이블에서 event_id, user_id, event_type, timestamp 컬럼만 선택해서 DuckDB의 analytics.duckdb 파일로 옮겨줘, dag id bench_e2e_${suffix}_${i}`,
      sourceDb: join(warehouse, 'sample.db'),
      deploy: true,
      run: true,
      wait: true,
      timeoutMs: 180000,
    });
    if (r.run?.rows !== 2000) throw new Error(`expected 2,000 rows, got ${r.run?.rows}`);
    e2e.push(Date.now() - t);
    timings.push(r.timings ?? {});
    await airflow.deployer.remove(r.dag_id);
  }
  clearInterval(sampler);
  // Each phase over the N calls (ms), in the order the phases ran; the per-task phases are named by task id.
  const phases = [...new Set(timings.flatMap((x) => Object.keys(x)))];
  const breakdown = Object.fromEntries(
    phases.map((p) => {
      const { n, p50, p95, max } = stats(timings.map((x) => x[p]).filter((v) => v !== undefined));
      return [p, { n, p50, p95, max }];
    }),
  );
  const round2 = (x) => Math.round(x * 100) / 100;
  const result = {
    when: new Date().toISOString(),
    airflow: (await airflow.client.detectVersion()).version,
    mode,
    machine: `${process.platform} ${process.arch}, ${cpus().length} cores, Node ${process.version}`,
    load: {
      at_start: loadAtStart,
      during_create_dag: loadSamples.length
        ? {
            mean: round2(loadSamples.reduce((a, b) => a + b, 0) / loadSamples.length),
            max: round2(Math.max(...loadSamples)),
          }
        : null,
    },
    settings:
      'dag_processor.refresh_interval=2, bundle_refresh_check_interval=1, min_file_process_interval=10; scheduler_idle_sleep_time=0.25; poll 200 ms',
    seconds: {
      new_file_visible: stats(newParse.map(secs)),
      changed_file_reparsed: stats(reparse.map(secs)),
      trigger_to_success: stats(runs.map(secs)),
      create_dag_end_to_end_2000_rows: stats(e2e.map(secs)),
    },
    create_dag_breakdown_ms: breakdown,
  };
  mkdirSync(join(root, 'bench-results'), { recursive: true });
  writeFileSync(
    join(root, 'bench-results', mode === 'standalone' ? 'airflow.json' : `airflow-${mode}.json`),
    `${JSON.stringify(result, null, 2)}\n`,
  );
  console.log(JSON.stringify(result, null, 2));
  console.log('\n| create_dag phase (ms) | p50 | p95 | max |\n| --- | --- | --- | --- |');
  for (const [p, s] of Object.entries(breakdown)) console.log(`| ${p} | ${s.p50} | ${s.p95} | ${s.max} |`);
} finally {
  if (!process.env.BENCH_KEEP_AIRFLOW) spawnSync(process.execPath, [script, 'down'], { env, stdio: 'ignore' });
}
