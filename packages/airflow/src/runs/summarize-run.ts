import type { AirflowClient, DagRun, LogLine, TaskInstance } from '../create-airflow-client.js';

export interface TaskSummary {
  task_id: string;
  state: string | null;
  try_number: number;
  duration_s: number | null;
  /** When the task's latest try started (ISO), for timelines; null before it starts. */
  start_date: string | null;
}

export interface RunSummary {
  dag_id: string;
  run_id: string;
  state: string;
  start_date: string | null;
  end_date: string | null;
  duration_s: number | null;
  tasks: TaskSummary[];
  failed_logs?: { task_id: string; try_number: number; lines: string[] }[];
}

export function runDurationSeconds(run: DagRun): number | null {
  if (!run.start_date) return null;
  const end = run.end_date ? Date.parse(run.end_date) : Date.now();
  return Math.round((end - Date.parse(run.start_date)) / 100) / 10;
}

/** A run with its tasks, plus the tail of the error-level log lines of each failed task. */
export async function summarizeRun(
  client: AirflowClient,
  run: DagRun,
  tasks: TaskInstance[],
  options: { failedLogTail?: number } = {},
): Promise<RunSummary> {
  const summary: RunSummary = {
    dag_id: run.dag_id,
    run_id: run.dag_run_id,
    state: run.state,
    start_date: run.start_date ?? null,
    end_date: run.end_date ?? null,
    duration_s: runDurationSeconds(run),
    tasks: tasks
      .map((t) => ({
        task_id: t.task_id,
        state: t.state ?? null,
        try_number: t.try_number,
        duration_s: t.duration === null || t.duration === undefined ? null : Math.round(t.duration * 10) / 10,
        start_date: t.start_date ?? null,
      }))
      .sort((a, b) => a.task_id.localeCompare(b.task_id)),
  };
  const failed = tasks.filter((t) => t.state === 'failed');
  if (failed.length > 0) {
    summary.failed_logs = [];
    for (const task of failed.slice(0, 3)) {
      const logs = await client
        .taskLogs(run.dag_id, run.dag_run_id, task.task_id, Math.max(1, task.try_number), {
          tail: options.failedLogTail ?? 40,
        })
        .catch(() => ({ lines: [] as LogLine[] }));
      summary.failed_logs.push({
        task_id: task.task_id,
        try_number: task.try_number,
        lines: logs.lines.map((l) => (l.level ? `${l.level}: ${l.event}` : l.event)),
      });
    }
  }
  return summary;
}
