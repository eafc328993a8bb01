#!/usr/bin/env node
// Transfer throughput, SQLite -> DuckDB: rows per second and peak RSS of the compiler's GENERATED transfer task,
// side by side with a hand-written best-effort load and the naive pandas read_sql + CREATE TABLE AS, for 100k, 1M
// and 5M rows of an `events` table. Each variant runs in its own Python process of the Airflow virtualenv (peak RSS
// is that process's ru_maxrss); every result is checked against the others (row count, types, checksum).
// Writes bench-results/pipeline.json. Run: npm run bench:pipeline
//   BENCH_SIZES=100000,1000000   sizes (default 100000,1000000,5000000)
//   BENCH_REPEAT=1               runs per size and variant, the fastest is reported (default 3)
//   BENCH_VARIANTS=generated,proposed,handwritten,pandas   (proposed: the generated module with the compiler change
//                                of pipeline/proposed-compiler-change.diff applied; skipped once the compiler has it)
//   BENCH_OUT=path               where the JSON goes (default bench-results/pipeline.json)
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { applyProposedChange } from './pipeline/apply-proposed-change.mjs';

const root = fileURLToPath(new URL('../..', import.meta.url));
const sizes = (process.env.BENCH_SIZES ?? '100000,1000000,5000000').split(',').map(Number);
const repeat = Math.max(1, Number(process.env.BENCH_REPEAT ?? 3));
let variants = (process.env.BENCH_VARIANTS ?? 'generated,proposed,handwritten,pandas').split(',');
const out = process.env.BENCH_OUT ?? join(root, 'bench-results', 'pipeline.json');
const work = join(root, '.data', 'bench-pipeline');
const harness = join(root, 'scripts', 'bench', 'pipeline', 'harness.py');
mkdirSync(work, { recursive: true });
const log = (line) => process.stderr.write(`${line}\n`);

const venvRun = spawnSync(process.execPath, [join(root, 'airflow', 'scripts', 'airflow-local.mjs'), 'venv', '--json'], {
  encoding: 'utf8',
  stdio: ['ignore', 'pipe', 'inherit'],
});
if (venvRun.status !== 0) process.exit(1);
const python = join(JSON.parse(venvRun.stdout.trim().split('\n').pop()).venv, 'bin', 'python');
// Bytecode cached under .data (the venv is left as it is): without it every process compiles Airflow, pandas and
// pyarrow's Python sources again, and a shell with PYTHONDONTWRITEBYTECODE=1 would pay that on every run.
const pyEnv = { ...process.env, AIRFLOW_HOME: join(work, 'airflow-home'), PYTHONPYCACHEPREFIX: join(work, 'pycache') };
delete pyEnv.PYTHONDONTWRITEBYTECODE;

const { compileDag, introspectSqlite, validateSpec } = await import(join(root, 'packages/pipeline/dist/index.js'));

function py(args) {
  const r = spawnSync(python, [harness, ...args], { encoding: 'utf8', env: pyEnv, maxBuffer: 1 << 24 });
  if (r.status !== 0) throw new Error(`harness ${args[0]} failed (${r.status}):\n${r.stderr.slice(-3000)}`);
  return JSON.parse(r.stdout.trim().split('\n').pop());
}
const pyText = (code) => spawnSync(python, ['-c', code], { encoding: 'utf8', env: pyEnv }).stdout.trim();
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const r2 = (x) => Math.round(x * 100) / 100;

const versions = JSON.parse(
  pyText(
    'import json, sys, sqlite3, duckdb, pyarrow, pandas, importlib.metadata as m; print(json.dumps({"python": sys.version.split()[0], "sqlite": sqlite3.sqlite_version, "duckdb": duckdb.__version__, "pyarrow": pyarrow.__version__, "pandas": pandas.__version__, "airflow": m.version("apache-airflow")}))',
  ),
);
const extension = pyText(
  'import duckdb\ntry:\n    duckdb.connect().execute("LOAD sqlite"); print("loaded")\nexcept Exception as e:\n    print(type(e).__name__ + ": " + str(e).splitlines()[0])',
);
log(`python ${versions.python}, duckdb ${versions.duckdb}, pyarrow ${versions.pyarrow}, airflow ${versions.airflow}`);
log(`duckdb sqlite extension offline: ${extension}`);

