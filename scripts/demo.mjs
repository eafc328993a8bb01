#!/usr/bin/env node
// npm run demo: the owner's first case, end to end on embedded defaults.
// Starts a local Airflow standalone (unless one is already up), writes the sample SQLite database, starts the service,
// sends the Korean request through an MCP client over HTTP, prints the result, and stops what it started.
// `npm run demo -- --serve` leaves Airflow and the service running and prints how to connect.
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { createServer } from 'node:net';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';

const root = dirname(dirname(fileURLToPath(import.meta.url)));
const serve = process.argv.includes('--serve');
const dataDir = resolve(process.env.DATA_DIR ?? join(root, '.data'));
const warehouse = join(dataDir, 'warehouse');
const cli = join(root, 'apps', 'server', 'bin', 'airflow-mcp.js');
const airflowScript = join(root, 'airflow', 'scripts', 'airflow-local.mjs');
const REQUEST =
  'SQLite의 events 테이블에서 event_id, user_id, event_type, timestamp 컬럼만 선택해서 DuckDB의 analytics.duckdb 파일로 옮겨줘';

const say = (line) => process.stdout.write(`${line}\n`);

function freePort() {
  return new Promise((ok, fail) => {
    const server = createServer();
    server.once('error', fail);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => ok(port));
    });
  });
}

function airflow(command) {
  const result = spawnSync(process.execPath, [airflowScript, command, '--json'], {
    cwd: root,
    env: { ...process.env, DATA_DIR: dataDir },
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  if (result.status !== 0) throw new Error(`airflow ${command} failed (exit ${result.status})`);
  return JSON.parse(result.stdout.trim().split('\n').pop());
}

async function waitFor(url, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (
      await fetch(url).then(
        (r) => r.ok,
        () => false,
      )
    )
      return;
    await new Promise((r) => setTimeout(r, 300));
  }
  throw new Error(`${url} did not answer within ${timeoutMs / 1000} s`);
}

const before = airflow('status');
say(
  before.running
    ? `Airflow already running at ${before.url}`
    : 'Starting Airflow standalone (first run builds its virtualenv: a few minutes)...',
);
const af = airflow('up');
const startedAirflow = !before.running;
say(`Airflow: ${af.url} (user ${af.service.username})`);

mkdirSync(warehouse, { recursive: true });
const sample = spawnSync(process.execPath, [cli, 'sample-data', warehouse], { cwd: root, stdio: 'inherit' });
if (sample.status !== 0) throw new Error('sample-data failed');

const port = serve ? Number(process.env.PORT ?? 3000) : await freePort();
const env = {
  ...process.env,
  HOST: '127.0.0.1',
  PORT: String(port),
  DATA_DIR: dataDir,
  DAGS_DIR: af.dagsDir,
  ALLOWED_DATA_DIRS: warehouse,
  AIRFLOW_URL: af.url,
  AIRFLOW_USERNAME: af.service.username,
  AIRFLOW_PASSWORD: af.service.password,
  LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn',
};
const server = spawn(process.execPath, [cli, 'serve'], {
  cwd: root,
  env,
  stdio: ['ignore', 'inherit', 'inherit'],
  detached: serve,
});
const url = `http://127.0.0.1:${port}`;
let exitCode = 1;
try {
  await waitFor(`${url}/healthz`, 120_000);
  say(`Service: ${url}/mcp`);
  say(`\nRequest: ${REQUEST}\n`);
  const client = new Client({ name: 'airflow-mcp-demo', version: '1.0.0' });
  await client.connect(new StreamableHTTPClientTransport(new URL(`${url}/mcp`)));
  const result = await client.callTool(
    {
      name: 'create_dag',
      arguments: {
        task_description: REQUEST,
        source_db: join(warehouse, 'sample.db'),
        deploy: true,
        run: true,
        wait: true,
      },
    },
    undefined,
    {
      timeout: 600_000,
      resetTimeoutOnProgress: true,
      onprogress: (p) => say(`  … ${p.message ?? `${p.progress}/${p.total ?? '?'}`}`),
    },
  );
  await client.close();
  const text = result.content.map((c) => (c.type === 'text' ? c.text : '')).join('\n');
  say(`\n${text}`);
  exitCode = result.isError || result.structuredContent?.run?.state !== 'success' ? 1 : 0;
} finally {
  if (serve && exitCode === 0) {
    server.unref();
    say(`\nLeft running: the service at ${url}/mcp (pid ${server.pid}) and Airflow at ${af.url}.`);
    say('Stop them with: kill ' + server.pid + ' && npm run airflow:down');
  } else {
    server.kill('SIGTERM');
    await new Promise((r) => server.once('exit', r));
    if (startedAirflow) airflow('down');
  }
}
process.exit(exitCode);
