import { spawn } from 'node:child_process';
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { DatabaseSync } from 'node:sqlite';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { hostileMaskingInputs } from '../../packages/core/src/hostile-masking-inputs.js';
import { startServiceApp, type ServiceApp } from '../support/start-service-app.js';

type ToolResult = { structuredContent?: Record<string, unknown>; isError?: boolean; content: { text?: string }[] };

// Run in its own process, so a blocked service cannot also hold back the clock that measures it: GET /healthz,
// wait 50 ms, again, until stdin closes; one JSON line per answer.
const POLLER = `
const url = process.argv[1];
let stop = false;
process.stdin.on('data', () => {});
process.stdin.on('end', () => (stop = true));
(async () => {
  await (await fetch(url)).text(); // the first request of a process pays for its start-up: not counted
  while (!stop) {
    const started = performance.now();
    let status = 0;
    try {
      const res = await fetch(url);
      await res.text();
      status = res.status;
    } catch {}
    process.stdout.write(JSON.stringify({ ms: performance.now() - started, status }) + '\\n');
    await new Promise((r) => setTimeout(r, 50));
  }
})();
`;

/** Runs `work` while another process polls /healthz every 50 ms; returns its result and every /healthz timing. */
async function whilePolling<T>(
  url: string,
  work: () => Promise<T>,
): Promise<{ result: T; polls: { ms: number; status: number }[]; loopDelayMs: number }> {
  const poller = spawn(process.execPath, ['-e', POLLER, `${url}/healthz`], { stdio: ['pipe', 'pipe', 'inherit'] });
  let out = '';
  poller.stdout.on('data', (d: Buffer) => (out += d.toString()));
  while (out === '') await new Promise((r) => setTimeout(r, 20));
  const delay = monitorEventLoopDelay({ resolution: 10 });
  delay.enable();
  try {
    const result = await work();
    delay.disable();
    return { result, polls: parse(), loopDelayMs: delay.max / 1e6 };
  } finally {
    poller.stdin.end();
    await new Promise((r) => poller.once('close', r));
  }
  function parse() {
    return out
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as { ms: number; status: number });
  }
}

/**
 * Waits until the freshly started service has finished its own start-up work (the knowledge base loads on the
 * event loop): ten /healthz answers in a row under 20 ms.
 */
async function untilIdle(url: string): Promise<void> {
  let quick = 0;
  const deadline = Date.now() + 120_000;
  while (quick < 10 && Date.now() < deadline) {
    const started = performance.now();
    await (await fetch(`${url}/healthz`)).text();
    quick = performance.now() - started < 20 ? quick + 1 : 0;
    await new Promise((r) => setTimeout(r, 50));
  }
}

/**
 * Hostile calls through a real MCP client over HTTP, with a read-only key, while a second process polls /healthz
 * every 50 ms: a SQLite view that would run for minutes, a FIFO in the allowed folder, and a database whose table
 * names are a megabyte of text built to make secret masking backtrack. Every /healthz answers in under 100 ms (on a machine
 * that is idle itself; see bound); the
 * hostile calls get clear errors within the time limit, and the megabyte comes back masked.
 */
