#!/usr/bin/env node
// Airflow 3 with the CeleryExecutor, for the tests and for trying the service against workers on other processes.
//   node airflow/scripts/airflow-celery.mjs up|down|status|redis [--json]
// `up` starts, each in a process group of its own: Redis from Debian's packages (pinned .debs fetched with
// `apt-get download` and unpacked into the cache, like scripts/mariadb-local.mjs) as the broker on 127.0.0.1:REDIS_PORT,
// then `airflow db migrate` against a database of its own on the local PostgreSQL (scripts/postgres-local.mjs, started
// if needed), then api-server, scheduler, dag-processor, triggerer and two `airflow celery worker` processes (worker-a,
// worker-b) with distinct Celery hostnames. Task instances report the worker's name as their hostname, so a test can
// tell which worker ran a task. `up` twice starts only what is missing (a killed worker comes back); `down` stops
// every group it started. Besides the dags folder, Airflow reads a second DAG bundle: the git repository
// <AIRFLOW_HOME>/dags.git (GitDagBundle, branch main, refreshed every 2 s), for the service's DAGS_DELIVERY=git.
// The Airflow settings (logins, secrets, ports, fast parsing) are airflow-local.mjs's.
// Environment: DATA_DIR (./.data/celery-airflow), AIRFLOW_PORT (28090), REDIS_PORT (26379), PG_DATA_DIR (the
// PostgreSQL's DATA_DIR, ./.data/test-airflow), PG_PORT (25432), AIRFLOW_CELERY_DATABASE (airflow_celery),
// DAGS_DIR, AIRFLOW_USERNAME / AIRFLOW_PASSWORD, AIRFLOW_CELERY_CONCURRENCY (1 task at a time per
// worker, so that parallel tasks spread over both).
import { spawn } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { must, readJson, runServerCli } from '../../scripts/lib/local-server.mjs';
import { cacheRoot } from '../../scripts/lib/node-runtime.mjs';
import { ensureDebs } from '../../scripts/mariadb-local.mjs';
import {
  alive,
  describe as localDescribe,
  ensureVenv,
  health,
  metadataDatabase,
  prepareHome,
  settings as localSettings,
  standaloneEnv,
} from './airflow-local.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '..', '..');
const log = (line) => process.stderr.write(`[airflow-celery] ${line}\n`);

/**
 * Debian 12 (bookworm) amd64, newest first: the security update, then the point release (which stays in bookworm/main
 * after the security archive moves on). redis-server is a link to redis-check-rdb, which redis-tools ships.
 */
const REDIS_RELEASES = [
  {
    version: '5:7.0.15-1~deb12u10',
    tools: 'f791cfcbf3054832bd6e786546acb0d4e046888f8e63bcf567c1c65fbfaf69e2',
    server: '784e17b51024ff878fd7d709a68346658fa9b21f6de740cb75e474f28790971c',
  },
  {
    version: '5:7.0.15-1~deb12u7',
    tools: '3c8cd27847c6a06b6f6c29e7415a9057462a89661e3a8e2eb8dd5b2d7830bb40',
    server: '1f43e46f153d1653586e72871dd3e2ea08acba5c3d2b38b02f90d63d16352cac',
  },
];
const redisPackages = (release) => [
  { name: 'redis-tools', version: release.version, sha256: release.tools },
  { name: 'redis-server', version: release.version, sha256: release.server },
  { name: 'liblzf1', version: '3.6-3', sha256: '9854b0866201b63e04f1e446f45f01ef4a6f72c61f2250b75f944f6046cc7e8c' },
  {
    name: 'libjemalloc2',
    version: '5.3.0-1',
    sha256: 'a4117c23c5c8acf6c9678a6cb086f000b79476369da7efe8a78a70826956ad3d',
  },
];
export const WORKERS = ['worker-a', 'worker-b'];
const COMPONENTS = ['api-server', 'scheduler', 'dag-processor', 'triggerer'];

