#!/usr/bin/env node
// npm run bench:load — the built service under load over MCP Streamable HTTP, against a real Airflow standalone.
//  1. mixed: BENCH_SESSIONS (50) concurrent MCP sessions (the SDK client) call search_docs (English and Korean),
//     list_dags and check_dag_status (on a generated DAG that has run) for BENCH_SECONDS (60): errors, latency
//     percentiles per tool, throughput and the server's memory every second.
//  2. comparison, same run: search_docs over MCP, then the same search_docs handler behind a plain Fastify JSON
//     route (scripts/bench/plain-search-server.mjs, same DATA_DIR), with the same lean load generator and
//     concurrency, on hot (cached) and varied queries, BENCH_COMPARE_SECONDS (15) each. Target: MCP at least 0.5x
//     the plain route's throughput.
// Server and load generator run on separate cores. Writes bench-results/mcp-load.json; exits 1 on any error or a
// missed target. Airflow: .data/bench-airflow on BENCH_AIRFLOW_PORT (38080), left running.
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { openWireSession } from './lib/mcp-wire-session.mjs';

const root = fileURLToPath(new URL('../..', import.meta.url));
const SESSIONS = Number(process.env.BENCH_SESSIONS ?? 50);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 60);
const COMPARE_SECONDS = Number(process.env.BENCH_COMPARE_SECONDS ?? 15);
const QUERIES = [
  'incremental load by watermark into DuckDB',
  '매일 실행 스케줄과 재시도 설정',
  'how do I pass credentials through an Airflow connection',
  'PostgreSQL upsert with ON CONFLICT',
  '데이터 품질 검사 실패 시 알림',
  'catchup and start_date for a daily schedule',
];

// Varied: the labelled evaluation queries (English and Korean) with a few natural variations each.
const evalQueries = readFileSync(join(root, 'knowledge/eval/queries.jsonl'), 'utf8')
  .split('\n')
  .filter(Boolean)
  .map((line) => JSON.parse(line).query);
const VARIATIONS = ['', ' in Airflow 3', ' with an example', ' for production', ' step by step'];
const WORKLOADS = {
  hot: QUERIES,
  varied: VARIATIONS.flatMap((v) => evalQueries.map((q) => `${q}${v}`)),
};

const freePort = () =>
  new Promise((resolve) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const p = s.address().port;
      s.close(() => resolve(p));
    });
  });
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const rssMb = (pid) => {
  const kb = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
  return kb ? Math.round(Number(kb) / 1024) : null;
};
/** CPU seconds (user + system) a process has used so far. */
const cpuSeconds = (pid) => {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
};
const percentiles = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const q = (p) => Math.round(s[Math.min(s.length - 1, Math.floor(p * s.length))] * 10) / 10;
  return s.length ? { n: s.length, p50: q(0.5), p95: q(0.95), p99: q(0.99), max: q(1) } : { n: 0 };
};

// A real Airflow for list_dags and check_dag_status.
const airflowEnv = {
  ...process.env,
  DATA_DIR: join(root, '.data', 'bench-airflow'),
  AIRFLOW_PORT: process.env.BENCH_AIRFLOW_PORT ?? '38080',
};
delete airflowEnv.DAGS_DIR;
const up = spawnSync(process.execPath, [join(root, 'airflow/scripts/airflow-local.mjs'), 'up', '--json'], {
  env: airflowEnv,
  encoding: 'utf8',
  stdio: ['ignore', 'pipe', 'inherit'],
});
if (up.status !== 0) process.exit(1);
const af = JSON.parse(up.stdout.trim().split('\n').pop());

