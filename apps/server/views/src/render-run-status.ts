import { badge, element, facts, section } from './element.js';
import { count, record, seconds, text, type Fields } from './fields.js';
import type { Labels } from './labels.js';
import { renderError } from './render-dag-preview.js';
import { renderFailedLogs, tasksOf } from './render-tasks.js';

/**
 * check_dag_status / run_dag as a page: the run's state, its tasks with states, tries and durations, the rows moved
 * when the result has them, and why it failed (the failed tasks' last log lines) or why it does not move.
 */
export function renderRunStatus(result: Fields, labels: Labels): HTMLElement {
  const run = record(result.structuredContent);
  const title = element('h1', null, labels.runStatus);
  if (result.isError === true || !run) {
    return element(
      'main',
      null,
      title,
      result.isError === true ? renderError(result.content, labels) : element('p', null, labels.notRun),
    );
  }
  title.append(' ', element('code', 'dag-id', text(run.dag_id) ?? ''));
  return element(
    'main',
    null,
    title,
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
  );
}
