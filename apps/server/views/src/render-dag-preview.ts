import { badge, element, facts, preformatted, section } from './element.js';
import { count, list, record, records, seconds, text, type Fields } from './fields.js';
import { labelsFor, type Labels } from './labels.js';
import { renderPage } from './render-page.js';
import { renderFailedLogs, tasksOf } from './render-tasks.js';
import { renderSpec, renderUnderstood } from './render-understood.js';

function renderLadder(result: Fields, labels: Labels): HTMLElement {
  const steps = records(result.checks).map((check) => {
    const ok = check.ok === true;
    const item = element(
      'li',
      ok ? 'step ok' : 'step failed',
      element('span', 'mark', ok ? '✓' : '✗'),
      element('span', 'step-name', text(check.step) ?? '?'),
      element('span', 'step-outcome', ok ? labels.passed : labels.failedStep),
      text(check.detail) && element('span', 'detail', text(check.detail)),
    );
    item.dataset.step = text(check.step) ?? '';
    item.dataset.ok = String(ok);
    return item;
  });
  return section(labels.ladder, 'ladder', element('ol', 'ladder', ...steps));
}

function renderDeploy(result: Fields, labels: Labels): HTMLElement {
  const deployed = result.deployed === true;
  const notes = list(result.notes).map(String);
  return section(
    labels.deploy,
    'deploy',
    element('p', 'message', text(result.message) ?? ''),
    facts([
      [labels.deploy, badge(deployed ? labels.deployed : labels.previewOnly)],
      [labels.version, count(result.version)],
      [labels.file, text(result.file)],
      [labels.planner, text(result.planner)],
    ]),
    notes.length > 0 && element('ul', 'notes', ...notes.map((note) => element('li', null, note))),
  );
}

function renderRun(value: unknown, labels: Labels): HTMLElement | null {
  const run = record(value);
  if (!run) return null;
  return section(
    labels.run,
    'run',
    facts([
      ['run_id', text(run.run_id)],
      [labels.state, badge(text(run.state) ?? 'none')],
      [labels.duration, seconds(count(run.duration_s))],
      [labels.rows, count(run.rows)?.toLocaleString()],
      [labels.target, text(run.target)],
      [labels.stalled, text(run.stalled)],
    ]),
    tasksOf(run.tasks, labels),
    renderFailedLogs(run.failed_logs, labels),
  );
}

/** Timings in ms, "a.b" being part of "a": one row each, parts indented under their phase. */
function renderTimings(value: unknown, labels: Labels): HTMLElement | null {
  const timings = Object.entries(record(value) ?? {}).filter(
    (entry): entry is [string, number] => count(entry[1]) !== undefined,
  );
  if (timings.length === 0) return null;
  const rows = timings.map(([phase, ms]) =>
    element(
      'tr',
      `depth-${Math.min(3, phase.split('.').length - 1)}`,
      element('td', null, phase),
      element('td', 'ms', `${Math.round(ms)} ms`),
    ),
  );
  return section(labels.timings, 'timings', element('table', 'timings', element('tbody', null, ...rows)));
}

function renderSources(value: unknown, labels: Labels): HTMLElement | null {
  const sources = records(value);
  if (sources.length === 0) return null;
  const items = sources.map((s) =>
    element(
      'li',
      null,
      `${text(s.doc) ?? '?'} — ${text(s.section) ?? ''}`,
      element('span', 'score', ` ${(count(s.score) ?? 0).toFixed(3)}`),
    ),
  );
  const details = element('details', null, element('summary', null, labels.sources), element('ul', null, ...items));
  return section(labels.sources, 'sources', details);
}

/**
 * create_dag / update_dag as a page: what was understood, the spec, the DAG code, each rung of the validation ladder,
 * the deploy outcome, the run when there was one, and where the time went.
 */
export function renderDagPreview(result: Fields): HTMLElement {
  const labels = labelsFor(text(record(result.structuredContent)?.language));
  return renderPage(result, {
    title: labels.preview,
    notThis: labels.notPreview,
    labels,
    body: (output) => [
      renderUnderstood(output, labels),
      renderLadder(output, labels),
      renderDeploy(output, labels),
      renderRun(output.run, labels),
      renderSpec(output, labels),
      section(labels.code, 'code', preformatted('code', element('code', null, text(output.code) ?? ''))),
      renderTimings(output.timings, labels),
      renderSources(output.sources, labels),
    ],
  });
}
