import { AppError, createLruCache, isAppError, type Logger } from '@airflow-mcp/core';
import {
  createModelPlanner,
  createSamplingModel,
  describeSourceSchema,
  type ModelPlan,
  type PlanCache,
  type SampleFunction,
  type SpecModel,
} from '@airflow-mcp/llm';
import { checkSpec, pipelineSpecJsonSchema, type Connection, type PipelineSpecInput } from '@airflow-mcp/pipeline';
import { checkFaithfulness, type Unreflected } from '../understanding/check-faithfulness.js';
import type { Plan, Planner, PlanningContext } from './planner.js';
import { clarify } from './rule-planner.js';

/** The repair feedback for a spec that leaves parts of the request out. */
function faithfulnessFailure(unreflected: Unreflected[], unaccounted: string[]): string {
  return [
    unreflected.length
      ? `The spec does not do what the request asks: ${unreflected.map((u) => `${u.asked} (the spec has ${u.found})`).join('; ')}.`
      : '',
    unaccounted.length
      ? `The spec does not account for these words of the request: ${unaccounted.map((w) => `"${w}"`).join(', ')}.`
      : '',
    'Reflect every part of the request in the spec; do not drop any.',
  ]
    .filter(Boolean)
    .join(' ');
}

export type PlannerMode = 'auto' | 'gemini' | 'sampling' | 'rules' | 'openai';

export interface PlannerRouterOptions {
  mode: PlannerMode;
  rules: Planner;
  gemini?: SpecModel | undefined;
  openai?: SpecModel | undefined;
  /** The data folders when a request does not bring its own (PlanningContext.allowedDataDirs, the tenant's). */
  allowedDataDirs: readonly string[];
  logger?: Logger;
  /** Called with each model plan's outcome, for metrics. */
  onModelPlan?: (event: {
    planner: string;
    ok: boolean;
    attempts: number;
    inputTokens: number;
    outputTokens: number;
  }) => void;
}

export interface RoutedPlan extends Plan {
  attempts: number;
  usage?: { inputTokens: number; outputTokens: number };
}

const PROVIDER_DOWN = new Set(['UNAVAILABLE', 'RATE_LIMITED', 'DEPENDENCY_FAILED', 'TIMEOUT']);

/**
 * Chooses the planner for a request: PLANNER=gemini|openai|sampling|rules, or auto = Gemini when a key is set, else
 * the connected client's model when it offers sampling, else the rule planner. Model answers go through the same
 * validation the ladder starts with (schema, paths, source columns, compile) inside the repair loop. In auto mode a
 * model provider that is down falls back to the rules, and says so.
 */
