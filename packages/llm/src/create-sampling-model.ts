import { AppError, isAppError } from '@airflow-mcp/core';
import { appendJsonSchema } from './append-json-schema.js';
import { parseModelJson } from './parse-model-json.js';
import type { SpecModel, SpecModelInput, SpecModelOutput } from './spec-model.js';

/** One MCP sampling request (sampling/createMessage), in the terms this package needs. */
export interface SamplingRequest {
  systemPrompt: string;
  messages: { role: 'user' | 'assistant'; text: string }[];
  maxTokens: number;
  temperature?: number;
}

/** Sends a sampling request to the connected client and returns its model's text answer. */
export type SampleFunction = (request: SamplingRequest) => Promise<{ text: string; model: string }>;

/**
 * The connected MCP client's own model (the no-key path). Sampling has no structured output, so the JSON Schema
 * goes into the prompt and the JSON object is taken out of the text answer (fences and prose around it tolerated).
 */
export function createSamplingModel(sample: SampleFunction, options: { temperature?: number } = {}): SpecModel {
  return {
    id: 'sampling',
    async generateSpec(input: SpecModelInput): Promise<SpecModelOutput> {
      const answer = await sample({
        systemPrompt: input.system,
        messages: [{ role: 'user', text: appendJsonSchema(input.prompt, input.jsonSchema) }],
        maxTokens: input.maxOutputTokens,
        temperature: options.temperature ?? 0,
      }).catch((error: unknown) => {
        if (isAppError(error)) throw error;
        const reason = error instanceof Error ? error.message : String(error);
        throw new AppError(
          'DEPENDENCY_FAILED',
          `The MCP client's model did not answer the sampling request (${reason.slice(0, 300)}): retry, or configure GEMINI_API_KEY or another planner.`,
          { cause: error },
        );
      });
      return { json: parseModelJson(answer.text, { model: answer.model }), raw: answer.text, model: answer.model };
    },
  };
}
