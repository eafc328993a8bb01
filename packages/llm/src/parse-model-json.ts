import { AppError } from '@airflow-mcp/core';
import { extractJsonObject } from './extract-json-object.js';
import type { TokenUsage } from './spec-model.js';

/**
 * The JSON object a model answered with: the whole text when it is JSON, else the object found in it
 * (fences, prose around it). Anything else is VALIDATION_FAILED at step 'model-output', so the repair loop can
 * tell the model what was wrong; the first 500 characters of the answer go into details.raw, the call's tokens into
 * details.usage.
 */
export function parseModelJson(
  raw: string,
  options: { model: string; finishReason?: string | undefined; usage?: TokenUsage | undefined },
): unknown {
  const text = raw.trim();
  const whole = tryParse(text);
  if (whole.ok && isObject(whole.value)) return whole.value;
  // a fenced or chatty answer; a JSON answer that is not an object is not searched for one
  const found = whole.ok ? undefined : extractJsonObject(text);
  if (found !== undefined) return JSON.parse(found) as unknown;
  const details = {
    step: 'model-output',
    raw: raw.slice(0, 500),
    ...(options.finishReason ? { finishReason: options.finishReason } : {}),
    // the tokens were spent even though the answer is unusable
    ...(options.usage ? { usage: options.usage } : {}),
  };
  const reason =
    text === ''
      ? 'was empty'
      : whole.ok
        ? `was JSON but not an object (${whole.value === null ? 'null' : Array.isArray(whole.value) ? 'an array' : typeof whole.value})`
        : 'was not valid JSON';
  const truncated = options.finishReason !== undefined && /max_tokens|length/i.test(options.finishReason);
  throw new AppError(
    'VALIDATION_FAILED',
    `The answer of ${options.model} ${reason}${truncated ? ': it was cut off at the output token limit; raise the limit or ask for a smaller pipeline' : ''}. Answer with exactly one JSON object that follows the PipelineSpec schema.`,
    { details },
  );
}

function tryParse(text: string): { ok: true; value: unknown } | { ok: false } {
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch {
    return { ok: false };
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
