#!/usr/bin/env node
// A local MariaDB server (MySQL protocol), for the tests and for development.
//   node scripts/mariadb-local.mjs up|down|status|install [--json]
// The server and client binaries come from Debian's own packages, pinned to exact versions and sha256 below:
// `apt-get download` fetches the .deb files (no install, nothing added to the system), `dpkg-deb -x` unpacks them
// into ${AIRFLOW_MCP_CACHE:-~/.cache/airflow-mcp}/mariadb/mariadb-<version> (whole or absent: unpacked into a
// temporary folder, then renamed). Shared libraries the machine lacks (libaio, liburing) come the same way and are
// found through LD_LIBRARY_PATH; the unpacked server is checked with ldd before it is used.
// `up` runs mariadb-install-db once into <DATA_DIR>/mariadb/data and starts mariadbd on 127.0.0.1:<MYSQL_PORT> only
// (its Unix socket sits in the same private folder), utf8mb4 throughout, with a login user (MYSQL_USER, default etl)
// holding every privilege on one database (MYSQL_DATABASE, default warehouse), and a root account that logs in with
// a password over TCP or as the OS user root through the private socket. `up` twice is a no-op; `down` stops the
// server cleanly (SIGTERM, InnoDB shuts down and flushes).
// Passwords: MYSQL_PASSWORD / MYSQL_ROOT_PASSWORD, otherwise generated once and kept (mode 600) in
// <DATA_DIR>/mariadb/credentials.json; <DATA_DIR>/mariadb/client.cnf (mode 600) lets the bundled client log in as
// the login user: `<cache>/mariadb/mariadb-<version>/usr/bin/mariadb --defaults-file=<DATA_DIR>/mariadb/client.cnf`.
// Run as root (CI does), mariadbd runs as root too (`--user=root`, which it allows); files stay in the data folder.
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  closeSync,
  existsSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildFolder, keepCredentials, must, readJson, run, runServerCli, sha256File } from './lib/local-server.mjs';
import { cacheRoot } from './lib/node-runtime.mjs';

/**
 * Debian 12 (bookworm) packages, amd64, newest first: the security update, then the point release, which stays in
 * bookworm/main after the security archive has moved on, so a fresh machine can still fetch one of them.
 * `apt-cache policy mariadb-server-core` names the versions apt offers. MARIADB_DEB_VERSION picks one.
 */
const RELEASES = [
  {
    version: '1:10.11.19-0+deb12u1',
    server: 'bda81cb1c5b538e19eed27462fa8df577684b9cdc4fe40cee8d1da9cbc0fe76b',
    client: '60549abde2ad55068610b2cae03af7d17a2cafb0993f16c8c2413bd1b5fe6f5f',
  },
  {
    version: '1:10.11.18-0+deb12u1',
    server: '46de441b75f8c10b6ca6c9f03335749b20b583f26737e51fecc9820b6bf24576',
    client: '8e8ebbffc4fc875430f55db426316df265bb8e6e69d11cae1a68d84e703cde3d',
  },
];
/** Shared libraries mariadbd needs that a slim Debian lacks. */
const LIBRARIES = [
  { name: 'libaio1', version: '0.3.113-4', sha256: 'd1476e4beab3d85f8a7d31de94c27472711ed3ef399ce70708e24b259426125b' },
  { name: 'liburing2', version: '2.3-3', sha256: 'c23077e3640e6cb4b819c134b3f41d5cf21b3edac099654b1b4142c3069a39a3' },
];
const packagesOf = (release) => [
  { name: 'mariadb-server-core', version: release.version, sha256: release.server },
  { name: 'mariadb-client-core', version: release.version, sha256: release.client },
  ...LIBRARIES,
];
const ARCH = 'amd64';
const log = (line) => process.stderr.write(`[mariadb] ${line}\n`);

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]{0,31}$/;

