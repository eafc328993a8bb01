// Small helpers shared by the scripts that run local servers (PostgreSQL, MariaDB, Airflow) for development and tests.
import { spawnSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';

/** spawnSync with text output; throws only when the command could not start. */
export function run(cmd, args, options = {}) {
  const result = spawnSync(cmd, args, { encoding: 'utf8', ...options });
  if (result.error) throw result.error;
  return result;
}

/** run(), and an error naming the command and its stderr when it exits non-zero. */
export function must(cmd, args, options = {}) {
  const result = run(cmd, args, options);
  if (result.status !== 0) {
    throw new Error(`${cmd} ${args.join(' ')} failed (exit ${result.status}): ${(result.stderr ?? '').trim()}`);
  }
  return result;
}

export function readJson(path) {
  try {
    return JSON.parse(readFileSync(path, 'utf8'));
  } catch {
    return undefined;
  }
}

export function sha256File(file) {
  return createHash('sha256').update(readFileSync(file)).digest('hex');
}

/**
 * A server's passwords: the given ones, else those saved in `file` before, else generated; written back to `file`
 * (mode 600, its folder 700) so that the next start and the tests find them.
 */
export function keepCredentials(file, { superuser, superuserPassword, password }) {
  const saved = readJson(file) ?? {};
  const creds = {
    superuser,
    superuserPassword: superuserPassword ?? saved.superuserPassword ?? randomBytes(18).toString('hex'),
    password: password ?? saved.password ?? randomBytes(18).toString('hex'),
  };
  mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
  writeFileSync(file, `${JSON.stringify(creds)}\n`, { mode: 0o600 });
  return creds;
}

/**
 * The command line of a local-server script, `up|down|status|<more> [--json]`: `up`, `down` and `status` take the
 * script's `settings()`, `more` are further commands. Prints the result: one JSON line with --json, else
 * `upText(result)` after `up` and indented JSON (without the `hidden` keys) after the others. A failure prints its
 * message and exits 1.
 */
export function runServerCli({ settings, up, down, status, more = {}, upText, hidden = [] }) {
  const command = process.argv[2] ?? 'status';
  const json = process.argv.includes('--json');
  const commands = {
    up: () => up(settings()),
    down: () => down(settings()),
    status: () => status(settings()),
    ...more,
  };
  const main = async () => {
    const handler = commands[command];
    if (!handler) throw new Error(`unknown command "${command}": use ${Object.keys(commands).join(', ')}`);
    const result = await handler();
    if (json) process.stdout.write(`${JSON.stringify(result)}\n`);
    else if (command === 'up') process.stdout.write(upText(result));
    else {
      const shown = { ...result, ...Object.fromEntries(hidden.map((key) => [key, undefined])) };
      process.stdout.write(`${JSON.stringify(shown, null, 2)}\n`);
    }
  };
  main().catch((error) => {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  });
}

/**
 * Removes the build folders (`<target>.building-<pid>`) of processes no longer alive: a build that was killed leaves
 * its folder behind, and a virtualenv is ~900 MB.
 * @param {string} target
 */
export function removeStaleBuilds(target) {
  const parent = dirname(target);
  const prefix = `${basename(target)}.building-`;
  for (const name of existsSync(parent) ? readdirSync(parent) : []) {
    if (!name.startsWith(prefix)) continue;
    const pid = Number(name.slice(prefix.length));
    if (Number.isInteger(pid) && pid !== process.pid && isAlive(pid)) continue;
    rmSync(join(parent, name), { recursive: true, force: true });
  }
}

/**
 * A fresh, empty folder path to build `target` in (`<target>.building-<pid>`, renamed onto `target` when complete),
 * once the stale ones are removed.
 * @param {string} target
 * @returns {string}
 */
export function buildFolder(target) {
  removeStaleBuilds(target);
  const folder = `${target}.building-${process.pid}`;
  rmSync(folder, { recursive: true, force: true });
  return folder;
}

function isAlive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return error.code === 'EPERM';
  }
}
