import { errorBox, type ConsoleContext } from '../console-context.js';
import { el, scrollingText, table } from '../dom.js';
import { t } from '../messages.js';
import { taskTimeline } from '../task-timeline.js';
import type { RunStatus } from '../tool-types.js';

interface TaskLogs {
  lines: { level?: string; event: string }[];
}

/** The failed tasks of a run, each with the tail of its log (get_task_logs, secrets masked by the service). */
export async function runFailures(ctx: ConsoleContext, status: RunStatus): Promise<HTMLElement> {
  const failed = status.tasks.filter((task) => task.state === 'failed' || task.state === 'upstream_failed');
  const parts = await Promise.all(
    failed
      .filter((task) => task.state === 'failed')
      .map(async (task) => {
        try {
          const logs = await ctx.client.callTool<TaskLogs>('get_task_logs', {
            dag_id: status.dag_id,
            run_id: status.run_id,
            task_id: task.task_id,
            tail: 40,
          });
          const text = logs.lines.map((line) => (line.level ? `${line.level}: ${line.event}` : line.event)).join('\n');
          return el(
            'section',
            { class: 'panel failed-task', 'data-task': task.task_id },
            el('h3', {}, t('logTail', { task: task.task_id })),
            scrollingText({ class: 'log-tail', 'aria-label': t('logTail', { task: task.task_id }) }, text),
          );
        } catch (error) {
          return errorBox(error);
        }
      }),
  );
  return el('div', { class: 'failures' }, ...parts);
}

/** A run's tasks: state, tries, durations (a timeline), and the failed tasks' log tails. */
export function runView(ctx: ConsoleContext, dagId: string, runId?: string): HTMLElement {
  const body = el('div', {}, el('p', {}, t('loading')));
  const view = el('section', { class: 'panel', id: 'run-view' }, body);
  void (async () => {
    try {
      const status = await ctx.client.callTool<RunStatus>('check_dag_status', {
        dag_id: dagId,
        ...(runId ? { run_id: runId } : {}),
      });
      body.replaceChildren(
        el('h2', {}, t('runOf', { run: status.run_id, dag: dagId, state: status.state })),
        table(
          'run-tasks',
          [t('task'), t('state'), t('tries'), t('duration')],
          status.tasks.map((task) =>
            el(
              'tr',
              { 'data-task': task.task_id },
              el('td', {}, task.task_id),
              el('td', { class: task.state === 'failed' ? 'bad state' : 'state' }, task.state ?? '–'),
              el('td', {}, task.try_number),
              el('td', {}, task.duration_s === null ? '–' : `${task.duration_s} s`),
            ),
          ),
        ),
        el('h3', {}, t('timeline')),
        taskTimeline(status.tasks),
        await runFailures(ctx, status),
      );
    } catch (error) {
      body.replaceChildren(errorBox(error));
    }
  })();
  return view;
}
