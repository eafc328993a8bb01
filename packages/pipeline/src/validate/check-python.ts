import { AppError } from '@airflow-mcp/core';
import { rmSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { startSandboxed, type SandboxedProcess } from './run-sandboxed.js';

const CHECKER = fileURLToPath(new URL('../../python/check_dag.py', import.meta.url));
const DEFAULT_TIMEOUT_MS = 60_000;
/** How long a spare checker waits for work before it is stopped. */
const SPARE_IDLE_MS = 5 * 60_000;

export interface PythonCheckOptions {
  code: string;
  dagId: string;
  /** A Python interpreter; with `airflowImport` it must have the pinned Airflow and the DAG's runtime packages. */
  python: string;
  airflowImport: boolean;
  timeoutMs?: number;
  /**
   * Keep a spare checker ready for the next check (started once this one is done): a new confined process of its
   * own that loads Airflow while it waits, so the next check does not wait for that. Each process checks one file.
   */
  keepSpare?: boolean;
}

export interface PythonCheckResult {
  steps: string[];
  dagIds: string[] | null;
  /** Why a step did not run (the import check when this Python has no Airflow). */
  skipped?: string;
  /** How the checker was confined (see runSandboxed). */
  sandbox: 'namespaces' | 'none';
  /**
   * How long each part took, in ms: `python-compile`, `ast-allow-list`, `airflow-load` (loading Airflow itself,
   * as far as it held the check up), `airflow-import` (the DagBag import), `start` (the rest: starting the confined
   * process, or waiting for a spare still loading, and reading the answer back).
   */
  ms: Record<string, number>;
}

/** One confined checker process with its own scratch folder; it loads Airflow, then waits for one file on stdin. */
interface Checker {
  dir: string;
  proc: SandboxedProcess;
}

const spares = new Map<string, Promise<Checker | undefined>>();
/** Checkers whose scratch folder is still on disk, so that a process that exits first leaves none behind. */
const live = new Set<Checker>();
let cleanupOnExit = false;

/** At exit (a service stopping, a test worker ending), stops the checkers still running and removes every folder. */
function removeAllAtExit() {
  for (const checker of live) {
    if (!checker.proc.exited) checker.proc.kill();
    rmSync(checker.dir, { recursive: true, force: true });
  }
  live.clear();
}

function removeDir(checker: Checker) {
  live.delete(checker);
  void rm(checker.dir, { recursive: true, force: true }).catch(() => undefined);
}
const keyOf = (python: string, airflowImport: boolean) => `${airflowImport ? 'import' : 'no-import'}:${python}`;

async function startChecker(python: string, airflowImport: boolean, idleMs: number): Promise<Checker> {
  const dir = await mkdtemp(join(tmpdir(), 'airflow-mcp-check-'));
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    HOME: dir,
    AIRFLOW_HOME: join(dir, 'airflow-home'),
    AIRFLOW__CORE__LOAD_EXAMPLES: 'False',
    AIRFLOW__CORE__DAGS_FOLDER: dir,
    AIRFLOW__DATABASE__SQL_ALCHEMY_CONN: `sqlite:///${join(dir, 'airflow.db')}`,
    AIRFLOW__LOGGING__LOGGING_LEVEL: 'ERROR',
    PYTHONDONTWRITEBYTECODE: '1',
  };
  const args = [CHECKER, '--stdin', ...(airflowImport ? ['--import'] : [])];
  const proc = startSandboxed(python, args, { scratch: dir, env, timeoutMs: idleMs, stdin: true });
  // Awaited only when the checker is used: a spare that fails to start is found out then.
  proc.result.catch(() => undefined);
  const checker = { dir, proc };
  live.add(checker);
  if (!cleanupOnExit) {
    cleanupOnExit = true;
    process.once('exit', removeAllAtExit);
  }
  return checker;
}

function discard(checker: Checker) {
  if (!checker.proc.exited) checker.proc.kill();
  void checker.proc.result.catch(() => undefined).finally(() => removeDir(checker));
}

