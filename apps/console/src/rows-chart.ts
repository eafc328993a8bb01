import { svg } from './dom.js';
import { t } from './messages.js';
import type { RecentRun } from './tool-types.js';

const WIDTH = 260;
const HEIGHT = 70;

/** Rows moved by each of a DAG's runs, oldest to newest, as an inline SVG bar chart (failed runs in red at 0). */
export function rowsChart(runs: readonly RecentRun[]): SVGElement {
  const ordered = [...runs].reverse();
  const max = Math.max(1, ...ordered.map((r) => r.rows ?? 0));
  const slot = WIDTH / Math.max(ordered.length, 1);
  const label = ordered.map((r) => `${r.run_id}: ${r.state}${r.rows === null ? '' : `, ${r.rows} rows`}`).join('; ');
  const chart = svg('svg', {
    width: WIDTH,
    height: HEIGHT + 14,
    viewBox: `0 0 ${WIDTH} ${HEIGHT + 14}`,
    role: 'img',
    'aria-label': `${t('rowsOverTime')}: ${label || t('noRows')}`,
    class: 'rows-chart',
  });
  chart.append(svg('title', {}, t('rowsOverTime')));
  ordered.forEach((run, index) => {
    const height = run.rows === null ? 3 : Math.max(3, (run.rows / max) * HEIGHT);
    const kind = run.state === 'success' ? 'bar-success' : run.state === 'failed' ? 'bar-failed' : 'bar-other';
    chart.append(
      svg(
        'rect',
        {
          x: index * slot + 2,
          y: HEIGHT - height,
          width: Math.max(2, slot - 4),
          height,
          class: kind,
          'data-rows': run.rows ?? '',
        },
        svg('title', {}, `${run.run_id}: ${run.state}${run.rows === null ? '' : `, ${run.rows}`}`),
      ),
    );
  });
  chart.append(svg('text', { x: 0, y: HEIGHT + 12 }, `max ${max.toLocaleString()}`));
  return chart;
}
