import { errorBox, type ConsoleContext } from '../console-context.js';
import { el, table } from '../dom.js';
import { t } from '../messages.js';
import { rowsChart } from '../rows-chart.js';
import type { DagListing, ListDagsOutput } from '../tool-types.js';
import { runView } from './run-view.js';
import { versionsView } from './versions-view.js';

const RUNS_SHOWN = 10;

function dagRow(ctx: ConsoleContext, dag: DagListing): HTMLTableRowElement {
  const runs = dag.recent_runs ?? [];
  const versions = el('button', { type: 'button', class: 'open-versions' }, t('versions'));
  versions.addEventListener('click', () => ctx.open(versionsView(ctx, dag.dag_id)));
  const tasks = el('button', { type: 'button', class: 'open-run', disabled: runs.length === 0 }, t('openRun'));
  tasks.addEventListener('click', () => ctx.open(runView(ctx, dag.dag_id, runs[0]?.run_id)));
  return el(
    'tr',
    { 'data-dag': dag.dag_id },
    el('td', {}, el('strong', {}, dag.dag_id)),
    el('td', {}, dag.is_paused ? t('paused') : t('active'), runs[0] ? ` · ${runs[0].state}` : ''),
    el('td', {}, dag.schedule ?? '–'),
    el(
      'td',
      { class: 'last-runs' },
      ...runs
        .slice(0, 5)
        .map((r) =>
          el(
            'div',
            { class: r.state === 'failed' ? 'bad' : r.state === 'success' ? 'ok' : 'muted' },
            `${r.state} ${r.start_date?.slice(0, 19) ?? ''}`,
          ),
        ),
    ),
    el('td', {}, runs.length ? rowsChart(runs) : el('span', { class: 'muted' }, t('noRows'))),
    el('td', {}, el('div', { class: 'row' }, versions, tasks)),
  );
}

/** The key's generated DAGs: state, schedule, last runs and rows moved per run; versions and runs open below. */
export function dagsView(ctx: ConsoleContext): HTMLElement {
  const body = el('div', {}, el('p', {}, t('loading')));
  const refresh = el('button', { type: 'button', id: 'refresh-dags' }, t('refresh'));
  const view = el(
    'section',
    { id: 'dags-view' },
    el('div', { class: 'row' }, el('h2', {}, t('dagsTitle')), refresh),
    body,
  );
  const load = async () => {
    try {
      const listed = await ctx.client.callTool<ListDagsOutput>('list_dags', { only_generated: true, runs: RUNS_SHOWN });
      body.replaceChildren(
        listed.dags.length === 0
          ? el('p', { id: 'no-dags' }, t('noDags'))
          : table(
              'dags',
              [t('dagId'), t('state'), t('schedule'), t('lastRuns'), t('rowsOverTime'), t('actions')],
              listed.dags.map((dag) => dagRow(ctx, dag)),
            ),
      );
    } catch (error) {
      body.replaceChildren(errorBox(error));
    }
  };
  refresh.addEventListener('click', () => void load());
  void load();
  return view;
}
