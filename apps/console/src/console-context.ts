import { el } from './dom.js';
import type { McpClient } from './mcp-client.js';
import { t } from './messages.js';
import type { Caller } from './tool-types.js';

/** What every view gets: the MCP client of the signed-in key, who that is, and how to open another view. */
export interface ConsoleContext {
  client: McpClient;
  caller: Caller;
  /** The key has the write scope: only then are buttons that change anything drawn. */
  canWrite: boolean;
  isAdmin: boolean;
  /** Shows a view in the main area (dialog-like panels: versions, a run). */
  open(view: HTMLElement): void;
}

export function scopesAllow(scopes: readonly string[], needed: 'read' | 'write' | 'admin'): boolean {
  const rank = { read: 1, write: 2, admin: 3 } as const;
  return scopes.some((s) => s in rank && rank[s as keyof typeof rank] >= rank[needed]);
}

/** An error shown where it happened, in words from the service (tools write actionable messages). */
export function errorBox(error: unknown): HTMLElement {
  const message = error instanceof Error ? error.message : String(error);
  return el('p', { class: 'error', role: 'alert' }, t('error', { message }));
}