export function settings(env = process.env) {
  const s = localSettings({
    ...env,
    DATA_DIR: env.DATA_DIR ?? join(root, '.data', 'celery-airflow'),
    AIRFLOW_PORT: env.AIRFLOW_PORT ?? '28090',
  });
  return {
    ...s,
    pidFile: join(s.home, 'celery.pids.json'),
    logDir: join(s.home, 'component-logs'),
    redisPort: Number(env.REDIS_PORT ?? 26379),
    pgDataDir: resolve(env.PG_DATA_DIR ?? join(root, '.data', 'test-airflow')),
    pgPort: env.PG_PORT ?? '25432',
    database: env.AIRFLOW_CELERY_DATABASE ?? 'airflow_celery',
    concurrency: env.AIRFLOW_CELERY_CONCURRENCY ?? '1',
    gitRepository: join(s.home, 'dags.git'),
  };
}

/** redis-server unpacked from the pinned packages into the cache (whole or absent). */
export function ensureRedis() {
  const targetOf = (release) => join(cacheRoot(), 'redis', `redis-${release.version.replace(/^\d+:/, '')}`);
  const layout = (target) => ({
    server: join(target, 'usr', 'bin', 'redis-server'),
    libDir: join(target, 'usr', 'lib', 'x86_64-linux-gnu'),
  });
  const ready = REDIS_RELEASES.find((r) => existsSync(join(targetOf(r), '.complete')));
  if (ready) return layout(targetOf(ready));
  const debs = join(cacheRoot(), 'redis', 'debs');
  const refused = [];
  for (const release of REDIS_RELEASES) {
    const packages = redisPackages(release);
    try {
      ensureDebs(debs, packages);
    } catch (error) {
      if (!error.unavailable) throw error;
      refused.push(error.message);
      continue;
    }
    const target = targetOf(release);
    const building = `${target}.building-${process.pid}`;
    rmSync(building, { recursive: true, force: true });
    mkdirSync(building, { recursive: true });
    for (const p of packages) {
      must('dpkg-deb', ['-x', join(debs, `${p.name}_${p.version.replace(/:/g, '%3a')}_amd64.deb`), building]);
    }
    writeFileSync(join(building, '.complete'), `${new Date().toISOString()}\n`);
    rmSync(target, { recursive: true, force: true });
    renameSync(building, target);
    log(`Redis ready in ${target}`);
    return layout(target);
  }
  throw new Error(
    `apt offers none of the pinned Redis releases:\n${refused.join('\n')}\nAdd the new version to REDIS_RELEASES in ` +
      'airflow/scripts/airflow-celery.mjs (`apt-cache policy redis-server`; `apt-get download` + `sha256sum`).',
  );
}

const pids = (s) => readJson(s.pidFile) ?? {};
const running = (s) =>
  Object.fromEntries(Object.entries(pids(s)).filter(([, pid]) => typeof pid === 'number' && alive(pid)));

function spawnGroup(s, name, cmd, args, env) {
  mkdirSync(s.logDir, { recursive: true });
  const out = openSync(join(s.logDir, `${name}.log`), 'a');
  const child = spawn(cmd, args, { cwd: s.home, env, detached: true, stdio: ['ignore', out, out] });
  closeSync(out);
  child.unref();
  writeFileSync(s.pidFile, `${JSON.stringify({ ...pids(s), [name]: child.pid })}\n`);
  log(`started ${name} (pid ${child.pid})`);
  return child.pid;
}

/**
 * The bare repository the git DAG bundle tracks (branch main), made with a first commit when missing: the service
 * with DAGS_DELIVERY=git and DAGS_GIT_REPOSITORY=<this path> commits generated DAGs to it.
 */
function ensureGitRepository(s) {
  if (existsSync(join(s.gitRepository, 'HEAD'))) return;
  const seed = `${s.gitRepository}.seed-${process.pid}`;
  rmSync(seed, { recursive: true, force: true });
  must('git', ['init', '--quiet', '--bare', '--initial-branch', 'main', `${s.gitRepository}.building`]);
  must('git', ['init', '--quiet', '--initial-branch', 'main', seed]);
  writeFileSync(join(seed, 'README.md'), 'DAGs generated by airflow-mcp-rag (one commit per deployed version).\n');
  const inSeed = { cwd: seed };
  must('git', ['add', 'README.md'], inSeed);
  must(
    'git',
    [
      '-c',
      'user.name=airflow-mcp-rag',
      '-c',
      'user.email=airflow-mcp-rag@localhost',
      'commit',
      '--quiet',
      '-m',
      'start',
    ],
    inSeed,
  );
  must('git', ['push', '--quiet', `${s.gitRepository}.building`, 'main'], inSeed);
  rmSync(seed, { recursive: true, force: true });
  renameSync(`${s.gitRepository}.building`, s.gitRepository);
}