export function settings(env = process.env) {
  const dataDir = resolve(env.DATA_DIR ?? '.data');
  const root = join(dataDir, 'mariadb');
  const user = env.MYSQL_USER ?? 'etl';
  const database = env.MYSQL_DATABASE ?? 'warehouse';
  for (const [name, value] of [
    ['MYSQL_USER', user],
    ['MYSQL_DATABASE', database],
  ]) {
    if (!IDENTIFIER.test(value))
      throw new Error(`${name} must be a plain identifier (letters, digits, _), not ${value}`);
  }
  const port = Number(env.MYSQL_PORT ?? 23306);
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new Error(`MYSQL_PORT must be a port, not ${port}`);
  // A Unix socket path holds at most 107 bytes: a deep DATA_DIR gets one in the temp folder instead.
  let socket = join(root, 'mariadbd.sock');
  if (Buffer.byteLength(socket) > 100) {
    socket = join(tmpdir(), `airflow-mcp-mariadb-${createHash('sha256').update(root).digest('hex').slice(0, 12)}.sock`);
  }
  return {
    dataDir,
    root,
    datadir: join(root, 'data'),
    logFile: join(root, 'mariadb.log'),
    pidFile: join(root, 'mariadbd.pid'),
    socket,
    credentialsFile: join(root, 'credentials.json'),
    clientConfig: join(root, 'client.cnf'),
    host: '127.0.0.1',
    port,
    user,
    database,
    isRoot: typeof process.getuid === 'function' && process.getuid() === 0,
    env,
  };
}

const debFile = (p) => `${p.name}_${p.version.replace(/:/g, '%3a')}_${ARCH}.deb`;

let aptUpdated = false;

/**
 * Every pinned .deb of `packages` in the cache, checked against its sha256; fetched with `apt-get download` when
 * missing. An error with `unavailable` set when apt does not offer those versions (any more).
 */
export function ensureDebs(debs, packages) {
  mkdirSync(debs, { recursive: true });
  const missing = packages.filter(
    (p) => !existsSync(join(debs, debFile(p))) || sha256File(join(debs, debFile(p))) !== p.sha256,
  );
  if (missing.length === 0) return;
  if (run('sh', ['-c', 'command -v apt-get && command -v dpkg-deb']).status !== 0) {
    throw new Error(
      'these binaries come from Debian packages: apt-get and dpkg-deb are needed (Debian 12 / bookworm, amd64)',
    );
  }
  const arch = run('dpkg', ['--print-architecture']).stdout?.trim();
  if (arch !== ARCH) throw new Error(`the pinned MariaDB packages are for ${ARCH}; this machine is ${arch}`);
  const fetching = join(debs, `.fetching-${process.pid}`);
  rmSync(fetching, { recursive: true, force: true });
  mkdirSync(fetching, { recursive: true });
  try {
    const specs = missing.map((p) => `${p.name}=${p.version}`);
    log(`downloading ${specs.join(', ')} with apt-get download (first time only)`);
    // As root, apt would hand the download to its _apt user, who cannot write into a cache under /root.
    const args = ['-q', '-o', 'APT::Sandbox::User=root', 'download', ...specs];
    let result = run('apt-get', args, { cwd: fetching });
    if (result.status !== 0 && /Unable to locate|not found|has no installation candidate/i.test(result.stderr)) {
      const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
      if (isRoot && !aptUpdated) {
        aptUpdated = true;
        log('apt does not list the pinned versions; running apt-get update once');
        run('apt-get', ['-q', 'update'], { stdio: ['ignore', 2, 2] });
        result = run('apt-get', args, { cwd: fetching });
      }
    }
    if (result.status !== 0) {
      const error = new Error(`apt-get download ${specs.join(' ')} failed: ${(result.stderr ?? '').trim()}`);
      error.unavailable = /Unable to locate|not found|has no installation candidate/i.test(result.stderr);
      throw error;
    }
    for (const p of missing) {
      const got = readdirSync(fetching).find((f) => f.startsWith(`${p.name}_`) && f.endsWith('.deb'));
      if (!got) throw new Error(`apt-get download did not produce ${p.name}`);
      const hash = sha256File(join(fetching, got));
      if (hash !== p.sha256) throw new Error(`${got}: sha256 ${hash} is not the pinned ${p.sha256}`);
      renameSync(join(fetching, got), join(debs, debFile(p)));
    }
  } finally {
    rmSync(fetching, { recursive: true, force: true });
  }
}

const layout = (dir) => ({
  dir,
  basedir: join(dir, 'usr'),
  bin: join(dir, 'usr', 'bin'),
  mariadbd: join(dir, 'usr', 'sbin', 'mariadbd'),
  client: join(dir, 'usr', 'bin', 'mariadb'),
  libDir: join(dir, 'usr', 'lib', 'x86_64-linux-gnu'),
});

/**
 * The unpacked packages in the cache, the newest pinned release apt can still give (or one already unpacked):
 * whole or absent (unpacked into a temporary folder, then renamed).
 */
