#!/usr/bin/env node
// The local Airflow standalone for development, the demo and the tests.
//   node airflow/scripts/airflow-local.mjs up|down|status|venv [--json]
// `up` builds (once) a virtualenv from airflow/requirements.lock in the cache, keyed by the lock's hash, then starts
// `airflow standalone` in the background and returns when the scheduler and the DAG processor report healthy.
// `up` twice is a no-op; `down` stops only the process group that `up` started (its pid file).
// Environment: DATA_DIR (./.data), DAGS_DIR (<DATA_DIR>/airflow/dags), AIRFLOW_PORT (8080),
// AIRFLOW_ADMIN_PASSWORD, AIRFLOW_USERNAME (airflow-mcp) / AIRFLOW_PASSWORD (the service's User-role login),
// AIRFLOW_JWT_EXPIRATION_S (JWT lifetime; Airflow's default 86400). Passwords not given are generated at random on
// the first `up` and kept in <DATA_DIR>/airflow/secrets.json (mode 600); `up` says where to find them.
// AIRFLOW_METADATA_PG_DATA_DIR (unset: SQLite in AIRFLOW_HOME) puts Airflow's metadata on a local PostgreSQL started
// from that DATA_DIR (scripts/postgres-local.mjs) on AIRFLOW_METADATA_PG_PORT (25433), database `airflow`; `down`
// leaves that PostgreSQL running (the tests stop it with their Airflow).
import { spawn, spawnSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildFolder, readJson, removeStaleBuilds, runServerCli } from '../../scripts/lib/local-server.mjs';
import { cacheRoot } from '../../scripts/lib/node-runtime.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const airflowDir = dirname(here);
const lockFile = join(airflowDir, 'requirements.lock');
const UV_VERSION = '0.13.9';
const log = (line) => process.stderr.write(`[airflow] ${line}\n`);

function sh(cmd, args, options = {}) {
  const result = spawnSync(cmd, args, { stdio: ['ignore', 2, 2], ...options });
  if (result.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed (exit ${result.status})`);
}

export function settings(env = process.env) {
  const dataDir = resolve(env.DATA_DIR ?? '.data');
  const home = join(dataDir, 'airflow');
  const stored = readJson(join(home, 'secrets.json')) ?? {};
  const port = Number(env.AIRFLOW_PORT ?? 8080);
  return {
    dataDir,
    home,
    dagsDir: resolve(env.DAGS_DIR ?? join(home, 'dags')),
    port,
    url: `http://127.0.0.1:${port}`,
    pidFile: join(home, 'standalone.pid'),
    logFile: join(home, 'standalone.log'),
    passwordsFile: join(home, 'passwords.json'),
    credentialsFile: join(home, 'local-credentials.json'),
    secretsFile: join(home, 'secrets.json'),
    admin: { username: 'admin', password: env.AIRFLOW_ADMIN_PASSWORD ?? stored.adminPassword },
    service: {
      username: env.AIRFLOW_USERNAME ?? 'airflow-mcp',
      password: env.AIRFLOW_PASSWORD ?? stored.servicePassword,
    },
    jwtExpirationS: env.AIRFLOW_JWT_EXPIRATION_S,
    // Airflow's metadata on a local PostgreSQL of its own instead of SQLite (the tests use it: SQLite's one writer
    // at a time made heartbeats, API deletes and the dag-processor wait on each other for seconds at a time).
    metadataPg: env.AIRFLOW_METADATA_PG_DATA_DIR
      ? {
          pgDataDir: resolve(env.AIRFLOW_METADATA_PG_DATA_DIR),
          pgPort: env.AIRFLOW_METADATA_PG_PORT ?? '25433',
          database: 'airflow',
        }
      : undefined,
  };
}

export function uvBinary() {
  const venv = join(cacheRoot(), 'tools', `uv-${UV_VERSION}`);
  const uv = join(venv, 'bin', 'uv');
  if (!existsSync(uv)) {
    log(`installing uv ${UV_VERSION} from PyPI into ${venv}`);
    rmSync(venv, { recursive: true, force: true });
    sh('python3', ['-m', 'venv', venv]);
    sh(join(venv, 'bin', 'pip'), ['install', '--quiet', '--disable-pip-version-check', `uv==${UV_VERSION}`]);
  }
  return uv;
}

