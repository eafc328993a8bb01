import type { AppError } from '@airflow-mcp/core';
import { checkPython } from '@airflow-mcp/pipeline';
import type { CheckLadder } from './check-ladder.js';
import type { PhaseTimer } from './phase-timer.js';

/**
 * The ladder's Python rungs on the finished file (header included): compile, AST allow-list, Airflow import in a
 * sandbox. Without a Python they are recorded as skipped, and Airflow's own parse at deploy is the check.
 */
export async function runPythonChecks(options: {
  python: string | undefined;
  source: string;
  dagId: string;
  ladder: CheckLadder;
  progress: (message: string) => Promise<void>;
  timer?: PhaseTimer | undefined;
}): Promise<void> {
  const { python, ladder } = options;
  if (!python) {
    ladder.record({
      step: 'python-checks',
      ok: false,
      detail: 'skipped: no AIRFLOW_PYTHON; Airflow parses the file at deploy',
    });
    return;
  }
  await options.progress('checking the generated code (compile, AST allow-list, Airflow import)');
  const check = () =>
    checkPython({ code: options.source, dagId: options.dagId, python, airflowImport: true, keepSpare: true });
  const result = await (options.timer ? options.timer.time('python_checks', check) : check()).catch(
    (error: unknown) => {
      const detail = error as AppError;
      ladder.record({ step: String(detail.details?.step ?? 'python'), ok: false, detail: detail.message });
      throw error;
    },
  );
  for (const [part, ms] of Object.entries(result.ms))
    options.timer?.add(`python_checks.${part.replace(/-/g, '_')}`, ms);
  for (const step of result.steps) {
    ladder.record(
      step === 'airflow-import'
        ? {
            step,
            ok: true,
            detail:
              result.sandbox === 'namespaces'
                ? 'sandboxed: no network, read-only filesystem but a scratch folder, CPU/memory/time limits'
                : 'not sandboxed here (Linux namespaces unavailable): time limit and a clean environment only',
          }
        : { step, ok: true },
    );
  }
  if (result.skipped) ladder.record({ step: 'airflow-import', ok: false, detail: `skipped: ${result.skipped}` });
}