describe('no request holds the event loop', () => {
  const airflow = inject('airflow');
  const KEY = `evloop-${randomBytes(9).toString('base64url')}`;
  const GITHUB_TOKEN = `ghp_${randomBytes(27).toString('base64url').replace(/[-_]/g, 'x').slice(0, 36)}`;
  const AWS_KEY = `AKIA${randomBytes(10).toString('hex').toUpperCase().slice(0, 16)}`;
  const dir = mkdtempSync(join(tmpdir(), 'evloop-'));
  let app: ServiceApp;
  let client: Client;
  let baselineMs = 0;
  /** 100 ms, or on a machine that is itself slower than that while idle, the idle worst plus 100 ms. */
  let bound = 100;
  let idleP95Ms = 0;
  /** 100 ms, or on a machine whose idle p95 is over 50 ms (other work on the two cores), the idle p95 plus 50 ms. */
  let p95Bound = 100;

  /**
   * Every /healthz answered, 95% under 100 ms and all but the slowest under the bound (each looser on a machine slow
   * while idle), the slowest under 500 ms, and the event loop never held. One stall the size of a garbage collection
   * or of the other lane taking the CPU is allowed (CI saw one of 165 ms among 380 polls, the rest at most 14 ms
   * idle): a read that holds the loop holds it for the whole call, 20 s, and fails every one of these.
   */
  const expectResponsive = (polls: { ms: number; status: number }[], loopDelayMs: number) => {
    expect(polls.every((p) => p.status === 200)).toBe(true);
    const sorted = polls.map((p) => p.ms).sort((a, b) => a - b);
    const p95 = sorted[Math.floor(sorted.length * 0.95)] ?? 0;
    const worst = sorted.at(-1) ?? 0;
    const second = sorted.at(-2) ?? 0;
    const figures = `/healthz x${polls.length}: p95 ${p95.toFixed(0)} ms, slowest ${worst.toFixed(0)} ms, next ${second.toFixed(0)} ms; event loop delay ${loopDelayMs.toFixed(0)} ms; idle for as long: p95 ${idleP95Ms.toFixed(0)} ms, slowest ${baselineMs.toFixed(0)} ms`;
    console.log(figures);
    expect(p95, figures).toBeLessThan(p95Bound);
    expect(second, figures).toBeLessThan(bound);
    expect(worst, figures).toBeLessThan(Math.max(bound, 500));
    // Measured inside the test process, which also runs the MCP client parsing the answer: looser, but a held loop
    // (the old reads held it for the whole call) fails it.
    expect(loopDelayMs, figures).toBeLessThan(1000);
  };

  const call = async (args: Record<string, unknown>) =>
    (await client.callTool({ name: 'inspect_source', arguments: args }, undefined, { timeout: 120_000 })) as ToolResult;

  beforeAll(async () => {
    const slow = new DatabaseSync(join(dir, 'slow.db'));
    slow.exec(
      'CREATE VIEW slow AS WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 50000000000) SELECT x FROM c',
    );
    slow.close();
    execFileSync('mkfifo', [join(dir, 'pipe.db')]);
    // Five tables whose names are 200 KB of hostile text each, with real-format tokens inside.
    const hostile = new DatabaseSync(join(dir, 'hostile.db'));
    const chunk = hostileMaskingInputs(200 * 1024)['every trigger mixed'] as string;
    for (let i = 0; i < 5; i++) {
      const name = `${chunk.slice(0, 100_000)} ${i === 0 ? GITHUB_TOKEN : AWS_KEY} ${chunk.slice(100_000)} t${i}`;
      hostile.exec(`CREATE TABLE "${name.replace(/"/g, '""')}" (a TEXT)`);
    }
    hostile.close();
    app = await startServiceApp(airflow, { ALLOWED_DATA_DIRS: dir, MCP_API_KEYS: `${KEY}:read` });
    client = await app.connect({ headers: { authorization: `Bearer ${KEY}` } });
    await untilIdle(app.url);
    // The same polling for as long as the longest hostile call, with nothing running: on a quiet machine every
    // answer takes a few ms; on a loaded one (other suites on two shared cores) the machine alone holds a process
    // back now and then, by a few hundred ms, and that is the noise allowed for (the hostile calls used to hold the
    // service for their whole length: 20 s and more).
    const idle = await whilePolling(app.url, () => new Promise((r) => setTimeout(r, 20_000)));
    baselineMs = Math.max(...idle.polls.map((p) => p.ms));
    bound = baselineMs < 100 ? 100 : baselineMs + 100;
    const idleSorted = idle.polls.map((p) => p.ms).sort((a, b) => a - b);
    idleP95Ms = idleSorted[Math.floor(idleSorted.length * 0.95)] ?? 0;
    p95Bound = idleP95Ms <= 50 ? 100 : idleP95Ms + 50;
  }, 180_000);

  afterAll(async () => {
    await app?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('a view that never ends and a FIFO: clear errors within the time limit, /healthz as quick as idle', async () => {
    const started = performance.now();
    const { result, polls, loopDelayMs } = await whilePolling(app.url, async () => {
      const fifo = call({ source_db: 'pipe.db' }).then((r) => ({ r, ms: performance.now() - started }));
      const slow = call({ source_db: 'slow.db', table: 'slow' }).then((r) => ({ r, ms: performance.now() - started }));
      return Promise.all([slow, fifo]);
    });
    const [slow, fifo] = result;
    expect(slow.r.isError).toBe(true);
    expect(slow.r.content[0]?.text).toMatch(
      /^TIMEOUT: Reading the SQLite file .*slow\.db did not finish within 20 s and was stopped/,
    );
    expect(slow.ms).toBeGreaterThan(19_000);
    expect(slow.ms).toBeLessThan(26_000);
    expect(fifo.r.isError).toBe(true);
    expect(fifo.r.content[0]?.text).toMatch(/pipe\.db is a named pipe \(FIFO\), not a database file/);
    expect(fifo.ms).toBeLessThan(2000);
    // ~20 s of polling at 50 ms intervals, every one answered quickly
    expect(polls.length).toBeGreaterThan(150);
    expectResponsive(polls, loopDelayMs);
  }, 60_000);

  it('a megabyte of hostile text through an answer comes back masked, /healthz as quick as idle', async () => {
    const { result, polls, loopDelayMs } = await whilePolling(app.url, () => call({ source_db: 'hostile.db' }));
    expect(result.isError, result.content[0]?.text?.slice(0, 300)).toBeFalsy();
    const tables = (result.structuredContent as { tables: { name: string }[] }).tables;
    expect(tables).toHaveLength(5);
    const answer = JSON.stringify(result);
    expect(answer.length).toBeGreaterThan(1_000_000);
    expect(answer).toContain('***');
    expect(answer).not.toContain(GITHUB_TOKEN);
    expect(answer).not.toContain(AWS_KEY);
    expect(polls.length).toBeGreaterThan(3);
    expectResponsive(polls, loopDelayMs);
  }, 60_000);
});
