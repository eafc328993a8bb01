import { AppError, redactSecrets, secretValuesIn, toAppError, type Logger } from '@airflow-mcp/core';
import type { CallToolResult, InputRequiredResult, McpServer, ServerContext } from '@modelcontextprotocol/server';
import { ALL_SCOPES, type Scope } from '../config.js';
import type { Metrics } from '../observability/create-metrics.js';
import { toolAppMeta } from './ui/ui-extension.js';
import type { CallTracker } from './call-tracker.js';
import { readClarification } from './clarify-through-client.js';
import { compactToolSchema } from './compact-tool-schema.js';
import type { AnyToolDefinition, Principal, SamplingClient, ToolContext } from './define-tool.js';
import { errorResult, invokeTool, type ToolInvocation } from './invoke-tool.js';
import type { TaskStore } from './tasks/task-store.js';
import { answerWithTask, clientTakesTasks, taskWaitBoundS } from './tasks/tasks-extension.js';

export interface RegisterToolsOptions {
  tools: readonly AnyToolDefinition[];
  metrics: Metrics;
  log: Logger;
  readOnly: boolean;
  /** With READ_ONLY: leave write tools out of tools/list instead of refusing them at call time. */
  hideWriteTools?: boolean;
  /** At most this many state-changing calls at once in this process (0 = no bound). */
  maxConcurrentWrites?: number;
  secrets: readonly string[];
  tracker: CallTracker;
  /** The Tasks extension's store (HTTP only): task-capable calls of clients that take tasks (2026-07-28) run as tasks. */
  tasks?: TaskStore;
  /**
   * This McpServer serves one 2026-07-28 tools/call: task-capable tools are registered without the SDK's output
   * check, which a task answer (no structuredContent) cannot pass. tools/list, served by other instances, keeps
   * every output schema.
   */
  servesToolCall?: boolean;
}

const ANONYMOUS: Principal = { keyId: 'anonymous', tenant: 'default', scopes: ALL_SCOPES };
const SCOPE_RANK: Record<Scope, number> = { read: 0, write: 1, admin: 2 };

/** admin implies write, write implies read. */
export function hasScope(principal: Principal, needed: Scope): boolean {
  return principal.scopes.some((s) => SCOPE_RANK[s] >= SCOPE_RANK[needed]);
}

interface AuthInfoLike {
  clientId?: string;
  scopes?: string[];
  extra?: Record<string, unknown>;
}

export function principalFrom(authInfo: AuthInfoLike | undefined): Principal {
  if (authInfo?.clientId === undefined) return ANONYMOUS;
  const tenant = typeof authInfo.extra?.tenant === 'string' ? authInfo.extra.tenant : 'default';
  const scopes = (authInfo.scopes ?? []).filter((s): s is Scope => (ALL_SCOPES as readonly string[]).includes(s));
  return { keyId: authInfo.clientId, tenant, scopes };
}

/**
 * Registers every tool on one McpServer, wrapping each handler with: scope and read-only checks, progress and
 * sampling plumbing, metrics, logging, secret masking, and AppError -> actionable error result. A task-capable call
 * of a client that takes tasks is answered at once with a task and run in the background (tasks/tasks-extension.ts).
 */
