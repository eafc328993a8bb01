import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { isAppError } from '@airflow-mcp/core';
import { afterAll, describe, expect, it } from 'vitest';
import { createSampleDatabase } from '../sample/create-sample-database.js';
import { introspectDuckdb } from './introspect-duckdb.js';
import { introspectSqlite } from './introspect-sqlite.js';
import { runBounded } from './run-bounded.js';

const dir = mkdtempSync(join(tmpdir(), 'introspect-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Runs `work` while a 10 ms timer measures how late the event loop gets to it; returns the worst lateness. */
async function worstLag<T>(work: () => Promise<T>): Promise<{ lagMs: number; outcome: T | unknown; ms: number }> {
  let last = performance.now();
  let lagMs = 0;
  const timer = setInterval(() => {
    const now = performance.now();
    lagMs = Math.max(lagMs, now - last - 10);
    last = now;
  }, 10);
  const started = performance.now();
  let outcome: T | unknown;
  try {
    outcome = await work();
  } catch (error) {
    outcome = error;
  }
  clearInterval(timer);
  return { lagMs, outcome, ms: performance.now() - started };
}

describe('introspectSqlite', () => {
  it('reads tables, columns and row counts of a real file', async () => {
    const path = createSampleDatabase(join(dir, 'sample.db')).path;
    const all = await introspectSqlite(path);
    expect(all.tables).toEqual(expect.arrayContaining(['events', 'users']));
    const users = await introspectSqlite(path, 'USERS');
    expect(users.rowCount).toBeGreaterThan(0);
    expect(users.columns?.find((c) => c.primaryKey)?.name).toBeDefined();
    expect(await introspectSqlite(path, 'missing')).toMatchObject({ columns: undefined, rowCount: undefined });
    const events = await introspectSqlite(path, 'events');
    expect(Object.keys(events.values ?? {}).length).toBeGreaterThan(0);
  });

  it('answers concurrent reads (warm readers are reused, extra ones started)', async () => {
    const path = join(dir, 'sample.db');
    const answers = await Promise.all(
      ['users', 'events', 'users', 'events', 'users'].map((t) => introspectSqlite(path, t)),
    );
    expect(answers.map((a) => a.rowCount)).toEqual([
      answers[0]?.rowCount,
      answers[1]?.rowCount,
      answers[0]?.rowCount,
      answers[1]?.rowCount,
      answers[0]?.rowCount,
    ]);
    expect(answers.every((a) => a.columns && a.columns.length > 0)).toBe(true);
  });

  it('a view that runs for minutes is killed at the time limit with TIMEOUT; the event loop never waits', async () => {
    const path = join(dir, 'slow.db');
    const db = new DatabaseSync(path);
    db.exec(
      'CREATE VIEW slow AS WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 5000000000) SELECT x FROM c',
    );
    db.close();
    const { lagMs, outcome, ms } = await worstLag(() => introspectSqlite(path, 'slow', { timeoutMs: 1500 }));
    expect(isAppError(outcome) && outcome.code).toBe('TIMEOUT');
    expect((outcome as Error).message).toMatch(/did not finish within 2 s and was stopped/);
    expect(ms).toBeGreaterThanOrEqual(1400);
    expect(ms).toBeLessThan(5000);
    expect(lagMs).toBeLessThan(100);
  });

  it('refuses a FIFO, a device, a folder and a symbolic link before opening anything', async () => {
    const fifo = join(dir, 'pipe.db');
    execFileSync('mkfifo', [fifo]);
    mkdirSync(join(dir, 'folder.db'));
    symlinkSync(join(dir, 'sample.db'), join(dir, 'link.db'));
    const cases: [string, string, RegExp][] = [
      [fifo, 'INVALID_INPUT', /named pipe \(FIFO\), not a database file/],
      ['/dev/zero', 'INVALID_INPUT', /is a device/],
      [join(dir, 'folder.db'), 'INVALID_INPUT', /is a folder/],
      [join(dir, 'link.db'), 'FORBIDDEN', /symbolic link/],
      [join(dir, 'absent.db'), 'NOT_FOUND', /does not exist/],
    ];
    for (const [path, code, message] of cases) {
      const { outcome, ms } = await worstLag(() => introspectSqlite(path));
      expect(isAppError(outcome) && outcome.code, path).toBe(code);
      expect((outcome as Error).message).toMatch(message);
      expect(ms).toBeLessThan(1000);
      const duck = await introspectDuckdb(path, 'python3').catch((error: unknown) => error);
      expect(isAppError(duck) && duck.code, path).toBe(code);
    }
  });

  it('a file that is not a database fails with a clear error', async () => {
    const path = join(dir, 'text.db');
    execFileSync('sh', ['-c', `printf 'not sqlite at all, just text that is long enough' > ${path}`]);
    await expect(introspectSqlite(path)).rejects.toThrow(/failed: .*Is it a SQLite database\?/);
  });
});

describe('runBounded', () => {
  it('kills a child that outlives its limit and says so', async () => {
    const { outcome, ms, lagMs } = await worstLag(() =>
      runBounded('sleep', ['30'], { input: '', timeoutMs: 300, what: 'Sleeping' }),
    );
    expect(isAppError(outcome) && outcome.code).toBe('TIMEOUT');
    expect(ms).toBeLessThan(3000);
    expect(lagMs).toBeLessThan(100);
  });
  it('stops a child whose output passes the bound', async () => {
    await expect(
      runBounded('yes', [], { input: '', timeoutMs: 10_000, what: 'Saying yes', maxOutputBytes: 1024 * 1024 }),
    ).rejects.toThrow(/produced more than 1048576 bytes/);
  });
});
