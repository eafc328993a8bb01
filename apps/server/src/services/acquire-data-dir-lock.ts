import { AppError } from '@airflow-mcp/core';
import { randomUUID } from 'node:crypto';
import { readFileSync, statSync, unlinkSync } from 'node:fs';
import { link, open, readFile, unlink, utimes } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';

/** Who holds DATA_DIR's embedded database: written into DATA_DIR/db.lock by the holder. */
export interface DataDirLockOwner {
  pid: number;
  hostname: string;
  /** What the holder runs: `serve` (the HTTP service), `stdio`, `ingest`, ... */
  mode: string;
  started_at: string;
  /** The kernel's start time of the process (Linux), so a reused pid is not taken for the holder. */
  process_start?: string | undefined;
}

export interface DataDirLock {
  path: string;
  owner: DataDirLockOwner;
  release(): Promise<void>;
}

const LOCK_FILE = 'db.lock';

/** Field 22 of /proc/<pid>/stat (start time in clock ticks since boot); undefined off Linux or when gone. */
function processStart(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) is in parentheses and may hold spaces: count fields after its closing one.
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
  } catch {
    return undefined;
  }
}

/** The holder touches its lock this often; another host's lock untouched for STALE_AFTER_MS is taken over. */
const HEARTBEAT_MS = 10_000;
const STALE_AFTER_MS = 60_000;

/**
 * Whether the process that wrote the lock still runs: on this host, its pid (and the kernel's start time of that
 * pid); from another host sharing the folder (a recreated container), whether it touched the lock lately.
 */
function isAlive(owner: DataDirLockOwner, path: string): boolean {
  if (owner.hostname !== hostname()) {
    try {
      return Date.now() - statSync(path).mtimeMs < STALE_AFTER_MS;
    } catch {
      return false;
    }
  }
  try {
    process.kill(owner.pid, 0);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  const start = processStart(owner.pid);
  return owner.process_start === undefined || start === undefined || start === owner.process_start;
}

function parseOwner(text: string): DataDirLockOwner | undefined {
  try {
    const parsed = JSON.parse(text) as Partial<DataDirLockOwner>;
    if (typeof parsed.pid !== 'number' || typeof parsed.hostname !== 'string') return undefined;
    return parsed as DataDirLockOwner;
  } catch {
    return undefined;
  }
}

/** A takeover guard older than this was left by a taker that died in its few milliseconds: it is removed. */
const GUARD_STALE_MS = 10_000;

/** Creates the takeover guard exclusively; false when another taker holds it (a stale one is removed first). */
async function takeGuard(guard: string): Promise<boolean> {
  try {
    await (await open(guard, 'wx', 0o600)).close();
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
  try {
    if (Date.now() - statSync(guard).mtimeMs > GUARD_STALE_MS) await unlink(guard);
  } catch {
    // gone meanwhile
  }
  return false;
}

function heldError(dataDir: string, path: string, owner: DataDirLockOwner, mode: string): AppError {
  const where = owner.hostname === hostname() ? `pid ${owner.pid}` : `pid ${owner.pid} on host ${owner.hostname}`;
  return new AppError(
    'CONFLICT',
    `DATA_DIR=${dataDir} is in use by another airflow-mcp process (${where}, mode ${owner.mode}, started ` +
      `${owner.started_at}); its embedded database takes one process at a time, so this ${mode} was not started. ` +
      `Stop the other one first (kill ${owner.pid}, Ctrl-C in its terminal, or quit the desktop client that ` +
      `started it), point this one at another DATA_DIR, or set DATABASE_URL to a PostgreSQL that several ` +
      `processes can share. If no such process runs, delete ${path}.`,
    { details: { pid: owner.pid, hostname: owner.hostname, mode: owner.mode, started_at: owner.started_at } },
  );
}

/**
 * Takes DATA_DIR's exclusive lock for the embedded database (PGlite in DATA_DIR/db allows one process): the lock
 * file is created exclusively; one left by a process that died is taken over; a live holder is named in the error.
 * Released by `release()` and, failing that, when the process exits.
 */
export async function acquireDataDirLock(options: { dataDir: string; mode: string }): Promise<DataDirLock> {
  const path = join(options.dataDir, LOCK_FILE);
  const owner: DataDirLockOwner = {
    pid: process.pid,
    hostname: hostname(),
    mode: options.mode,
    started_at: new Date().toISOString(),
    process_start: processStart(process.pid),
  };
  const text = `${JSON.stringify(owner)}\n`;
  const guard = `${path}.takeover`;
  for (let attempt = 0; attempt < 200; attempt++) {
    // Written under a private name and linked into place: the lock appears whole or not at all.
    const staging = `${path}.${randomUUID()}`;
    const file = await open(staging, 'wx', 0o600);
    try {
      await file.writeFile(text);
    } finally {
      await file.close();
    }
    try {
      await link(staging, path);
      await unlink(staging);
      return lockHandle(path, owner, text);
    } catch (error) {
      await unlink(staging);
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    // Gone meanwhile: try again. Unreadable (permissions): that error, not 200 attempts ending in "keep taking it".
    const seen = await readFile(path, 'utf8').catch((error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') return undefined;
      throw error;
    });
    if (seen === undefined) continue;
    const current = parseOwner(seen);
    if (current && isAlive(current, path)) throw heldError(options.dataDir, path, current, options.mode);
    // A stale (or unreadable) lock is removed by one taker at a time, holding DATA_DIR/db.lock.takeover, and only if
    // it is still the lock that was judged stale: no live lock can be removed, and no two takers both win. (Moving
    // it aside and putting back a live one could not be undone when a third taker had linked its lock meanwhile.)
    if (!(await takeGuard(guard))) {
      await new Promise((resolve) => setTimeout(resolve, 2 + Math.random() * 8));
      continue;
    }
    try {
      if ((await readFile(path, 'utf8').catch(() => undefined)) === seen) await unlink(path);
    } finally {
      await unlink(guard).catch(() => undefined);
    }
  }
  throw new AppError('CONFLICT', `Could not take the lock ${path}: other processes keep taking it. Try again.`);
}

function lockHandle(path: string, owner: DataDirLockOwner, text: string): DataDirLock {
  let released = false;
  // Only our own lock is removed: a lock rewritten by someone else (after ours was deleted by hand) stays.
  const removeSync = () => {
    if (released) return;
    released = true;
    try {
      if (readFileSync(path, 'utf8') === text) unlinkSync(path);
    } catch {
      // already gone
    }
  };
  process.once('exit', removeSync);
  const heartbeat = setInterval(() => {
    const now = new Date();
    void utimes(path, now, now).catch(() => undefined);
  }, HEARTBEAT_MS);
  heartbeat.unref();
  return {
    path,
    owner,
    async release() {
      clearInterval(heartbeat);
      process.off('exit', removeSync);
      removeSync();
    },
  };
}
