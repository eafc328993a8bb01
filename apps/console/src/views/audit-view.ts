import { errorBox, type ConsoleContext } from '../console-context.js';
import { el, table } from '../dom.js';
import { t } from '../messages.js';
import type { AuditEntry } from '../tool-types.js';

/** The audit log of writes (audit_log, admin keys only). */
export function auditView(ctx: ConsoleContext): HTMLElement {
  const body = el('div', {}, el('p', {}, t('loading')));
  void (async () => {
    try {
      const { entries } = await ctx.client.callTool<{ entries: AuditEntry[] }>('audit_log', { limit: 100 });
      body.replaceChildren(
        table(
          'audit',
          (['at', 'actor', 'tenant', 'action', 'dagId', 'outcome'] as const).map((k) => t(k)),
          entries.map((e) =>
            el(
              'tr',
              {},
              el('td', {}, e.at),
              el('td', {}, e.actor),
              el('td', {}, e.tenant),
              el('td', {}, e.action),
              el('td', {}, e.dag_id ?? '–'),
              el('td', { class: e.outcome === 'ok' ? 'ok' : 'bad', title: e.detail }, e.outcome),
            ),
          ),
        ),
      );
    } catch (error) {
      body.replaceChildren(errorBox(error));
    }
  })();
  return el('section', { id: 'audit-view' }, el('h2', {}, t('auditTitle')), body);
}
