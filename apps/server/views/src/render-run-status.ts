import { badge, facts, section } from './element.js';
import { count, seconds, text, type Fields } from './fields.js';
import type { Labels } from './labels.js';
import { renderPage } from './render-page.js';
import { renderFailedLogs, tasksOf } from './render-tasks.js';

/**
 * check_dag_status / run_dag as a page: the run's state, its tasks with states, tries and durations, the rows moved
 * when the result has them, and why it failed (the failed tasks' last log lines) or why it does not move.
 */
export function renderRunStatus(result: Fields, labels: Labels): HTMLElement {
  return renderPage(result, {
    title: labels.runStatus,
    notThis: labels.notRun,
    labels,
    body: (run) => [
      section(
        labels.run,
        'run',
        facts([
          ['run_id', text(run.run_id)],
          [labels.state, badge(text(run.state) ?? 'none')],
          [labels.started, text(run.start_date)],
          [labels.ended, text(run.end_date)],
          [labels.duration, seconds(count(run.duration_s))],
          [labels.rows, count(run.rows)?.toLocaleString()],
          [labels.stalled, text(run.stalled)],
          [labels.timedOut, run.timed_out === true && '✓'],
        ]),
      ),
      tasksOf(run.tasks, labels),
      renderFailedLogs(run.failed_logs, labels),
    ],
  });
}
