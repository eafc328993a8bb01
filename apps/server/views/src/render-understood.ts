import { element, facts, preformatted, section } from './element.js';
import { count, list, record, records, text, type Fields } from './fields.js';
import type { Labels } from './labels.js';

/** "a", "b ← src", "c = expr", "d::INTEGER": one column as the request asked for it. */
function columnLabel(column: Fields): string {
  const name = text(column.name) ?? '?';
  const from = text(column.expr) ? ` = ${text(column.expr)}` : text(column.source) ? ` ← ${text(column.source)}` : '';
  const cast = text(column.cast) ? ` :: ${text(column.cast)}` : '';
  return `${name}${from}${cast}`;
}

/** A check as a short phrase: "not_null user_id", "row_count min 1". */
function checkLabel(check: Fields): string {
  return Object.entries(check)
    .map(([key, value]) =>
      key === 'kind' ? String(value) : `${key} ${typeof value === 'object' ? JSON.stringify(value) : String(value)}`,
    )
    .join(' ');
}

function renderTable(table: Fields, labels: Labels): HTMLElement {
  const columns = table.columns === 'all' ? labels.allColumns : records(table.columns).map(columnLabel).join(', ');
  const checks = records(table.checks).map(checkLabel).join('; ');
  const keys = list(table.keys).map(String).join(', ');
  return element(
    'li',
    'table',
    element('strong', null, `${text(table.source_table) ?? '?'} → ${text(table.target_table) ?? '?'}`),
    facts([
      [labels.columns, columns],
      [labels.filter, text(table.filter)],
      [labels.mode, [text(table.mode), keys].filter(Boolean).join(' · ')],
      [labels.checks, checks],
    ]),
  );
}

/** What the request was understood to ask: the sentence, then source, target, schedule and each table. */
export function renderUnderstood(result: Fields, labels: Labels): HTMLElement {
  const understood = record(result.understood) ?? {};
  const schedule = understood.schedule === null ? labels.manual : text(understood.schedule);
  const tables = records(understood.tables);
  return section(
    labels.understood,
    'understood',
    element('p', 'sentence', text(result.understood_text) ?? ''),
    facts([
      [labels.source, text(understood.source)],
      [labels.target, text(understood.target)],
      [labels.schedule, schedule],
      [labels.retries, count(understood.retries)],
    ]),
    tables.length > 0 && element('h3', null, labels.tables),
    tables.length > 0 && element('ul', 'tables', ...tables.map((t) => renderTable(t, labels))),
  );
}

/** The spec in short (its tasks and their order) with the whole spec folded away below. */
export function renderSpec(result: Fields, labels: Labels): HTMLElement {
  const spec = record(result.spec) ?? {};
  const upstream = new Map<string, string[]>();
  for (const pair of list(spec.dependencies)) {
    const [from, to] = list(pair).map(String);
    if (from !== undefined && to !== undefined) upstream.set(to, [...(upstream.get(to) ?? []), from]);
  }
  const tasks = records(spec.tasks).map((task) => {
    const id = text(task.id) ?? '?';
    const after = upstream.get(id) ?? [];
    return element(
      'li',
      null,
      element('code', null, id),
      ` ${text(task.type) ?? ''}`,
      after.length > 0 && ` ← ${after.join(', ')}`,
    );
  });
  const details = element('details', null, element('summary', null, labels.fullSpec));
  details.append(preformatted('json', JSON.stringify(spec, null, 2)));
  return section(
    labels.spec,
    'spec',
    facts([
      ['dag_id', text(spec.dag_id)],
      [labels.schedule, spec.schedule === null ? labels.manual : text(spec.schedule)],
    ]),
    tasks.length > 0 && element('ol', 'spec-tasks', ...tasks),
    details,
  );
}
