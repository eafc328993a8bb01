#!/usr/bin/env node
// Load on the MCP endpoint: the built service (no Airflow needed), C concurrent MCP sessions over Streamable HTTP,
// each making N tool calls (search_docs in English and Korean, inspect_source on a SQLite file, tools/list).
// Reports throughput, latency percentiles, errors and the server's peak memory. bench-results/mcp-load.json.
// Run: npm run bench -- mcp-load-bench   (BENCH_CLIENTS=20, BENCH_CALLS=50)
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const clients = Number(process.env.BENCH_CLIENTS ?? 20);
const calls = Number(process.env.BENCH_CALLS ?? 50);
const port = await new Promise((resolve) => {
  const s = createServer();
  s.listen(0, '127.0.0.1', () => {
    const p = s.address().port;
    s.close(() => resolve(p));
  });
});
const dataDir = mkdtempSync(join(tmpdir(), 'mcp-load-'));
const warehouse = join(dataDir, 'warehouse');
mkdirSync(warehouse, { recursive: true });
const { createSampleDatabase } = await import(join(root, 'packages/agent/dist/index.js'));
createSampleDatabase(join(warehouse, 'sample.db'));
const server = spawn(process.execPath, [join(root, 'apps/server/bin/airflow-mcp.js'), 'serve'], {
  env: {
    ...process.env,
    PORT: String(port),
    DATA_DIR: dataDir,
    ALLOWED_DATA_DIRS: warehouse,
    AIRFLOW_URL: 'http://127.0.0.1:9',
    MCP_RATE_LIMIT_PER_MIN: '0',
    LOG_LEVEL: 'warn',
  },
  stdio: ['ignore', 'ignore', 'inherit'],
});
const url = new URL(`http://127.0.0.1:${port}/mcp`);
const connect = async () => {
  const c = new Client({ name: 'load', version: '1' });
  await c.connect(new StreamableHTTPClientTransport(url));
  return c;
};
try {
  for (let i = 0; ; i++) {
    if (i > 240) throw new Error('the service did not start');
    if (
      await fetch(`http://127.0.0.1:${port}/healthz`).then(
        (r) => r.ok,
        () => false,
      )
    )
      break;
    await new Promise((r) => setTimeout(r, 250));
  }
  // Wait for the corpus: a search that finds something.
  const probe = await connect();
  for (let i = 0; ; i++) {
    const r = await probe.callTool({ name: 'search_docs', arguments: { query: 'retries', k: 1 } });
    if (r.structuredContent?.results?.length) break;
    if (i > 240) throw new Error('the knowledge corpus was not ingested');
    await new Promise((res) => setTimeout(res, 500));
  }
  await probe.close();

  const work = [
    (c) => c.callTool({ name: 'search_docs', arguments: { query: 'incremental load by watermark into DuckDB', k: 5 } }),
    (c) => c.callTool({ name: 'search_docs', arguments: { query: '매일 실행 스케줄과 재시도 설정', k: 5 } }),
    (c) => c.callTool({ name: 'inspect_source', arguments: { source_db: 'sample.db', table: 'events' } }),
    (c) => c.listTools(),
  ];
  const latencies = [];
  let errors = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: clients }, async (_, n) => {
      const c = await connect();
      for (let i = 0; i < calls; i++) {
        const t = performance.now();
        try {
          const r = await work[(n + i) % work.length](c);
          if (r.isError) errors++;
        } catch {
          errors++;
        }
        latencies.push(performance.now() - t);
      }
      await c.close();
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  const q = (p) => Math.round(latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))] * 10) / 10;
  const peak = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${server.pid}/status`, 'utf8'))?.[1];
  const result = {
    when: new Date().toISOString(),
    clients,
    callsPerClient: calls,
    calls: latencies.length,
    errors,
    seconds: Math.round(seconds * 10) / 10,
    callsPerSecond: Math.round(latencies.length / seconds),
    latencyMs: { p50: q(0.5), p95: q(0.95), p99: q(0.99), max: q(1) },
    serverPeakRssMb: peak ? Math.round(Number(peak) / 1024) : null,
  };
  mkdirSync(join(root, 'bench-results'), { recursive: true });
  writeFileSync(join(root, 'bench-results', 'mcp-load.json'), `${JSON.stringify(result, null, 2)}\n`);
  console.log(JSON.stringify(result, null, 2));
} finally {
  server.kill('SIGTERM');
}
