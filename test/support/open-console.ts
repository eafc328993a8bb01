import { mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import type { BrowserContext, Frame, Page } from 'playwright-core';

const root = join(import.meta.dirname, '..', '..');
const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

export interface ConsolePage {
  page: Page;
  /** Messages the page logged about a Content-Security-Policy violation (there should be none). */
  cspViolations: string[];
}

/** Opens the console at `baseUrl`/ui/ in a new tab and, with a token, signs in through the form. */
export async function openConsole(context: BrowserContext, baseUrl: string, token?: string): Promise<ConsolePage> {
  const page = await context.newPage();
  const cspViolations: string[] = [];
  page.on('console', (message) => {
    if (/Content Security Policy/i.test(message.text())) cspViolations.push(message.text());
    if (message.type() === 'error') process.stderr.write(`[console page] ${message.text()}\n`);
  });
  page.on('pageerror', (error) => process.stderr.write(`[console page] ${error.message}\n`));
  await page.goto(`${baseUrl}/ui/`);
  if (token !== undefined) {
    await page.locator('#token').fill(token);
    await page.locator('#sign-in').click();
    await page.locator('#caller').waitFor();
  }
  return { page, cspViolations };
}

/**
 * A screenshot of the page: into docs/screenshots (the README's pictures) with UPDATE_SCREENSHOTS=1, otherwise
 * into .data/screenshots, so a plain test run never changes the repository.
 */
export async function saveScreenshot(page: Page, name: string): Promise<string> {
  const folder =
    process.env.UPDATE_SCREENSHOTS === '1' ? join(root, 'docs', 'screenshots') : join(root, '.data', 'screenshots');
  mkdirSync(folder, { recursive: true });
  const path = join(folder, `${name}.png`);
  await page.screenshot({ path, fullPage: true });
  return path;
}

/**
 * axe-core's serious and critical violations on the page as it is now (rule id and the first element's target).
 * A frame works the same (an MCP App in its iframe).
 */
export async function seriousAxeViolations(page: Pick<Frame, 'evaluate'>): Promise<string[]> {
  // Evaluated through the DevTools protocol, which the page's CSP does not govern (an injected <script> would be refused).
  await page.evaluate(axeSource);
  const violations = await page.evaluate(async () => {
    const axe = (
      globalThis as unknown as {
        axe: { run(): Promise<{ violations: { id: string; impact: string | null; nodes: { target: unknown }[] }[] }> };
      }
    ).axe;
    const result = await axe.run();
    return result.violations.map((v) => ({ id: v.id, impact: v.impact, target: JSON.stringify(v.nodes[0]?.target) }));
  });
  return violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => `${v.id} ${v.target}`);
}

/** Waits for `selector`; when it does not come, fails with what `explain` (the region it would appear in) shows. */
export async function waitForOrExplain(page: Page, selector: string, explain: string, timeout: number): Promise<void> {
  try {
    await page.locator(selector).first().waitFor({ timeout });
  } catch (error) {
    const shown = await page
      .locator(explain)
      .textContent({ timeout: 1000 })
      .catch(() => '(nothing)');
    throw new Error(`${selector} did not appear within ${timeout} ms; ${explain} shows: ${shown}`, { cause: error });
  }
}
