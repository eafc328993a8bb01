#!/usr/bin/env node
// A local Airflow 2 standalone (API v1, Basic auth), for the Airflow-2 suites (test/airflow2/) and to try the service
// against the Airflow 2 that many teams still run.
//   node airflow/scripts/airflow2-local.mjs up|down|status|venv|lock [--json]
// `up` builds (once) a virtualenv from airflow/airflow2/requirements.lock in the cache, keyed by the lock's hash,
// migrates the metadata database (SQLite), creates the FAB users (admin, and the service's User-role login), then
// starts `airflow standalone` (webserver, scheduler with its DAG processor, triggerer; SequentialExecutor on SQLite)
// and returns when the scheduler reports healthy. `down` stops only the process group that `up` started.
// Environment: DATA_DIR (./.data; Airflow's home is <DATA_DIR>/airflow2), DAGS_DIR (<home>/dags), AIRFLOW_PORT
// (8100), AIRFLOW_ADMIN_PASSWORD, AIRFLOW_USERNAME (airflow-mcp) / AIRFLOW_PASSWORD; AIRFLOW_CONN_* are passed on.
// Passwords not given are generated on the first `up` and kept in <home>/secrets.json (mode 600).
import { spawn, spawnSync } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readJson, runServerCli } from '../../scripts/lib/local-server.mjs';
import { alive, down, ensureVenv, localSecrets, relock, venvPath } from './airflow-local.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const lockFile = join(dirname(here), 'airflow2', 'requirements.lock');
const log = (line) => process.stderr.write(`[airflow2] ${line}\n`);

export function settings(env = process.env) {
  const dataDir = resolve(env.DATA_DIR ?? '.data');
  const home = join(dataDir, 'airflow2');
  const stored = readJson(join(home, 'secrets.json')) ?? {};
  const port = Number(env.AIRFLOW_PORT ?? 8100);
  return {
    dataDir,
    home,
    dagsDir: resolve(env.DAGS_DIR ?? join(home, 'dags')),
    port,
    url: `http://127.0.0.1:${port}`,
    pidFile: join(home, 'standalone.pid'),
    logFile: join(home, 'standalone.log'),
    secretsFile: join(home, 'secrets.json'),
    admin: { username: 'admin', password: env.AIRFLOW_ADMIN_PASSWORD ?? stored.adminPassword },
    service: {
      username: env.AIRFLOW_USERNAME ?? 'airflow-mcp',
      password: env.AIRFLOW_PASSWORD ?? stored.servicePassword,
    },
  };
}

/** Airflow 2 has no DAG-processor job of its own here (it runs inside the scheduler): database and scheduler. */
async function health(s) {
  try {
    const response = await fetch(`${s.url}/api/v1/health`, { signal: AbortSignal.timeout(10_000) });
    if (!response.ok) return { ok: false, reason: `HTTP ${response.status}` };
    const body = await response.json();
    const bad = ['metadatabase', 'scheduler'].filter((k) => body[k]?.status !== 'healthy');
    return bad.length ? { ok: false, reason: `not yet healthy: ${bad.join(', ')}` } : { ok: true, body };
  } catch (error) {
    return { ok: false, reason: error instanceof Error ? error.message : String(error) };
  }
}

function describe(s, extra = {}) {
  return {
    url: s.url,
    dataDir: s.dataDir,
    dagsDir: s.dagsDir,
    airflowHome: s.home,
    admin: s.admin,
    service: s.service,
    secretsFile: s.secretsFile,
    logFile: s.logFile,
    python: join(venvPath(lockFile, 'airflow2'), 'bin', 'python'),
    ...extra,
  };
}

async function status(s) {
  const pid = Number(readJson(s.pidFile)?.pid ?? 0);
  const running = pid > 0 && alive(pid);
  const h = running ? await health(s) : { ok: false, reason: 'not running' };
  return describe(s, { running, healthy: h.ok, pid: running ? pid : undefined, reason: h.ok ? undefined : h.reason });
}

function airflowEnv(s, venv, secrets) {
  const env = {
    ...process.env,
    AIRFLOW_HOME: s.home,
    // standalone starts its components as `airflow <component>`: the venv's bin must come first on PATH.
    PATH: `${join(venv, 'bin')}:${process.env.PATH ?? ''}`,
    VIRTUAL_ENV: venv,
    NO_COLOR: '1',
    AIRFLOW__CORE__DAGS_FOLDER: s.dagsDir,
    AIRFLOW__CORE__LOAD_EXAMPLES: 'False',
    // Airflow's default: new DAGs are paused until someone unpauses them (the service does, after the parse).
    AIRFLOW__CORE__DAGS_ARE_PAUSED_AT_CREATION: 'True',
    AIRFLOW__CORE__FERNET_KEY: secrets.fernetKey,
    AIRFLOW__DATABASE__LOAD_DEFAULT_CONNECTIONS: 'False',
    AIRFLOW__WEBSERVER__WEB_SERVER_HOST: '127.0.0.1',
    AIRFLOW__WEBSERVER__WEB_SERVER_PORT: String(s.port),
    AIRFLOW__WEBSERVER__BASE_URL: s.url,
    AIRFLOW__WEBSERVER__SECRET_KEY: secrets.apiSecret,
    // Two gunicorn workers, never recycled (the default four, restarted every 30 s, load a 2-core machine).
    AIRFLOW__WEBSERVER__WORKERS: '2',
    AIRFLOW__WEBSERVER__WORKER_REFRESH_BATCH_SIZE: '0',
    // The REST API v1 takes Basic auth against the FAB users (off by default: session only).
    AIRFLOW__API__AUTH_BACKENDS:
      'airflow.providers.fab.auth_manager.api.auth.backend.basic_auth,airflow.providers.fab.auth_manager.api.auth.backend.session',
    AIRFLOW__LOGGING__WORKER_LOG_SERVER_PORT: String(s.port + 1),
    AIRFLOW__LOGGING__TRIGGER_LOG_SERVER_PORT: String(s.port + 2),
    // New files are found when the scheduler lists the folder (300 s by default): every 2 s instead.
    AIRFLOW__SCHEDULER__DAG_DIR_LIST_INTERVAL: '2',
    AIRFLOW__SCHEDULER__MIN_FILE_PROCESS_INTERVAL: '10',
    AIRFLOW__SCHEDULER__PARSING_PROCESSES: '1',
    AIRFLOW__SCHEDULER__SCHEDULER_HEARTBEAT_SEC: '2',
    AIRFLOW__SCHEDULER__SCHEDULER_IDLE_SLEEP_TIME: '0.5',
  };
  delete env.PYTHONDONTWRITEBYTECODE;
  for (const key of Object.keys(env))
    if (/^(AIRFLOW_USERNAME|AIRFLOW_PASSWORD|AIRFLOW_ADMIN_PASSWORD|GEMINI_API_KEY|MCP_API_KEYS)$/.test(key))
      delete env[key];
  return env;
}

