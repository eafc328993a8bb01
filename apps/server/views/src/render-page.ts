import { element, section, type Child } from './element.js';
import { record, records, text, type Fields } from './fields.js';
import type { Labels } from './labels.js';

/** The error sentence of a failed call (its text content), which is all such a result carries. */
function renderError(content: unknown, labels: Labels): HTMLElement {
  const sentences = records(content).flatMap((c) =>
    c.type === 'text' && text(c.text) ? [text(c.text) as string] : [],
  );
  return section(labels.failed, 'error', ...sentences.map((s): Child => element('p', 'error-text', s)));
}

/**
 * A view's page for one tool result: a title naming the DAG, then `body(output)` for a successful result with
 * structuredContent; the error sentence for a failed call; `notThis` for anything else.
 */
export function renderPage(
  result: Fields,
  page: { title: string; notThis: string; labels: Labels; body(output: Fields): Child[] },
): HTMLElement {
  const output = record(result.structuredContent);
  const title = element('h1', null, page.title);
  if (result.isError === true) return element('main', null, title, renderError(result.content, page.labels));
  if (!output) return element('main', null, title, element('p', null, page.notThis));
  title.append(' ', element('code', 'dag-id', text(output.dag_id) ?? ''));
  return element('main', null, title, ...page.body(output));
}