function celeryEnv(s, venv, secrets, db) {
  const hostnameDir = join(s.home, 'python');
  mkdirSync(hostnameDir, { recursive: true });
  writeFileSync(
    join(hostnameDir, 'airflow_mcp_worker_hostname.py'),
    'import os, socket\n\n\ndef hostname():\n    return os.environ.get("AIRFLOW_MCP_WORKER_NAME") or socket.getfqdn()\n',
  );
  return {
    ...standaloneEnv(s, venv, secrets),
    PYTHONPATH: hostnameDir,
    AIRFLOW__CORE__EXECUTOR: 'CeleryExecutor',
    AIRFLOW__CORE__HOSTNAME_CALLABLE: 'airflow_mcp_worker_hostname.hostname',
    AIRFLOW__DATABASE__SQL_ALCHEMY_CONN: db.sqlAlchemy,
    AIRFLOW__CELERY__BROKER_URL: `redis://127.0.0.1:${s.redisPort}/0`,
    AIRFLOW__CELERY__RESULT_BACKEND: db.resultBackend,
    AIRFLOW__CELERY__WORKER_CONCURRENCY: s.concurrency,
    // Two bundles: the shared dags folder, and the git repository the service commits to with DAGS_DELIVERY=git,
    // fetched every 2 s (a reparse request for one of its files refreshes it at once).
    AIRFLOW__DAG_PROCESSOR__DAG_BUNDLE_STORAGE_PATH: join(s.home, 'dag-bundles'),
    AIRFLOW__DAG_PROCESSOR__DAG_BUNDLE_CONFIG_LIST: JSON.stringify([
      { name: 'dags-folder', classpath: 'airflow.dag_processing.bundles.local.LocalDagBundle', kwargs: {} },
      {
        name: 'generated-git',
        classpath: 'airflow.providers.git.bundles.git.GitDagBundle',
        kwargs: { tracking_ref: 'main', git_conn_id: 'generated_dags_git', refresh_interval: 2 },
      },
    ]),
    AIRFLOW_CONN_GENERATED_DAGS_GIT: JSON.stringify({ conn_type: 'git', host: s.gitRepository }),
  };
}

async function waitFor(what, check, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  let last;
  while (Date.now() < deadline) {
    last = await check();
    if (last.ok) return last;
    await new Promise((r) => setTimeout(r, 1000));
  }
  throw new Error(`${what} did not come up: ${last?.reason ?? 'timeout'}`);
}

const workerReady = (s, name) => {
  const file = join(s.logDir, `${name}.log`);
  const text = existsSync(file) ? readFileSync(file, 'utf8') : '';
  // The log is removed before the worker starts, so a ready line in it is this worker's.
  return new RegExp(`${name}@\\S+ ready\\.`).test(text)
    ? { ok: true }
    : { ok: false, reason: `${name} not ready (see ${file})` };
};

function describe(s, extra = {}) {
  const redisUrl = `redis://127.0.0.1:${s.redisPort}/0`;
  const broker = { redisUrl, logDir: s.logDir, workers: WORKERS, gitRepository: s.gitRepository };
  return localDescribe(s, { ...broker, pids: running(s), ...extra });
}

async function status(s) {
  const up = running(s);
  const h = up['api-server'] ? await health(s) : { ok: false, reason: 'not running' };
  const missing = ['redis', ...COMPONENTS, ...WORKERS].filter((name) => !up[name]);
  return describe(s, {
    running: missing.length === 0,
    healthy: h.ok && missing.length === 0,
    reason: missing.length ? `not running: ${missing.join(', ')}` : h.ok ? undefined : h.reason,
  });
}

