import type { AppError } from '@airflow-mcp/core';
import { createModelPlanner, createOpenAiChatModel, type OpenAiChatModelOptions } from '@airflow-mcp/llm';
import { pipelineSpecJsonSchema, type PipelineSpec } from '@airflow-mcp/pipeline';
import { describe, expect, it } from 'vitest';
import { fixture, reply, type RecordedRequest } from './fake-model-server.js';
import { usePlannerSuite } from './use-planner-suite.js';

const jsonSchema = pipelineSpecJsonSchema();

interface ChatBody {
  model: string;
  messages: { role: string; content: string }[];
  temperature: number;
  max_tokens: number;
  response_format?: unknown;
}
const bodyOf = (r: RecordedRequest | undefined) => r?.body as unknown as ChatBody;

describe('OpenAI-compatible chat planner against a local server speaking /v1/chat/completions', () => {
  const suite = usePlannerSuite();
  const { planning, validate } = suite;
  const planner = (options: Partial<OpenAiChatModelOptions> = {}) =>
    createModelPlanner<PipelineSpec>({
      name: 'openai',
      model: createOpenAiChatModel({
        baseUrl: `${suite.server.url}/v1`,
        model: 'qwen2.5-coder:7b',
        backoffMs: 1,
        ...options,
      }),
      jsonSchema,
      validate,
    });

  it('asks for json_schema output with the spec schema and returns the validated spec with usage', async () => {
    suite.server.script(reply(fixture('openai-good.json')));
    const plan = await planner({ apiKey: 'sk-local-test-0123456789' }).plan(planning.context);

    expect(plan).toMatchObject({ planner: 'openai', model: 'qwen2.5-coder:7b', attempts: 1, cached: false });
    expect(plan.usage).toEqual({ inputTokens: 1712, outputTokens: 298 });
    expect(plan.spec.tasks).toHaveLength(2);

    const request = suite.server.requests[0];
    expect(request?.method).toBe('POST');
    expect(request?.path).toBe('/v1/chat/completions');
    expect(request?.headers['authorization']).toBe('Bearer sk-local-test-0123456789');
    const body = bodyOf(request);
    expect(body.model).toBe('qwen2.5-coder:7b');
    expect(body.temperature).toBe(0);
    expect(body.max_tokens).toBe(8192);
    expect(body.messages.map((m) => m.role)).toEqual(['system', 'user']);
    expect(body.messages[0]?.content).toMatch(/Never put credentials in the spec/);
    expect(body.messages[1]?.content).toContain('Copy purchase events from sample.db');
    expect(body.messages[1]?.content).not.toContain('JSON Schema'); // given through response_format, not twice
    expect(body.response_format).toEqual({
      type: 'json_schema',
      json_schema: { name: 'pipeline_spec', schema: jsonSchema, strict: false },
    });
  });

  it('appends /v1 to a bare host and sends no Authorization header without a key', async () => {
    suite.server.script(reply(fixture('openai-good.json')));
    await planner({ baseUrl: `${suite.server.url}/` }).plan(planning.context);
    expect(suite.server.requests[0]?.path).toBe('/v1/chat/completions');
    expect(suite.server.requests[0]?.headers['authorization']).toBeUndefined();
  });

  it('keeps a base URL path that is not /v1 (e.g. /v1beta/openai) as given', async () => {
    suite.server.script(reply(fixture('openai-good.json')));
    await planner({ baseUrl: `${suite.server.url}/v1beta/openai` }).plan(planning.context);
    expect(suite.server.requests[0]?.path).toBe('/v1beta/openai/chat/completions');
  });

  it('takes the spec out of a fenced, chatty answer (what small local models do)', async () => {
    suite.server.script(reply(fixture('openai-fenced.json')));
    const plan = await planner().plan(planning.context);
    expect(plan.spec.dag_id).toBe('purchases_to_duckdb_daily');
    expect(plan.usage.outputTokens).toBe(340);
  });

  it('repairs a column the source does not have on the second try', async () => {
    suite.server.script(reply(fixture('openai-unknown-column.json')), reply(fixture('openai-good.json')));
    const plan = await planner().plan(planning.context);
    expect(plan.attempts).toBe(2);
    expect(plan.usage).toEqual({ inputTokens: 1712 * 2, outputTokens: 301 + 298 });
    const repair = bodyOf(suite.server.requests[1]).messages[1]?.content ?? '';
    expect(repair).toContain('has no column "amount_usd"');
    expect(repair).toContain('{"name": "amount_usd", "cast": "double"}');
  });

  it('gives up on answers cut off at max_tokens with VALIDATION_FAILED at step model-output', async () => {
    suite.server.script(...Array.from({ length: 3 }, () => reply(fixture('openai-malformed.json'))));
    const error = (await planner()
      .plan(planning.context)
      .catch((e: unknown) => e)) as AppError;
    expect(error).toMatchObject({
      code: 'VALIDATION_FAILED',
      details: { step: 'model-output', attempts: 3, usage: { inputTokens: 1712 * 3, outputTokens: 12 * 3 } },
    });
    expect(error.message).toMatch(/qwen2\.5-coder:7b was not valid JSON: it was cut off at the output token limit/);
  });

  it('retries a 429 after its Retry-After and then succeeds', async () => {
    suite.server.script(
      reply(fixture('openai-429.json'), 429, { 'retry-after': '0' }),
      reply(fixture('openai-good.json')),
    );
    const plan = await planner().plan(planning.context);
    expect(plan.spec.dag_id).toBe('purchases_to_duckdb_daily');
    expect(suite.server.requests).toHaveLength(2);
  });

  it('gives a clear UNAVAILABLE error after four 503s', async () => {
    suite.server.script(...Array.from({ length: 4 }, () => reply(fixture('openai-503.json'), 503)));
    const error = (await planner()
      .plan(planning.context)
      .catch((e: unknown) => e)) as AppError;
    expect(error).toMatchObject({ code: 'UNAVAILABLE', retryable: true, details: { status: 503, attempts: 4 } });
    expect(error.message).toBe(
      `The model server ${suite.server.url}/v1/chat/completions (qwen2.5-coder:7b) answered 503 (tried 4 times): check that it is reachable and retry later. server busy: no free slot`,
    );
    expect(suite.server.requests).toHaveLength(4);
  });

  it('reports an unknown model (404) as DEPENDENCY_FAILED without retrying', async () => {
    suite.server.script(
      reply({ error: { message: 'model "qwen9:1b" not found, try pulling it first', type: 'api_error' } }, 404),
    );
    const error = (await planner({ model: 'qwen9:1b' })
      .plan(planning.context)
      .catch((e: unknown) => e)) as AppError;
    expect(error).toMatchObject({ code: 'DEPENDENCY_FAILED', details: { status: 404, attempts: 1 } });
    expect(error.message).toMatch(/check the model name and the base URL\. model "qwen9:1b" not found/);
  });

  it('puts the schema into the prompt for servers that only know json_object', async () => {
    suite.server.script(reply(fixture('openai-good.json')));
    await planner({ responseFormat: 'json_object' }).plan(planning.context);
    const body = bodyOf(suite.server.requests[0]);
    expect(body.response_format).toEqual({ type: 'json_object' });
    expect(body.messages[1]?.content).toContain(`follows this JSON Schema:\n${JSON.stringify(jsonSchema)}`);
  });
});