export function createPlannerRouter(options: PlannerRouterOptions) {
  const jsonSchema = pipelineSpecJsonSchema();
  // The same spec check as the DAG build (pipeline's checkSpec), with the request's own data folders and
  // introspection; a failure becomes the repair loop's feedback, named by its step.
  const validate = async (json: unknown, ctx: PlanningContext) => {
    try {
      await checkSpec(json, {
        allowedDataDirs: ctx.allowedDataDirs ?? options.allowedDataDirs,
        // Server sources are read through an Airflow run: not once per repair attempt (the build's rung types them).
        introspect: async (connection, table) =>
          connection.kind === 'postgres' || connection.kind === 'mysql' ? undefined : ctx.introspect(connection, table),
        airflowMajor: () => 3,
      });
      // Faithfulness: the spec must reflect every part of the request the readers understood, and carry the
      // numbers, quoted values and names of the rest; a model that drops a clause is sent back to repair it.
      const { unreflected, unaccounted } = await checkFaithfulness(ctx, json as PipelineSpecInput);
      if (unreflected.length || unaccounted.length) {
        return { ok: false as const, error: faithfulnessFailure(unreflected, unaccounted), step: 'faithfulness' };
      }
      return { ok: true as const, value: json as PipelineSpecInput };
    } catch (error) {
      if (!isAppError(error)) throw error;
      return { ok: false as const, error: error.message, step: String(error.details?.step ?? 'spec') };
    }
  };

  // One response cache per provider, shared by the per-request planners (each validates against its own request).
  const caches = new Map<string, PlanCache<ModelPlan<PipelineSpecInput>>>();
  const modelPlanner = (name: string, model: SpecModel, ctx: PlanningContext) => {
    // Per tenant: a cached plan holds the tenant's own examples and sources, never another tenant's.
    const key = `${name}:${model.id}:${ctx.tenant ?? 'default'}`;
    let cache = caches.get(key);
    if (!cache) caches.set(key, (cache = createLruCache<ModelPlan<PipelineSpecInput>>(200)));
    return createModelPlanner<PipelineSpecInput>({
      name,
      model,
      jsonSchema,
      validate: (json) => validate(json, ctx),
      cache,
      ...(options.logger ? { logger: options.logger } : {}),
    });
  };

  async function sourceSchemaOf(ctx: PlanningContext): Promise<string> {
    const candidates: Connection[] = [];
    if (ctx.hints.sourceDb && !/^(postgres|postgresql|mysql):/i.test(ctx.hints.sourceDb)) {
      candidates.push({
        kind: /\.(duckdb|ddb)$/i.test(ctx.hints.sourceDb) ? 'duckdb' : 'sqlite',
        path: ctx.hints.sourceDb,
      } as Connection);
    }
    for (const m of ctx.request.matchAll(/(?:[\w~.-]*\/)*[\w.-]+\.(duckdb|ddb|db|sqlite3?)\b/gi))
      candidates.push({ kind: /^d/i.test(m[1] as string) ? 'duckdb' : 'sqlite', path: m[0] } as Connection);
    const parts: string[] = [];
    for (const connection of candidates.slice(0, 3)) {
      const info = await ctx.introspect(connection).catch(() => undefined);
      if (!info) continue;
      const tables = [];
      for (const name of info.tables.slice(0, 20)) {
        const t = await ctx.introspect(connection, name).catch(() => undefined);
        tables.push({
          name,
          ...(t?.columns ? { columns: t.columns } : {}),
          ...(t?.rowCount === undefined ? {} : { rowCount: t.rowCount }),
        });
      }
      parts.push(
        describeSourceSchema({
          connection: `${connection.kind}:${'path' in connection ? connection.path : ''}`,
          tables,
        }),
      );
    }
    return parts.join('\n\n');
  }

  async function planWithModel(name: string, model: SpecModel, ctx: PlanningContext): Promise<RoutedPlan> {
    const planner = modelPlanner(name, model, ctx);
    try {
      const result = await planner.plan({
        request: ctx.request,
        language: ctx.language,
        hints: { source_db: ctx.hints.sourceDb, target_db: ctx.hints.targetDb, schedule: ctx.hints.schedule },
        sourceSchema: await sourceSchemaOf(ctx),
        knowledge: ctx.knowledge,
        previousFailures: ctx.previousFailures,
      });
      options.onModelPlan?.({ planner: name, ok: true, attempts: result.attempts, ...result.usage });
      // The readers' reading of the request (the one the faithfulness check held the answer to): when it names the
      // DAG id, the id is given, and the DAG-id rules treat it as they treat a rule-planned one (CONFLICT, replace).
      const { understanding } = await checkFaithfulness(ctx, result.spec);
      return {
        spec: result.spec,
        dagIdGiven: understanding.dagId !== undefined,
        planner: `${name} (${result.model})`,
        notes: result.repairedFailures.length
          ? [`repaired after: ${result.repairedFailures.join(' | ').slice(0, 500)}`]
          : [],
        attempts: result.attempts,
        usage: result.usage,
      };
    } catch (error) {
      const details = isAppError(error)
        ? (error.details as { attempts?: number; usage?: { inputTokens?: number; outputTokens?: number } } | undefined)
        : undefined;
      options.onModelPlan?.({
        planner: name,
        ok: false,
        attempts: details?.attempts ?? 1,
        inputTokens: details?.usage?.inputTokens ?? 0,
        outputTokens: details?.usage?.outputTokens ?? 0,
      });
      // The model kept leaving parts of the request out: that is a question for the user, not a success.
      if (isAppError(error) && error.details?.step === 'faithfulness') {
        throw clarify(ctx.language, {
          notUnderstood: [],
          questions: [
            {
              en: `The ${name} planner could not produce a pipeline that does all the request asks (${error.message.slice(0, 600)}). Rephrase the parts it missed.`,
              ko: `${name} 플래너가 요청한 모든 것을 하는 파이프라인을 만들지 못했습니다 (${error.message.slice(0, 600)}). 빠진 부분을 다시 표현해 주세요.`,
            },
          ],
        });
      }
      throw error;
    }
  }

  async function plan(ctx: PlanningContext, sampling?: SampleFunction): Promise<RoutedPlan> {
    const rules = async (note?: string): Promise<RoutedPlan> => {
      const result = await options.rules.plan(ctx);
      return { ...result, notes: note ? [note, ...result.notes] : result.notes, attempts: 1 };
    };
    const mode = options.mode;
    if (mode === 'rules') return rules();
    if (mode === 'sampling' && !sampling) {
      throw new AppError(
        'UNSUPPORTED',
        'PLANNER=sampling, but the connected MCP client does not offer sampling: connect with a client that declares the sampling capability, or set PLANNER=rules or a GEMINI_API_KEY.',
      );
    }
    const choice: [string, SpecModel] | undefined =
      mode === 'gemini' && options.gemini
        ? ['gemini', options.gemini]
        : mode === 'openai' && options.openai
          ? ['openai', options.openai]
          : mode === 'sampling' && sampling
            ? ['sampling', createSamplingModel(sampling)]
            : mode === 'auto'
              ? options.gemini
                ? ['gemini', options.gemini]
                : options.openai
                  ? ['openai', options.openai]
                  : sampling
                    ? ['sampling', createSamplingModel(sampling)]
                    : undefined
              : undefined;
    if (!choice) {
      if (mode === 'auto') return rules();
      throw new AppError('UNSUPPORTED', `PLANNER=${mode} is not configured (its key or URL is missing).`);
    }
    try {
      return await planWithModel(choice[0], choice[1], ctx);
    } catch (error) {
      if (mode === 'auto' && isAppError(error) && PROVIDER_DOWN.has(error.code)) {
        options.logger?.warn({ planner: choice[0], code: error.code }, 'model planner unavailable; using the rules');
        return rules(`${choice[0]} was unavailable (${error.code}); planned by rules`);
      }
      throw error;
    }
  }

  return { plan };
}

export type PlannerRouter = ReturnType<typeof createPlannerRouter>;
