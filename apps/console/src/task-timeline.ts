import { svg } from './dom.js';
import { t } from './messages.js';
import type { RunStatus } from './tool-types.js';

const WIDTH = 520;
const ROW = 18;
const LABEL = 140;
const TAIL = 50;

/**
 * Each task of a run as a bar from when its latest try started, as long as it took, coloured by state: a Gantt
 * chart on the run's own clock (a task not started yet has no bar).
 */
export function taskTimeline(tasks: RunStatus['tasks']): SVGElement {
  const starts = tasks.map((task) => (task.start_date ? Date.parse(task.start_date) : Number.NaN));
  const first = Math.min(...starts.filter((s) => !Number.isNaN(s)));
  const ends = tasks.map((task, i) => ((starts[i] as number) - first) / 1000 + (task.duration_s ?? 0));
  const span = Math.max(1, ...ends.filter((end) => !Number.isNaN(end)));
  const scale = (WIDTH - LABEL - TAIL) / span;
  const chart = svg('svg', {
    width: WIDTH,
    height: tasks.length * ROW + 4,
    role: 'img',
    'aria-label': `${t('timeline')}: ${tasks.map((task) => `${task.task_id} ${task.state ?? 'none'} ${task.duration_s ?? 0} s`).join(', ')}`,
  });
  tasks.forEach((task, index) => {
    const y = index * ROW + 2;
    const start = starts[index] as number;
    chart.append(svg('text', { x: 0, y: y + 12 }, task.task_id.slice(0, 22)));
    if (Number.isNaN(start)) return;
    const x = LABEL + ((start - first) / 1000) * scale;
    const width = Math.max(2, (task.duration_s ?? 0) * scale);
    const kind = task.state === 'success' ? 'bar-success' : task.state === 'failed' ? 'bar-failed' : 'bar-other';
    chart.append(
      svg('rect', { x, y, width, height: ROW - 5, class: kind }),
      svg('text', { x: x + width + 4, y: y + 12 }, `${task.duration_s ?? '–'} s`),
    );
  });
  return chart;
}
