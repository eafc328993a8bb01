import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createSampleDatabase } from '@airflow-mcp/pipeline';
import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { build } from 'esbuild';
import type { Frame, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { launchBrowser, type LaunchedBrowser } from '../support/launch-browser.js';
import { saveScreenshot, seriousAxeViolations } from '../support/open-console.js';
import { seedOrders } from '../support/seed-orders.js';
import { startServiceApp, type ServiceApp } from '../support/start-service-app.js';

type ToolResult = {
  content: { type: string; text?: string }[];
  structuredContent?: Record<string, unknown>;
  isError?: boolean;
};
/** An element's data-* attributes, as the browser has them (the test project has no DOM types). */
interface Dataset {
  dataset: Record<string, string | undefined>;
}
interface Check {
  step: string;
  ok: boolean;
}

const DAG_PREVIEW = 'ui://airflow-mcp/dag-preview.html';
const RUN_STATUS = 'ui://airflow-mcp/run-status.html';
/** User words that would run script if a view ever parsed result text as HTML. */
const PAYLOAD = `<img src=x onerror="window.__pwned='img'"><script>window.__pwned='script'</script>`;

/** The test host page's script: ext-apps' AppBridge around a sandboxed iframe (fixtures/app-host.mjs), bundled. */
async function hostScript(): Promise<string> {
  const bundle = await build({
    entryPoints: [fileURLToPath(new URL('./fixtures/app-host.mjs', import.meta.url))],
    bundle: true,
    format: 'iife',
    platform: 'browser',
    target: 'es2022',
    write: false,
    logLevel: 'silent',
  });
  return bundle.outputFiles[0]?.text ?? '';
}

describe('MCP Apps rendered by a host in headless Chromium, with real results from the running service', () => {
  const airflow = inject('airflow');
  const suffix = Date.now().toString(36);
  const warehouse = join(airflow.dataDir, `warehouse-app-browser-${suffix}`);
  const orders = `orders_app_${suffix}`;
  let app: ServiceApp;
  let client: Client;
  let browser: LaunchedBrowser;
  let host: string;
  const pages: Page[] = [];
  const consoleErrors: string[] = [];

  const call = async (name: string, args: Record<string, unknown>) =>
    (await client.callTool({ name, arguments: args }, { timeout: 300_000 })) as ToolResult;

  const readApp = async (uri: string) => {
    const read = await client.readResource({ uri });
    const content = read.contents[0];
    return content && 'text' in content ? content.text : '';
  };

  /** Opens a host page, lets it render app `uri` with the call's input and result, returns the app's frame. */
  async function render(
    uri: string,
    toolInput: Record<string, unknown>,
    toolResult: ToolResult,
    locale = 'en-US',
  ): Promise<Frame> {
    const page = await browser.context.newPage();
    pages.push(page);
    page.on('console', (message) => {
      if (message.type() === 'error') consoleErrors.push(message.text());
    });
    page.on('pageerror', (error) => consoleErrors.push(error.message));
    await page.setContent(`<!doctype html><html><body><script>${host}</script></body></html>`);
    const html = await readApp(uri);
    const appInfo = await page.evaluate(
      (args) => (globalThis as unknown as { showApp(a: unknown): Promise<unknown> }).showApp(args),
      { html, toolInput, toolResult, locale },
    );
    expect(appInfo).toMatchObject({ name: uri === DAG_PREVIEW ? 'airflow-mcp-dag-preview' : 'airflow-mcp-run-status' });
    const frame = await (await page.waitForSelector('iframe')).contentFrame();
    if (!frame) throw new Error('the app iframe has no frame');
    await frame.waitForSelector('body[data-rendered="true"]', { timeout: 15_000 });
    return frame;
  }

  const textOf = async (frame: Frame, selector: string) => (await frame.locator(selector).first().textContent()) ?? '';

  beforeAll(async () => {
    mkdirSync(warehouse, { recursive: true });
    createSampleDatabase(join(warehouse, 'sample.db'));
    seedOrders(join(warehouse, 'shop.db'), orders, 300);
    app = await startServiceApp(airflow, { KNOWLEDGE_DIR: 'none', ALLOWED_DATA_DIRS: warehouse });
    client = new Client(
      { name: 'apps-test-host', version: '1.0.0' },
      {
        capabilities: { extensions: { 'io.modelcontextprotocol/ui': { mimeTypes: ['text/html;profile=mcp-app'] } } },
        versionNegotiation: { mode: { pin: '2026-07-28' } },
      },
    );
    await client.connect(new StreamableHTTPClientTransport(app.mcpUrl));
    host = await hostScript();
    browser = await launchBrowser();
  });
  afterAll(async () => {
    for (const page of pages) await page.close().catch(() => {});
    await browser?.close();
    await client?.close().catch(() => {});
    await app?.close();
  });

  /** Nothing of the payload became an element or ran, in the app or in the host page. */
  async function expectNothingRan(frame: Frame) {
    expect(await frame.locator('img').count()).toBe(0);
    expect(await frame.locator('main script').count()).toBe(0);
    expect(await frame.evaluate(() => (globalThis as { __pwned?: string }).__pwned)).toBeUndefined();
    expect(await frame.page().evaluate(() => (globalThis as { __pwned?: string }).__pwned)).toBeUndefined();
  }

  it('dag-preview shows a create_dag preview: understood, ladder, code, deploy, timings; user words stay text', async () => {
    const request = 'Move the events table from SQLite sample.db into DuckDB analytics.duckdb';
    const planned = await call('create_dag', { task_description: request, deploy: false });
    expect(planned.isError, planned.content[0]?.text).toBeFalsy();
    // A spec filled by the caller, its description (the DAG's doc_md) carrying markup and script.
    const spec = { ...(planned.structuredContent?.spec as Record<string, unknown>), description: `Events ${PAYLOAD}` };
    const toolInput = { task_description: request, spec, deploy: false };
    const result = await call('create_dag', toolInput);
    expect(result.isError, result.content[0]?.text).toBeFalsy();
    const out = result.structuredContent ?? {};
    expect(String(out.code)).toContain('<img src=x onerror=');
    expect(String(out.code)).toContain('<script>');

    const frame = await render(DAG_PREVIEW, toolInput, result);
    expect(await textOf(frame, 'h1')).toContain(String(out.dag_id));
    expect(await textOf(frame, '[data-testid="understood"] .sentence')).toBe(out.understood_text);
    const steps = await frame.locator('li.step').evaluateAll((items) =>
      items.map((item) => ({
        step: (item as unknown as Dataset).dataset.step,
        ok: (item as unknown as Dataset).dataset.ok === 'true',
      })),
    );
    expect(steps).toEqual((out.checks as Check[]).map((c) => ({ step: c.step, ok: c.ok })));
    expect(steps.length).toBeGreaterThanOrEqual(4);
    // The code exactly as generated, character for character: the payload in it is text.
    expect(await textOf(frame, '[data-testid="code"] pre')).toBe(out.code);
    expect(await textOf(frame, '[data-testid="spec"] pre')).toContain(JSON.stringify(`Events ${PAYLOAD}`));
    expect(await textOf(frame, '[data-testid="deploy"]')).toContain('preview only, not deployed');
    const timingRows = await frame.locator('[data-testid="timings"] tr').count();
    expect(timingRows).toBe(Object.keys(out.timings as Record<string, number>).length);
    expect(timingRows).toBeGreaterThan(1);
    await expectNothingRan(frame);
    expect(await seriousAxeViolations(frame)).toEqual([]);
    expect(consoleErrors).toEqual([]);
  });

  it('dag-preview shows a refused call with its sentence, the user words in it as text', async () => {
    const toolInput = {
      task_description: `Move the events table from SQLite sample.db into DuckDB x.duckdb ${PAYLOAD}`,
      deploy: false,
    };
    const result = await call('create_dag', toolInput);
    expect(result.isError).toBe(true);
    const sentence = result.content[0]?.text ?? '';
    expect(sentence).toContain('<img src=x onerror=');
    const frame = await render(DAG_PREVIEW, toolInput, result);
    expect(await textOf(frame, '[data-testid="error"] p')).toBe(sentence);
    await expectNothingRan(frame);
  });

  it('a real run: dag-preview shows rows moved and tasks; run-status shows check_dag_status with tries and durations', async () => {
    const toolInput = {
      task_description: `Move the ${orders} table from SQLite shop.db into DuckDB app_browser.duckdb`,
      run: true,
      wait: true,
    };
    const created = await call('create_dag', toolInput);
    expect(created.isError, created.content[0]?.text).toBeFalsy();
    const out = created.structuredContent ?? {};
    const run = out.run as { run_id: string; state: string; rows: number; tasks: { task_id: string }[] };
    expect(run).toMatchObject({ state: 'success', rows: 300 });

    const preview = await render(DAG_PREVIEW, toolInput, created);
    expect(await textOf(preview, '[data-testid="deploy"]')).toContain('deployed');
    expect(await textOf(preview, '[data-testid="run"]')).toContain('300');
    expect(await preview.locator('[data-testid="run"] tr[data-task]').count()).toBe(run.tasks.length);

    const statusInput = { dag_id: String(out.dag_id), run_id: run.run_id };
    const status = await call('check_dag_status', statusInput);
    expect(status.isError, status.content[0]?.text).toBeFalsy();
    const summary = status.structuredContent as {
      state: string;
      tasks: { task_id: string; state: string; try_number: number; duration_s: number | null }[];
    };
    const frame = await render(RUN_STATUS, statusInput, status);
    expect(await textOf(frame, 'h1')).toContain(String(out.dag_id));
    expect(await frame.locator('[data-testid="run"] .badge').first().getAttribute('data-state')).toBe('success');
    const rows = await frame
      .locator('[data-testid="tasks"] tbody tr')
      .evaluateAll((trs) => trs.map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent ?? '')));
    expect(rows.map((r) => r[0])).toEqual(summary.tasks.map((t) => t.task_id));
    expect(rows.map((r) => r[1])).toEqual(summary.tasks.map((t) => t.state));
    expect(rows.map((r) => r[2])).toEqual(summary.tasks.map((t) => String(t.try_number)));
    expect(rows.every((r) => / s$/.test(r[3] ?? ''))).toBe(true);
    expect(await frame.locator('[data-testid="failure"]').count()).toBe(0);
    expect(await seriousAxeViolations(frame)).toEqual([]);
    // The app reported its size (ext-apps auto-resize) and the host's iframe followed it.
    const reported = Number(await frame.page().locator('iframe').getAttribute('data-reported-height'));
    expect(reported).toBeGreaterThan(200);
    for (const [page, name] of [
      [preview.page(), 'mcp-app-dag-preview'],
      [frame.page(), 'mcp-app-run-status'],
    ] as const) {
      // The whole app in view (Chromium paints an iframe's content only near the viewport).
      const height = Number(await page.locator('iframe').getAttribute('data-reported-height'));
      await page.setViewportSize({ width: 1100, height: Math.max(400, height) });
      await saveScreenshot(page, name);
    }
    expect(consoleErrors).toEqual([]);
  });

  it('a failing quality check: both views show the failed task and its log line, run-status in the host locale', async () => {
    const toolInput = {
      task_description: `Move the ${orders} table from SQLite shop.db into DuckDB failing.duckdb, amount must be between 0 and 10, no retries`,
      run: true,
      wait: true,
    };
    const created = await call('create_dag', toolInput);
    expect(created.isError, created.content[0]?.text).toBeFalsy();
    const out = created.structuredContent ?? {};
    const run = out.run as { run_id: string; state: string };
    expect(run.state).toBe('failed');
    const preview = await render(DAG_PREVIEW, toolInput, created);
    expect(await textOf(preview, '[data-testid="run"] [data-testid="failure"]')).toMatch(/data quality checks failed/);

    const statusInput = { dag_id: String(out.dag_id), run_id: run.run_id };
    const status = await call('check_dag_status', statusInput);
    const summary = status.structuredContent as {
      tasks: { task_id: string; state: string }[];
      failed_logs: { task_id: string; lines: string[] }[];
    };
    const failedTask = summary.tasks.find((t) => t.state === 'failed')?.task_id ?? '';
    expect(summary.failed_logs.map((l) => l.task_id)).toContain(failedTask);
    const frame = await render(RUN_STATUS, statusInput, status, 'ko-KR');
    expect(await textOf(frame, 'h1')).toContain('실행 상태');
    expect(await frame.locator(`tr[data-task="${failedTask}"] .badge`).getAttribute('data-state')).toBe('failed');
    const failure = await textOf(frame, '[data-testid="failure"]');
    expect(failure).toContain('실패 원인');
    expect(failure).toContain(failedTask);
    expect(failure).toMatch(/data quality checks failed/);
    expect(await seriousAxeViolations(frame)).toEqual([]);
    expect(consoleErrors).toEqual([]);
  });
});
