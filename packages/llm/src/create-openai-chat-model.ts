import { AppError, isRetryableStatus, retryWithBackoff } from '@airflow-mcp/core';
import { appendJsonSchema } from './append-json-schema.js';
import { describeCallFailure, modelCallError } from './model-call-error.js';
import { parseModelJson } from './parse-model-json.js';
import type { SpecModel, SpecModelInput, SpecModelOutput } from './spec-model.js';

export interface OpenAiChatModelOptions {
  /**
   * The server's OpenAI-compatible root, e.g. http://localhost:11434/v1 (Ollama), http://localhost:8000/v1 (vLLM);
   * a bare host (no path) gets /v1 appended.
   */
  baseUrl: string;
  model: string;
  apiKey?: string | undefined;
  /** Default 0. */
  temperature?: number;
  /**
   * How to ask for JSON: 'json_schema' (default; vLLM, llama.cpp, Ollama >= 0.5, OpenAI), 'json_object' for servers
   * that only know JSON mode, 'none' to rely on the prompt alone.
   */
  responseFormat?: 'json_schema' | 'json_object' | 'none';
  /** Calls in all for one request, the first included (default 4); retried on 408, 429, 5xx and no answer. */
  attempts?: number;
  /** First backoff in ms (default 500), doubling, with full jitter. */
  backoffMs?: number;
  /** Per call, in ms (default 120,000: local models are slow). */
  timeoutMs?: number;
  fetch?: typeof fetch;
}

class HttpStatusError extends Error {
  constructor(
    readonly status: number,
    readonly body: string,
    readonly retryAfterMs: number | undefined,
  ) {
    super(body);
  }
}

/** The fields of a chat completion we read. */
interface ChatCompletion {
  model?: string;
  choices?: { message?: { content?: string | null; refusal?: string | null }; finish_reason?: string | null }[];
  usage?: { prompt_tokens?: number; completion_tokens?: number };
}

/** Any server speaking OpenAI's POST /chat/completions, asked for a JSON answer that follows the spec's schema. */
export function createOpenAiChatModel(options: OpenAiChatModelOptions): SpecModel {
  const url = `${chatRoot(options.baseUrl)}/chat/completions`;
  const doFetch = options.fetch ?? globalThis.fetch;
  const timeoutMs = options.timeoutMs ?? 120_000;
  const format = options.responseFormat ?? 'json_schema';
  const provider = `The model server ${redactUrl(url)} (${options.model})`;

  return {
    id: `openai:${options.model}`,
    async generateSpec(input: SpecModelInput): Promise<SpecModelOutput> {
      const body = JSON.stringify({
        model: options.model,
        messages: [
          { role: 'system', content: input.system },
          {
            role: 'user',
            content: format === 'json_schema' ? input.prompt : appendJsonSchema(input.prompt, input.jsonSchema),
          },
        ],
        temperature: options.temperature ?? 0,
        max_tokens: input.maxOutputTokens,
        ...responseFormat(format, input.jsonSchema),
      });
      let attempts = 0;
      const completion = await retryWithBackoff(
        async () => {
          attempts++;
          const response = await doFetch(url, {
            method: 'POST',
            headers: {
              'content-type': 'application/json',
              ...(options.apiKey ? { authorization: `Bearer ${options.apiKey}` } : {}),
            },
            body,
            signal: AbortSignal.timeout(timeoutMs),
          });
          const text = await response.text();
          if (!response.ok) throw new HttpStatusError(response.status, text, retryAfter(response.headers));
          try {
            return JSON.parse(text) as ChatCompletion;
          } catch (error) {
            throw new AppError(
              'DEPENDENCY_FAILED',
              `${provider} answered with something that is not JSON: ${text.slice(0, 200)}`,
              {
                cause: error,
              },
            );
          }
        },
        {
          attempts: options.attempts ?? 4,
          initialDelayMs: options.backoffMs ?? 500,
          maxDelayMs: 20_000,
          isRetryable: (error) =>
            !(error instanceof AppError) &&
            isRetryableStatus(error instanceof HttpStatusError ? error.status : undefined),
          retryAfterMs: (error) => (error instanceof HttpStatusError ? error.retryAfterMs : undefined),
        },
      ).catch((error: unknown) => {
        if (error instanceof AppError) throw error;
        throw modelCallError({
          provider,
          status: error instanceof HttpStatusError ? error.status : undefined,
          attempts,
          detail: describeCallFailure(error, {
            timeoutMs: timeoutMs,
            body: error instanceof HttpStatusError ? error.body : undefined,
          }),
          secrets: options.apiKey ? [options.apiKey] : [],
          cause: error,
        });
      });
      return readCompletion(completion, options.model);
    },
  };
}

function readCompletion(completion: ChatCompletion, model: string): SpecModelOutput {
  const answeredBy = completion.model ?? model;
  const choice = completion.choices?.[0];
  const refusal = choice?.message?.refusal;
  if (!choice || refusal) {
    throw new AppError(
      'DEPENDENCY_FAILED',
      `${answeredBy} gave no answer${refusal ? ` (refused: ${refusal.slice(0, 200)})` : ' (no choices)'}: rephrase the request or use another planner.`,
      { details: { step: 'model-output' } },
    );
  }
  const raw = choice.message?.content ?? '';
  const usage = { inputTokens: completion.usage?.prompt_tokens, outputTokens: completion.usage?.completion_tokens };
  const finishReason = choice.finish_reason ?? undefined;
  return { json: parseModelJson(raw, { model: answeredBy, finishReason, usage }), raw, model: answeredBy, usage };
}

function responseFormat(kind: 'json_schema' | 'json_object' | 'none', schema: Record<string, unknown>): object {
  switch (kind) {
    case 'json_schema':
      return {
        response_format: { type: 'json_schema', json_schema: { name: 'pipeline_spec', schema, strict: false } },
      };
    case 'json_object':
      return { response_format: { type: 'json_object' } };
    case 'none':
      return {};
  }
}

function chatRoot(baseUrl: string): string {
  const root = baseUrl.replace(/\/+$/, '');
  return new URL(root).pathname === '/' ? `${root}/v1` : root;
}

/** The URL without user:password@ or query, for messages. */
function redactUrl(url: string): string {
  const parsed = new URL(url);
  return `${parsed.protocol}//${parsed.host}${parsed.pathname}`;
}

/** Retry-After in seconds or as an HTTP date, in ms. */
function retryAfter(headers: Headers): number | undefined {
  const value = headers.get('retry-after');
  if (!value) return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return seconds * 1000;
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - Date.now());
}
