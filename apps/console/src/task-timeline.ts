import { svg } from './dom.js';
import { t } from './messages.js';
import type { RunStatus } from './tool-types.js';

const WIDTH = 420;
const ROW = 18;
const LABEL = 140;

/** Each task of a run as a bar as long as its duration (seconds), coloured by state. */
export function taskTimeline(tasks: RunStatus['tasks']): SVGElement {
  const longest = Math.max(1, ...tasks.map((task) => task.duration_s ?? 0));
  const chart = svg('svg', {
    width: WIDTH,
    height: tasks.length * ROW + 4,
    role: 'img',
    'aria-label': `${t('timeline')}: ${tasks.map((task) => `${task.task_id} ${task.state ?? 'none'} ${task.duration_s ?? 0} s`).join(', ')}`,
  });
  tasks.forEach((task, index) => {
    const y = index * ROW + 2;
    const width = Math.max(2, ((task.duration_s ?? 0) / longest) * (WIDTH - LABEL - 50));
    const kind = task.state === 'success' ? 'bar-success' : task.state === 'failed' ? 'bar-failed' : 'bar-other';
    chart.append(
      svg('text', { x: 0, y: y + 12 }, task.task_id.slice(0, 22)),
      svg('rect', { x: LABEL, y, width, height: ROW - 5, class: kind }),
      svg('text', { x: LABEL + width + 4, y: y + 12 }, `${task.duration_s ?? '–'} s`),
    );
  });
  return chart;
}
