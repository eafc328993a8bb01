import { AppError } from '@airflow-mcp/core';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runSandboxed } from './run-sandboxed.js';

const CHECKER = fileURLToPath(new URL('../../python/check_dag.py', import.meta.url));

export interface PythonCheckOptions {
  code: string;
  dagId: string;
  /** A Python interpreter; with `airflowImport` it must have the pinned Airflow and the DAG's runtime packages. */
  python: string;
  airflowImport: boolean;
  timeoutMs?: number;
}

export interface PythonCheckResult {
  steps: string[];
  dagIds: string[] | null;
  /** Why a step did not run (the import check when this Python has no Airflow). */
  skipped?: string;
  /** How the checker was confined (see runSandboxed). */
  sandbox: 'namespaces' | 'none';
}

/**
 * Steps 4-6 of the ladder in a subprocess with a timeout: Python compile, the AST allow-list of imports and calls,
 * and (when asked) an import by Airflow's own DagBag in a throwaway AIRFLOW_HOME: exactly one DAG with the expected
 * id and no import errors. Throws VALIDATION_FAILED naming the step.
 */
export async function checkPython(options: PythonCheckOptions): Promise<PythonCheckResult> {
  const dir = await mkdtemp(join(tmpdir(), 'airflow-mcp-check-'));
  try {
    const file = join(dir, `${options.dagId}.py`);
    await writeFile(file, options.code, 'utf8');
    const args = [CHECKER, file, '--dag-id', options.dagId, ...(options.airflowImport ? ['--import'] : [])];
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
    let ran;
    try {
      ran = await runSandboxed(options.python, args, { scratch: dir, env, timeoutMs: options.timeoutMs ?? 60_000 });
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
        `Importing the DAG took longer than ${Math.round((options.timeoutMs ?? 60_000) / 1000)} s; generated DAGs must import fast (no heavy top-level code).`,
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
    return {
      steps: result.steps ?? [],
      dagIds: result.dag_ids ?? null,
      sandbox: ran.sandbox,
      ...(result.skipped ? { skipped: result.skipped } : {}),
    };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
