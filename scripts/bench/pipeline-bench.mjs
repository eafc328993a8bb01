#!/usr/bin/env node
// Transfer throughput into DuckDB (issue 16): the compiler's GENERATED transfer task side by side with what a user
// writes by hand instead, DuckDB's own one statement through its scanner extension (LOADed by path from the wheel in
// the Airflow lock), for an `events` table of 100k / 1M / 5M rows in SQLite and in PostgreSQL; also the generated
// task's streaming fallback (the path taken when the scanner wheel does not match duckdb), and optionally the older
// hand-written Python loop and pandas. Each variant runs in its own Python process of the Airflow virtualenv (peak
// RSS is that process's ru_maxrss); every result is checked against the others (row count, types, checksum).
// Writes bench-results/pipeline.json. Run: npm run bench:pipeline (check `uptime` first: the machine is shared)
//   BENCH_SIZES=1000000,5000000   sizes (default 1000000,5000000)
//   BENCH_REPEAT=1                runs per size and variant, the fastest is reported (default 3)
//   BENCH_VARIANTS=generated,duckdb,generated_pg,duckdb_pg,streaming,handwritten,pandas,
//                  copy_pg,copy_pg_streaming,statement_pg,copy_duckdb,copy_duckdb_streaming,statement_duckdb_pg
//                                 (default: the first five; *_pg and the copy/statement variants, transfers INTO
//                                 PostgreSQL (ADR 0016), need the PostgreSQL of the tests, started here)
//   BENCH_OUT=path                where the JSON goes (default bench-results/pipeline.json)
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));
const sizes = (process.env.BENCH_SIZES ?? '1000000,5000000').split(',').map(Number);
const repeat = Math.max(1, Number(process.env.BENCH_REPEAT ?? 3));
const variants = (process.env.BENCH_VARIANTS ?? 'generated,duckdb,generated_pg,duckdb_pg,streaming').split(',');
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

const { compileDag, introspectDuckdb, introspectSqlite, serverTypeOf, validateSpec } = await import(
  join(root, 'packages/pipeline/dist/index.js')
);

function py(args, extraEnv = {}) {
  const r = spawnSync(python, [harness, ...args], {
    encoding: 'utf8',
    env: { ...pyEnv, ...extraEnv },
    maxBuffer: 1 << 24,
  });
  if (r.status !== 0) throw new Error(`harness ${args[0]} failed (${r.status}):\n${r.stderr.slice(-3000)}`);
  return JSON.parse(r.stdout.trim().split('\n').pop());
}
const pyText = (code) => spawnSync(python, ['-c', code], { encoding: 'utf8', env: pyEnv }).stdout.trim();
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const r2 = (x) => Math.round(x * 100) / 100;

const loadAtStart = loadavg().map((x) => Math.round(x * 100) / 100);
const versions = JSON.parse(
  pyText(
    'import json, sys, sqlite3, duckdb, pyarrow, pandas, importlib.metadata as m; print(json.dumps({"python": sys.version.split()[0], "sqlite": sqlite3.sqlite_version, "duckdb": duckdb.__version__, "pyarrow": pyarrow.__version__, "pandas": pandas.__version__, "airflow": m.version("apache-airflow")}))',
  ),
);
const extensions = pyText(
  `import subprocess, sys; print(subprocess.run([sys.executable, ${JSON.stringify(join(root, 'airflow', 'scripts', 'check_duckdb_extensions.py'))}], capture_output=True, text=True).stdout.strip())`,
);
log(`python ${versions.python}, duckdb ${versions.duckdb}, pyarrow ${versions.pyarrow}, airflow ${versions.airflow}`);
log(extensions);

// The streaming fallback: the same generated module, run with every scanner wheel shadowed by one built for another
// duckdb version (the task then streams, and says why).
const shadow = join(work, 'shadowed-scanners');
for (const kind of ['sqlite', 'postgres', 'mysql']) {
  const name = `duckdb_extension_${kind}_scanner`;
  const folder = join(shadow, name, 'extensions', 'v0.0.0');
  mkdirSync(folder, { recursive: true });
  writeFileSync(join(shadow, name, '__init__.py'), '');
  writeFileSync(join(folder, `${kind}_scanner.duckdb_extension`), '');
}