/** Where the virtualenv for a lock lives (built or not): `<name>-<hash of the lock>` in the cache. */
export function venvPath(lock = lockFile, name = 'airflow') {
  const hash = createHash('sha256').update(readFileSync(lock)).digest('hex').slice(0, 16);
  return join(cacheRoot(), 'venvs', `${name}-${hash}`);
}

/** Byte-compiles the virtualenv once: without .pyc files every task process recompiles Airflow (seconds each). */
function compileVenv(venv) {
  const stamp = join(venv, '.compiled');
  if (existsSync(stamp)) return;
  const started = Date.now();
  spawnSync(join(venv, 'bin', 'python'), ['-m', 'compileall', '-q', '-j', '0', join(venv, 'lib')], {
    stdio: 'ignore',
    env: { ...process.env, PYTHONDONTWRITEBYTECODE: '' },
  });
  writeFileSync(stamp, `${new Date().toISOString()} in ${Math.round((Date.now() - started) / 1000)} s\n`);
  log(`byte-compiled the virtualenv in ${Math.round((Date.now() - started) / 1000)} s`);
}

/** The virtualenv built from a lock; built into a temporary folder and renamed, so it is whole or absent. */
export function ensureVenv(lock = lockFile, name = 'airflow') {
  const venv = venvPath(lock, name);
  const stamp = join(venv, '.complete');
  if (existsSync(stamp)) {
    removeStaleBuilds(venv);
    compileVenv(venv);
    return venv;
  }
  const uv = uvBinary();
  const building = buildFolder(venv);
  mkdirSync(dirname(venv), { recursive: true });
  const started = Date.now();
  log(`building the ${name} virtualenv from ${lock} into ${venv} (first time only)`);
  sh(uv, ['venv', '--quiet', '--relocatable', '--python', 'python3', building]);
  sh(uv, ['pip', 'sync', '--quiet', '--require-hashes', '--python', join(building, 'bin', 'python'), lock], {
    env: { ...process.env, UV_CACHE_DIR: join(cacheRoot(), 'uv-cache'), UV_LINK_MODE: 'copy' },
  });
  // DuckDB's scanner wheels must match its version (generated DAGs LOAD them by path): a mismatch is refused here.
  // Only a lock that pins duckdb runs DAGs (Airflow's, Airflow 2's); the Python MCP client's has none to check.
  if (/^duckdb==/m.test(readFileSync(lock, 'utf8'))) {
    sh(join(building, 'bin', 'python'), [join(here, 'check_duckdb_extensions.py')]);
  }
  writeFileSync(
    join(building, '.complete'),
    `${new Date().toISOString()} built in ${Math.round((Date.now() - started) / 1000)} s\n`,
  );
  rmSync(venv, { recursive: true, force: true });
  renameSync(building, venv);
  compileVenv(venv);
  log(`virtualenv ready in ${Math.round((Date.now() - started) / 1000)} s`);
  return venv;
}

/** Re-resolves requirements.in beside a lock into that hash-checked lock (what `npm run airflow:lock` runs). */
export function relock(lock = lockFile, name = 'airflow') {
  const dir = dirname(lock);
  sh(
    uvBinary(),
    [
      'pip',
      'compile',
      'requirements.in',
      '--override',
      'overrides.txt',
      '--python-version',
      '3.11',
      '--python-platform',
      'x86_64-manylinux_2_28',
      '--generate-hashes',
      '--quiet',
      '-o',
      'requirements.lock',
    ],
    { cwd: dir, env: { ...process.env, UV_CACHE_DIR: join(cacheRoot(), 'uv-cache') } },
  );
  return { lock, venv: venvPath(lock, name) };
}

export function alive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

export async function health(s) {
  try {
    const response = await fetch(`${s.url}/api/v2/monitor/health`, { signal: AbortSignal.timeout(10_000) });
    if (!response.ok) return { ok: false, reason: `HTTP ${response.status}` };
    const body = await response.json();
    const bad = ['metadatabase', 'scheduler', 'dag_processor'].filter((k) => body[k]?.status !== 'healthy');
    return bad.length ? { ok: false, reason: `not yet healthy: ${bad.join(', ')}` } : { ok: true, body };
  } catch (error) {
    return { ok: false, reason: error instanceof Error ? error.message : String(error) };
  }
}