/** Starts a spare checker for this interpreter unless one is there; it stops by itself after SPARE_IDLE_MS. */
export function prepareSpareChecker(python: string, airflowImport = true): void {
  const key = keyOf(python, airflowImport);
  if (spares.has(key)) return;
  const spare = startChecker(python, airflowImport, SPARE_IDLE_MS).then(
    (checker) => {
      checker.proc.hold(false);
      void checker.proc.result.finally(() => {
        if (spares.get(key) === spare) spares.delete(key);
        removeDir(checker);
      });
      return checker;
    },
    () => {
      spares.delete(key);
      return undefined;
    },
  );
  spares.set(key, spare);
}

/** The spare for this interpreter if it is still alive (taken: nobody else gets it), else a new checker. */
async function takeChecker(python: string, airflowImport: boolean): Promise<Checker> {
  const key = keyOf(python, airflowImport);
  const spare = spares.get(key);
  if (spare) {
    spares.delete(key);
    const checker = await spare;
    if (checker && !checker.proc.exited) return checker;
  }
  return startChecker(python, airflowImport, DEFAULT_TIMEOUT_MS);
}

/**
 * Steps 4-6 of the ladder in a confined subprocess with a timeout: Python compile, the AST allow-list of imports and
 * calls, and (when asked) an import by Airflow's own DagBag in a throwaway AIRFLOW_HOME: exactly one DAG with the
 * expected id and no import errors. Throws VALIDATION_FAILED naming the step. Every check has a process and a scratch
 * folder of its own; with `keepSpare`, the next check's process is started (and loads Airflow) ahead of time.
 */
export async function checkPython(options: PythonCheckOptions): Promise<PythonCheckResult> {
  const started = performance.now();
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const checker = await takeChecker(options.python, options.airflowImport);
  const { dir, proc } = checker;
  // The check's own limit from the moment the checker is taken: a spare's idle limit must not run out mid-check.
  proc.hold(true);
  proc.limit(timeoutMs);
  try {
    const file = join(dir, `${options.dagId}.py`);
    await writeFile(file, options.code, 'utf8');
    proc.stdin?.end(`${JSON.stringify({ file, dag_id: options.dagId })}\n`);
    let ran;
    try {
      ran = await proc.result;
    } catch (error) {
      throw new AppError(
        'UNAVAILABLE',
        `Could not start Python at ${options.python}: ${(error as Error).message}. Set AIRFLOW_PYTHON.`,
        {
          cause: error,
        },
      );
    }
    const { code, stdout, stderr, timedOut } = ran;
    if (timedOut) {
      throw new AppError(
        'VALIDATION_FAILED',
        `Importing the DAG took longer than ${Math.round(timeoutMs / 1000)} s; generated DAGs must import fast (no heavy top-level code).`,
        {
          details: { step: 'airflow-import' },
        },
      );
    }
    const line = stdout.trim().split('\n').pop() ?? '';
    let result: {
      ok: boolean;
      step?: string;
      error?: string;
      steps?: string[];
      dag_ids?: string[] | null;
      skipped?: string | null;
      ms?: Record<string, number>;
    };
    try {
      result = JSON.parse(line) as typeof result;
    } catch {
      throw new AppError(
        'UNAVAILABLE',
        `The Python checker (${options.python}) failed to run (exit ${code}): ${stderr.trim().split('\n').slice(-3).join(' | ').slice(0, 500)}`,
        { details: { step: 'python' } },
      );
    }
    if (!result.ok) {
      throw new AppError(
        'VALIDATION_FAILED',
        `Generated code failed ${result.step}: ${result.error ?? 'unknown error'}`,
        {
          details: { step: result.step, error: result.error },
        },
      );
    }
    const ms = { ...(result.ms ?? {}) };
    const inside = Object.values(ms).reduce((a, b) => a + b, 0);
    ms['start'] = Math.max(0, Math.round(performance.now() - started - inside));
    return {
      steps: result.steps ?? [],
      dagIds: result.dag_ids ?? null,
      sandbox: ran.sandbox,
      ms,
      ...(result.skipped ? { skipped: result.skipped } : {}),
    };
  } finally {
    discard(checker);
    if (options.keepSpare) prepareSpareChecker(options.python, options.airflowImport);
  }
}
