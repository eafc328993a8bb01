import { errorBox, type ConsoleContext } from '../console-context.js';
import { el, show } from '../dom.js';
import { diffLines } from '../line-diff.js';
import { t } from '../messages.js';
import type { CreateDagOutput, DagVersion } from '../tool-types.js';

function versionSelect(id: string, versions: readonly DagVersion[], selected: number): HTMLSelectElement {
  const select = el(
    'select',
    { id },
    ...versions.map((v) =>
      el('option', { value: v.version, selected: v.version === selected }, t('version', { n: v.version })),
    ),
  );
  return select;
}

const CONTEXT = 3;

function diffView(older: string, newer: string): HTMLElement {
  const lines = diffLines(older, newer);
  if (lines.every((line) => line.kind === 'same')) return el('p', { id: 'diff' }, t('noChanges'));
  const sign = { same: ' ', add: '+', del: '-' } as const;
  // Unchanged lines further than CONTEXT from any change fold into one "…" line.
  const changed = lines.flatMap((line, index) => (line.kind === 'same' ? [] : [index]));
  const near = (index: number) => changed.some((c) => Math.abs(c - index) <= CONTEXT);
  const shown: HTMLElement[] = [];
  lines.forEach((line, index) => {
    if (line.kind !== 'same' || near(index))
      shown.push(el('span', { class: line.kind }, `${sign[line.kind]} ${line.text}`));
    else if (near(index - 1) || index === 0) shown.push(el('span', { class: 'same fold' }, '  …'));
  });
  return el('pre', { class: 'diff', id: 'diff', tabindex: 0 }, ...shown);
}

/** Rating buttons 1..5 for the DAG's current version (rate_dag; write keys only). */
function ratingRow(ctx: ConsoleContext, dagId: string): HTMLElement {
  const note = el('span', { class: 'muted', id: 'rating-note', 'aria-live': 'polite' });
  const buttons = [1, 2, 3, 4, 5].map((score) => {
    const button = el('button', { type: 'button', class: 'rate', 'data-score': score }, t('rate', { n: score }));
    button.addEventListener('click', async () => {
      try {
        await ctx.client.callTool('rate_dag', { dag_id: dagId, score });
        note.textContent = t('rated');
      } catch (error) {
        note.replaceChildren(errorBox(error));
      }
    });
    return button;
  });
  return el('div', { class: 'row' }, el('strong', {}, t('rateTitle')), ...buttons, note);
}

/** A DAG's versions: when, who, why; a diff between any two; rollback to an earlier one; a rating. */
export function versionsView(ctx: ConsoleContext, dagId: string): HTMLElement {
  const body = el('div', {}, el('p', {}, t('loading')));
  const view = el(
    'section',
    { class: 'panel', id: 'versions-view' },
    el('h2', {}, t('versionsOf', { dag: dagId })),
    body,
  );
  // Outlives each reload of the list, so what a rollback says stays shown.
  const status = el('div', { id: 'versions-status', 'aria-live': 'polite' });
  const load = async () => {
    try {
      const { versions } = await ctx.client.callTool<{ versions: DagVersion[] }>('list_dag_versions', {
        dag_id: dagId,
        include_code: true,
      });
      const latest = Math.max(...versions.map((v) => v.version));
      const from = versionSelect('diff-from', versions, Math.max(1, latest - 1));
      const to = versionSelect('diff-to', versions, latest);
      const diffOut = el('div', {});
      const codeOf = (n: number) => versions.find((v) => v.version === n)?.code ?? '';
      const diffButton = el('button', { type: 'button', id: 'show-diff' }, t('showDiff'));
      diffButton.addEventListener('click', () =>
        show(diffOut, diffView(codeOf(Number(from.value)), codeOf(Number(to.value)))),
      );
      const rows = versions.map((v) => {
        const rollback =
          ctx.canWrite && v.version !== latest
            ? el(
                'button',
                { type: 'button', class: 'rollback', 'data-version': v.version },
                t('rollbackTo', { n: v.version }),
              )
            : null;
        rollback?.addEventListener('click', async () => {
          rollback.disabled = true;
          try {
            const done = await ctx.client.callTool<CreateDagOutput>('rollback_dag', {
              dag_id: dagId,
              version: v.version,
            });
            await load();
            status.replaceChildren(
              el('p', { class: 'ok', id: 'rollback-result' }, t('rolledBack', { dag: dagId, n: done.version ?? 0 })),
            );
          } catch (error) {
            status.replaceChildren(errorBox(error));
            rollback.disabled = false;
          }
        });
        return el(
          'tr',
          { 'data-version': v.version },
          el('td', {}, t('version', { n: v.version })),
          el(
            'td',
            {},
            t('createdBy', { at: v.created_at, who: v.created_by, planner: v.planner, reason: v.reason.slice(0, 160) }),
          ),
          el('td', {}, rollback),
        );
      });
      show(
        body,
        el('table', { id: 'versions' }, el('tbody', {}, ...rows)),
        el(
          'div',
          { class: 'row' },
          el('label', { for: 'diff-from' }, t('diffFrom')),
          from,
          el('label', { for: 'diff-to' }, t('diffTo')),
          to,
          diffButton,
        ),
        diffOut,
        ctx.canWrite ? ratingRow(ctx, dagId) : null,
        status,
      );
    } catch (error) {
      body.replaceChildren(errorBox(error));
    }
  };
  void load();
  return view;
}
