import { randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createSampleDatabase } from '@airflow-mcp/pipeline';
import { CONSOLE_CSP } from '../../apps/server/src/routes/console.js';
import { launchBrowser, type LaunchedBrowser } from '../support/launch-browser.js';
import { modernWireClient } from '../support/modern-wire-client.js';
import { openConsole, saveScreenshot, seriousAxeViolations, waitForOrExplain } from '../support/open-console.js';
import { startServiceApp, type ServiceApp } from '../support/start-service-app.js';
import { startTokenIssuer, type TokenIssuer } from '../support/start-token-issuer.js';

const key = (name: string) => `${name}-${randomBytes(12).toString('hex')}`;
const WRITER = key('writer');
const READER = key('reader');
const ADMIN = key('admin');
const OTHER = key('other');

// Previews, deploys and runs go through the whole validation ladder (Airflow's own import of the file) and real runs.
describe(
  'the web console at /ui, in a real headless Chromium, against the real service and Airflow',
  { timeout: 400_000 },
  () => {
    const airflow = inject('airflow');
    const suffix = Date.now().toString(36);
    const warehouse = join(airflow.dataDir, `warehouse-console-${suffix}`);
    let app: ServiceApp;
    let browser: LaunchedBrowser;
    let issuer: TokenIssuer;
    const audience = 'https://console.example.test';
    let eventRows: number;
    let okDag = '';
    const deployed = new Set<string>();
    const mcp = (token: string) => modernWireClient(app.mcpUrl, { token });
    const callTool = async (token: string, name: string, args: Record<string, unknown>) =>
      (await mcp(token).request('tools/call', { name, arguments: args })) as {
        structuredContent?: Record<string, unknown>;
        isError?: boolean;
        content?: unknown;
      };

    beforeAll(async () => {
      mkdirSync(warehouse, { recursive: true });
      // A tenant's relative paths resolve inside its own folder of the allowed data folder.
      createSampleDatabase(join(warehouse, 'acme', 'sample.db'));
      const db = new DatabaseSync(join(warehouse, 'acme', 'sample.db'), { readOnly: true });
      eventRows = Number((db.prepare('SELECT count(*) AS n FROM events').get() as { n: number }).n);
      db.close();
      issuer = await startTokenIssuer();
      app = await startServiceApp(airflow, {
        // OAuth beside the API keys: the console's box takes a pasted access token too.
        MCP_OAUTH_ISSUER: issuer.url,
        MCP_OAUTH_AUDIENCE: audience,
        ALLOWED_DATA_DIRS: warehouse,
        MCP_API_KEYS: [
          `${WRITER}:read+write:acme`,
          `${READER}:read:acme`,
          `${ADMIN}:read+write+admin:acme`,
          `${OTHER}:read+write:globex`,
        ].join(','),
      });
      browser = await launchBrowser();
    });

    afterAll(async () => {
      for (const dagId of deployed) await callTool(ADMIN, 'delete_dag', { dag_id: dagId }).catch(() => undefined);
      await browser?.close();
      await app?.close();
      await issuer?.close();
    });

    it('serves the page with a strict Content-Security-Policy, nosniff, no-referrer and no inline script', async () => {
      const response = await fetch(`${app.url}/ui/`);
      expect(response.status).toBe(200);
      expect(response.headers.get('content-security-policy')).toBe(CONSOLE_CSP);
      expect(CONSOLE_CSP).toContain("script-src 'self'");
      expect(CONSOLE_CSP).not.toContain('unsafe-inline');
      expect(response.headers.get('x-content-type-options')).toBe('nosniff');
      expect(response.headers.get('referrer-policy')).toBe('no-referrer');
      const html = await response.text();
      const scripts = [...html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/g)];
      expect(scripts.length).toBeGreaterThan(0);
      for (const [, attributes, body] of scripts) {
        expect(attributes).toMatch(/\ssrc="\/ui\//);
        expect(body?.trim()).toBe('');
      }
      expect(html).not.toMatch(/\son[a-z]+=|style=/i);
      const script = await fetch(`${app.url}/ui/js/main.js`);
      expect(script.headers.get('content-type')).toMatch(/^text\/javascript/);
      expect(script.headers.get('content-security-policy')).toBe(CONSOLE_CSP);
      expect((await fetch(`${app.url}/ui/../package.json`)).status).toBe(404);
    });

    it('refuses a cross-origin POST to /mcp, even one carrying a valid key', async () => {
      const body = JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list', params: {} });
      const headers = { 'content-type': 'application/json', accept: 'application/json, text/event-stream' };
      const forged = await fetch(app.mcpUrl, {
        method: 'POST',
        headers: { ...headers, origin: 'https://attacker.example', authorization: `Bearer ${WRITER}` },
        body,
      });
      expect(forged.status).toBe(403);
      expect(await forged.text()).toContain('Origin not allowed');
      // A page of another origin, in the browser: it holds no key (sessionStorage is per origin, there is no cookie),
      // and its request is refused before any tool runs.
      const page = await browser.context.newPage();
      await page.route('https://attacker.example/**', (route) =>
        route.fulfill({ contentType: 'text/html', body: '<!doctype html><title>attacker</title>' }),
      );
      await page.goto('https://attacker.example/');
      const outcome = await page.evaluate(async (url) => {
        try {
          const answer = await fetch(url, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list', params: {} }),
          });
          return `status ${answer.status}`;
        } catch (error) {
          return `refused: ${String(error)}`;
        }
      }, app.mcpUrl.href);
      expect(outcome).toMatch(/^refused: TypeError/);
      await page.close();
    });

    it('signs in, previews a request (understood, spec, code, every rung of the ladder), deploys, runs it and shows the rows moved', async () => {
      const { page, cspViolations } = await openConsole(browser.context, app.url);
      expect(await seriousAxeViolations(page)).toEqual([]);
      await saveScreenshot(page, 'console-sign-in');
      await page.locator('#token').fill(WRITER);
      await page.locator('#sign-in').click();
      await page.locator('#caller').waitFor();
      expect(await page.locator('#caller').textContent()).toContain('acme');
      await page
        .locator('#request')
        .fill(
          `move the events table from SQLite sample.db into DuckDB analytics.duckdb, every day, dag id console_ok_${suffix}`,
        );
      await page.locator('#preview-button').click();
      await waitForOrExplain(page, '#ladder', '#create-out', 120_000);
      expect(await page.locator('#understood').textContent()).toMatch(/events/);
      const rungs = page.locator('#ladder li');
      expect(await rungs.count()).toBeGreaterThanOrEqual(5);
      expect(await page.locator('#ladder li[data-ok="false"]').count()).toBe(0);
      const code = (await page.locator('#dag-code').textContent()) ?? '';
      okDag = /dag_id="([^"]+)"/.exec(code)?.[1] ?? '';
      expect(okDag).toBe(`acme__console_ok_${suffix}`);
      expect(await seriousAxeViolations(page)).toEqual([]);
      await saveScreenshot(page, 'console-preview');
      await page.locator('#deploy-run').click();
      deployed.add(okDag);
      await waitForOrExplain(page, '#run-result', '#run-out', 240_000);
      const result = page.locator('#run-result');
      expect(await result.getAttribute('data-state')).toBe('success');
      expect(Number(await result.getAttribute('data-rows'))).toBe(eventRows);
      expect(await page.locator('#run-progress').textContent()).toContain('success');
      await saveScreenshot(page, 'console-run-succeeded');
      // The DAG list: state, schedule, the run, and the rows it moved in the chart.
      await page.locator('#tab-dags').click();
      const row = page.locator(`tr[data-dag="${okDag}"]`);
      await row.waitFor();
      expect(await row.textContent()).toContain('success');
      expect(await row.locator('rect[data-rows]').first().getAttribute('data-rows')).toBe(String(eventRows));
      expect(await seriousAxeViolations(page)).toEqual([]);
      await saveScreenshot(page, 'console-dags');
      expect(cspViolations).toEqual([]);
      await page.close();
    });

    it('shows a failing quality check with its failed task and the log line that says why', async () => {
      const { page, cspViolations } = await openConsole(browser.context, app.url, WRITER);
      await page
        .locator('#request')
        .fill(
          `move the events table from SQLite sample.db into DuckDB analytics.duckdb as table events_checked, stop if fewer than 1000000 rows come through, no retries, dag id console_bad_${suffix}`,
        );
      await page.locator('#preview-button').click();
      await waitForOrExplain(page, '#deploy-run', '#create-out', 120_000);
      deployed.add(`acme__console_bad_${suffix}`);
      await page.locator('#deploy-run').click();
      await waitForOrExplain(page, '#run-result', '#run-out', 240_000);
      const result = page.locator('#run-result');
      expect(await result.getAttribute('data-state')).toBe('failed');
      const log = page.locator('.failed-task .log-tail').first();
      await log.waitFor();
      expect(await log.textContent()).toContain('data quality checks failed');
      await saveScreenshot(page, 'console-failed-check');
      expect(cspViolations).toEqual([]);
      await page.close();
    });

    it('shows a diff between two versions and rolls back to the first', async () => {
      expect(okDag).not.toBe('');
      const updated = await callTool(WRITER, 'update_dag', {
        dag_id: okDag,
        change_request: 'run it every day at 9am',
      });
      expect(updated.isError, JSON.stringify(updated.content)).toBeFalsy();
      expect(updated.structuredContent?.version).toBe(2);
      const versionsOut = (await callTool(READER, 'list_dag_versions', { dag_id: okDag, include_code: true }))
        .structuredContent as { versions: { version: number; code: string }[] };
      const codeOf = (n: number) => versionsOut.versions.find((v) => v.version === n)?.code.split('\n') ?? [];
      const added = codeOf(2).filter((line) => !codeOf(1).includes(line));
      const removed = codeOf(1).filter((line) => !codeOf(2).includes(line));
      expect(added.length).toBeGreaterThan(0);
      const { page } = await openConsole(browser.context, app.url, WRITER);
      await page.locator('#tab-dags').click();
      await page.locator(`tr[data-dag="${okDag}"] .open-versions`).click();
      await page.locator('#versions tr').nth(1).waitFor();
      await page.locator('#diff-from').selectOption('1');
      await page.locator('#diff-to').selectOption('2');
      await page.locator('#show-diff').click();
      const diff = page.locator('#diff');
      await diff.waitFor();
      // Every line only v2 has is shown added, every line only v1 had is shown removed.
      const shownAdded = (await diff.locator('.add').allTextContents()).map((line) => line.slice(2));
      const shownRemoved = (await diff.locator('.del').allTextContents()).map((line) => line.slice(2));
      expect(shownAdded).toEqual(expect.arrayContaining(added));
      expect(shownRemoved).toEqual(expect.arrayContaining(removed));
      expect(await seriousAxeViolations(page)).toEqual([]);
      await saveScreenshot(page, 'console-versions-diff');
      await page.locator('button.rollback[data-version="1"]').click();
      await waitForOrExplain(page, '#rollback-result', '#versions-status', 180_000);
      const rolled = page.locator('#rollback-result');
      expect(await rolled.textContent()).toContain('3');
      const versions = (await callTool(READER, 'list_dag_versions', { dag_id: okDag })).structuredContent as {
        versions: { version: number; reason: string }[];
      };
      expect(versions.versions.map((v) => v.version).sort()).toEqual([1, 2, 3]);
      await page.locator('button.rate[data-score="4"]').click();
      await waitForOrExplain(page, '#rating-note:has-text("recorded")', '#rating-note', 30_000);
      await page.close();
    });

    it("shows a run's tasks with states, tries, durations and a timeline", async () => {
      const { page } = await openConsole(browser.context, app.url, READER);
      await page.locator(`tr[data-dag="${okDag}"] .open-run`).click();
      const tasks = page.locator('#run-tasks tbody tr');
      await tasks.first().waitFor();
      expect(await tasks.count()).toBeGreaterThan(0);
      expect(await page.locator('#run-tasks .state').allTextContents()).toContain('success');
      expect(await page.locator('#run-view svg rect').count()).toBe(await tasks.count());
      await saveScreenshot(page, 'console-run-tasks');
      await page.close();
    });

    it('gives a read-only key no write buttons', async () => {
      const { page } = await openConsole(browser.context, app.url, READER);
      await page.locator(`tr[data-dag="${okDag}"]`).waitFor();
      expect(await page.locator('#read-only-note').isVisible()).toBe(true);
      expect(await page.locator('#tab-create').count()).toBe(0);
      expect(await page.locator('#tab-audit').count()).toBe(0);
      await page.locator(`tr[data-dag="${okDag}"] .open-versions`).click();
      await page.locator('#versions tr').nth(2).waitFor();
      expect(await page.locator('button.rollback, button.rate').count()).toBe(0);
      await page.locator('#tab-search').click();
      await page.locator('#search-query').fill('DuckDB bulk loading');
      await page.locator('#search-button').click();
      await page.locator('#search-results li').first().waitFor({ timeout: 30_000 });
      expect(await page.locator('#search-results .score').first().textContent()).toMatch(/score \d\.\d\d/);
      expect(await page.locator('button.helpful, button.not-helpful').count()).toBe(0);
      await page.close();
    });

    it('never shows another tenant its DAGs', async () => {
      const { page } = await openConsole(browser.context, app.url, OTHER);
      await page.locator('#tab-dags').click();
      await page.locator('#dags, #no-dags').first().waitFor();
      const text = (await page.locator('#dags-view').textContent()) ?? '';
      expect(text).not.toContain(okDag);
      expect(text).not.toContain('acme__');
      expect(await page.locator('#caller').textContent()).toContain('globex');
      await page.close();
    });

    it('shows the audit log to an admin, with the writes of this suite', async () => {
      const { page } = await openConsole(browser.context, app.url, ADMIN);
      await page.locator('#tab-audit').click();
      const rows = page.locator('#audit tbody tr');
      await rows.first().waitFor();
      expect(await page.locator('#audit').textContent()).toContain(okDag);
      expect(await seriousAxeViolations(page)).toEqual([]);
      await saveScreenshot(page, 'console-audit');
      await page.close();
    });

    it('signs in with a pasted OAuth access token, with the scopes and tenant the token grants', async () => {
      const token = await issuer.sign({ scope: 'read', tenant: 'acme' }, audience);
      const { page } = await openConsole(browser.context, app.url, token);
      expect(await page.locator('#caller').textContent()).toContain('acme');
      expect(await page.locator('#read-only-note').isVisible()).toBe(true);
      expect(await page.locator('#tab-create').count()).toBe(0);
      await page.locator(`tr[data-dag="${okDag}"]`).waitFor();
      await page.close();
    });

    it('speaks Korean when the browser does, and the key never lands in the page or its storage beyond this tab', async () => {
      const korean = await launchBrowser({ locale: 'ko-KR' });
      try {
        const { page } = await openConsole(korean.context, app.url, WRITER);
        expect(await page.locator('html').getAttribute('lang')).toBe('ko');
        expect(await page.locator('#tab-create').textContent()).toBe('새 파이프라인');
        expect(await page.content()).not.toContain(WRITER);
        expect(await page.evaluate('document.cookie')).toBe('');
        expect(await page.evaluate('localStorage.length')).toBe(0);
        await page.locator('#tab-dags').click();
        await page.locator(`tr[data-dag="${okDag}"]`).waitFor();
        await saveScreenshot(page, 'console-dags-ko');
      } finally {
        await korean.close();
      }
    });
  },
);
