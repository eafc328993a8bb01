import { badge, element, preformatted, section } from './element.js';
import { count, records, seconds, text, type Fields } from './fields.js';
import type { Labels } from './labels.js';

/**
 * A run's tasks as a table: state, try and duration when the result has them, with a bar per task scaled to the
 * longest one (a simple timeline of where the run's time went).
 */
export function renderTasks(tasks: readonly Fields[], labels: Labels): HTMLElement {
  const longest = Math.max(0, ...tasks.map((t) => count(t.duration_s) ?? 0));
  const hasTries = tasks.some((t) => count(t.try_number) !== undefined);
  const hasDurations = tasks.some((t) => count(t.duration_s) !== undefined);
  const head = element(
    'tr',
    null,
    element('th', null, labels.task),
    element('th', null, labels.state),
    hasTries && element('th', null, labels.tries),
    hasDurations && element('th', null, labels.duration),
  );
  const rows = tasks.map((task) => {
    const duration = count(task.duration_s);
    const bar = element('span', 'bar');
    // CSSOM, not a style attribute: the views' CSP allows no inline style attributes.
    if (duration !== undefined && longest > 0) bar.style.width = `${Math.max(2, (duration / longest) * 100)}%`;
    const row = element(
      'tr',
      null,
      element('td', 'task-id', text(task.task_id) ?? '?'),
      element('td', null, badge(text(task.state) ?? 'none')),
      hasTries && element('td', null, count(task.try_number) ?? ''),
      hasDurations && element('td', 'duration', seconds(duration) ?? '', element('span', 'track', bar)),
    );
    row.dataset.task = text(task.task_id) ?? '';
    return row;
  });
  return section(
    labels.tasks,
    'tasks',
    element('table', 'tasks', element('thead', null, head), element('tbody', null, ...rows)),
  );
}

/** The last log lines of failed tasks: why the run failed. */
export function renderFailedLogs(value: unknown, labels: Labels): HTMLElement | null {
  const logs = records(value);
  if (logs.length === 0) return null;
  return section(
    labels.failure,
    'failure',
    ...logs.map((log) =>
      element(
        'div',
        'failed-log',
        element('h3', null, text(log.task_id) ?? '?'),
        preformatted('log', ...(Array.isArray(log.lines) ? log.lines : []).map((line) => `${String(line)}\n`)),
      ),
    ),
  );
}

/** Shows a tasks list read from a result field, or nothing when there is none. */
export function tasksOf(value: unknown, labels: Labels): HTMLElement | null {
  const tasks = records(value);
  return tasks.length === 0 ? null : renderTasks(tasks, labels);
}