export function ensureInstall(env = process.env) {
  const base = join(cacheRoot(), 'mariadb');
  const releases = RELEASES.filter((r) => !env.MARIADB_DEB_VERSION || r.version === env.MARIADB_DEB_VERSION);
  if (releases.length === 0) {
    throw new Error(`MARIADB_DEB_VERSION must be one of ${RELEASES.map((r) => r.version).join(', ')}`);
  }
  const targetOf = (release) => join(base, `mariadb-${release.version.replace(/^\d+:/, '')}`);
  const ready = releases.find((r) => existsSync(join(targetOf(r), '.complete')));
  if (ready) return { ...layout(targetOf(ready)), packages: packagesOf(ready) };
  const debs = join(base, 'debs');
  const refused = [];
  for (const release of releases) {
    try {
      ensureDebs(debs, packagesOf(release));
      return { ...unpack(debs, packagesOf(release), targetOf(release)), packages: packagesOf(release) };
    } catch (error) {
      if (!error.unavailable) throw error;
      refused.push(error.message);
    }
  }
  throw new Error(
    `apt offers none of the pinned MariaDB releases:\n${refused.join('\n')}\n` +
      'Debian has moved on: add the new version to RELEASES in scripts/mariadb-local.mjs ' +
      '(`apt-cache policy mariadb-server-core` names it; `apt-get download` + `sha256sum` give the hashes).',
  );
}

function unpack(debs, packages, target) {
  const started = Date.now();
  const building = buildFolder(target);
  mkdirSync(building, { recursive: true });
  for (const p of packages) must('dpkg-deb', ['-x', join(debs, debFile(p)), building]);
  const built = layout(building);
  for (const file of [built.mariadbd, built.client, join(built.bin, 'mariadb-install-db')]) {
    if (!existsSync(file)) throw new Error(`the unpacked packages have no ${file.slice(building.length + 1)}`);
  }
  const ldd = run('ldd', [built.mariadbd, built.client], { env: { ...process.env, LD_LIBRARY_PATH: built.libDir } });
  const notFound = [...new Set([...(ldd.stdout ?? '').matchAll(/^\s*(\S+) => not found/gm)].map((m) => m[1]))];
  if (notFound.length) {
    throw new Error(
      `mariadbd needs shared libraries this machine does not have: ${notFound.join(', ')}. ` +
        'Install them with apt-get (e.g. `apt-get install libnuma1 libpcre2-8-0`), or add their packages to the pins in scripts/mariadb-local.mjs.',
    );
  }
  writeFileSync(join(building, '.complete'), `${new Date().toISOString()} from ${packages.map(debFile).join(', ')}\n`);
  rmSync(target, { recursive: true, force: true });
  renameSync(building, target);
  log(`MariaDB binaries ready in ${target} (${Math.round((Date.now() - started) / 100) / 10} s)`);
  return layout(target);
}

const binEnv = (install) => ({
  ...process.env,
  LD_LIBRARY_PATH: [install.libDir, process.env.LD_LIBRARY_PATH].filter(Boolean).join(':'),
});

function credentials(s) {
  const creds = keepCredentials(s.credentialsFile, {
    superuser: 'root',
    superuserPassword: s.env.MYSQL_ROOT_PASSWORD,
    password: s.env.MYSQL_PASSWORD,
  });
  // Option-file values: backslash and quote escaped inside double quotes.
  const quoted = `"${creds.password.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
  writeFileSync(
    s.clientConfig,
    `[client]\nhost=${s.host}\nport=${s.port}\nprotocol=TCP\nuser=${s.user}\npassword=${quoted}\ndatabase=${s.database}\n` +
      'default-character-set=utf8mb4\n',
    { mode: 0o600 },
  );
  return creds;
}

const sqlString = (value) => `'${String(value).replace(/\\/g, '\\\\').replace(/'/g, "''")}'`;

/** Server options shared by mariadb-install-db and the server itself. */
function serverOptions(s, install) {
  return [
    `--basedir=${install.basedir}`,
    `--lc-messages-dir=${join(install.basedir, 'share', 'mysql')}`,
    ...(s.isRoot ? ['--user=root'] : []),
    '--skip-name-resolve',
    '--character-set-server=utf8mb4',
    '--collation-server=utf8mb4_unicode_ci',
    // A development and test server: small redo log, commits flushed by the OS in its own time.
    '--innodb-log-file-size=16M',
    '--innodb-buffer-pool-size=128M',
    '--innodb-flush-log-at-trx-commit=2',
    // Fewer cached tables than the default, so the open-files limit of a container is enough.
    '--table-open-cache=400',
  ];
}

