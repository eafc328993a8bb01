#!/usr/bin/env node
// Builds the MCP App views (apps/server/views) into self-contained HTML documents, one per app, in
// apps/server/dist/mcp-apps/<name>.html: the view's script (the ext-apps App client bundled in) and its stylesheet
// inline, and a Content-Security-Policy that lets only exactly those two run (sha256 hashes): no other script or
// style, no network, no frames, no forms, no base URL. The server reads these files for its ui:// resources
// (apps/server/src/mcp/ui). Part of `npm run build`; esbuild is a build-time dependency only.
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build, transform } from 'esbuild';

const server = dirname(dirname(fileURLToPath(import.meta.url)));
const views = join(server, 'views', 'src');
const outDir = join(server, 'dist', 'mcp-apps');

/** The apps: file name (and ui:// path), entry point, document title. */
export const VIEWS = [
  { name: 'dag-preview', entry: 'dag-preview.ts', title: 'Airflow MCP: DAG preview' },
  { name: 'run-status', entry: 'run-status.ts', title: 'Airflow MCP: run status' },
];

const sha256 = (text) => `'sha256-${createHash('sha256').update(text, 'utf8').digest('base64')}'`;

/** The document's own CSP: the inline script and style by hash, nothing else. */
export function viewCsp(script, style) {
  return [
    "default-src 'none'",
    `script-src ${sha256(script)}`,
    `style-src ${sha256(style)}`,
    'img-src data:',
    "connect-src 'none'",
    "frame-src 'none'",
    "base-uri 'none'",
    "form-action 'none'",
  ].join('; ');
}

/** Inline script and style text must not close their element or open an HTML comment. */
function assertInlineSafe(text, what) {
  if (/<\/(script|style)/i.test(text) || text.includes('<!--')) {
    throw new Error(`${what} contains "</script", "</style" or "<!--", which would break the inline element`);
  }
}

async function buildView(view, style) {
  const bundle = await build({
    entryPoints: [join(views, view.entry)],
    bundle: true,
    minify: true,
    format: 'iife',
    platform: 'browser',
    target: 'es2022',
    legalComments: 'none',
    charset: 'utf8',
    write: false,
    logLevel: 'silent',
  });
  const script = bundle.outputFiles[0].text.trim();
  assertInlineSafe(script, `${view.name} script`);
  return [
    '<!doctype html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    `<meta http-equiv="Content-Security-Policy" content="${viewCsp(script, style)}">`,
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${view.title}</title>`,
    `<style>${style}</style>`,
    '</head>',
    '<body>',
    '<div id="app"></div>',
    `<script>${script}</script>`,
    '</body>',
    '</html>',
    '',
  ].join('\n');
}

/** Builds every view; returns { name: html }, and writes them to dist unless `write` is false. */
export async function buildMcpApps({ write = true } = {}) {
  const css = await transform(readFileSync(join(views, 'views.css'), 'utf8'), { loader: 'css', minify: true });
  const style = css.code.trim();
  assertInlineSafe(style, 'views.css');
  const built = {};
  for (const view of VIEWS) built[view.name] = await buildView(view, style);
  if (write) {
    mkdirSync(outDir, { recursive: true });
    for (const [name, html] of Object.entries(built)) writeFileSync(join(outDir, `${name}.html`), html);
  }
  return built;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const started = Date.now();
  const built = await buildMcpApps();
  const sizes = Object.entries(built).map(([name, html]) => `${name} ${Math.round(html.length / 1024)} KB`);
  process.stderr.write(`[build] MCP apps in ${Date.now() - started} ms: ${sizes.join(', ')}\n`);
}
