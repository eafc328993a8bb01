import { randomBytes } from 'node:crypto';

/** Our own run ids: sortable, recognisable, and known before the trigger so a retried trigger cannot run twice. */
export function newRunId(now = new Date()): string {
  const stamp = now
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, 'Z');
  return `mcp__${stamp}_${randomBytes(3).toString('hex')}`;
}