// One Python process creates or resets both FAB users (each `airflow users` command costs seconds of imports).
// The passwords arrive on stdin, never on a command line.
const USERS_PY = `
import json, sys
from airflow.providers.fab.auth_manager.cli_commands.utils import get_application_builder
users = json.load(sys.stdin)
with get_application_builder() as appbuilder:
    sm = appbuilder.sm
    # The built-in roles (Viewer, User, Op) exist only once synced; the webserver would do it later.
    sm.sync_roles()
    for u in users:
        role = sm.find_role(u["role"])
        found = sm.find_user(username=u["username"])
        if found is None:
            if not sm.add_user(u["username"], u["username"], "local", u["username"] + "@localhost", role, u["password"]):
                sys.exit("could not create user " + u["username"])
        else:
            sm.reset_password(found.id, u["password"])
            if role not in found.roles:
                found.roles = [role]
                sm.update_user(found)
`;

function prepare(s, venv, env) {
  const airflow = join(venv, 'bin', 'airflow');
  const migrate = spawnSync(airflow, ['db', 'migrate'], { cwd: s.home, env, stdio: ['ignore', 'pipe', 'pipe'] });
  if (migrate.status !== 0) throw new Error(`airflow db migrate failed: ${String(migrate.stderr).slice(-2000)}`);
  const users = spawnSync(join(venv, 'bin', 'python'), ['-c', USERS_PY], {
    cwd: s.home,
    env,
    input: JSON.stringify([
      { ...s.admin, role: 'Admin' },
      { ...s.service, role: 'User' },
    ]),
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  if (users.status !== 0) throw new Error(`creating the Airflow users failed: ${String(users.stderr).slice(-2000)}`);
  // standalone reads the admin password from here instead of making up a new one.
  writeFileSync(join(s.home, 'standalone_admin_password.txt'), `${s.admin.password}\n`, { mode: 0o600 });
}

async function up(s) {
  const current = await status(s);
  if (current.running && current.healthy) {
    log(`already running at ${s.url} (pid ${current.pid})`);
    return current;
  }
  if (current.running) {
    const until = Date.now() + 60_000;
    let again = current;
    while (again.running && !again.healthy && Date.now() < until) {
      await new Promise((r) => setTimeout(r, 3000));
      again = await status(s);
    }
    if (again.running && again.healthy) return again;
    log(`a previous standalone (pid ${current.pid}) is not healthy (${again.reason}); restarting it`);
    await down(s);
  }
  const venv = ensureVenv(lockFile, 'airflow2');
  mkdirSync(s.dagsDir, { recursive: true });
  mkdirSync(s.home, { recursive: true });
  const local = localSecrets(s);
  // A Fernet key is 32 url-safe base64 bytes: derived from the kept random secret, so it is the same at every start.
  const secrets = { ...local, fernetKey: `${Buffer.from(local.jwtSecret.slice(0, 64), 'hex').toString('base64url')}=` };
  s.admin.password ??= secrets.adminPassword;
  s.service.password ??= secrets.servicePassword;
  const env = airflowEnv(s, venv, secrets);
  const started = Date.now();
  prepare(s, venv, env);
  log(`database migrated and users ready in ${Math.round((Date.now() - started) / 1000)} s`);
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
  const deadline = started + Number(process.env.AIRFLOW_START_TIMEOUT_S ?? 420) * 1000;
  const fatal = /Address already in use|ModuleNotFoundError|sqlite3\.OperationalError|Permission denied/;
  let last;
  while (Date.now() < deadline) {
    if (!alive(child.pid)) break;
    const logText = existsSync(s.logFile) ? readFileSync(s.logFile, 'utf8').slice(logStart) : '';
    if (fatal.test(logText)) {
      last = { ok: false, reason: `a component failed to start (${fatal.exec(logText)?.[0]})` };
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
    `Airflow 2 did not become healthy at ${s.url} (${last?.reason ?? 'process exited'}). Last log lines:\n${tail}`,
  );
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
      venv: () => ({ venv: ensureVenv(lockFile, 'airflow2') }),
      lock: () => relock(lockFile, 'airflow2'),
    },
    upText: (result) =>
      `Airflow 2 is running at ${result.url}\n` +
      `  admin user:   ${result.admin.username}, service user: ${result.service.username} (role User)\n` +
      `  passwords in: ${result.secretsFile}\n  dags folder:  ${result.dagsDir}\n  log:          ${result.logFile}\n` +
      `Stop it with: node airflow/scripts/airflow2-local.mjs down\n`,
  });
}
