#!/usr/bin/env node
// npm run conformance: the official MCP conformance suite (server mode) against a running instance of the built
// service with the test-only fixtures on (MCP_TEST_FIXTURES=true). Expected failures, with reasons, are listed in
// test/mcp/conformance-expected-failures.yml; the suite fails on a regression and on a stale entry.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = dirname(dirname(fileURLToPath(import.meta.url)));
const suite = join(root, 'node_modules', '@modelcontextprotocol', 'conformance', 'dist', 'index.js');
const expected = join(root, 'test', 'mcp', 'conformance-expected-failures.yml');

const port = await new Promise((ok) => {
  const s = createServer();
  s.listen(0, '127.0.0.1', () => {
    const { port: p } = s.address();
    s.close(() => ok(p));
  });
});
const dataDir = mkdtempSync(join(tmpdir(), 'airflow-mcp-conformance-'));
const server = spawn(process.execPath, [join(root, 'apps', 'server', 'bin', 'airflow-mcp.js'), 'serve'], {
  cwd: root,
  env: {
    ...process.env,
    HOST: '127.0.0.1',
    PORT: String(port),
    DATA_DIR: dataDir,
    MCP_TEST_FIXTURES: 'true',
    NODE_ENV: 'test',
    LOG_LEVEL: 'warn',
    // The suite needs no Airflow; point at a closed port so nothing real is touched.
    AIRFLOW_URL: 'http://127.0.0.1:9',
    // The suite needs no knowledge corpus; skip its ingestion at start.
    KNOWLEDGE_DIR: 'none',
  },
  stdio: ['ignore', 'inherit', 'inherit'],
});

let code;
try {
  const deadline = Date.now() + 60_000;
  while (
    !(await fetch(`http://127.0.0.1:${port}/healthz`).then(
      (r) => r.ok,
      () => false,
    ))
  ) {
    if (Date.now() > deadline) throw new Error('the service did not start within 60 s');
    await new Promise((r) => setTimeout(r, 250));
  }
  const args = [
    suite,
    'server',
    '--url',
    `http://127.0.0.1:${port}/mcp`,
    '--expected-failures',
    expected,
    ...process.argv.slice(2),
  ];
  const run = spawnSync(process.execPath, args, { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
  process.stdout.write(run.stdout);
  code = run.status ?? 1;
  // The suite runs scenarios side by side with short timeouts; on a loaded 2-core machine one can time out. Each
  // failed scenario gets one rerun on its own, and both outcomes are printed: a real failure fails twice.
  // eslint-disable-next-line no-control-regex -- stripping the suite's colour codes
  const failed = [...run.stdout.replace(/\x1b\[[0-9;]*m/g, '').matchAll(/^✗ ([\w-]+): /gm)].map((m) => m[1]);
  if (code !== 0 && failed.length > 0 && failed.length <= 3 && process.argv.length === 2) {
    let allPassed = true;
    for (const scenario of failed) {
      process.stdout.write(`\n[conformance] rerunning ${scenario} on its own\n`);
      const again = spawnSync(process.execPath, [...args, '--scenario', scenario], { cwd: root, stdio: 'inherit' });
      if (again.status !== 0) allPassed = false;
    }
    if (allPassed) {
      process.stdout.write(
        `[conformance] ${failed.join(', ')} passed when rerun alone: counted as passed (timing under load)\n`,
      );
      code = 0;
    }
  }
} finally {
  server.kill('SIGTERM');
  await new Promise((r) => server.once('exit', r));
  rmSync(dataDir, { recursive: true, force: true });
}
process.exit(code);