export function describe(s, extra = {}) {
  return {
    url: s.url,
    dataDir: s.dataDir,
    dagsDir: s.dagsDir,
    airflowHome: s.home,
    admin: s.admin,
    service: s.service,
    passwordsFile: s.passwordsFile,
    logFile: s.logFile,
    python: join(venvPath(), 'bin', 'python'),
    ...extra,
  };
}

/** This instance's random secrets and default passwords, made once (fields missing from an older file are added). */
export function localSecrets(s) {
  const current = readJson(s.secretsFile) ?? {};
  const fresh = () => randomBytes(24).toString('base64url');
  const secrets = {
    jwtSecret: current.jwtSecret ?? randomBytes(32).toString('hex'),
    apiSecret: current.apiSecret ?? randomBytes(32).toString('hex'),
    adminPassword: current.adminPassword ?? fresh(),
    servicePassword: current.servicePassword ?? fresh(),
  };
  if (JSON.stringify(secrets) !== JSON.stringify(current)) {
    writeFileSync(s.secretsFile, `${JSON.stringify(secrets)}\n`, { mode: 0o600 });
  }
  return secrets;
}

/** Makes AIRFLOW_HOME and the dags folder, and writes the login files; returns this instance's secrets. */
export function prepareHome(s, venv) {
  mkdirSync(s.dagsDir, { recursive: true });
  mkdirSync(s.home, { recursive: true });
  const secrets = localSecrets(s);
  s.admin.password ??= secrets.adminPassword;
  s.service.password ??= secrets.servicePassword;
  // The simple auth manager only generates passwords for users missing from this file: seed known ones.
  writeFileSync(
    s.passwordsFile,
    `${JSON.stringify({ [s.admin.username]: s.admin.password, [s.service.username]: s.service.password })}\n`,
    { mode: 0o600 },
  );
  writeFileSync(
    s.credentialsFile,
    `${JSON.stringify({ url: s.url, dagsDir: s.dagsDir, username: s.service.username, password: s.service.password, python: join(venv, 'bin', 'python') })}\n`,
    { mode: 0o600 },
  );
  return secrets;
}

/**
 * A metadata database on a local PostgreSQL (scripts/postgres-local.mjs with DATA_DIR=`pgDataDir`, PG_PORT=`pgPort`,
 * started when it is not running), created owned by its login role when missing; its SQLAlchemy URL for Airflow and
 * the Celery result backend's.
 */
export function metadataDatabase({ pgDataDir, pgPort, database }, python) {
  const pgEnv = { ...process.env, DATA_DIR: pgDataDir, PG_PORT: String(pgPort) };
  const up = spawnSync(process.execPath, [join(here, '..', '..', 'scripts', 'postgres-local.mjs'), 'up', '--json'], {
    env: pgEnv,
    encoding: 'utf8',
  });
  if (up.status !== 0) throw new Error(`PostgreSQL for Airflow's metadata did not start: ${up.stderr}`);
  const pg = JSON.parse(up.stdout.trim().split('\n').pop());
  const creds = readJson(join(pgDataDir, 'postgres', 'credentials.json'));
  const script = [
    'import psycopg, sys',
    'c = psycopg.connect(host="127.0.0.1", port=int(sys.argv[1]), user=sys.argv[2], password=sys.argv[3], dbname="postgres", autocommit=True)',
    'if not c.execute("select 1 from pg_database where datname = %s", (sys.argv[4],)).fetchone():',
    '    c.execute(f\'create database "{sys.argv[4]}" owner "{sys.argv[5]}"\')',
  ].join('\n');
  sh(python, ['-c', script, String(pg.port), creds.superuser, creds.superuserPassword, database, pg.user]);
  const auth = `${encodeURIComponent(pg.user)}:${encodeURIComponent(pg.password)}@127.0.0.1:${pg.port}/${database}`;
  return { sqlAlchemy: `postgresql+psycopg2://${auth}`, resultBackend: `db+postgresql://${auth}` };
}

