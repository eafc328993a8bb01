import { scopesAllow, type ConsoleContext } from './console-context.js';
import { el, show } from './dom.js';
import { createMcpClient, SignInError } from './mcp-client.js';
import { language, t } from './messages.js';
import type { ListDagsOutput } from './tool-types.js';
import { auditView } from './views/audit-view.js';
import { createView } from './views/create-view.js';
import { dagsView } from './views/dags-view.js';
import { searchView } from './views/search-view.js';
import { signInView } from './views/sign-in-view.js';

/** The key lives in this tab's sessionStorage only: gone when the tab closes, never in a cookie or the URL. */
const TOKEN_KEY = 'airflow-mcp-console-token';

const main = document.getElementById('main') as HTMLElement;
const tabs = document.getElementById('tabs') as HTMLElement;
const who = document.getElementById('who') as HTMLElement;

function signOut(problem?: string): void {
  sessionStorage.removeItem(TOKEN_KEY);
  show(tabs);
  show(who);
  show(
    main,
    signInView((token) => void signIn(token), problem),
  );
}

async function signIn(token: string): Promise<void> {
  const client = createMcpClient(token);
  let caller: ListDagsOutput['caller'];
  try {
    // The first call checks the key and says what it may do: its tenant and scopes, as MCP sees them.
    caller = (await client.callTool<ListDagsOutput>('list_dags', { limit: 1 })).caller;
  } catch (error) {
    signOut(error instanceof SignInError || error instanceof Error ? error.message : String(error));
    return;
  }
  sessionStorage.setItem(TOKEN_KEY, token);
  const ctx: ConsoleContext = {
    client,
    caller,
    canWrite: scopesAllow(caller.scopes, 'write'),
    isAdmin: scopesAllow(caller.scopes, 'admin'),
    open: (view) => {
      const slot = document.getElementById('detail');
      if (slot) show(slot, view);
      view.scrollIntoView?.();
    },
  };
  const views: { id: string; label: string; render: () => HTMLElement }[] = [
    ...(ctx.canWrite ? [{ id: 'create', label: t('tabCreate'), render: () => createView(ctx) }] : []),
    { id: 'dags', label: t('tabDags'), render: () => dagsView(ctx) },
    { id: 'search', label: t('tabSearch'), render: () => searchView(ctx) },
    ...(ctx.isAdmin ? [{ id: 'audit', label: t('tabAudit'), render: () => auditView(ctx) }] : []),
  ];
  const buttons = views.map((view) => {
    const button = el('button', { type: 'button', id: `tab-${view.id}` }, view.label);
    button.addEventListener('click', () => open(view.id));
    return button;
  });
  const open = (id: string) => {
    const view = views.find((v) => v.id === id) ?? views[0];
    if (!view) return;
    buttons.forEach((b) =>
      b.id === `tab-${view.id}` ? b.setAttribute('aria-current', 'page') : b.removeAttribute('aria-current'),
    );
    show(main, view.render(), el('div', { id: 'detail' }));
  };
  show(tabs, ...buttons);
  const out = el('button', { type: 'button', id: 'sign-out' }, t('signOut'));
  out.addEventListener('click', () => signOut());
  show(
    who,
    el('span', { id: 'caller' }, t('signedInAs', { tenant: caller.tenant, scopes: caller.scopes.join('+') })),
    ctx.canWrite ? null : el('span', { id: 'read-only-note' }, t('readOnlyNote')),
    out,
  );
  open(views[0]?.id ?? 'dags');
}

document.documentElement.lang = language;
document.title = t('title');
(document.getElementById('title') as HTMLElement).textContent = t('title');
const saved = sessionStorage.getItem(TOKEN_KEY);
if (saved) void signIn(saved);
else signOut();