const dataDir = mkdtempSync(join(tmpdir(), 'mcp-load-'));
const warehouse = join(dataDir, 'warehouse');
mkdirSync(warehouse, { recursive: true });
const { createSampleDatabase } = await import(join(root, 'packages/pipeline/dist/index.js'));
createSampleDatabase(join(warehouse, 'sample.db'));
const port = await freePort();
const serviceEnv = {
  ...process.env,
  PORT: String(port),
  HOST: '127.0.0.1',
  DATA_DIR: dataDir,
  ALLOWED_DATA_DIRS: warehouse,
  AIRFLOW_URL: af.url,
  AIRFLOW_USERNAME: af.service.username,
  AIRFLOW_PASSWORD: af.service.password,
  AIRFLOW_PYTHON: af.python,
  DAGS_DIR: af.dagsDir,
  PLANNER: 'rules',
  EMBEDDER: 'local',
  MCP_RATE_LIMIT_PER_MIN: '0',
  // BENCH_SESSIONS (50) sessions from one client: more than the default bound per key (32).
  MCP_MAX_SESSIONS_PER_KEY: '0',
  LOG_LEVEL: 'warn',
};
const base = `http://127.0.0.1:${port}`;

// Load generator and server on separate cores (as one would on separate machines): the MCP client costs more CPU
// than a plain HTTP client, and on a shared core that cost would be charged to the server under test.
const PIN = cpus().length >= 2 && process.env.BENCH_PIN !== '0' && spawnSync('taskset', ['-V']).status === 0;
if (PIN) spawnSync('taskset', ['-a', '-cp', '0', String(process.pid)], { stdio: 'ignore' });

function startProcess(args) {
  const [bin, argv] = PIN ? ['taskset', ['-c', '1', process.execPath, ...args]] : [process.execPath, args];
  const child = spawn(bin, argv, { env: serviceEnv, stdio: ['ignore', 'pipe', 'inherit'] });
  child.stdout.resume();
  return child;
}
async function stopProcess(child) {
  if (child.exitCode !== null) return;
  child.kill('SIGTERM');
  await new Promise((r) => child.once('exit', r));
}

// Memory of whichever server is running, every second, for the whole run.
const memory = [];
let current;
const started = performance.now();
const sampler = setInterval(() => {
  if (current?.child.exitCode === null) {
    const mb = rssMb(current.child.pid);
    if (mb !== null)
      memory.push({ s: Math.round((performance.now() - started) / 1000), phase: current.phase, rssMb: mb });
  }
}, 1000);

const connect = async () => {
  const c = new Client({ name: 'bench-load', version: '1' });
  await c.connect(new StreamableHTTPClientTransport(new URL(`${base}/mcp`)));
  return c;
};

/** Every session calls `pick(session, n)` back to back until the deadline. */
async function drive(clients, seconds, pick) {
  const latency = {};
  const errors = [];
  let calls = 0;
  const deadline = performance.now() + seconds * 1000;
  const t0 = performance.now();
  await Promise.all(
    clients.map(async (client, session) => {
      for (let n = 0; performance.now() < deadline; n++) {
        const { name, args } = pick(session, n);
        const t = performance.now();
        try {
          const r = await client.callTool({ name, arguments: args }, undefined, { timeout: 60_000 });
          if (r.isError) errors.push(`${name}: ${r.content?.[0]?.text?.slice(0, 200)}`);
        } catch (error) {
          errors.push(`${name}: ${error instanceof Error ? error.message : String(error)}`);
        }
        (latency[name] ??= []).push(performance.now() - t);
        calls++;
      }
    }),
  );
  const elapsed = (performance.now() - t0) / 1000;
  return { calls, elapsed, latency, errors };
}