/** The environment Airflow's components run with (the celery harness starts them one by one with the same). */
export function standaloneEnv(s, venv, secrets) {
  const env = {
    ...process.env,
    AIRFLOW_HOME: s.home,
    // standalone starts its components as `airflow <component>`: the venv's bin must come first on PATH.
    PATH: `${join(venv, 'bin')}:${process.env.PATH ?? ''}`,
    VIRTUAL_ENV: venv,
    NO_COLOR: '1',
    AIRFLOW__CORE__DAGS_FOLDER: s.dagsDir,
    AIRFLOW__CORE__LOAD_EXAMPLES: 'False',
    AIRFLOW__CORE__DAGS_ARE_PAUSED_AT_CREATION: 'False',
    AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_USERS: `${s.admin.username}:admin,${s.service.username}:user`,
    AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_PASSWORDS_FILE: s.passwordsFile,
    AIRFLOW__CORE__EXECUTION_API_SERVER_URL: `${s.url}/execution/`,
    AIRFLOW__CORE__PARALLELISM: '8',
    AIRFLOW__API__PORT: String(s.port),
    // The log servers of the scheduler and the triggerer need ports of their own, so that two instances
    // (the demo's and the tests') can run side by side.
    AIRFLOW__LOGGING__WORKER_LOG_SERVER_PORT: String(s.port === 8080 ? 8793 : s.port + 1),
    AIRFLOW__LOGGING__TRIGGER_LOG_SERVER_PORT: String(s.port === 8080 ? 8794 : s.port + 2),
    AIRFLOW__API__HOST: '127.0.0.1',
    AIRFLOW__API__BASE_URL: s.url,
    AIRFLOW__API_AUTH__JWT_SECRET: secrets.jwtSecret,
    AIRFLOW__API__SECRET_KEY: secrets.apiSecret,
    // New files are only found on a bundle refresh (300 s by default): look every 2 s instead.
    AIRFLOW__DAG_PROCESSOR__REFRESH_INTERVAL: process.env.AIRFLOW_DAG_REFRESH_INTERVAL_S ?? '2',
    AIRFLOW__DAG_PROCESSOR__BUNDLE_REFRESH_CHECK_INTERVAL: '1',
    AIRFLOW__DAG_PROCESSOR__MIN_FILE_PROCESS_INTERVAL: '10',
    AIRFLOW__SCHEDULER__SCHEDULER_HEARTBEAT_SEC: '2',
    // An idle scheduler loop sleeps 1 s by default: a triggered run waited that long to start, and each task's end
    // that long to be seen (issue 16's create_dag breakdown). 0.25 s costs a few % of one core while idle.
    AIRFLOW__SCHEDULER__SCHEDULER_IDLE_SLEEP_TIME: '0.25',
    // Started together, the scheduler can hand a queued task to a worker before the API server answers (10 s later
    // on a loaded 2-core machine after a restart); the worker's calls to the execution API then gave up after 5
    // tries of 5 s and the task failed without running. Wait longer for a slow API server instead.
    AIRFLOW__WORKERS__EXECUTION_API_TIMEOUT: '15',
    AIRFLOW__WORKERS__EXECUTION_API_RETRIES: '10',
    AIRFLOW__WORKERS__EXECUTION_API_RETRY_WAIT_MAX: '10',
    // A task whose process died with a restart is failed after 60 s instead of 300 s.
    AIRFLOW__SCHEDULER__TASK_INSTANCE_HEARTBEAT_TIMEOUT: '60',
    AIRFLOW__SCHEDULER__TASK_INSTANCE_HEARTBEAT_TIMEOUT_DETECTION_INTERVAL: '10',
    ...(s.jwtExpirationS ? { AIRFLOW__API_AUTH__JWT_EXPIRATION_TIME: String(s.jwtExpirationS) } : {}),
  };
  delete env.PYTHONDONTWRITEBYTECODE;
  for (const key of Object.keys(env))
    if (/^(AIRFLOW_USERNAME|AIRFLOW_PASSWORD|GEMINI_API_KEY|MCP_API_KEYS)$/.test(key)) delete env[key];
  return env;
}

async function status(s) {
  const pid = Number(readJson(s.pidFile)?.pid ?? 0);
  const running = pid > 0 && alive(pid);
  const h = running ? await health(s) : { ok: false, reason: 'not running' };
  return describe(s, { running, healthy: h.ok, pid: running ? pid : undefined, reason: h.ok ? undefined : h.reason });
}