// PostgreSQL: the tests' own server (scripts/postgres-local.mjs, same DATA_DIR and port as test/setup), if asked for.
let postgres;
const intoPostgres = (v) => v.startsWith('copy_') || v.startsWith('statement_');
if (variants.some((v) => v.endsWith('_pg') || intoPostgres(v))) {
  const up = spawnSync(process.execPath, [join(root, 'scripts', 'postgres-local.mjs'), 'up', '--json'], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
    env: {
      ...process.env,
      DATA_DIR: join(root, '.data', 'test-airflow'),
      PG_PORT: process.env.AIRFLOW_MCP_TEST_PG_PORT ?? '25432',
      PG_USER: 'etl',
      PG_DATABASE: 'warehouse',
    },
  });
  if (up.status !== 0) throw new Error('PostgreSQL did not start');
  postgres = JSON.parse(up.stdout.trim().split('\n').pop());
}
const libpq = (p) => `host=${p.host} port=${p.port} user=${p.user} password=${p.password} dbname=${p.database}`;

const results = [];
let generatedSample;
for (const size of sizes) {
  const db = join(work, `events-${size}.db`);
  let generation;
  if (!existsSync(db)) {
    generation = py(['generate', db, String(size)]);
    log(`generated ${size} rows in ${r2(generation.seconds)} s (${Math.round(generation.bytes / 1048576)} MiB)`);
  }
  const pgTable = `bench_pipeline_events_${size}`;
  if (postgres) {
    const loaded = py(['load_postgres', db, libpq(postgres), pgTable]);
    log(`PostgreSQL ${pgTable}: ${loaded.rows} rows loaded in ${r2(loaded.seconds)} s`);
  }
  spawnSync('cat', [db], { stdio: ['ignore', 'ignore', 'inherit'] }); // same warm page cache for every variant
  const info = await introspectSqlite(db, 'events');
  if (info.rowCount !== size) throw new Error(`${db} holds ${info.rowCount} rows, expected ${size}`);
  const target = (variant) => join(work, `out-${variant}-${size}.duckdb`);
  const pgTarget = (variant) => `bench_out_${variant}`;
  const compile = (variant, source, table, into, columns = info.columns) => {
    const spec = validateSpec({
      dag_id: `bench_pipeline_${variant}`,
      description: `Benchmark: the events table into ${into ? 'PostgreSQL' : 'DuckDB'}`,
      tasks: [
        {
          type: 'transfer',
          id: 'load_events',
          source,
          source_table: table,
          target: into ?? { kind: 'duckdb', path: target(variant) },
          target_table: into ? pgTarget(variant) : 'events',
        },
      ],
    });
    const compiled = compileDag(spec, { airflowMajor: 3, sourceColumns: columns ? { load_events: columns } : {} });
    const path = compiled.transferPaths[0].path;
    log(`${variant}: ${path.path} path${path.path === 'streaming' ? ` (${path.reason})` : ''}`);
    const module = join(work, `bench_dag_${variant}_${size}.py`);
    writeFileSync(module, compiled.code);
    generatedSample ??= { spec, batch_size: spec.tasks[0].batch_size, code_sha: compiled.specHash };
    return module;
  };
  const pgEnv = postgres ? { AIRFLOW_CONN_BENCH_PG: postgres.url, BENCH_PG_TABLE: pgTable } : {};
  // Transfers into PostgreSQL: from the PostgreSQL table (same server) and from a DuckDB copy of the events.
  const duckSource = join(work, `events-${size}.duckdb`);
  let pgColumns;
  let duckColumns;
  if (variants.some(intoPostgres)) {
    pgColumns = py(['pg_columns', libpq(postgres), pgTable]).map((c) => ({ ...c, type: serverTypeOf(c.declared) }));
    if (!existsSync(duckSource)) log(`DuckDB source: ${py(['load_duckdb', db, duckSource]).rows} rows`);
    duckColumns = (await introspectDuckdb(duckSource, python, 'events')).columns;
  }
  const bench = { kind: 'postgres', conn_id: 'bench_pg' };
  const intoPg = (variant, source, table, columns) => [
    [
      'generated_into_pg',
      compile(variant, source, table, bench, columns),
      'load_events',
      libpq(postgres),
      pgTarget(variant),
    ],
    pgEnv,
  ];
  const commands = {
    generated: () => [
      ['generated', compile('generated', { kind: 'sqlite', path: db }, 'events'), 'load_events', target('generated')],
    ],
    streaming: () => [
      ['generated', compile('streaming', { kind: 'sqlite', path: db }, 'events'), 'load_events', target('streaming')],
      { PYTHONPATH: shadow },
    ],
    duckdb: () => [['duckdb_statement', 'sqlite', db, target('duckdb')]],
    generated_pg: () => [
      [
        'generated',
        compile('generated_pg', { kind: 'postgres', conn_id: 'bench_pg' }, pgTable),
        'load_events',
        target('generated_pg'),
      ],
      pgEnv,
    ],
    duckdb_pg: () => [['duckdb_statement', 'postgres', postgres ? libpq(postgres) : '', target('duckdb_pg')], pgEnv],
    // The COPY paths, their streaming fallback (the same transfer without what makes it native: PostgreSQL
    // columns without their declared types, DuckDB columns without types) and what a user writes by hand.
    copy_pg: () => intoPg('copy_pg', bench, pgTable, pgColumns),
    copy_pg_streaming: () =>
      intoPg(
        'copy_pg_streaming',
        bench,
        pgTable,
        pgColumns.map((c) => ({ name: c.name, type: c.type })),
      ),
    statement_pg: () => [['pg_statement', libpq(postgres), pgTable, pgTarget('statement_pg')]],
    copy_duckdb: () => intoPg('copy_duckdb', { kind: 'duckdb', path: duckSource }, 'events', duckColumns),
    copy_duckdb_streaming: () => intoPg('copy_duckdb_streaming', { kind: 'duckdb', path: duckSource }, 'events', null),
    statement_duckdb_pg: () => [['duckdb_pg_statement', duckSource, libpq(postgres), pgTarget('statement_duckdb_pg')]],
    handwritten: () => [['handwritten', db, target('handwritten')]],
    pandas: () => [['pandas', db, target('pandas')]],
  };
  const prepared = Object.fromEntries(variants.map((v) => [v, commands[v]()]));

  const runs = Object.fromEntries(variants.map((v) => [v, []]));
  const landed = {};
  for (let rep = 0; rep < repeat; rep++) {
    // rotate the order, so no variant always runs first (or last) on a machine shared with other work
    const order = variants.map((_, i) => variants[(i + rep) % variants.length]);
    for (const variant of order) {
      const [args, extraEnv] = prepared[variant];
      const run = py(args, extraEnv);
      landed[variant] = intoPostgres(variant)
        ? py(['verify_pg', libpq(postgres), pgTarget(variant)])
        : py(['verify', target(variant)]);
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
  if (variants.some(intoPostgres)) py(['drop_pg', libpq(postgres), ...variants.filter(intoPostgres).map(pgTarget)]);
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
  // Issue 16's targets: the generated task at least 0.9x DuckDB's own statement's throughput (best of N wall time),
  // peak RSS at most 1.2x (both processes import the same Airflow, duckdb and pyarrow first).
  for (const [ours, theirs, name] of [
    ['generated', 'duckdb', 'sqlite_generated_vs_duckdb'],
    ['generated_pg', 'duckdb_pg', 'postgres_generated_vs_duckdb'],
    ['copy_pg', 'statement_pg', 'postgres_to_postgres_generated_vs_statement'],
    ['copy_duckdb', 'statement_duckdb_pg', 'duckdb_to_postgres_generated_vs_statement'],
  ]) {
    const a = row.variants[ours];
    const b = row.variants[theirs];
    if (a && b) {
      row[name] = {
        throughput: r2(a.rows_per_second / b.rows_per_second),
        peak_rss: r2(a.peak_rss_mb / b.peak_rss_mb),
        meets_target: a.rows_per_second >= 0.9 * b.rows_per_second && a.peak_rss_mb <= 1.2 * b.peak_rss_mb,
      };
    }
  }
  if (generation) row.generation_seconds = r2(generation.seconds);
  results.push(row);
}

const report = {
  benchmark: 'pipeline transfer into DuckDB: generated task vs DuckDB one statement (SQLite and PostgreSQL sources)',
  date: new Date().toISOString(),
  machine: {
    cpus: cpus().length,
    cpu_model: cpus()[0]?.model,
    memory_gib: Math.round(totalmem() / 2 ** 30),
    node: process.versions.node,
    load_average_at_start: loadAtStart,
    note: 'shared with other work: wall-clock numbers are noisy, cpu_seconds (process CPU time, all threads) less so',
  },
  versions,
  extensions,
  repeat,
  variants: {
    generated:
      'compileDag of a replace-mode SQLite -> DuckDB transfer (sourceColumns from introspectSqlite): the native path, one INSERT through the sqlite scanner; module imported with the real airflow.sdk, task python_callable called directly',
    streaming:
      'the same generated task with the scanner wheels shadowed by ones built for another duckdb: the streaming fallback (batches of ' +
      (generatedSample?.batch_size ?? '?') +
      ' rows through Arrow)',
    duckdb: "by hand: LOAD of the scanner by path, CREATE TABLE events AS SELECT * FROM sqlite_scan(path, 'events')",
    generated_pg:
      'the generated task for a PostgreSQL source (Airflow connection from AIRFLOW_CONN_BENCH_PG): one INSERT scanning the attached table (postgres_query when its columns or filter need the server)',
    duckdb_pg:
      'by hand: ATTACH the PostgreSQL database (TYPE postgres, READ_ONLY), CREATE TABLE events AS SELECT * FROM src.public.<table>',
    handwritten:
      'sqlite3 fetchmany(100000) -> pyarrow struct array -> RecordBatch -> DuckDB INSERT ... SELECT, one transaction, cyclic GC paused',
    pandas: "pd.read_sql(SELECT ..., parse_dates=['timestamp']) -> DuckDB CREATE TABLE AS SELECT * FROM df",
    copy_pg:
      'the generated task for PostgreSQL -> PostgreSQL (same server, two connections): one binary COPY TO STDOUT piped into COPY FROM STDIN',
    copy_pg_streaming:
      "the same transfer compiled without the source columns' declared types: the streaming path (batches through Python, CSV COPY per batch)",
    statement_pg:
      'by hand, both tables in one database: CREATE TABLE out AS SELECT * FROM <table> (nothing leaves the server)',
    copy_duckdb:
      "the generated task for DuckDB -> PostgreSQL: the SELECT's Arrow batches written as CSV into one COPY FROM STDIN",
    copy_duckdb_streaming: 'the same transfer compiled without source types: the streaming path',
    statement_duckdb_pg:
      'by hand: DuckDB with its postgres extension (LOADed by path) attached read-write, CREATE TABLE pg.public.out AS SELECT * FROM events',
  },
  measured:
    'timing and RSS cover the transfer only: imports (Airflow, duckdb, pyarrow) and a first DuckDB scan of a Python object are done before the clock starts; peak_rss_mb is the process ru_maxrss, baseline_rss_mb the RSS just before the transfer',
  results,
  sizes,
};
mkdirSync(join(out, '..'), { recursive: true });
writeFileSync(out, `${JSON.stringify(report, null, 2)}\n`);
log(`wrote ${out}`);
