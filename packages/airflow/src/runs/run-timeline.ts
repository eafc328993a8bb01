import type { DagRun, TaskInstance } from '../create-airflow-client.js';

const at = (iso: string | null | undefined) => (iso ? Date.parse(iso) : Number.NaN);

/**
 * Where a run's time went by Airflow's own timestamps, in ms: `queued` (run queued until the scheduler started it),
 * `to_first_task_queued` (the scheduler queueing the first task), `first_task_start` (the executor starting that
 * task's process until it reported running), `task.<id>` (each task's start to end), `between_tasks` (gaps
 * between a task's end and the next task's start), `finish` (the last task's end until the run ended) and
 * `notice` (the run's end until `noticedAt`, epoch ms on this machine's clock, when the caller saw it). A phase
 * whose timestamps Airflow did not give is left out.
 */
export function runTimeline(run: DagRun, tasks: readonly TaskInstance[], noticedAt?: number): Record<string, number> {
  const out: Record<string, number> = {};
  const put = (name: string, from: number, to: number) => {
    if (Number.isFinite(from) && Number.isFinite(to)) out[name] = Math.max(0, Math.round(to - from));
  };
  const runStart = at(run.start_date);
  const runEnd = at(run.end_date);
  put('queued', at(run.queued_at), runStart);
  const started = tasks
    .filter((t) => t.start_date)
    .map((t) => ({ id: t.task_id, queued: at(t.queued_when), start: at(t.start_date), end: at(t.end_date) }))
    .sort((a, b) => a.start - b.start);
  const first = started[0];
  if (first) {
    put('to_first_task_queued', runStart, first.queued);
    put('first_task_start', first.queued, first.start);
  }
  let lastEnd = Number.NaN;
  let gaps = 0;
  for (const t of started) {
    put(`task.${t.id}`, t.start, t.end);
    if (Number.isFinite(lastEnd) && t.start > lastEnd) gaps += t.start - lastEnd;
    if (Number.isFinite(t.end)) lastEnd = Number.isFinite(lastEnd) ? Math.max(lastEnd, t.end) : t.end;
  }
  if (started.length > 1) out['between_tasks'] = Math.round(gaps);
  put('finish', lastEnd, runEnd);
  if (noticedAt !== undefined) put('notice', runEnd, noticedAt);
  return out;
}
