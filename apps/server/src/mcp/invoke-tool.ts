import {
  AppError,
  redactSecrets,
  redactSecretsAsync,
  redactSecretsDeep,
  redactSecretsDeepAsync,
  toAppError,
  type Logger,
} from '@airflow-mcp/core';
import type { CallToolResult, InputRequiredResult, McpServer, ServerContext } from '@modelcontextprotocol/server';
import type { Metrics } from '../observability/create-metrics.js';
import type { CallTracker } from './call-tracker.js';
import { askForClarification, clientCanElicit, MAX_CLARIFICATIONS } from './clarify-through-client.js';
import type { AnyToolDefinition, ToolContext } from './define-tool.js';

/** A refusal or failure as the tool result a model reads: code and sentence, masked; details in `_meta`. */
export function errorResult(error: AppError, secrets: readonly string[]): CallToolResult {
  const text = redactSecrets(`${error.code}: ${error.message}`, secrets);
  return {
    isError: true,
    content: [{ type: 'text', text }],
    _meta: {
      code: error.code,
      retryable: error.retryable,
      ...(error.details ? { details: redactSecretsDeep(error.details, secrets) } : {}),
    },
  };
}

/** One admitted tool call (scope, read-only and write-slot checks passed). */
export interface ToolInvocation {
  tool: AnyToolDefinition;
  input: unknown;
  secrets: readonly string[];
  log: Logger;
  metrics: Metrics;
  tracker: CallTracker;
  /** The call holds a write slot, given back when it ends. */
  isWrite: boolean;
  /**
   * Where a NEEDS_CLARIFICATION refusal may become a question to the client (a synchronous call); absent inside a
   * task, whose request has already been answered.
   */
  clarify?: { server: McpServer; ctx: ServerContext; rounds: number; declined: boolean };
}

/**
 * Runs an admitted call: the handler under the tracker, metrics and logging, the answer masked in one pass, and an
 * AppError turned into an actionable error result (or a clarifying question when the client can answer one).
 */
export async function invokeTool(
  call: ToolInvocation,
  context: ToolContext,
): Promise<CallToolResult | InputRequiredResult> {
  const { tool, input, secrets, log, metrics } = call;
  const stop = metrics.toolDuration.startTimer({ tool: tool.name });
  const started = performance.now();
  metrics.toolCallsInFlight.inc();
  // Masked by the log stream (every string of every line), so nothing is serialized when debug is off.
  log.debug({ args: input }, 'tool call');
  try {
    const output = await call.tracker.track(() => tool.handler(input, context));
    metrics.toolCalls.inc({ tool: tool.name, outcome: 'ok' });
    log.info({ ms: Math.round(performance.now() - started) }, 'tool call finished');
    const text = tool.summarize ? tool.summarize(output) : JSON.stringify(output, null, 2);
    // One masking pass over everything the answer carries; long answers are masked in windows with turns of
    // the event loop between, so a megabyte of log text does not hold up other requests.
    return {
      content: [
        { type: 'text', text: await redactSecretsAsync(text, secrets) },
        ...redactSecretsDeep([...(tool.links?.(output) ?? [])], secrets),
      ],
      structuredContent: await redactSecretsDeepAsync(output as Record<string, unknown>, secrets),
    };
  } catch (thrown) {
    const error = toAppError(thrown);
    const field = tool.clarifiedField;
    const clarify = call.clarify;
    if (
      error.code === 'NEEDS_CLARIFICATION' &&
      field !== undefined &&
      clarify !== undefined &&
      !clarify.declined &&
      clarify.rounds < MAX_CLARIFICATIONS &&
      clientCanElicit(clarify.server, clarify.ctx)
    ) {
      metrics.toolCalls.inc({ tool: tool.name, outcome: 'clarification' });
      log.info({ rounds: clarify.rounds + 1 }, 'tool asks the client a clarifying question');
      const request = String((input as Record<string, unknown>)[field]);
      return await askForClarification(
        new AppError(error.code, redactSecrets(error.message, secrets), {
          ...(error.details ? { details: redactSecretsDeep(error.details, secrets) } : {}),
        }),
        { tool: tool.name, request, rounds: clarify.rounds, ctx: clarify.ctx },
      );
    }
    metrics.toolCalls.inc({ tool: tool.name, outcome: 'error' });
    metrics.toolErrors.inc({ tool: tool.name, code: error.code });
    const logged = { code: error.code, err: redactSecrets(String(error.message), secrets) };
    if (error.code === 'INTERNAL') log.error(logged, 'tool failed');
    else log.info(logged, 'tool refused the call');
    return errorResult(error, secrets);
  } finally {
    if (call.isWrite) call.tracker.leaveWrite();
    metrics.toolCallsInFlight.dec();
    stop();
  }
}
