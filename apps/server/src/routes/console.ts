import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance, FastifyReply } from 'fastify';

/**
 * The console's files: the page and its styles (apps/console/static) and its scripts, compiled by `npm run build`
 * (apps/console/dist). Read once at start into memory, so only these files can ever be served (no path from a URL
 * reaches the disk).
 */
const CONSOLE_ROOT = fileURLToPath(new URL('../../../console/', import.meta.url));

/**
 * The page loads only its own scripts and styles and talks only to this origin (its /mcp); no inline script or
 * style, no frames, no forms posted anywhere, no base URL games.
 */
export const CONSOLE_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "connect-src 'self'",
  "img-src 'self' data:",
  "frame-ancestors 'none'",
  "base-uri 'none'",
  "form-action 'none'",
].join('; ');

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
};

interface ConsoleFile {
  body: Buffer;
  type: string;
}

function readFolder(folder: string, into: Map<string, ConsoleFile>, prefix = ''): void {
  if (!existsSync(folder)) return;
  for (const entry of readdirSync(folder, { withFileTypes: true })) {
    const path = join(folder, entry.name);
    if (entry.isDirectory()) readFolder(path, into, `${prefix}${entry.name}/`);
    else {
      const type = TYPES[extname(entry.name)];
      if (type) into.set(`${prefix}${entry.name}`, { body: readFileSync(path), type });
    }
  }
}

/** Every file of the console by its path under /ui/ (index.html, console.css, js/main.js, ...). */
export function loadConsoleFiles(root = CONSOLE_ROOT): Map<string, ConsoleFile> {
  const files = new Map<string, ConsoleFile>();
  readFolder(join(root, 'static'), files);
  readFolder(join(root, 'dist'), files, 'js/');
  return files;
}

function send(reply: FastifyReply, file: ConsoleFile) {
  return reply
    .header('content-type', file.type)
    .header('content-security-policy', CONSOLE_CSP)
    .header('x-content-type-options', 'nosniff')
    .header('referrer-policy', 'no-referrer')
    .header('x-frame-options', 'DENY')
    .header('cross-origin-opener-policy', 'same-origin')
    .header('cache-control', 'no-store')
    .send(file.body);
}

/**
 * The web console at /ui: static files only. The page holds no secret and needs no session here: it signs in by
 * keeping the user's API key (or OAuth access token) in sessionStorage and calls this service's own /mcp with it,
 * so it has exactly the scopes and tenant MCP gives that key.
 */
export async function consoleRoutes(app: FastifyInstance, options: { files?: Map<string, ConsoleFile> } = {}) {
  const files = options.files ?? loadConsoleFiles();
  const missing = () => ({
    error: 'The console is not built: run npm run build (it compiles apps/console).',
    code: 'NOT_FOUND',
  });
  app.get('/ui', async (_request, reply) => reply.redirect('/ui/', 302));
  app.get('/ui/', async (_request, reply) => {
    const page = files.get('index.html');
    return page ? send(reply, page) : reply.code(404).send(missing());
  });
  app.get('/ui/*', async (request, reply) => {
    const path = (request.params as { '*': string })['*'];
    const file = path.endsWith('.map') ? undefined : files.get(path);
    if (file) return send(reply, file);
    return reply.code(404).send(files.size ? { error: `No console file ${path}.`, code: 'NOT_FOUND' } : missing());
  });
}
