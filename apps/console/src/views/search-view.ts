import { errorBox, type ConsoleContext } from '../console-context.js';
import { el, show } from '../dom.js';
import { t } from '../messages.js';
import type { SearchResult } from '../tool-types.js';

function feedback(ctx: ConsoleContext, query: string, doc: string): HTMLElement | null {
  if (!ctx.canWrite) return null;
  const note = el('span', { class: 'muted', 'aria-live': 'polite' });
  const rate = (score: number) => async () => {
    try {
      await ctx.client.callTool('rate_dag', { query, doc, score });
      note.textContent = t('rated');
    } catch (error) {
      note.replaceChildren(errorBox(error));
    }
  };
  return el(
    'div',
    { class: 'row' },
    el('button', { type: 'button', class: 'helpful', onclick: rate(5) }, t('helpful')),
    el('button', { type: 'button', class: 'not-helpful', onclick: rate(1) }, t('notHelpful')),
    note,
  );
}

/** Knowledge search: passages with their score and source document; write keys may rate a result. */
export function searchView(ctx: ConsoleContext): HTMLElement {
  const input = el('input', { id: 'search-query', type: 'search', size: 60 });
  const out = el('div', { id: 'search-out', 'aria-live': 'polite' });
  const button = el('button', { class: 'primary', type: 'button', id: 'search-button' }, t('search'));
  const go = async () => {
    const query = input.value.trim();
    if (!query) return;
    show(out, el('p', {}, t('loading')));
    try {
      const { results } = await ctx.client.callTool<{ results: SearchResult[] }>('search_docs', { query, k: 5 });
      show(
        out,
        results.length === 0
          ? el('p', {}, t('noResults'))
          : el(
              'ol',
              { id: 'search-results' },
              ...results.map((r) =>
                el(
                  'li',
                  { class: 'panel', 'data-doc': r.doc },
                  el('h3', {}, `${r.title} — ${r.section}`),
                  el(
                    'p',
                    { class: 'muted' },
                    `${r.doc} · `,
                    el('span', { class: 'score' }, t('score', { score: r.score.toFixed(2) })),
                  ),
                  el('p', {}, r.text.length > 600 ? `${r.text.slice(0, 600)}…` : r.text),
                  feedback(ctx, query, r.doc),
                ),
              ),
            ),
      );
    } catch (error) {
      show(out, errorBox(error));
    }
  };
  button.addEventListener('click', () => void go());
  input.addEventListener('keydown', (event) => {
    if (event.key === 'Enter') void go();
  });
  return el(
    'section',
    {},
    el('label', { for: 'search-query' }, t('searchLabel')),
    el('div', { class: 'row' }, input, button),
    out,
  );
}
