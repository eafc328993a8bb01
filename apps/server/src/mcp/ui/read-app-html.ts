import { readFile } from 'node:fs/promises';
import { AppError } from '@airflow-mcp/core';

/** Where the build writes the views: apps/server/dist/mcp-apps, from src/mcp/ui (tests) and dist/mcp/ui alike. */
const BUILT = new URL('../../../dist/mcp-apps/', import.meta.url);

const cache = new Map<string, Promise<string>>();

/**
 * The built HTML of a view (a static file of this release, read once). Missing means the views were not built: the
 * build (`npm run build`, which every npm script runs first) writes them.
 */
export function readAppHtml(view: string): Promise<string> {
  let html = cache.get(view);
  if (!html) {
    html = readFile(new URL(`${view}.html`, BUILT), 'utf8').catch((error: unknown) => {
      cache.delete(view);
      throw new AppError(
        'INTERNAL',
        `The MCP App view "${view}" is not built (apps/server/dist/mcp-apps/${view}.html): run npm run build.`,
        { cause: error },
      );
    });
    cache.set(view, html);
  }
  return html;
}
