#!/usr/bin/env node
// Runs the service image's build stage outside Docker: copies the tracked files (what `COPY` would see, less
// .dockerignore'd paths) into a temporary folder, runs scripts/docker/build.sh there exactly as the Dockerfile does,
// then boots the result the way the runtime stage does (production dependencies only, NODE_ENV=production) and
// checks GET /healthz. No Docker engine is needed.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = dirname(dirname(dirname(fileURLToPath(import.meta.url))));
const work = mkdtempSync(join(tmpdir(), 'airflow-mcp-image-'));
const sh = (cmd, args, opts = {}) => {
  const r = spawnSync(cmd, args, { stdio: 'inherit', ...opts });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed (${r.status})`);
};

try {
  const files = spawnSync('git', ['ls-files', '-co', '--exclude-standard'], { cwd: root, encoding: 'utf8' }).stdout;
  const keep = files.split('\n').filter((f) => f && !/^(\.data|bench-results|\.git)\//.test(f));
  sh('tar', ['-cf', join(work, 'src.tar'), '-T', '-'], {
    cwd: root,
    input: keep.join('\n'),
    stdio: ['pipe', 'inherit', 'inherit'],
  });
  sh('tar', ['-xf', 'src.tar'], { cwd: work });
  rmSync(join(work, 'src.tar'));
  sh('sh', ['scripts/docker/build.sh'], { cwd: work });
  const port = 30000 + Math.floor(Math.random() * 20000);
  const child = spawn(process.execPath, ['apps/server/bin/airflow-mcp.js', 'serve'], {
    cwd: work,
    env: {
      ...process.env,
      NODE_ENV: 'production',
      HOST: '127.0.0.1',
      PORT: String(port),
      DATA_DIR: join(work, '.data'),
      LOG_LEVEL: 'warn',
    },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  let ok = false;
  for (let i = 0; i < 120 && !ok; i++) {
    await new Promise((r) => setTimeout(r, 500));
    ok = await fetch(`http://127.0.0.1:${port}/healthz`).then(
      (r) => r.ok,
      () => false,
    );
  }
  child.kill('SIGTERM');
  await new Promise((r) => child.once('exit', r));
  if (!ok) throw new Error('the production build did not answer /healthz within 60 s');
  console.log('image build stage: OK (built with scripts/docker/build.sh, booted with production dependencies only)');
} finally {
  rmSync(work, { recursive: true, force: true });
}