export function registerTools(server: McpServer, options: RegisterToolsOptions): void {
  const { metrics } = options;
  for (const tool of options.tools) {
    if (options.readOnly && options.hideWriteTools && !tool.annotations.readOnlyHint) continue;
    server.registerTool(
      tool.name,
      {
        title: tool.title,
        description: tool.description,
        inputSchema: compactToolSchema(tool.input, 'input'),
        ...(options.tasks && options.servesToolCall && tool.runsAsTask
          ? {}
          : { outputSchema: compactToolSchema(tool.output, 'output') }),
        annotations: tool.annotations,
        ...(tool.app ? { _meta: toolAppMeta(tool.app) } : {}),
      },
      async (given: unknown, ctx: ServerContext): Promise<CallToolResult | InputRequiredResult> => {
        // A retried call answering our question: the answer is merged into the request it answered.
        const clarification = tool.clarifiedField ? readClarification(ctx, tool.name) : undefined;
        const input =
          clarification && tool.clarifiedField
            ? { ...(given as Record<string, unknown>), [tool.clarifiedField]: clarification.request }
            : given;
        const principal = principalFrom(ctx.http?.authInfo);
        // What the request itself carried that looks like a credential is masked in this call's answer wherever it
        // reappears, also cut out of the context that made it recognisable.
        const secrets = [...options.secrets, ...secretValuesIn(input)];
        const log = options.log.child({ tool: tool.name, sessionId: ctx.sessionId, keyId: principal.keyId });
        if (!hasScope(principal, tool.scope)) {
          metrics.toolCalls.inc({ tool: tool.name, outcome: 'refused' });
          return errorResult(
            new AppError(
              'FORBIDDEN',
              `The tool ${tool.name} needs the "${tool.scope}" scope; this API key has ${principal.scopes.join(', ') || 'no scopes'}. Ask an administrator for a key with that scope.`,
            ),
            secrets,
          );
        }
        if (options.readOnly && !tool.annotations.readOnlyHint) {
          metrics.toolCalls.inc({ tool: tool.name, outcome: 'refused' });
          return errorResult(
            new AppError(
              'FORBIDDEN',
              `The service runs with READ_ONLY=true, so ${tool.name} (which changes state) is refused. Use the read-only tools, or ask the operator to turn READ_ONLY off.`,
            ),
            secrets,
          );
        }
        const isWrite = !tool.annotations.readOnlyHint;
        if (isWrite && !options.tracker.enterWrite(options.maxConcurrentWrites ?? 0)) {
          metrics.toolCalls.inc({ tool: tool.name, outcome: 'refused' });
          return errorResult(
            new AppError(
              'RATE_LIMITED',
              `${options.maxConcurrentWrites} state-changing calls (create, run, update, ...) are already running on this service (MCP_MAX_CONCURRENT_WRITES); retry in a little while.`,
              { retryable: true },
            ),
            secrets,
          );
        }
        const call: ToolInvocation = { tool, input, secrets, log, metrics, tracker: options.tracker, isWrite };
        const tasks = options.tasks;
        if (tasks && tool.runsAsTask?.(input) && clientTakesTasks(ctx)) {
          try {
            return answerWithTask(
              tasks,
              principal,
              (control) =>
                invokeTool(call, {
                  signal: control.signal,
                  log,
                  sessionId: undefined,
                  principal,
                  sampling: undefined,
                  waitBoundS: taskWaitBoundS(tasks.ttlMs),
                  // tasks/get shows the latest progress sentence; there is no request left to notify on.
                  async progress(update) {
                    if (update.message) control.report(redactSecrets(update.message, secrets));
                  },
                }) as Promise<CallToolResult>,
            );
          } catch (thrown) {
            if (isWrite) options.tracker.leaveWrite();
            metrics.toolCalls.inc({ tool: tool.name, outcome: 'refused' });
            return errorResult(toAppError(thrown), secrets);
          }
        }
        const progressToken = ctx.mcpReq._meta?.progressToken;
        const context: ToolContext = {
          signal: ctx.mcpReq.signal,
          log,
          sessionId: ctx.sessionId,
          principal,
          sampling: samplingClient(server, ctx),
          async progress(update) {
            if (progressToken === undefined) return;
            await ctx.mcpReq.notify({
              method: 'notifications/progress',
              params: {
                progressToken,
                ...update,
                ...(update.message ? { message: redactSecrets(update.message, secrets) } : {}),
              },
            });
          },
        };
        return invokeTool(
          {
            ...call,
            clarify: { server, ctx, rounds: clarification?.rounds ?? 0, declined: clarification?.declined ?? false },
          },
          context,
        );
      },
    );
  }
}

/**
 * Sampling is a 2025-11-25 server-to-client request: offered only on a session whose client declared it. The
 * 2026-07-28 revision has no server-to-client requests (a request carries the per-request envelope), so none there.
 */
function samplingClient(server: McpServer, ctx: ServerContext): SamplingClient | undefined {
  if (ctx.mcpReq.envelope !== undefined) return undefined;
  if (server.server.getClientCapabilities()?.sampling === undefined) return undefined;
  return {
    async createMessage(request) {
      const result = await ctx.mcpReq.requestSampling({
        systemPrompt: request.systemPrompt,
        maxTokens: request.maxTokens,
        ...(request.temperature === undefined ? {} : { temperature: request.temperature }),
        messages: request.messages.map((m) => ({ role: m.role, content: { type: 'text', text: m.text } })),
      });
      const content = Array.isArray(result.content) ? result.content : [result.content];
      const text = content.map((c) => (c.type === 'text' ? c.text : '')).join('');
      return { text, model: result.model };
    },
  };
}
