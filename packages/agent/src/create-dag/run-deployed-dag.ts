import type { RunProgress } from '@airflow-mcp/airflow';
import { describeConnection, type PipelineSpec } from '@airflow-mcp/pipeline';
import type { Language } from '../i18n/detect-language.js';
import { runMessage } from '../i18n/messages.js';
import { tenantOfDag } from '../tenancy/tenant-scope.js';
import type { DagRunResult } from './create-dag-result.js';
import type { DagServiceDeps } from './dag-service-deps.js';
import type { PhaseTimer } from './phase-timer.js';

/**
 * Runs a deployed DAG (following it when asked to wait), reads the rows each transfer moved, reports the run for
 * metrics and describes it in the user's language.
 */
export async function runDeployedDag(
  deps: Pick<DagServiceDeps, 'airflow' | 'events'>,
  input: {
    spec: PipelineSpec;
    wait: boolean;
    timeoutMs: number;
    signal?: AbortSignal | undefined;
    language: Language;
    progress: (message: string) => Promise<void>;
    timer?: PhaseTimer | undefined;
  },
): Promise<{ run: DagRunResult; message: string }> {
  const { spec, progress, timer } = input;
  await progress('running');
  const onProgress = (p: RunProgress) => progress(`run ${p.state}: ${p.tasksDone}/${p.tasksTotal} tasks done`);
  const summary = await deps.airflow.run({
    dagId: spec.dag_id,
    // The DAG the ladder just built for the caller: its id is in the caller's tenant by construction.
    tenant: tenantOfDag(spec.dag_id),
    wait: input.wait,
    timeoutMs: input.timeoutMs,
    onProgress,
    language: input.language,
    ...(input.signal ? { signal: input.signal } : {}),
    ...(timer
      ? {
          onTriggered: (ms: number) => timer.add('run.trigger', ms),
          // Airflow's own clock: where the run's time went between the trigger and this service seeing its end.
          onTimeline: (phases: Record<string, number>) => {
            for (const [part, ms] of Object.entries(phases)) timer.add(`run.airflow.${part}`, ms);
          },
        }
      : {}),
  });
  const readRows = timer?.lap();
  let rows: number | null = null;
  const transfers = spec.tasks.filter((t) => t.type === 'transfer');
  const rowsByTask: Record<string, number> = {};
  if (summary.state === 'success') {
    rows = 0;
    for (const t of transfers) {
      const value = (await deps.airflow.client.returnValue(spec.dag_id, summary.run_id, t.id)) as
        { rows?: number } | undefined;
      const moved = Number(value?.rows ?? 0);
      rowsByTask[t.id] = moved;
      rows += moved;
    }
  }
  if (readRows) timer?.add('run.read_rows', readRows());
  if (summary.state === 'success' || summary.state === 'failed') {
    deps.events?.ran?.({ dagId: spec.dag_id, state: summary.state, durationS: summary.duration_s, rowsByTask });
  }
  const lastTransfer = transfers.at(-1);
  const target = lastTransfer ? describeConnection(lastTransfer.target, lastTransfer.target_table) : '';
  const failed = summary.tasks.find((t) => t.state === 'failed')?.task_id;
  const run: DagRunResult = {
    run_id: summary.run_id,
    state: summary.state,
    duration_s: summary.duration_s,
    rows,
    target,
    tasks: summary.tasks.map((t) => ({ task_id: t.task_id, state: t.state })),
    ...(summary.failed_logs
      ? { failed_logs: summary.failed_logs.map((f) => ({ task_id: f.task_id, lines: f.lines })) }
      : {}),
    ...(summary.stalled ? { stalled: summary.stalled } : {}),
  };
  const message = runMessage(
    {
      dagId: spec.dag_id,
      runId: summary.run_id,
      state: summary.state,
      durationS: summary.duration_s ?? undefined,
      rows: rows ?? undefined,
      target,
      failedTask: failed,
      stalled: summary.stalled,
    },
    input.language,
  );
  return { run, message };
}