function initialize(s, install, creds) {
  const started = Date.now();
  const building = `${s.datadir}.init`;
  rmSync(building, { recursive: true, force: true });
  mkdirSync(s.root, { recursive: true, mode: 0o700 });
  // Run by the bootstrap server after the system tables: grants need the privilege tables loaded (FLUSH PRIVILEGES).
  const extra = join(s.root, '.init.sql');
  const user = (host) => `${sqlString(s.user)}@${sqlString(host)}`;
  writeFileSync(
    extra,
    [
      'FLUSH PRIVILEGES;',
      // The root account mariadb-install-db made for this machine's host name is useless with --skip-name-resolve.
      "DELETE FROM mysql.proxies_priv WHERE Host <> 'localhost';",
      `CREATE USER 'root'@'127.0.0.1' IDENTIFIED BY ${sqlString(creds.superuserPassword)};`,
      "GRANT ALL PRIVILEGES ON *.* TO 'root'@'127.0.0.1' WITH GRANT OPTION;",
      `CREATE DATABASE \`${s.database}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;`,
      `CREATE USER ${user('127.0.0.1')} IDENTIFIED BY ${sqlString(creds.password)};`,
      `GRANT ALL PRIVILEGES ON \`${s.database}\`.* TO ${user('127.0.0.1')};`,
      '',
    ].join('\n'),
    { mode: 0o600 },
  );
  try {
    const result = run(
      join(install.bin, 'mariadb-install-db'),
      [
        '--no-defaults',
        `--datadir=${building}`,
        // root@localhost: only through the Unix socket, as the OS user running the server.
        '--auth-root-authentication-method=socket',
        '--skip-test-db',
        `--extra-file=${extra}`,
        ...serverOptions(s, install),
      ],
      { env: binEnv(install) },
    );
    if (result.status !== 0) {
      const output = `${result.stdout ?? ''}\n${result.stderr ?? ''}`.trim().split('\n').slice(-15).join('\n');
      throw new Error(`mariadb-install-db failed (exit ${result.status}):\n${output}`);
    }
  } finally {
    rmSync(extra, { force: true });
  }
  renameSync(building, s.datadir);
  log(`initialized ${s.datadir} in ${Math.round((Date.now() - started) / 100) / 10} s`);
}

function serverPid(s) {
  try {
    return Number(readFileSync(s.pidFile, 'utf8').trim());
  } catch {
    return 0;
  }
}

/** The pid is alive and (where /proc tells) still a mariadbd, not an unrelated process that reused the number. */
function alive(pid) {
  if (!(pid > 0)) return false;
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    return /mariadbd|mysqld/.test(readFileSync(`/proc/${pid}/comm`, 'utf8'));
  } catch {
    return true;
  }
}

/** One query as the login user through the bundled client: its tab-separated rows, or the error. */
function query(s, install, sql) {
  const result = run(
    install.client,
    [`--defaults-file=${s.clientConfig}`, '--batch', '--skip-column-names', '--connect-timeout=5', '-e', sql],
    { env: binEnv(install) },
  );
  if (result.status !== 0) return { ok: false, error: (result.stderr ?? '').trim() };
  return {
    ok: true,
    rows: result.stdout
      .trim()
      .split('\n')
      .map((line) => line.split('\t')),
  };
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
      ? `mysql://${encodeURIComponent(s.user)}:${encodeURIComponent(password)}@${s.host}:${s.port}/${encodeURIComponent(s.database)}`
      : undefined,
    datadir: s.datadir,
    socket: s.socket,
    logFile: s.logFile,
    credentialsFile: s.credentialsFile,
    clientConfig: s.clientConfig,
    ...extra,
  };
}

/** Logs in as the login user over TCP and checks the database, the character set and a write. */
function verify(s, install) {
  const check = query(
    s,
    install,
    'CREATE TABLE IF NOT EXISTS _mcp_probe (id INT); DROP TABLE _mcp_probe; ' +
      'SELECT VERSION(), CURRENT_USER(), DATABASE(), @@character_set_database',
  );
  if (!check.ok) return { verified: false, reason: check.error };
  const [version, currentUser, database, charset] = check.rows[0] ?? [];
  if (database !== s.database || charset !== 'utf8mb4') {
    return { verified: false, reason: `logged in to ${database} (${charset}), expected ${s.database} (utf8mb4)` };
  }
  return { verified: true, serverVersion: version, currentUser };
}

