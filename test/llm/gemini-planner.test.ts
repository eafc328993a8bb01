import { AppError } from '@airflow-mcp/core';
import {
  createGeminiModel,
  createModelPlanner,
  GEMINI_SCHEMA_KEYWORDS,
  type GeminiModelOptions,
} from '@airflow-mcp/llm';
import { pipelineSpecJsonSchema, type PipelineSpec } from '@airflow-mcp/pipeline';
import { describe, expect, it } from 'vitest';
import { fixture, reply, startFakeModelServer, type RecordedRequest } from './fake-model-server.js';
import { usePlannerSuite } from './use-planner-suite.js';

const API_KEY = 'AIzaSyTestKey-0123456789abcdefghijklmnopq';
const jsonSchema = pipelineSpecJsonSchema();

interface GeminiBody {
  contents: { role: string; parts: { text: string }[] }[];
  systemInstruction: { parts: { text: string }[] };
  generationConfig: Record<string, unknown> & { responseJsonSchema: Record<string, unknown> };
}
const bodyOf = (r: RecordedRequest | undefined) => r?.body as unknown as GeminiBody;
const promptOf = (r: RecordedRequest | undefined) => bodyOf(r).contents[0]?.parts[0]?.text ?? '';

describe('Gemini planner against a local server speaking the Gemini REST API', () => {
  const suite = usePlannerSuite();
  const { planning, validate } = suite;
  const model = (options: Partial<GeminiModelOptions> = {}) =>
    createGeminiModel({ apiKey: API_KEY, baseUrl: suite.server.url, backoffMs: 1, ...options });
  const planner = (options: Partial<GeminiModelOptions> = {}) =>
    createModelPlanner<PipelineSpec>({ name: 'gemini', model: model(options), jsonSchema, validate });

  it('sends JSON mode with the spec schema to /v1beta/models/gemini-2.5-flash:generateContent and returns the validated spec', async () => {
    suite.server.script(reply(fixture('gemini-good.json')));
    const plan = await planner().plan(planning.context);

    expect(plan).toMatchObject({ planner: 'gemini', model: 'gemini-2.5-flash', attempts: 1, cached: false });
    expect(plan.usage).toEqual({ inputTokens: 1843, outputTokens: 312 });
    expect(plan.repairedFailures).toEqual([]);
    expect(plan.spec.dag_id).toBe('purchases_to_duckdb_daily');
    const [transfer] = plan.spec.tasks;
    expect(transfer?.type === 'transfer' && transfer.source).toEqual({
      kind: 'sqlite',
      path: `${planning.dataDir}/sample.db`,
    });

    expect(suite.server.requests).toHaveLength(1);
    const request = suite.server.requests[0];
    expect(request?.method).toBe('POST');
    expect(request?.path).toBe('/v1beta/models/gemini-2.5-flash:generateContent');
    expect(request?.headers['x-goog-api-key']).toBe(API_KEY);
    expect(request?.headers['content-type']).toBe('application/json');
    const body = bodyOf(request);
    expect(Object.keys(body).sort()).toEqual(['contents', 'generationConfig', 'systemInstruction']);
    expect(body.contents).toHaveLength(1);
    expect(body.contents[0]?.role).toBe('user');
    expect(body.systemInstruction.parts[0]?.text).toMatch(/Output ONLY one JSON object/);
    const { responseJsonSchema, ...config } = body.generationConfig;
    expect(config).toEqual({
      temperature: 0,
      maxOutputTokens: 8192,
      responseMimeType: 'application/json',
      thinkingConfig: { thinkingBudget: 0 },
    });
    // the zod schema rewritten for Gemini: no $schema, no const, discriminators as one-value enums
    const text = JSON.stringify(responseJsonSchema);
    expect(text).not.toContain('"$schema"');
    expect(text).not.toContain('"const"');
    expect(text).toContain('"enum":["transfer"]');
    expect(text).toContain('"enum":["sqlite"]');
    expect(responseJsonSchema['required']).toEqual(jsonSchema['required']);
    // the prompt carries the request, the real source columns and the knowledge with its source
    const prompt = promptOf(request);
    expect(prompt).toContain('Copy purchase events from sample.db');
    expect(prompt).toContain('- events (2000 rows): event_id bigint, user_id bigint, event_type text, amount double');
    expect(prompt).toContain('### [1] Pipeline spec > Quality checks (score 0.83)');
  });

  it('rewrites every keyword of the real PipelineSpec schema into the set Gemini documents', () => {
    suite.server.script(reply(fixture('gemini-good.json')));
    return planner()
      .plan(planning.context)
      .then(() => {
        const unsupported = new Set<string>();
        const walk = (node: unknown, names: boolean): void => {
          if (Array.isArray(node)) return node.forEach((n) => walk(n, false));
          if (typeof node !== 'object' || node === null) return;
          for (const [key, value] of Object.entries(node)) {
            if (!names && !GEMINI_SCHEMA_KEYWORDS.has(key)) unsupported.add(key);
            if (key !== 'enum' && key !== 'required') walk(value, !names && (key === 'properties' || key === '$defs'));
          }
        };
        walk(bodyOf(suite.server.requests[0]).generationConfig.responseJsonSchema, false);
        expect([...unsupported]).toEqual([]);
      });
  });

  it('feeds a schema-violating answer back and accepts the repaired one on the second try', async () => {
    suite.server.script(reply(fixture('gemini-schema-violation.json')), reply(fixture('gemini-good.json')));
    const plan = await planner().plan(planning.context);

    expect(plan.attempts).toBe(2);
    expect(plan.spec.tasks[0]).toMatchObject({ source: { kind: 'sqlite' } });
    expect(plan.repairedFailures).toHaveLength(1);
    expect(plan.repairedFailures[0]).toMatch(/tasks\.0\.source/);
    // usage summed over both calls; thinking tokens count as output
    expect(plan.usage).toEqual({ inputTokens: 1843 * 2, outputTokens: 290 + 120 + 312 });
    expect(suite.server.requests).toHaveLength(2);
    const repair = promptOf(suite.server.requests[1]);
    expect(repair).toContain('## Earlier answers failed validation');
    expect(repair).toContain(plan.repairedFailures[0]);
    expect(repair).toContain('## Your previous answer (correct it)');
    expect(repair).toContain('"host": "db.internal"');
    expect(promptOf(suite.server.requests[0])).not.toContain('Earlier answers failed');
  });

  it('repairs a column the source does not have (caught by the source-schema rung)', async () => {
    suite.server.script(reply(fixture('gemini-unknown-column.json')), reply(fixture('gemini-good.json')));
    const plan = await planner().plan(planning.context);
    expect(plan.attempts).toBe(2);
    expect(plan.repairedFailures[0]).toMatch(/has no column "amount_usd"/);
    expect(promptOf(suite.server.requests[1])).toContain('has no column "amount_usd"');
  });

  it('treats malformed JSON as a failed attempt, tells the model, and succeeds on the next answer', async () => {
    suite.server.script(reply(fixture('gemini-malformed.json')), reply(fixture('gemini-good.json')));
    const plan = await planner().plan(planning.context);
    expect(plan.attempts).toBe(2);
    expect(plan.repairedFailures[0]).toMatch(/gemini-2\.5-flash was not valid JSON/);
    // the unusable answer's tokens still count
    expect(plan.usage).toEqual({ inputTokens: 1843 * 2, outputTokens: 40 + 312 });
    const repair = promptOf(suite.server.requests[1]);
    expect(repair).toContain('was not valid JSON');
    expect(repair).toContain('"id": "load_purchases",}');
  });

  it('gives up after 1 + maxRepairs answers with VALIDATION_FAILED naming the last failure and the attempts', async () => {
    suite.server.script(
      reply(fixture('gemini-schema-violation.json')),
      reply(fixture('gemini-malformed.json')),
      reply(fixture('gemini-unknown-column.json')),
      reply(fixture('gemini-good.json')),
    );
    const error = await planner()
      .plan(planning.context)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AppError);
    expect(error).toMatchObject({
      code: 'VALIDATION_FAILED',
      details: { step: 'source-schema', attempts: 3, planner: 'gemini' },
    });
    expect((error as AppError).message).toMatch(/gave up after 3 attempts/);
    expect((error as AppError).message).toMatch(
      /at step source-schema: Task load_purchases: the source table events has no column "amount_usd"/,
    );
    expect((error as AppError).details?.['failures']).toHaveLength(3);
    expect((error as AppError).details?.['usage']).toEqual({
      inputTokens: 1843 * 3,
      outputTokens: 290 + 120 + 40 + 301,
    });
    expect(suite.server.requests).toHaveLength(3);
    expect(suite.server.pending()).toBe(1); // the good answer was never asked for
  });

  it('retries a 429 (honouring RetryInfo) and then succeeds', async () => {
    suite.server.script(reply(fixture('gemini-429.json'), 429), reply(fixture('gemini-good.json')));
    const started = Date.now();
    const plan = await planner().plan(planning.context);
    expect(plan.attempts).toBe(1); // one answer; the 429 was retried below the planner
    expect(suite.server.requests).toHaveLength(2);
    expect(Date.now() - started).toBeGreaterThanOrEqual(45); // RetryInfo.retryDelay 0.05s
    expect(suite.server.requests[1]?.body).toEqual(suite.server.requests[0]?.body);
  });

  it('gives a clear UNAVAILABLE error after four 500s', async () => {
    suite.server.script(
      ...Array.from({ length: 4 }, () => reply(fixture('gemini-500.json'), 500)),
      reply(fixture('gemini-good.json')),
    );
    const error = await planner()
      .plan(planning.context)
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'UNAVAILABLE', retryable: true, details: { status: 500, attempts: 4 } });
    expect((error as AppError).message).toBe(
      'Gemini (gemini-2.5-flash) answered 500 (tried 4 times): check that it is reachable and retry later. An internal error has occurred. Please retry or report in https://developers.generativeai.google/guide/troubleshooting',
    );
    expect(suite.server.requests).toHaveLength(4);
  });

  it('recovers from 503s within the attempts', async () => {
    suite.server.script(
      reply(fixture('gemini-503.json'), 503),
      reply(fixture('gemini-503.json'), 503),
      reply(fixture('gemini-good.json')),
    );
    const plan = await planner().plan(planning.context);
    expect(plan.spec.dag_id).toBe('purchases_to_duckdb_daily');
    expect(suite.server.requests).toHaveLength(3);
  });

  it('ends with RATE_LIMITED when the quota stays exhausted', async () => {
    suite.server.script(...Array.from({ length: 2 }, () => reply(fixture('gemini-429.json'), 429)));
    const error = await planner({ attempts: 2 })
      .plan(planning.context)
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'RATE_LIMITED', retryable: true, details: { status: 429, attempts: 2 } });
    expect((error as AppError).message).toMatch(
      /rate-limiting requests \(429, tried 2 times\).*You exceeded your current quota/,
    );
  });

  it('does not retry a 400 and reports it as DEPENDENCY_FAILED', async () => {
    suite.server.script(reply(fixture('gemini-400.json'), 400), reply(fixture('gemini-good.json')));
    const error = await planner()
      .plan(planning.context)
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'DEPENDENCY_FAILED', retryable: false, details: { status: 400, attempts: 1 } });
    expect(suite.server.requests).toHaveLength(1);
  });

  it('names the API key as the problem on 403, without the key in the message', async () => {
    suite.server.script(reply(fixture('gemini-403-key.json'), 403));
    const error = (await planner()
      .plan(planning.context)
      .catch((e: unknown) => e)) as AppError;
    expect(error.code).toBe('DEPENDENCY_FAILED');
    expect(error.message).toMatch(/check the API key/);
    expect(error.message).not.toContain(API_KEY);
    expect(JSON.stringify(error.details)).not.toContain(API_KEY);
  });

  it('says the answer was cut off when Gemini stops at MAX_TOKENS', async () => {
    suite.server.script(...Array.from({ length: 3 }, () => reply(fixture('gemini-max-tokens.json'))));
    const error = (await planner()
      .plan(planning.context)
      .catch((e: unknown) => e)) as AppError;
    expect(error.code).toBe('VALIDATION_FAILED');
    expect(error.details?.['step']).toBe('model-output');
    expect(error.message).toMatch(/cut off at the output token limit/);
  });

  it('reports a blocked prompt as DEPENDENCY_FAILED without retrying it', async () => {
    suite.server.script(reply(fixture('gemini-blocked.json')));
    const error = await planner()
      .plan(planning.context)
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'DEPENDENCY_FAILED', details: { reason: 'PROHIBITED_CONTENT' } });
    expect(suite.server.requests).toHaveLength(1);
  });

  it('times out a call that does not answer, retries, and ends UNAVAILABLE', async () => {
    suite.server.script(...Array.from({ length: 2 }, () => ({ ...reply(fixture('gemini-good.json')), delayMs: 2000 })));
    const error = await planner({ timeoutMs: 200, attempts: 2 })
      .plan(planning.context)
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'UNAVAILABLE', details: { attempts: 2 } });
    expect((error as AppError).message).toMatch(/did not answer \(tried 2 times\).*no answer within 200 ms/);
  });

  it('ends UNAVAILABLE when nothing listens at the base URL', async () => {
    const closed = await startFakeModelServer();
    const url = closed.url;
    await closed.close();
    const error = await createModelPlanner({
      name: 'gemini',
      model: createGeminiModel({ apiKey: API_KEY, baseUrl: url, attempts: 2, backoffMs: 1 }),
      jsonSchema,
      validate,
    })
      .plan(planning.context)
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'UNAVAILABLE', details: { attempts: 2 } });
    expect((error as AppError).message).toMatch(/fetch failed/);
  });

  it('answers a repeated request from the cache, keyed by request and context', async () => {
    suite.server.script(reply(fixture('gemini-good.json')), reply(fixture('gemini-good.json')));
    const cached = planner();
    const first = await cached.plan(planning.context);
    first.spec.dag_id = 'mutated_by_caller';
    const second = await cached.plan(planning.context);
    expect(suite.server.requests).toHaveLength(1);
    expect(second).toMatchObject({ cached: true, attempts: 0, usage: { inputTokens: 0, outputTokens: 0 } });
    expect(second.spec.dag_id).toBe('purchases_to_duckdb_daily');

    // other knowledge is another context: a new call
    await cached.plan({ ...planning.context, knowledge: planning.context.knowledge.slice(0, 1) });
    expect(suite.server.requests).toHaveLength(2);
  });

  it('uses the model, API version and thinking budget it is given', async () => {
    suite.server.script(reply(fixture('gemini-good.json')));
    await planner({ model: 'gemini-2.5-pro', apiVersion: 'v1', temperature: 0.2 }).plan(planning.context);
    expect(suite.server.requests[0]?.path).toBe('/v1/models/gemini-2.5-pro:generateContent');
    expect(bodyOf(suite.server.requests[0]).generationConfig['thinkingConfig']).toBeUndefined();
    expect(bodyOf(suite.server.requests[0]).generationConfig['temperature']).toBe(0.2);
  });

  it('refuses to start without an API key', () => {
    expect(() => createGeminiModel({ apiKey: '' })).toThrow(/needs an API key/);
  });
});