const results = [];
let generatedSample;
for (const size of sizes) {
  const db = join(work, `events-${size}.db`);
  let generation;
  if (!existsSync(db)) {
    generation = py(['generate', db, String(size)]);
    log(`generated ${size} rows in ${r2(generation.seconds)} s (${Math.round(generation.bytes / 1048576)} MiB)`);
  }
  spawnSync('cat', [db], { stdio: ['ignore', 'ignore', 'inherit'] }); // same warm page cache for every variant
  const info = introspectSqlite(db, 'events');
  if (info.rowCount !== size) throw new Error(`${db} holds ${info.rowCount} rows, expected ${size}`);
  const target = (variant) => join(work, `out-${variant}-${size}.duckdb`);
  const spec = validateSpec({
    dag_id: 'bench_pipeline_events',
    description: 'Benchmark: the events table from SQLite into DuckDB',
    tasks: [
      {
        type: 'transfer',
        id: 'load_events',
        source: { kind: 'sqlite', path: db },
        source_table: 'events',
        target: { kind: 'duckdb', path: target('generated') },
        target_table: 'events',
      },
    ],
  });
  const compiled = compileDag(spec, { airflowMajor: 3, sourceColumns: { load_events: info.columns } });
  const module = join(work, `bench_dag_${size}.py`);
  writeFileSync(module, compiled.code);
  const proposedModule = join(work, `bench_dag_proposed_${size}.py`);
  const proposedCode = applyProposedChange(compiled.code);
  if (proposedCode === undefined && variants.includes('proposed')) {
    log('the generated module no longer has the code the proposed change replaces: variant "proposed" dropped');
    variants = variants.filter((v) => v !== 'proposed');
  }
  if (proposedCode !== undefined) {
    writeFileSync(proposedModule, proposedCode.split(target('generated')).join(target('proposed')));
  }
  generatedSample ??= { spec, batch_size: spec.tasks[0].batch_size, code_sha: compiled.specHash };

  const runs = Object.fromEntries(variants.map((v) => [v, []]));
  const landed = {};
  for (let rep = 0; rep < repeat; rep++) {
    // rotate the order, so no variant always runs first (or last) on a machine shared with other work
    const order = variants.map((_, i) => variants[(i + rep) % variants.length]);
    for (const variant of order) {
      const args =
        variant === 'generated' || variant === 'proposed'
          ? ['generated', variant === 'generated' ? module : proposedModule, 'load_events', target(variant)]
          : [variant, db, target(variant)];
      const run = py(args);
      landed[variant] = py(['verify', target(variant)]);
      runs[variant].push(run);
      log(
        `${size} ${variant}: ${r2(run.seconds)} s (cpu ${r2(run.cpu_seconds)} s), ${Math.round(run.rows / run.seconds)} rows/s, peak ${Math.round(run.peak_rss_mb)} MB`,
      );
    }
  }
  const reference = landed[variants[0]];
  for (const [variant, got] of Object.entries(landed)) {
    if (got.rows !== size || JSON.stringify(got.checksum) !== JSON.stringify(reference.checksum)) {
      throw new Error(`${variant} landed different data: ${JSON.stringify(got)} vs ${JSON.stringify(reference)}`);
    }
  }
  for (const variant of variants) rmSync(target(variant), { force: true });
  const row = { rows: size, source_mib: r2(statSync(db).size / 1048576), variants: {} };
  for (const variant of variants) {
    const xs = runs[variant];
    // best of N: on a machine shared with other work, interference only ever adds time
    const seconds = Math.min(...xs.map((x) => x.seconds));
    const cpu = Math.min(...xs.map((x) => x.cpu_seconds));
    row.variants[variant] = {
      seconds: r2(seconds),
      seconds_median: r2(median(xs.map((x) => x.seconds))),
      cpu_seconds: r2(cpu),
      rows_per_second: Math.round(size / seconds),
      rows_per_cpu_second: Math.round(size / cpu),
      peak_rss_mb: Math.round(median(xs.map((x) => x.peak_rss_mb))),
      baseline_rss_mb: Math.round(median(xs.map((x) => x.baseline_rss_mb))),
      runs: xs.map((x) => ({
        seconds: r2(x.seconds),
        cpu_seconds: r2(x.cpu_seconds),
        peak_rss_mb: Math.round(x.peak_rss_mb),
      })),
      landed_types: landed[variant].types,
    };
  }
  const h = row.variants.handwritten;
  for (const name of ['generated', 'proposed']) {
    const v = row.variants[name];
    if (v && h) {
      row[`${name}_vs_handwritten`] = {
        throughput: r2(v.rows_per_second / h.rows_per_second),
        cpu_throughput: r2(v.rows_per_cpu_second / h.rows_per_cpu_second),
      };
    }
  }
  if (generation) row.generation_seconds = r2(generation.seconds);
  results.push(row);
}

