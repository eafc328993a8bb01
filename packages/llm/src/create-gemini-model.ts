import { AppError, isRetryableStatus, retryWithBackoff } from '@airflow-mcp/core';
import { ApiError, GoogleGenAI, type GenerateContentResponse } from '@google/genai';
import { describeCallFailure, modelCallError } from './model-call-error.js';
import { parseModelJson } from './parse-model-json.js';
import type { SpecModel, SpecModelInput, SpecModelOutput } from './spec-model.js';
import { toGeminiResponseSchema } from './to-gemini-response-schema.js';

export interface GeminiModelOptions {
  apiKey: string;
  /** Default gemini-2.5-flash. */
  model?: string;
  /** Another endpoint speaking the Gemini REST API (tests, proxies). */
  baseUrl?: string;
  /**
   * Default v1beta, set explicitly: @google/genai 3.x defaults to v1 (and reads GOOGLE_GENAI_API_VERSION);
   * v1beta is the version that has carried systemInstruction, responseJsonSchema and thinkingConfig all along.
   */
  apiVersion?: string;
  /** Default 0. */
  temperature?: number;
  /**
   * Thinking tokens count against maxOutputTokens on 2.5 models. Default 0 (off) for gemini-2.5-flash*, where it
   * can be turned off, so the output budget is spent on the answer; undefined leaves the model's default.
   */
  thinkingBudget?: number | undefined;
  /** Calls in all for one request, the first included (default 4); retried on 408, 429, 5xx and no answer. */
  attempts?: number;
  /** First backoff in ms (default 500), doubling, with full jitter. */
  backoffMs?: number;
  /** Per call, in ms (default 60,000). */
  timeoutMs?: number;
}

/** Gemini through @google/genai: JSON mode with the spec's JSON Schema as responseJsonSchema. */
export function createGeminiModel(options: GeminiModelOptions): SpecModel {
  if (!options.apiKey) {
    throw new AppError(
      'INVALID_INPUT',
      'The Gemini planner needs an API key: set GEMINI_API_KEY, or choose another planner.',
    );
  }
  const model = options.model ?? 'gemini-2.5-flash';
  const apiVersion = options.apiVersion ?? 'v1beta';
  const thinkingBudget =
    'thinkingBudget' in options ? options.thinkingBudget : model.startsWith('gemini-2.5-flash') ? 0 : undefined;
  const client = new GoogleGenAI({
    apiKey: options.apiKey,
    apiVersion,
    httpOptions: {
      apiVersion,
      timeout: options.timeoutMs ?? 60_000,
      ...(options.baseUrl ? { baseUrl: options.baseUrl } : {}),
    },
  });
  return {
    id: `gemini:${model}`,
    async generateSpec(input: SpecModelInput): Promise<SpecModelOutput> {
      let attempts = 0;
      const response = await retryWithBackoff(
        () => {
          attempts++;
          return client.models.generateContent({
            model,
            contents: input.prompt,
            config: {
              systemInstruction: input.system,
              temperature: options.temperature ?? 0,
              maxOutputTokens: input.maxOutputTokens,
              responseMimeType: 'application/json',
              responseJsonSchema: toGeminiResponseSchema(input.jsonSchema),
              ...(thinkingBudget === undefined ? {} : { thinkingConfig: { thinkingBudget } }),
            },
          });
        },
        {
          attempts: options.attempts ?? 4,
          initialDelayMs: options.backoffMs ?? 500,
          maxDelayMs: 20_000,
          isRetryable: (error) => isRetryableStatus(error instanceof ApiError ? error.status : undefined),
          retryAfterMs,
        },
      ).catch((error: unknown) => {
        throw modelCallError({
          provider: `Gemini (${model})`,
          status: error instanceof ApiError ? error.status : undefined,
          attempts,
          detail: describeCallFailure(error, {
            timeoutMs: options.timeoutMs ?? 60_000,
            body: error instanceof ApiError ? error.message : undefined,
          }),
          secrets: [options.apiKey],
          cause: error,
        });
      });
      return readResponse(response, model);
    },
  };
}

function readResponse(response: GenerateContentResponse, model: string): SpecModelOutput {
  const answeredBy = response.modelVersion ?? model;
  const blocked = response.promptFeedback?.blockReason;
  const candidate = response.candidates?.[0];
  const finishReason = candidate?.finishReason;
  if (blocked || !candidate || finishReason === 'SAFETY' || finishReason === 'PROHIBITED_CONTENT') {
    throw new AppError(
      'DEPENDENCY_FAILED',
      `Gemini (${answeredBy}) gave no answer (${blocked ?? finishReason ?? 'no candidates'}): rephrase the request without unrelated content.`,
      { details: { step: 'model-output', reason: blocked ?? finishReason ?? 'no candidates' } },
    );
  }
  const raw = response.text ?? '';
  const metadata = response.usageMetadata;
  const usage = {
    inputTokens: metadata?.promptTokenCount,
    outputTokens:
      metadata?.candidatesTokenCount === undefined && metadata?.thoughtsTokenCount === undefined
        ? undefined
        : (metadata.candidatesTokenCount ?? 0) + (metadata.thoughtsTokenCount ?? 0),
  };
  return { json: parseModelJson(raw, { model: answeredBy, finishReason, usage }), raw, model: answeredBy, usage };
}

/** The RetryInfo delay ("41.5s") a Gemini 429 body carries, in ms. */
function retryAfterMs(error: unknown): number | undefined {
  if (!(error instanceof ApiError)) return undefined;
  const match = /"retryDelay"\s*:\s*"(\d+(?:\.\d+)?)s"/.exec(error.message);
  return match ? Number(match[1]) * 1000 : undefined;
}