async function up(s) {
  const started = Date.now();
  const venv = ensureVenv();
  const redis = ensureRedis();
  const secrets = prepareHome(s, venv);
  const have = running(s);
  if (!have.redis) {
    mkdirSync(join(s.home, 'redis'), { recursive: true });
    spawnGroup(
      s,
      'redis',
      redis.server,
      [
        '--port',
        String(s.redisPort),
        '--bind',
        '127.0.0.1',
        '--save',
        '',
        '--appendonly',
        'no',
        '--dir',
        join(s.home, 'redis'),
      ],
      { ...process.env, LD_LIBRARY_PATH: redis.libDir },
    );
  }
  const db = metadataDatabase(s, join(venv, 'bin', 'python'));
  ensureGitRepository(s);
  const env = celeryEnv(s, venv, secrets, db);
  if (!have.scheduler) {
    log('airflow db migrate');
    must(join(venv, 'bin', 'airflow'), ['db', 'migrate'], { env, cwd: s.home, stdio: ['ignore', 'ignore', 2] });
  }
  for (const name of COMPONENTS) if (!have[name]) spawnGroup(s, name, join(venv, 'bin', 'airflow'), [name], env);
  WORKERS.forEach((name, index) => {
    if (have[name]) return;
    rmSync(join(s.logDir, `${name}.log`), { force: true });
    spawnGroup(s, name, join(venv, 'bin', 'airflow'), ['celery', 'worker', '--celery-hostname', `${name}@%h`], {
      ...env,
      AIRFLOW_MCP_WORKER_NAME: name,
      AIRFLOW__LOGGING__WORKER_LOG_SERVER_PORT: String(s.port + 3 + index),
    });
  });
  const timeoutMs = Number(process.env.AIRFLOW_START_TIMEOUT_S ?? 420) * 1000;
  await waitFor('Airflow', () => health(s), timeoutMs);
  for (const name of WORKERS) await waitFor(name, async () => workerReady(s, name), timeoutMs);
  // Another instance on the same ports answers health too: every component started here must still be running.
  const dead = ['redis', ...COMPONENTS, ...WORKERS].filter((name) => !running(s)[name]);
  if (dead.length) {
    throw new Error(`${dead.join(', ')} exited (a port taken by another instance?): see the logs in ${s.logDir}`);
  }
  log(`healthy in ${Math.round((Date.now() - started) / 1000)} s at ${s.url}`);
  return describe(s, { running: true, healthy: true, startSeconds: Math.round((Date.now() - started) / 1000) });
}

/** Stops one component's process group (SIGKILL with `kill`, as a crashed machine would). */
export async function stopComponent(s, name, signal = 'SIGTERM') {
  const pid = pids(s)[name];
  if (!(typeof pid === 'number' && alive(pid))) return false;
  const send = (sig) => {
    try {
      process.kill(-pid, sig);
    } catch {
      /* already gone */
    }
  };
  send(signal);
  const deadline = Date.now() + 30_000;
  while (alive(pid) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 250));
  send('SIGKILL');
  const rest = { ...pids(s) };
  delete rest[name];
  writeFileSync(s.pidFile, `${JSON.stringify(rest)}\n`);
  log(`stopped ${name} (pid ${pid}, ${signal})`);
  return true;
}

async function down(s) {
  const stopped = [];
  for (const name of [...WORKERS, ...COMPONENTS, 'redis']) if (await stopComponent(s, name)) stopped.push(name);
  rmSync(s.pidFile, { force: true });
  return describe(s, { running: false, stopped });
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  runServerCli({
    settings,
    up,
    down,
    status,
    // Passwords stay in their file: `down` and `status` print where they are, never what they are.
    hidden: ['admin', 'service'],
    more: {
      redis: () => ensureRedis(),
      'kill-worker': async () => ({
        killed: await stopComponent(settings(), process.argv[3] ?? WORKERS[0], 'SIGKILL'),
      }),
    },
    upText: (result) =>
      `Airflow (CeleryExecutor, workers ${result.workers.join(', ')}) is running at ${result.url}\n` +
      `  broker: ${result.redisUrl}\n  logs:   ${result.logDir}\nStop it with: node airflow/scripts/airflow-celery.mjs down\n`,
  });
}
