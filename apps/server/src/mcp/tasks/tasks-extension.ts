import { CLIENT_CAPABILITIES_META_KEY, type CallToolResult, type ServerContext } from '@modelcontextprotocol/server';
import type { TaskControl, TaskOutcome, TaskOwner, TaskStore, TaskView } from './task-store.js';

/** The MCP Tasks extension (SEP-2663), offered on the 2026-07-28 revision over HTTP. */
export const TASKS_EXTENSION = 'io.modelcontextprotocol/tasks';

/** What server/discover advertises: the extension, no settings. */
export const TASKS_CAPABILITY = { extensions: { [TASKS_EXTENSION]: {} } } as const;

/** Whether a request's `_meta` declares the extension in its client capabilities (per request, 2026-07-28). */
export function declaresTasks(meta: unknown): boolean {
  const capabilities = (meta as Record<string, unknown> | undefined)?.[CLIENT_CAPABILITIES_META_KEY] as
    { extensions?: Record<string, unknown> } | undefined;
  const declared = capabilities?.extensions?.[TASKS_EXTENSION];
  return declared !== undefined && declared !== null;
}

/** Whether this tool call may be answered with a task: a 2026-07-28 request whose client declared the extension. */
export function clientTakesTasks(ctx: ServerContext): boolean {
  return ctx.mcpReq.envelope !== undefined && declaresTasks(ctx.mcpReq.envelope);
}

/** The longest wait for a run inside a task: half the task's TTL (the other half to read the result), at most an hour. */
export function taskWaitBoundS(ttlMs: number): number {
  return Math.max(1, Math.min(3600, Math.floor(ttlMs / 2000)));
}

/**
 * The CreateTaskResult a tools/call answers with (`resultType: "task"`, the task's fields flat at the top). The SDK's
 * tools/call types know only CallToolResult; it passes other result types of tools/call through unchanged.
 */
export function createTaskResult(view: TaskView): CallToolResult {
  const { taskId, status, statusMessage, createdAt, lastUpdatedAt, ttlMs, pollIntervalMs } = view;
  const task = { resultType: 'task', taskId, status, createdAt, lastUpdatedAt, ttlMs, pollIntervalMs };
  return { ...task, ...(statusMessage === undefined ? {} : { statusMessage }) } as unknown as CallToolResult;
}

/** Starts `work` as a task of the caller and answers the call with the task (test fixtures use it directly). */
export function answerWithTask(
  tasks: TaskStore,
  owner: TaskOwner,
  work: (control: TaskControl) => Promise<CallToolResult>,
): CallToolResult {
  const run = async (control: TaskControl): Promise<TaskOutcome> => ({ result: await work(control) });
  return createTaskResult(tasks.start(owner, run));
}