// Targets of issue 5 item 9: at least 0.8x the hand-written throughput at every size (judged on CPU time, which
// other work on the machine disturbs far less than wall time; both are reported), and peak memory flat as rows grow:
// RSS growth per extra million rows no more than 1.5x the hand-written load's, whose own growth is DuckDB keeping
// the blocks of the table it writes in its buffer pool (duckdb_memory() BASE_TABLE, about the compressed table).
const growthPerMillion = (name) => {
  const ends = [results[0], results.at(-1)].map((r) => ({ rows: r.rows, peak: r.variants[name]?.peak_rss_mb }));
  if (results.length < 2 || ends.some((e) => e.peak === undefined)) return undefined;
  return r2(((ends[1].peak - ends[0].peak) * 1e6) / (ends[1].rows - ends[0].rows));
};
const targetsOf = (name) => {
  const ratios = results.map((r) => r[`${name}_vs_handwritten`]).filter((x) => x !== undefined);
  const growth = growthPerMillion(name);
  const reference = growthPerMillion('handwritten');
  return {
    cpu_throughput_ratio_by_size: ratios.map((x) => x.cpu_throughput),
    wall_throughput_ratio_by_size: ratios.map((x) => x.throughput),
    at_least_0_8x_handwritten: ratios.length ? ratios.every((x) => x.cpu_throughput >= 0.8) : null,
    peak_rss_mb_by_size: results.map((r) => r.variants[name]?.peak_rss_mb),
    rss_growth_mb_per_million_rows: growth,
    flat_memory:
      name === 'handwritten'
        ? 'reference'
        : growth !== undefined && reference !== undefined
          ? growth <= Math.max(1.5 * reference, 10)
          : null,
  };
};
const report = {
  benchmark: 'pipeline transfer SQLite -> DuckDB',
  date: new Date().toISOString(),
  machine: {
    cpus: cpus().length,
    cpu_model: cpus()[0]?.model,
    memory_gib: Math.round(totalmem() / 2 ** 30),
    node: process.versions.node,
    note: 'shared with other work: wall-clock numbers are noisy, cpu_seconds (process CPU time, all threads) less so',
  },
  versions,
  duckdb_sqlite_extension: extension,
  repeat,
  generated_task: {
    how: 'compileDag (packages/pipeline/dist) of a replace-mode transfer with sourceColumns from introspectSqlite, module imported with the real airflow.sdk, DAG found through DagContext.autoregistered_dags, task python_callable called directly',
    batch_size: generatedSample?.batch_size,
  },
  handwritten:
    'sqlite3 fetchmany(100000) -> pyarrow struct array -> RecordBatch -> DuckDB INSERT ... SELECT (timestamp cast in DuckDB), one transaction, cyclic GC paused',
  pandas: "pd.read_sql(SELECT ..., parse_dates=['timestamp']) -> DuckDB CREATE TABLE AS SELECT * FROM df",
  proposed: variants.includes('proposed')
    ? 'the generated module with scripts/bench/pipeline/proposed-compiler-change.diff applied: the Arrow batch scanned from a local (no con.register/unregister inside the transaction) and the cyclic GC paused in the batch loop'
    : undefined,
  measured:
    'timing and RSS cover the transfer only: imports and a first DuckDB scan of a Python object (which imports pandas) are done before the clock starts; peak_rss_mb is the process ru_maxrss, baseline_rss_mb the RSS just before the transfer (the generated task process has Airflow loaded)',
  results,
  sizes,
  targets: Object.fromEntries(
    ['generated', 'proposed', 'handwritten', 'pandas']
      .filter((v) => variants.includes(v))
      .map((v) => [v, targetsOf(v)]),
  ),
};
mkdirSync(join(out, '..'), { recursive: true });
writeFileSync(out, `${JSON.stringify(report, null, 2)}\n`);
log(`wrote ${out}`);