let result;
const server = { child: startProcess([join(root, 'apps/server/bin/airflow-mcp.js'), 'serve']), phase: 'startup' };
current = server;
try {
  for (let i = 0; ; i++) {
    if (i > 480) throw new Error('the service did not start');
    if (
      await fetch(`${base}/readyz`).then(
        (r) => r.ok,
        () => false,
      )
    )
      break;
    await sleep(250);
  }
  const probe = await connect();
  const suffix = Date.now().toString(36);
  const dagId = `load_bench_${suffix}`;
  const created = await probe.callTool(
    {
      name: 'create_dag',
      arguments: {
        task_description: `copy the events table from SQLite sample.db into DuckDB load.duckdb, dag id ${dagId}`,
        run: true,
        wait: true,
      },
    },
    undefined,
    { timeout: 600_000 },
  );
  if (created.isError || created.structuredContent?.run?.state !== 'success') {
    throw new Error(`the DAG for check_dag_status did not run: ${created.content?.[0]?.text}`);
  }
  await probe.close();

  const clients = await Promise.all(Array.from({ length: SESSIONS }, connect));
  const mixedOps = [
    (s, n) => ({ name: 'search_docs', args: { query: QUERIES[(s + n) % QUERIES.length], k: 5 } }),
    () => ({ name: 'list_dags', args: { only_generated: true } }),
    () => ({ name: 'check_dag_status', args: { dag_id: dagId } }),
  ];
  server.phase = 'mixed';
  const mixed = await drive(clients, SECONDS, (s, n) => mixedOps[(s + n) % mixedOps.length](s, n));
  await Promise.all(clients.map((c) => c.close().catch(() => {})));

  // The comparison: the same search_docs calls over MCP and behind a plain Fastify route, with the same lean
  // load generator (undici fetch; MCP spoken on the wire), first on hot queries (answered from the result cache:
  // nearly all the cost is the protocol) then on varied ones (more than the cache holds: a real search each time).
  const comparison = {};
  const run = async (phase, pid, open, call) => {
    current.phase = phase;
    const sessions = await Promise.all(Array.from({ length: SESSIONS }, open));
    const measured = {};
    for (const [workload, queries] of Object.entries(WORKLOADS)) {
      const latency = [];
      const errors = [];
      let calls = 0;
      const deadline = performance.now() + COMPARE_SECONDS * 1000;
      const t0 = performance.now();
      const c0 = cpuSeconds(pid);
      await Promise.all(
        sessions.map(async (session, s) => {
          for (let n = 0; performance.now() < deadline; n++) {
            const args = { query: queries[(s * 7 + n) % queries.length], k: 5 };
            const t = performance.now();
            try {
              const out = await call(session, args);
              if (!Array.isArray(out?.results)) errors.push(JSON.stringify(out).slice(0, 200));
            } catch (error) {
              errors.push(error instanceof Error ? error.message : String(error));
            }
            latency.push(performance.now() - t);
            calls++;
          }
        }),
      );
      const elapsed = (performance.now() - t0) / 1000;
      const cpu = cpuSeconds(pid) - c0;
      measured[workload] = {
        calls,
        errors: errors.length,
        firstErrors: errors.slice(0, 3),
        callsPerSecond: Math.round((calls / elapsed) * 10) / 10,
        serverCpuBusy: Math.round((cpu / elapsed) * 100) / 100,
        serverCpuMsPerCall: Math.round((cpu / Math.max(1, calls)) * 1e5) / 100,
        latencyMs: percentiles(latency),
      };
    }
    await Promise.all(sessions.map((x) => x.close?.().catch(() => {})));
    return measured;
  };
  const mcpUrl = new URL(`${base}/mcp`);
  const mcp = await run(
    'search-mcp',
    server.child.pid,
    () => openWireSession(mcpUrl),
    async (session, args) => {
      const result = await session.call('search_docs', args);
      if (result.isError) throw new Error(result.content?.[0]?.text ?? 'isError');
      return result.structuredContent;
    },
  );
  const serverPeak = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${server.child.pid}/status`, 'utf8'))?.[1];
  await stopProcess(server.child);

  // The same search_docs handler behind a plain Fastify route, same database, same concurrency.
  const plain = { child: startProcess([join(root, 'scripts/bench/plain-search-server.mjs')]), phase: 'startup-plain' };
  current = plain;
  const search = async (args) => {
    const res = await fetch(`${base}/search`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(args),
    });
    const body = await res.json();
    if (!res.ok) throw new Error(`HTTP ${res.status}: ${JSON.stringify(body).slice(0, 200)}`);
    return body;
  };
  for (let i = 0; ; i++) {
    if (i > 480) throw new Error('the plain search server did not start');
    if (
      await search({ query: 'retries', k: 1 }).then(
        () => true,
        () => false,
      )
    )
      break;
    await sleep(250);
  }
  const plainFastify = await run(
    'search-plain',
    plain.child.pid,
    async () => ({}),
    (_, args) => search(args),
  );
  await stopProcess(plain.child);
  for (const workload of Object.keys(WORKLOADS)) {
    comparison[workload] = {
      mcp: mcp[workload],
      plainFastify: plainFastify[workload],
      mcpToPlainThroughput:
        Math.round((mcp[workload].callsPerSecond / plainFastify[workload].callsPerSecond) * 100) / 100,
    };
  }

  const rate = (calls, s) => Math.round((calls / s) * 10) / 10;
  const mixedMemory = memory.filter((m) => m.phase === 'mixed').map((m) => m.rssMb);
  result = {
    when: new Date().toISOString(),
    machine: { cpus: cpus().length, memoryGb: Math.round(totalmem() / 2 ** 30), node: process.version },
    pinning: PIN ? 'server on CPU 1, load generator on CPU 0 (Airflow unpinned)' : 'none',
    airflow: af.url,
    sessions: SESSIONS,
    mixed: {
      client: '@modelcontextprotocol/sdk Client over StreamableHTTPClientTransport, one per session',
      seconds: Math.round(mixed.elapsed),
      calls: mixed.calls,
      errors: mixed.errors.length,
      firstErrors: mixed.errors.slice(0, 5),
      callsPerSecond: rate(mixed.calls, mixed.elapsed),
      latencyMs: {
        all: percentiles(Object.values(mixed.latency).flat()),
        ...Object.fromEntries(Object.entries(mixed.latency).map(([k, v]) => [k, percentiles(v)])),
      },
      serverRssMb: {
        start: mixedMemory[0],
        end: mixedMemory.at(-1),
        min: Math.min(...mixedMemory),
        max: Math.max(...mixedMemory),
      },
    },
    searchComparison: {
      secondsEach: COMPARE_SECONDS,
      client: 'lean load generator (undici fetch; MCP Streamable HTTP spoken on the wire), same for both',
      workloads: {
        hot: `${WORKLOADS.hot.length} queries, all answered from the result cache`,
        varied: `${WORKLOADS.varied.length} distinct queries (the result cache holds 256): a real search each call`,
      },
      ...comparison,
      target: 0.5,
    },
    serverPeakRssMb: serverPeak ? Math.round(Number(serverPeak) / 1024) : null,
    memoryEverySecond: memory,
  };
  mkdirSync(join(root, 'bench-results'), { recursive: true });
  writeFileSync(join(root, 'bench-results', 'mcp-load.json'), `${JSON.stringify(result, null, 2)}\n`);
  console.log(JSON.stringify({ ...result, memoryEverySecond: `${memory.length} samples in the JSON file` }, null, 2));
} finally {
  clearInterval(sampler);
  await stopProcess(server.child);
  if (current !== server) await stopProcess(current.child);
}
const failed =
  !result ||
  result.mixed.errors > 0 ||
  Object.keys(WORKLOADS).some(
    (w) => result.searchComparison[w].mcp.errors > 0 || result.searchComparison[w].plainFastify.errors > 0,
  ) ||
  result.searchComparison.varied.mcpToPlainThroughput < result.searchComparison.target;
if (failed) console.error('bench:load: errors, or MCP below the throughput target on varied queries (see above)');
process.exit(failed ? 1 : 0);
