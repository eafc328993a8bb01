import { errorBox, type ConsoleContext } from '../console-context.js';
import { el, scrollingText, show } from '../dom.js';
import { t } from '../messages.js';
import type { CreateDagOutput, ListDagsOutput, RunStatus } from '../tool-types.js';
import { runFailures } from './run-view.js';

const POLL_MS = 1500;
const MAX_POLL_FAILURES = 3;
const ENDED = new Set(['success', 'failed']);

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Each rung of the validation ladder with passed or failed (and why). */
function ladder(checks: CreateDagOutput['checks']): HTMLElement {
  return el(
    'ul',
    { class: 'ladder', id: 'ladder' },
    ...checks.map((c) =>
      el(
        'li',
        { 'data-step': c.step, 'data-ok': String(c.ok) },
        el('span', { class: c.ok ? 'ok' : 'bad' }, `${c.ok ? '✓' : '✗'} ${c.ok ? t('passed') : t('failed')}`),
        ` ${c.step}`,
        c.detail ? el('span', { class: 'muted' }, ` — ${c.detail}`) : null,
      ),
    ),
  );
}

/** Follows a run until it ends: its state and tasks as they move, then rows moved or the failed tasks' logs. */
async function followRun(ctx: ConsoleContext, dagId: string, runId: string, out: HTMLElement): Promise<void> {
  const progress = el('p', { id: 'run-progress', 'aria-live': 'polite' });
  out.append(progress);
  let status: RunStatus;
  let failures = 0;
  for (;;) {
    try {
      status = await ctx.client.callTool<RunStatus>('check_dag_status', { dag_id: dagId, run_id: runId });
      failures = 0;
    } catch (error) {
      // A busy Airflow may miss one answer; the run goes on, so keep following unless it keeps failing.
      if (++failures >= MAX_POLL_FAILURES) throw error;
      await sleep(POLL_MS);
      continue;
    }
    const done = status.tasks.filter((task) => task.state === 'success').length;
    progress.textContent = `${t('runState', { run: runId, state: status.state })} (${done}/${status.tasks.length})`;
    if (ENDED.has(status.state)) break;
    await sleep(POLL_MS);
  }
  if (status.state === 'success') {
    const listed = await ctx.client.callTool<ListDagsOutput>('list_dags', { pattern: dagId, runs: 3 });
    const run = listed.dags.find((d) => d.dag_id === dagId)?.recent_runs?.find((r) => r.run_id === runId);
    out.append(
      el(
        'p',
        { id: 'run-result', class: 'ok', 'data-state': 'success', 'data-rows': run?.rows ?? '' },
        t('runSucceeded', { rows: run?.rows ?? 0, seconds: status.duration_s ?? 0 }),
      ),
    );
  } else {
    out.append(
      el('p', { id: 'run-result', class: 'bad', 'data-state': status.state }, t('runFailed')),
      await runFailures(ctx, status),
    );
  }
}

function previewPanel(ctx: ConsoleContext, request: string, preview: CreateDagOutput): HTMLElement {
  const runOut = el('div', { id: 'run-out' });
  const deploy = el('button', { class: 'primary', id: 'deploy-run', type: 'button' }, t('deployAndRun'));
  deploy.addEventListener('click', async () => {
    deploy.disabled = true;
    show(runOut, el('p', {}, t('deploying', { dag: preview.dag_id })));
    try {
      // The previewed spec itself is deployed: what the user saw is what runs (planning is not redone).
      const created = await ctx.client.callTool<CreateDagOutput>('create_dag', {
        task_description: request,
        spec: preview.spec,
        deploy: true,
        run: true,
        wait: false,
      });
      show(runOut, el('p', {}, created.message));
      if (created.run) await followRun(ctx, created.dag_id, created.run.run_id, runOut);
    } catch (error) {
      runOut.append(errorBox(error));
    } finally {
      deploy.disabled = false;
    }
  });
  const allPassed = preview.checks.every((c) => c.ok);
  return el(
    'div',
    { id: 'preview' },
    el(
      'section',
      { class: 'panel' },
      el('h2', {}, t('understood')),
      el('p', { id: 'understood' }, preview.understood_text),
    ),
    el('section', { class: 'panel' }, el('h2', {}, t('ladder')), ladder(preview.checks)),
    el(
      'section',
      { class: 'panel' },
      el('h2', {}, t('spec')),
      scrollingText({ 'aria-label': t('spec') }, JSON.stringify(preview.spec, null, 2)),
    ),
    el(
      'section',
      { class: 'panel' },
      el('h2', {}, t('code')),
      scrollingText({ id: 'dag-code', 'aria-label': t('code') }, preview.code),
    ),
    allPassed ? el('div', { class: 'row' }, deploy) : null,
    runOut,
  );
}

/** Request box → preview (understood, spec, code, ladder) → deploy and run with live progress. Write keys only. */
export function createView(ctx: ConsoleContext): HTMLElement {
  const request = el('textarea', { id: 'request', placeholder: t('requestPlaceholder') });
  const out = el('div', { id: 'create-out', 'aria-live': 'polite' });
  const previewButton = el('button', { class: 'primary', id: 'preview-button', type: 'button' }, t('preview'));
  previewButton.addEventListener('click', async () => {
    const text = request.value.trim();
    if (text.length < 3) return;
    previewButton.disabled = true;
    show(out, el('p', {}, t('previewing')));
    try {
      const preview = await ctx.client.callTool<CreateDagOutput>('create_dag', {
        task_description: text,
        deploy: false,
      });
      show(out, previewPanel(ctx, text, preview));
    } catch (error) {
      show(out, errorBox(error));
    } finally {
      previewButton.disabled = false;
    }
  });
  return el(
    'section',
    {},
    el('label', { for: 'request' }, t('requestLabel')),
    request,
    el('div', { class: 'row' }, previewButton),
    out,
  );
}