async function status(s) {
  const pid = serverPid(s);
  const running = alive(pid);
  let ready = false;
  if (running && existsSync(s.clientConfig)) ready = query(s, ensureInstall(), 'SELECT 1').ok;
  return describe(s, readJson(s.credentialsFile), { running, ready, pid: running ? pid : undefined });
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function logTail(s) {
  return existsSync(s.logFile) ? readFileSync(s.logFile, 'utf8').split('\n').slice(-20).join('\n') : '';
}

async function up(s) {
  const started = Date.now();
  const current = await status(s);
  if (current.running && current.ready) {
    log(`already running on ${s.host}:${s.port} (pid ${current.pid})`);
    const creds = readJson(s.credentialsFile);
    return describe(s, creds, { running: true, ready: true, pid: current.pid, ...verify(s, ensureInstall()) });
  }
  if (current.running) {
    log(`a previous server (pid ${current.pid}) is not answering on ${s.host}:${s.port}; stopping it`);
    await down(s);
  }
  const install = ensureInstall();
  const creds = credentials(s);
  if (!existsSync(join(s.datadir, 'mysql'))) initialize(s, install, creds);
  rmSync(s.pidFile, { force: true });
  const logFd = openSync(s.logFile, 'a', 0o600);
  const child = spawn(
    install.mariadbd,
    [
      '--no-defaults',
      `--datadir=${s.datadir}`,
      ...serverOptions(s, install),
      `--bind-address=${s.host}`,
      `--port=${s.port}`,
      `--socket=${s.socket}`,
      `--pid-file=${s.pidFile}`,
      `--log-error=${s.logFile}`,
      '--max-connections=100',
    ],
    { detached: true, stdio: ['ignore', logFd, logFd], env: binEnv(install) },
  );
  closeSync(logFd);
  let exited;
  child.on('exit', (code, signal) => (exited = signal ?? code));
  child.unref();
  const deadline = Date.now() + 60_000;
  let check = { verified: false, reason: 'not started' };
  while (Date.now() < deadline) {
    if (exited !== undefined) throw new Error(`mariadbd exited (${exited}) while starting:\n${logTail(s)}`);
    if (serverPid(s) > 0) {
      check = verify(s, install);
      if (check.verified) break;
    }
    await sleep(250);
  }
  if (!check.verified) {
    throw new Error(
      `MariaDB did not become ready on ${s.host}:${s.port} within 60 s (${check.reason}):\n${logTail(s)}`,
    );
  }
  const seconds = Math.round((Date.now() - started) / 100) / 10;
  log(`ready on ${s.host}:${s.port} in ${seconds} s (${s.isRoot ? 'mariadbd --user=root' : 'as the current user'})`);
  return describe(s, creds, { running: true, ready: true, pid: serverPid(s), startSeconds: seconds, ...check });
}

async function down(s) {
  const pid = serverPid(s);
  if (!alive(pid)) return describe(s, undefined, { running: false, stopped: false });
  // SIGTERM is mariadbd's normal shutdown: connections closed, InnoDB flushed, the pid file removed.
  process.kill(pid, 'SIGTERM');
  let deadline = Date.now() + 60_000;
  while (alive(pid) && Date.now() < deadline) await sleep(200);
  if (alive(pid)) {
    log(`pid ${pid} did not stop within 60 s; killing it`);
    process.kill(pid, 'SIGKILL');
    deadline = Date.now() + 10_000;
    while (alive(pid) && Date.now() < deadline) await sleep(200);
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
        const version = must(install.mariadbd, ['--version'], { env: binEnv(install) }).stdout.trim();
        return { ...install, version, packages: install.packages.map((p) => `${p.name}=${p.version}`) };
      },
    },
    upText: (result) =>
      `MariaDB ${result.serverVersion ?? ''} is running on ${result.host}:${result.port}\n` +
      `  database: ${result.database}, login user: ${result.user}\n` +
      `  passwords in ${result.credentialsFile}; client: mariadb --defaults-file=${result.clientConfig}\n` +
      `  log: ${result.logFile}\nStop it with: node scripts/mariadb-local.mjs down\n`,
    hidden: ['password', 'url'],
  });
}
