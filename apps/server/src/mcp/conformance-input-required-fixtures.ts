import { randomUUID } from 'node:crypto';
import {
  CLIENT_CAPABILITIES_META_KEY,
  inputRequired,
  type CallToolResult,
  type InputRequests,
  type McpServer,
  type ServerContext,
} from '@modelcontextprotocol/server';
import { z } from 'zod';
import { requestStateCodec } from './request-state.js';

/**
 * Test-only multi round-trip tools (2026-07-28 `input_required`) that @modelcontextprotocol/conformance 0.2.x
 * expects by name. On a 2025-11-25 session the SDK fulfils the same input requests with real server-to-client
 * requests, so each tool is written once for both revisions.
 */
const NO_INPUT = z.object({});
const text = (value: string): CallToolResult => ({ content: [{ type: 'text', text: value }] });
const stringSchema = (field: string) => ({
  type: 'object' as const,
  properties: { [field]: { type: 'string' as const } },
  required: [field],
});
export const ask = (message: string, field: string) =>
  inputRequired.elicit({ message, requestedSchema: stringSchema(field) });
const confirm = () =>
  inputRequired.elicit({
    message: 'Please confirm',
    requestedSchema: { type: 'object', properties: { ok: { type: 'boolean' } }, required: ['ok'] },
  });
const sample = (prompt: string, maxTokens: number) =>
  inputRequired.createMessage({ messages: [{ role: 'user', content: { type: 'text', text: prompt } }], maxTokens });

/** The field of an accepted elicitation answer, or 'unknown'. */
export function answer(ctx: ServerContext, key: string, field: string): string {
  const entry = ctx.mcpReq.inputResponses?.[key] as { content?: Record<string, unknown> } | undefined;
  const value = entry?.content?.[field];
  return typeof value === 'string' ? value : 'unknown';
}

function responded(ctx: ServerContext, ...keys: string[]): boolean {
  return keys.every((key) => ctx.mcpReq.inputResponses?.[key] !== undefined);
}

/** The verified payload of the state this service minted (the server refuses any other before the tool runs). */
const stateOf = (ctx: ServerContext) => ctx.mcpReq.requestState<Record<string, unknown>>();
const mint = (payload: Record<string, unknown>, ctx: ServerContext) => requestStateCodec.mint(payload, ctx);

function registerSingleInputTools(server: McpServer): void {
  server.registerTool(
    'test_input_required_result_elicitation',
    { description: 'Multi round-trip: elicitation', inputSchema: NO_INPUT },
    (_args, ctx) =>
      responded(ctx, 'user_name')
        ? text(`Hello, ${answer(ctx, 'user_name', 'name')}!`)
        : inputRequired({ inputRequests: { user_name: ask('What is your name?', 'name') } }),
  );
  server.registerTool(
    'test_input_required_result_sampling',
    { description: 'Multi round-trip: sampling', inputSchema: NO_INPUT },
    (_args, ctx) => {
      const result = ctx.mcpReq.inputResponses?.sample_request as { content?: { text?: unknown } } | undefined;
      if (!result) {
        return inputRequired({ inputRequests: { sample_request: sample('What is the capital of France?', 100) } });
      }
      const reply = result.content?.text;
      return text(`Sampling result: ${typeof reply === 'string' ? reply : 'no response'}`);
    },
  );
  server.registerTool(
    'test_input_required_result_list_roots',
    { description: 'Multi round-trip: list roots', inputSchema: NO_INPUT },
    (_args, ctx) => {
      const result = ctx.mcpReq.inputResponses?.roots_request as { roots?: unknown } | undefined;
      if (!result) return inputRequired({ inputRequests: { roots_request: inputRequired.listRoots() } });
      return text(`Found ${Array.isArray(result.roots) ? result.roots.length : 0} root(s)`);
    },
  );
  server.registerTool(
    'test_input_required_result_request_state',
    { description: 'Multi round-trip: request state', inputSchema: NO_INPUT },
    async (_args, ctx) => {
      const ok = (ctx.mcpReq.inputResponses?.confirm as { content?: { ok?: unknown } } | undefined)?.content?.ok;
      if (stateOf(ctx)?.kind === 'request-state' && ok === true) return text('state-ok: requestState validated');
      return inputRequired({
        inputRequests: { confirm: confirm() },
        requestState: await mint({ kind: 'request-state', nonce: randomUUID() }, ctx),
      });
    },
  );
  server.registerTool(
    'test_input_required_result_tampered_state',
    { description: 'Multi round-trip: signed state', inputSchema: NO_INPUT },
    async (_args, ctx) =>
      stateOf(ctx)?.kind === 'tamper-test' && responded(ctx, 'confirm')
        ? text('integrity-ok: state verified')
        : inputRequired({
            inputRequests: { confirm: confirm() },
            requestState: await mint({ kind: 'tamper-test', nonce: randomUUID() }, ctx),
          }),
  );
}

