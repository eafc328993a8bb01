import { AppError } from '@airflow-mcp/core';
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';

/** What a child answers for one file: raw rows, typed by the caller. */
export interface SqliteRawInfo {
  tables: string[];
  columns?: { name: string; type: string; notnull: number; pk: number }[];
  rowCount?: number;
  values?: Record<string, string[]>;
}

// A child Node process that reads SQLite files read-only (no extensions): one JSON request per stdin line
// ({path, table}), one JSON answer per stdout line ({ok} or {error}), one request at a time.
const SCRIPT = `
const { DatabaseSync } = require('node:sqlite');
const lines = require('node:readline').createInterface({ input: process.stdin });
function read(path, table) {
  const db = new DatabaseSync(path, { readOnly: true, allowExtension: false });
  try {
    const tables = db.prepare("SELECT name FROM sqlite_master WHERE type IN ('table', 'view') ORDER BY name").all().map((r) => r.name);
    const out = { tables };
    const actual = table == null ? undefined : tables.find((t) => t.toLowerCase() === table.toLowerCase());
    if (actual !== undefined) {
      const quoted = '"' + actual.replace(/"/g, '""') + '"';
      out.columns = db.prepare('PRAGMA table_info(' + quoted + ')').all();
      out.rowCount = Number(db.prepare('SELECT COUNT(*) AS n FROM ' + quoted).get().n);
      // Text columns with at most 50 distinct values in the first 10,000 rows: their values (the planner reads them).
      out.values = {};
      for (const c of out.columns) {
        if (c.type !== '' && !/CHAR|CLOB|TEXT/i.test(c.type)) continue;
        const col = '"' + c.name.replace(/"/g, '""') + '"';
        const rows = db.prepare('SELECT DISTINCT ' + col + ' AS v FROM (SELECT ' + col + ' FROM ' + quoted + ' LIMIT 10000) WHERE ' + col + ' IS NOT NULL LIMIT 51').all();
        if (rows.length <= 50) out.values[c.name] = rows.map((r) => String(r.v));
      }
    }
    return out;
  } finally {
    db.close();
  }
}
lines.on('line', (line) => {
  let answer;
  try {
    const { path, table } = JSON.parse(line);
    answer = { ok: read(path, table) };
  } catch (error) {
    answer = { error: String((error && error.message) || error) };
  }
  process.stdout.write(JSON.stringify(answer) + '\\n');
});
`;

const MAX_IDLE = 2;
const MAX_ANSWER_BYTES = 64 * 1024 * 1024;

interface Reader {
  child: ChildProcessWithoutNullStreams;
  chunks: Buffer[];
  size: number;
  stderr: string;
  dead: boolean;
  settle: ((answer: { ok?: SqliteRawInfo; error?: string } | AppError) => void) | undefined;
}

const idle: Reader[] = [];

/** Idle readers never keep the service (or a test) alive; a busy one does until it answers. */
function hold(reader: Reader, busy: boolean): void {
  const handles = [reader.child, reader.child.stdin, reader.child.stdout, reader.child.stderr] as unknown as {
    ref?: () => void;
    unref?: () => void;
  }[];
  for (const handle of handles) {
    if (busy) handle.ref?.();
    else handle.unref?.();
  }
}

function startReader(): Reader {
  const child = spawn(process.execPath, ['--disable-warning=ExperimentalWarning', '-e', SCRIPT], {
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin' },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  const reader: Reader = { child, chunks: [], size: 0, stderr: '', dead: false, settle: undefined };
  child.stdout.on('data', (chunk: Buffer) => {
    const newline = chunk.indexOf(10);
    if (newline < 0) {
      reader.chunks.push(chunk);
      reader.size += chunk.length;
      if (reader.size > MAX_ANSWER_BYTES) {
        child.kill('SIGKILL');
        reader.settle?.(new AppError('INVALID_INPUT', `The answer passed ${MAX_ANSWER_BYTES} bytes and was stopped.`));
      }
      return;
    }
    const line = Buffer.concat([...reader.chunks, chunk.subarray(0, newline)]).toString('utf8');
    reader.chunks = [];
    reader.size = 0;
    reader.settle?.(JSON.parse(line) as { ok?: SqliteRawInfo; error?: string });
  });
  child.stderr.on('data', (chunk: Buffer) => (reader.stderr = (reader.stderr + chunk.toString()).slice(-4000)));
  child.stdin.on('error', () => {});
  const gone = () => {
    reader.dead = true;
    const at = idle.indexOf(reader);
    if (at >= 0) idle.splice(at, 1);
    const why = reader.stderr.trim().split('\n').pop() ?? '';
    reader.settle?.(
      new AppError('INTERNAL', `The SQLite reader stopped unexpectedly${why ? `: ${why.slice(0, 200)}` : ''}.`),
    );
  };
  child.on('exit', gone);
  child.on('error', gone);
  return reader;
}

function release(reader: Reader): void {
  if (reader.dead) return;
  if (idle.length < MAX_IDLE) {
    hold(reader, false);
    idle.push(reader);
  } else reader.child.kill('SIGKILL');
}

/**
 * Reads a SQLite file's tables (and one table's columns and row count) in a child process, off the event loop: a
 * few readers are kept warm between calls, and a reader that outlives `timeoutMs` (a slow view, a file that never
 * ends) is killed and the call fails with TIMEOUT.
 */
export function readSqliteInChild(
  path: string,
  table: string | undefined,
  { timeoutMs, what }: { timeoutMs: number; what: string },
): Promise<SqliteRawInfo> {
  const reader = idle.pop() ?? startReader();
  hold(reader, true);
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      reader.settle = undefined;
      reader.child.kill('SIGKILL');
      reject(
        new AppError(
          'TIMEOUT',
          `${what} did not finish within ${Math.round(timeoutMs / 1000)} s and was stopped (a slow view or query, or a file that never ends). Ask for one table, or check the file.`,
          { details: { step: 'source-schema', timeout_ms: timeoutMs } },
        ),
      );
    }, timeoutMs);
    reader.settle = (answer) => {
      clearTimeout(timer);
      reader.settle = undefined;
      if (answer instanceof AppError) return reject(answer);
      release(reader);
      if (answer.ok) return resolve(answer.ok);
      reject(
        new AppError(
          'INVALID_INPUT',
          `${what} failed: ${(answer.error ?? '').slice(0, 300)}. Is it a SQLite database?`,
          {
            details: { step: 'source-schema' },
          },
        ),
      );
    };
    reader.child.stdin.write(`${JSON.stringify({ path, table })}\n`);
  });
}
