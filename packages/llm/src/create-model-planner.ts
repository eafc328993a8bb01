import { createHash } from 'node:crypto';
import { AppError, createLruCache, isAppError, silentLogger, type Logger } from '@airflow-mcp/core';
import { buildPlanningPrompt, type PlanningPromptInput, type PlanningPromptLimits } from './build-planning-prompt.js';
import type { SpecModel, TokenUsage } from './spec-model.js';

/** What a model planner looks at: the agent's planning context with the source schema already introspected. */
export type ModelPlanningContext = Omit<PlanningPromptInput, 'previousAnswer' | 'previousFailures'> & {
  previousFailures?: readonly string[] | undefined;
};

export type SpecValidation<T> =
  | { ok: true; value: T }
  | { ok: false; error: string; /** The failing step of the ladder, when known. */ step?: string | undefined };

export interface ModelPlan<T> {
  spec: T;
  /** The planner's name, e.g. "gemini", "sampling". */
  planner: string;
  /** The model that answered last, as the provider names it. */
  model: string;
  /** Model calls made for this request: 1 when the first answer passed, 0 when it came from the cache. */
  attempts: number;
  cached: boolean;
  /** Tokens over all attempts (0 when the provider reports none, or from the cache). */
  usage: { inputTokens: number; outputTokens: number };
  /** The validation failures the repair loop fixed on the way, oldest first. */
  repairedFailures: string[];
}

/** What the model planner needs of a cache: a Map, core's LRU, or a shared store adapter. */
export interface PlanCache<V> {
  get(key: string): V | undefined;
  set(key: string, value: V): unknown;
}

export interface ModelPlanner<T> {
  readonly name: string;
  plan(context: ModelPlanningContext): Promise<ModelPlan<T>>;
}

export interface ModelPlannerOptions<T> {
  name: string;
  model: SpecModel;
  /** The PipelineSpec JSON Schema (structured output, or the prompt for models without it). */
  jsonSchema: Record<string, unknown>;
  /** The validation ladder: every answer goes through it; only a value it returns leaves the planner. */
  validate: (json: unknown) => Promise<SpecValidation<T>>;
  /** Repairs after the first answer (default 2, so at most 3 model calls). */
  maxRepairs?: number;
  /** Output budget of one call (default 8,192 tokens). */
  maxOutputTokens?: number;
  /** Responses that passed validation, by sha256 of request + context (default an in-memory LRU of 200). */
  cache?: PlanCache<ModelPlan<T>>;
  promptLimits?: PlanningPromptLimits;
  logger?: Logger;
}

/**
 * A planner backed by a model: prompt -> JSON -> validation ladder, and on failure the failure (and the failed
 * answer) goes back to the model, a bounded number of times. Gives up with VALIDATION_FAILED naming the last failure
 * and the attempts; nothing unvalidated ever leaves it. Provider errors (rate limits, outages) pass through as is.
 */
export function createModelPlanner<T>(options: ModelPlannerOptions<T>): ModelPlanner<T> {
  const { name, model, jsonSchema, validate } = options;
  const maxRepairs = Math.max(0, options.maxRepairs ?? 2);
  const maxOutputTokens = options.maxOutputTokens ?? 8192;
  const cache = options.cache ?? createLruCache<ModelPlan<T>>(200);
  const logger = (options.logger ?? silentLogger).child({ planner: name, model: model.id });
  const schemaText = JSON.stringify(jsonSchema);

  return {
    name,
    async plan(context: ModelPlanningContext): Promise<ModelPlan<T>> {
      const earlier = context.previousFailures ?? [];
      const first = buildPlanningPrompt({ ...context, previousFailures: earlier }, options.promptLimits);
      const key = createHash('sha256')
        .update(JSON.stringify([name, model.id, maxOutputTokens, first.system, first.prompt, schemaText]))
        .digest('hex');
      const hit = cache.get(key);
      if (hit) {
        logger.debug({ key: key.slice(0, 12) }, 'model plan from cache');
        return {
          ...hit,
          spec: structuredClone(hit.spec),
          attempts: 0,
          cached: true,
          usage: { inputTokens: 0, outputTokens: 0 },
        };
      }

      const usage = { inputTokens: 0, outputTokens: 0 };
      const failures: string[] = [];
      let lastStep: string | undefined;
      let previousAnswer: string | undefined;
      let answeredBy = model.id;
      for (let attempt = 1; attempt <= maxRepairs + 1; attempt++) {
        const prompt =
          attempt === 1
            ? first
            : buildPlanningPrompt(
                { ...context, previousFailures: [...earlier, ...failures], previousAnswer },
                options.promptLimits,
              );
        let json: unknown;
        try {
          const output = await model.generateSpec({ ...prompt, jsonSchema, maxOutputTokens });
          addUsage(usage, output.usage);
          answeredBy = output.model;
          json = output.json;
          previousAnswer = output.raw;
        } catch (error) {
          if (!isAppError(error) || error.code !== 'VALIDATION_FAILED') throw error;
          // the answer was not a JSON object: tell the model, like any other validation failure
          addUsage(usage, error.details?.['usage'] as TokenUsage | undefined);
          failures.push(error.message);
          lastStep = 'model-output';
          previousAnswer = typeof error.details?.['raw'] === 'string' ? error.details['raw'] : undefined;
          logger.debug({ attempt, step: lastStep }, 'model answer was not a JSON object');
          continue;
        }
        const verdict = await runValidation(validate, json);
        if (verdict.ok) {
          const plan: ModelPlan<T> = {
            spec: verdict.value,
            planner: name,
            model: answeredBy,
            attempts: attempt,
            cached: false,
            usage,
            repairedFailures: failures,
          };
          cache.set(key, { ...plan, spec: structuredClone(plan.spec) });
          logger.debug({ attempt, usage }, 'model plan validated');
          return plan;
        }
        failures.push(verdict.error);
        lastStep = verdict.step;
        logger.debug({ attempt, step: lastStep }, 'model plan failed validation');
      }
      const attempts = maxRepairs + 1;
      const last = failures[failures.length - 1] ?? 'no answer';
      throw new AppError(
        'VALIDATION_FAILED',
        `The ${name} planner (${answeredBy}) gave up after ${attempts} attempt${attempts === 1 ? '' : 's'}: the last answer failed ${lastStep ? `at step ${lastStep}` : 'validation'}: ${last} Rephrase the request with the exact tables, columns and connections, or use the rule planner.`,
        { details: { step: lastStep ?? 'validation', planner: name, model: answeredBy, attempts, failures, usage } },
      );
    },
  };
}

/** The ladder may also throw VALIDATION_FAILED instead of returning a verdict: both count as a failed answer. */
async function runValidation<T>(
  validate: (json: unknown) => Promise<SpecValidation<T>>,
  json: unknown,
): Promise<SpecValidation<T>> {
  try {
    return await validate(json);
  } catch (error) {
    if (!isAppError(error) || error.code !== 'VALIDATION_FAILED') throw error;
    const step = typeof error.details?.['step'] === 'string' ? error.details['step'] : undefined;
    return { ok: false, error: error.message, step };
  }
}

function addUsage(total: { inputTokens: number; outputTokens: number }, usage: TokenUsage | undefined): void {
  total.inputTokens += usage?.inputTokens ?? 0;
  total.outputTokens += usage?.outputTokens ?? 0;
}