function registerMultiInputTools(server: McpServer): void {
  server.registerTool(
    'test_input_required_result_multiple_inputs',
    { description: 'Multi round-trip: multiple inputs', inputSchema: NO_INPUT },
    async (_args, ctx) => {
      if (stateOf(ctx)?.kind === 'multiple-inputs' && responded(ctx, 'user_name', 'greeting', 'client_roots')) {
        const greeting = (ctx.mcpReq.inputResponses?.greeting as { content?: { text?: unknown } }).content?.text;
        const roots = (ctx.mcpReq.inputResponses?.client_roots as { roots?: unknown }).roots;
        return text(
          `Name: ${answer(ctx, 'user_name', 'name')}; Greeting: ${typeof greeting === 'string' ? greeting : 'Hello there!'}; Roots: ${Array.isArray(roots) ? roots.length : 0}`,
        );
      }
      return inputRequired({
        inputRequests: {
          user_name: ask('What is your name?', 'name'),
          greeting: sample('Generate a greeting', 50),
          client_roots: inputRequired.listRoots(),
        },
        requestState: await mint({ kind: 'multiple-inputs', nonce: randomUUID() }, ctx),
      });
    },
  );
  server.registerTool(
    'test_input_required_result_multi_round',
    { description: 'Multi round-trip: multi round', inputSchema: NO_INPUT },
    async (_args, ctx) => {
      const state = stateOf(ctx);
      if (state?.round === 1 && responded(ctx, 'step1')) {
        return inputRequired({
          inputRequests: { step2: ask('Step 2: What is your favorite color?', 'color') },
          requestState: await mint({ round: 2, name: answer(ctx, 'step1', 'name'), nonce: randomUUID() }, ctx),
        });
      }
      if (state?.round === 2 && responded(ctx, 'step2')) {
        const name = typeof state.name === 'string' ? state.name : 'friend';
        return text(`Multi-round complete for ${name} who likes ${answer(ctx, 'step2', 'color')}`);
      }
      return inputRequired({
        inputRequests: { step1: ask('Step 1: What is your name?', 'name') },
        requestState: await mint({ round: 1, nonce: randomUUID() }, ctx),
      });
    },
  );
  server.registerTool(
    'test_input_required_result_capabilities',
    { description: 'Multi round-trip: capabilities', inputSchema: NO_INPUT },
    async (_args, ctx) => {
      const received = Object.keys(ctx.mcpReq.inputResponses ?? {});
      if (received.length > 0) return text(`capabilities-ok: received ${received.join(',')}`);
      const envelope = ctx.mcpReq.envelope as Record<string, unknown> | undefined;
      const declared = (envelope?.[CLIENT_CAPABILITIES_META_KEY] ?? server.server.getClientCapabilities()) as
        { elicitation?: unknown; sampling?: unknown } | undefined;
      const inputRequests: InputRequests = {};
      if (declared?.elicitation) inputRequests.elicit_input = ask('Elicitation input', 'value');
      if (declared?.sampling) inputRequests.sample_input = sample('Sample request', 50);
      if (Object.keys(inputRequests).length === 0) return text('No supported capabilities declared');
      return inputRequired({
        inputRequests,
        requestState: await mint({ kind: 'capabilities-test', nonce: randomUUID() }, ctx),
      });
    },
  );
}

/** The stateless probes of server-stateless (2026-07-28). */
function registerStatelessProbes(server: McpServer): void {
  // Asking for a sampling answer the request did not declare it can give is answered by the SDK with -32021.
  server.registerTool(
    'test_missing_capability',
    { description: 'Needs sampling', inputSchema: NO_INPUT },
    (_args, ctx) =>
      responded(ctx, 'sample') ? text('Success') : inputRequired({ inputRequests: { sample: sample('Say yes', 10) } }),
  );
  server.registerTool(
    'test_streaming_elicitation',
    { description: 'Asks through input_required, never a request of its own', inputSchema: NO_INPUT },
    (_args, ctx) =>
      responded(ctx, 'answer')
        ? text('Streaming complete')
        : inputRequired({ inputRequests: { answer: ask('Anything to add?', 'text') } }),
  );
  server.registerTool(
    'test_logging_tool',
    { description: 'Logs only when the request asked for a log level', inputSchema: NO_INPUT },
    async (_args, ctx) => {
      await ctx.mcpReq.log('info', 'test_logging_tool ran');
      return text('Logging tool finished');
    },
  );
}

export function registerInputRequiredFixtures(server: McpServer): void {
  registerSingleInputTools(server);
  registerMultiInputTools(server);
  registerStatelessProbes(server);
  server.registerPrompt('test_input_required_result_prompt', { description: 'A prompt that asks first' }, (ctx) =>
    responded(ctx, 'user_context')
      ? {
          messages: [
            {
              role: 'user',
              content: { type: 'text', text: `Prompt with context: ${answer(ctx, 'user_context', 'context')}` },
            },
          ],
        }
      : inputRequired({ inputRequests: { user_context: ask('What context should the prompt use?', 'context') } }),
  );
}
