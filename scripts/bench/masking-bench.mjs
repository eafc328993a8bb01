#!/usr/bin/env node
// Secret masking on hostile input: the masking before the linear rewrite (its source read from git at OLD_COMMIT,
// transpiled) against the current one (packages/core/dist), on the inputs the unit test uses
// (packages/core/src/hostile-masking-inputs.ts). The old one is measured at 16 KB and 64 KB only (it is quadratic: 84 s on a
// 250 KB log line) and stops growing an input once one size takes over 5 s; the new one at 64 KB, 256 KB and 1 MB,
// best of 3. Writes bench-results/masking.json. Run: node scripts/run.mjs bench masking-bench
// (or, with packages/core built: node scripts/bench/masking-bench.mjs)
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { loadavg, cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import ts from 'typescript';

const root = fileURLToPath(new URL('../..', import.meta.url));
const OLD_COMMIT = process.env.OLD_COMMIT ?? '95e403d';
const KB = 1024;

const oldSource = execFileSync('git', ['show', `${OLD_COMMIT}:packages/core/src/redact-secrets.ts`], {
  cwd: root,
  encoding: 'utf8',
});
const oldFile = join(mkdtempSync(join(tmpdir(), 'masking-bench-')), 'old-redact-secrets.mjs');
writeFileSync(
  oldFile,
  ts.transpileModule(oldSource, { compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 } })
    .outputText,
);
const old = await import(pathToFileURL(oldFile).href);
const current = await import(pathToFileURL(join(root, 'packages/core/dist/index.js')).href);
const { hostileMaskingInputs } = await import(
  pathToFileURL(join(root, 'packages/core/dist/hostile-masking-inputs.js')).href
);

function time(redact, text, runs) {
  let best = Infinity;
  for (let i = 0; i < runs; i++) {
    const started = performance.now();
    redact(text);
    best = Math.min(best, performance.now() - started);
  }
  return Math.round(best * 10) / 10;
}

const names = Object.keys(hostileMaskingInputs(KB));
const results = {};
for (const name of names) {
  const row = { old_ms: {}, new_ms: {} };
  for (const size of [16 * KB, 64 * KB]) {
    const ms = time(old.redactSecrets, hostileMaskingInputs(size)[name], 1);
    row.old_ms[`${size / KB}KB`] = ms;
    if (ms > 5000) break;
  }
  for (const size of [64 * KB, 256 * KB, 1024 * KB]) {
    row.new_ms[`${size / KB}KB`] = time(current.redactSecrets, hostileMaskingInputs(size)[name], 3);
  }
  results[name] = row;
  process.stdout.write(`${name.padEnd(28)} old ${JSON.stringify(row.old_ms)}  new ${JSON.stringify(row.new_ms)}\n`);
}

// The windowed async masking a tool answer gets: the longest the event loop waits between two turns.
const mixed = hostileMaskingInputs(1024 * KB)['every trigger mixed'];
let longestTurn = 0;
let last = performance.now();
const probe = setInterval(() => {
  const now = performance.now();
  longestTurn = Math.max(longestTurn, now - last);
  last = now;
}, 1);
const started = performance.now();
await current.redactSecretsAsync(mixed);
const asyncMs = performance.now() - started;
clearInterval(probe);

const out = {
  when: new Date().toISOString(),
  node: process.version,
  cpus: cpus().length,
  load_average: loadavg().map((l) => Math.round(l * 100) / 100),
  old_commit: OLD_COMMIT,
  note: 'best of 3 for the new masking, one run for the old; times in ms; the machine was shared with other work',
  inputs: results,
  async_1mb_every_trigger_mixed: {
    total_ms: Math.round(asyncMs),
    longest_event_loop_wait_ms: Math.round(longestTurn),
  },
};
mkdirSync(join(root, 'bench-results'), { recursive: true });
writeFileSync(join(root, 'bench-results', 'masking.json'), `${JSON.stringify(out, null, 2)}\n`);
process.stdout.write(
  `async 1 MB: ${JSON.stringify(out.async_1mb_every_trigger_mixed)}\nbench-results/masking.json written\n`,
);
