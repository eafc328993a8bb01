import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Fastify from 'fastify';
import { describe, expect, it } from 'vitest';
import { CONSOLE_CSP, consoleRoutes, loadConsoleFiles } from './console.js';

function consoleFolder(): string {
  const root = mkdtempSync(join(tmpdir(), 'console-files-'));
  mkdirSync(join(root, 'static'));
  mkdirSync(join(root, 'dist', 'views'), { recursive: true });
  writeFileSync(
    join(root, 'static', 'index.html'),
    '<!doctype html><script type="module" src="/ui/js/main.js"></script>',
  );
  writeFileSync(join(root, 'static', 'console.css'), 'body {}');
  writeFileSync(join(root, 'dist', 'main.js'), 'export {};');
  writeFileSync(join(root, 'dist', 'main.d.ts'), 'export {};');
  writeFileSync(join(root, 'dist', 'main.js.map'), '{}');
  writeFileSync(join(root, 'dist', 'views', 'dags-view.js'), 'export {};');
  return root;
}

async function serve(root: string) {
  const app = Fastify({ logger: false });
  await app.register(consoleRoutes, { files: loadConsoleFiles(root) });
  return app;
}

describe('console routes', () => {
  it('serves the page, its styles and compiled scripts with the CSP and the other security headers', async () => {
    const app = await serve(consoleFolder());
    const page = await app.inject('/ui/');
    expect(page.statusCode).toBe(200);
    expect(page.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(page.headers['content-security-policy']).toBe(CONSOLE_CSP);
    expect(page.headers['x-content-type-options']).toBe('nosniff');
    expect(page.headers['referrer-policy']).toBe('no-referrer');
    expect(page.headers['x-frame-options']).toBe('DENY');
    expect((await app.inject('/ui')).headers.location).toBe('/ui/');
    expect((await app.inject('/ui/console.css')).headers['content-type']).toBe('text/css; charset=utf-8');
    const script = await app.inject('/ui/js/views/dags-view.js');
    expect(script.statusCode).toBe(200);
    expect(script.headers['content-type']).toBe('text/javascript; charset=utf-8');
  });

  it('serves nothing but those files: no declarations, source maps or paths out of the folder', async () => {
    const app = await serve(consoleFolder());
    for (const path of ['/ui/js/main.d.ts', '/ui/js/main.js.map', '/ui/../package.json', '/ui/js/../../static/x']) {
      expect((await app.inject(path)).statusCode, path).toBe(404);
    }
  });

  it('says how to build the console when it is not built', async () => {
    const app = await serve(mkdtempSync(join(tmpdir(), 'console-none-')));
    const page = await app.inject('/ui/');
    expect(page.statusCode).toBe(404);
    expect(page.json()).toMatchObject({ error: expect.stringContaining('npm run build') });
  });
});
