import { describe, expect, it } from 'vitest';
import type { DagRun, TaskInstance } from '../create-airflow-client.js';
import { runTimeline } from './run-timeline.js';

const t = (s: number) => new Date(Date.UTC(2026, 0, 1, 0, 0, 0) + s * 1000).toISOString();
const task = (task_id: string, queued: number, start: number, end: number | null) =>
  ({
    task_id,
    queued_when: t(queued),
    start_date: t(start),
    end_date: end === null ? null : t(end),
  }) as unknown as TaskInstance;

describe('runTimeline', () => {
  it("splits a two-task run by Airflow's timestamps, and the notice by this machine's clock", () => {
    const run = { queued_at: t(0), start_date: t(0.5), end_date: t(6) } as unknown as DagRun;
    const tasks = [task('validate', 4, 4.5, 5.25), task('load', 1, 2, 3.5)];
    expect(runTimeline(run, tasks, Date.parse(t(6.2)))).toEqual({
      queued: 500,
      to_first_task_queued: 500,
      first_task_start: 1000,
      'task.load': 1500,
      'task.validate': 750,
      between_tasks: 1000,
      finish: 750,
      notice: 200,
    });
  });

  it('leaves out what Airflow has not said yet (a task not started, a run not ended)', () => {
    const run = { queued_at: t(0), start_date: null, end_date: null } as unknown as DagRun;
    const pending = { task_id: 'load', queued_when: null, start_date: null, end_date: null } as unknown as TaskInstance;
    expect(runTimeline(run, [pending], Date.now())).toEqual({});
  });
});