async function up(s) {
  const current = await status(s);
  if (current.running && current.healthy) {
    log(`already running at ${s.url} (pid ${current.pid})`);
    return current;
  }
  if (current.running) {
    // A standalone that is still starting, or slow to answer on a loaded machine, is given a minute before it is
    // restarted: restarting one that another test run is using breaks that run.
    const until = Date.now() + 60_000;
    let again = current;
    while (again.running && !again.healthy && Date.now() < until) {
      await new Promise((resolve) => setTimeout(resolve, 3000));
      again = await status(s);
    }
    if (again.running && again.healthy) {
      log(`already running at ${s.url} (pid ${again.pid}), healthy after a wait`);
      return again;
    }
    log(`a previous standalone (pid ${current.pid}) is not healthy (${again.reason ?? current.reason}); restarting it`);
    await down(s);
  }
  const venv = ensureVenv();
  const secrets = prepareHome(s, venv);
  const env = standaloneEnv(s, venv, secrets);
  if (s.metadataPg) {
    env.AIRFLOW__DATABASE__SQL_ALCHEMY_CONN = metadataDatabase(s.metadataPg, join(venv, 'bin', 'python')).sqlAlchemy;
  }
  const logStart = existsSync(s.logFile) ? readFileSync(s.logFile, 'utf8').length : 0;
  const out = openSync(s.logFile, 'a');
  const child = spawn(join(venv, 'bin', 'airflow'), ['standalone'], {
    cwd: s.home,
    env,
    detached: true,
    stdio: ['ignore', out, out],
  });
  closeSync(out);
  child.unref();
  writeFileSync(s.pidFile, `${JSON.stringify({ pid: child.pid, port: s.port, started: new Date().toISOString() })}\n`);
  log(`starting airflow standalone (pid ${child.pid}, log ${s.logFile})`);
  const started = Date.now();
  const deadline = started + Number(process.env.AIRFLOW_START_TIMEOUT_S ?? 420) * 1000;
  let last;
  const fatal =
    /FileNotFoundError|Address already in use|ModuleNotFoundError|sqlite3\.OperationalError|Permission denied/;
  while (Date.now() < deadline) {
    if (!alive(child.pid)) break;
    const logText = existsSync(s.logFile) ? readFileSync(s.logFile, 'utf8') : '';
    if (fatal.test(logText.slice(logStart))) {
      last = { ok: false, reason: `a component failed to start (${fatal.exec(logText.slice(logStart))?.[0]})` };
      break;
    }
    last = await health(s);
    if (last.ok) {
      log(`healthy in ${Math.round((Date.now() - started) / 1000)} s at ${s.url}`);
      return describe(s, {
        running: true,
        healthy: true,
        pid: child.pid,
        startSeconds: Math.round((Date.now() - started) / 1000),
      });
    }
    await new Promise((r) => setTimeout(r, 1000));
  }
  const tail = existsSync(s.logFile) ? readFileSync(s.logFile, 'utf8').split('\n').slice(-40).join('\n') : '';
  await down(s);
  throw new Error(
    `Airflow did not become healthy at ${s.url} (${last?.reason ?? 'process exited'}). Last log lines:\n${tail}`,
  );
}

export async function down(s) {
  const pid = Number(readJson(s.pidFile)?.pid ?? 0);
  if (!(pid > 0 && alive(pid))) {
    rmSync(s.pidFile, { force: true });
    return describe(s, { running: false, stopped: false });
  }
  const signal = (sig) => {
    try {
      process.kill(-pid, sig);
    } catch {
      /* already gone */
    }
  };
  signal('SIGTERM');
  const deadline = Date.now() + 30_000;
  while (alive(pid) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 250));
  if (alive(pid)) signal('SIGKILL');
  // Children (scheduler, api-server, ...) share the group; give them a moment to go.
  await new Promise((r) => setTimeout(r, 500));
  signal('SIGKILL');
  rmSync(s.pidFile, { force: true });
  log(`stopped (pid ${pid})`);
  return describe(s, { running: false, stopped: true });
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  runServerCli({
    settings,
    up,
    down,
    status,
    // Passwords stay in passwords.json: `down` and `status` print where they are, never what they are.
    hidden: ['admin', 'service'],
    more: {
      venv: () => ({ venv: ensureVenv() }),
      lock: () => relock(),
    },
    upText: (result) =>
      `Airflow is running at ${result.url}\n` +
      `  admin user:   ${result.admin.username} (password in ${result.passwordsFile})\n` +
      `  service user: ${result.service.username}, role User (password in the same file)\n` +
      `  dags folder:  ${result.dagsDir}\n  log:          ${result.logFile}\nStop it with: npm run airflow:down\n`,
  });
}
