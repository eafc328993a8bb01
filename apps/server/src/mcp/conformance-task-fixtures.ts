import { randomUUID } from 'node:crypto';
import {
  inputRequired,
  ProtocolError,
  ProtocolErrorCode,
  type CallToolResult,
  type McpServer,
} from '@modelcontextprotocol/server';
import { z } from 'zod';
import { answer, ask } from './conformance-input-required-fixtures.js';
import { principalFrom } from './register-tools.js';
import type { TaskControl, TaskStore } from './tasks/task-store.js';
import { answerWithTask, clientTakesTasks } from './tasks/tasks-extension.js';

/**
 * Test-only tools the Tasks extension scenarios of @modelcontextprotocol/conformance 0.2.x (tasks-*) expect by name,
 * on the same task runtime as create_dag and run_dag.
 */
const text = (value: string): CallToolResult => ({ content: [{ type: 'text', text: value }] });

/** Sleeps, or rejects with the signal's reason once it is aborted (a cancelled task stops at once). */
function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason as Error);
    const timer = setTimeout(resolve, ms);
    signal.addEventListener('abort', () => (clearTimeout(timer), reject(signal.reason as Error)), { once: true });
    return undefined;
  });
}

const confirmRequest = (message: string) =>
  inputRequired.elicit({
    message,
    requestedSchema: { type: 'object', properties: { confirm: { type: 'boolean' } }, required: ['confirm'] },
  });

/** Registered as task-only (McpCatalog.taskOnlyTools): a client without the extension gets -32021 for them. */
export const TASK_ONLY_FIXTURE_TOOLS = ['failing_job', 'test_tool_with_task'] as const;

const accepted = (reply: unknown) => (reply as { action?: unknown } | undefined)?.action === 'accept';

export function registerTaskFixtures(server: McpServer, tasks: TaskStore): void {
  // Task-only tools are refused by the route for a client without the extension; this is the belt to those braces.
  const needsTask = (): CallToolResult => ({
    isError: true,
    content: [{ type: 'text', text: 'This tool runs only as a task.' }],
  });
  const startTask = (
    ctx: Parameters<typeof clientTakesTasks>[0],
    work: (control: TaskControl) => Promise<CallToolResult>,
  ) => answerWithTask(tasks, principalFrom(ctx.http?.authInfo), work);

  server.registerTool(
    'greet',
    { description: 'Greets, synchronously', inputSchema: z.object({ name: z.string() }) },
    ({ name }) => text(`Hello, ${name}!`),
  );
  server.registerTool(
    'slow_compute',
    {
      description: 'Sleeps `seconds`, as a task for a client that takes tasks (0 answers at once)',
      inputSchema: z.object({ seconds: z.number().min(0).max(600), label: z.string().optional() }),
    },
    async ({ seconds, label }, ctx) => {
      const done = () => text(`slow_compute${label ? ` (${label})` : ''} finished after ${seconds} s`);
      if (seconds === 0 || !clientTakesTasks(ctx)) {
        await sleep(seconds * 1000, ctx.mcpReq.signal);
        return done();
      }
      return startTask(ctx, async (control) => {
        await sleep(seconds * 1000, control.signal);
        return done();
      });
    },
  );
  server.registerTool('failing_job', { description: 'A task whose tool call fails after a second' }, (ctx) =>
    !clientTakesTasks(ctx)
      ? needsTask()
      : startTask(ctx, async (control) => {
          await sleep(1000, control.signal);
          return { isError: true, content: [{ type: 'text', text: 'failing_job failed on purpose' }] };
        }),
  );
  server.registerTool('protocol_error_job', { description: 'A task that fails with a JSON-RPC error' }, (ctx) =>
    startTask(ctx, async (control) => {
      await sleep(300, control.signal);
      throw new ProtocolError(ProtocolErrorCode.InternalError, 'protocol_error_job failed on purpose');
    }),
  );
  server.registerTool(
    'confirm_delete',
    { description: 'A task that asks for a confirmation first', inputSchema: z.object({ filename: z.string() }) },
    ({ filename }, ctx) =>
      startTask(ctx, async (control) => {
        const key = `confirm-${randomUUID()}`;
        const answers = await control.ask({ [key]: confirmRequest(`Delete ${filename}?`) });
        return text(accepted(answers[key]) ? `Deleted ${filename}` : `Kept ${filename}`);
      }),
  );
  server.registerTool('multi_input', { description: 'A task that asks two questions at once' }, (ctx) =>
    startTask(ctx, async (control) => {
      const answers = await control.ask({
        [`name-${randomUUID()}`]: ask('What is your name?', 'name'),
        [`confirm-${randomUUID()}`]: confirmRequest('Go ahead?'),
      });
      return text(`multi_input answered ${Object.keys(answers).length} questions`);
    }),
  );
  server.registerTool(
    'test_tool_with_task',
    { description: 'Asks a name (multi round-trip), then runs as a task' },
    (ctx) => {
      if (ctx.mcpReq.inputResponses?.user_name === undefined) {
        return inputRequired({ inputRequests: { user_name: ask('What is your name?', 'name') } });
      }
      const name = answer(ctx, 'user_name', 'name');
      return startTask(ctx, async (control) => {
        await sleep(200, control.signal);
        return text(`Hello, ${name}! (from a task)`);
      });
    },
  );
}
