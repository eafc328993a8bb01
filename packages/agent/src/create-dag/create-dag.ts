import { DEFAULT_TENANT } from '@airflow-mcp/core';
import { prepareSpareChecker, type PipelineSpecInput } from '@airflow-mcp/pipeline';
import { detectLanguage } from '../i18n/detect-language.js';
import type { PlanningContext } from '../planning/planner.js';
import { assertTenantMayUse, tenantAccess } from '../tenancy/assert-tenant-may-use.js';
import { tenantDataDirs } from '../tenancy/tenant-scope.js';
import { assertFaithful } from '../understanding/assert-faithful.js';
import { buildDag } from './build-dag.js';
import type { CreateDagInput, PlanResult } from './create-dag-input.js';
import type { CreateDagResult } from './create-dag-result.js';
import type { DagServiceDeps } from './dag-service-deps.js';
import { createPhaseTimer } from './phase-timer.js';

/** Knowledge for planning: the tenant's well-rated similar requests first, then the retrieved documents. */
async function gatherKnowledge(deps: DagServiceDeps, request: string, tenant: string) {
  const retrieved = deps.retriever
    ? await deps.retriever.search(request, { k: 5, tenant }).catch((error: unknown) => {
        deps.logger?.warn({ err: error }, 'knowledge retrieval failed; planning without it');
        return [];
      })
    : [];
  deps.events?.retrieved?.({ scores: retrieved.map((r) => r.score) });
  const examples = deps.feedback ? await deps.feedback.examples(request, { tenant }).catch(() => []) : [];
  const knowledge: PlanningContext['knowledge'] = [
    ...examples.map((e) => ({
      title: 'A similar request its user rated well',
      section: e.request.slice(0, 200),
      text: `Request: ${e.request}\nSpec: ${JSON.stringify(e.spec)}${e.correction ? `\nUser's note: ${e.correction}` : ''}`,
      score: e.similarity,
    })),
    ...retrieved.map((r) => ({ title: r.title, section: r.section, text: r.text, score: r.score })),
  ];
  const sources = retrieved.map((r) => ({ doc: r.doc, section: r.section, score: Math.round(r.score * 1000) / 1000 }));
  return { knowledge, sources };
}

/**
 * create_dag: request -> knowledge -> plan (or the caller's spec) -> the build (ladder, compile, checks, deploy, run),
 * with the knowledge sources used for planning.
 */
export async function createDag(deps: DagServiceDeps, input: CreateDagInput): Promise<CreateDagResult> {
  const timer = createPhaseTimer();
  // The Airflow import check's process loads Airflow (seconds) while the request is planned and checked.
  if (deps.python) prepareSpareChecker(deps.python);
  const language = detectLanguage(input.request);
  const progress = async (message: string) => input.onProgress?.(message);
  await progress('retrieving Airflow knowledge');
  const tenant = input.actor?.tenant ?? DEFAULT_TENANT;
  const { knowledge, sources } = await timer.time('retrieve', () => gatherKnowledge(deps, input.request, tenant));
  const dataDirs = tenantDataDirs(deps.allowedDataDirs, tenant);
  const context: PlanningContext = {
    request: input.request,
    language,
    tenant,
    hints: { sourceDb: input.sourceDb, targetDb: input.targetDb, schedule: input.schedule },
    // A planner may name any connection or file: one the tenant may not use is refused before anything reads it.
    introspect: async (connection, table) => {
      assertTenantMayUse(tenantAccess(deps), tenant, connection, deps.allowedDataDirs);
      return deps.introspect(connection, table, dataDirs);
    },
    allowedDataDirs: dataDirs,
    knowledge,
    previousFailures: [],
  };
  await progress('planning');
  let plan: PlanResult;
  const planned = timer.lap();
  try {
    plan =
      input.spec !== undefined
        ? {
            spec: input.spec as PipelineSpecInput,
            planner: 'caller',
            notes: ['spec given by the caller'],
            attempts: 0,
            dagIdGiven: typeof (input.spec as { dag_id?: unknown } | null)?.dag_id === 'string',
          }
        : await deps.planner.plan(context, input.sampling);
    // A caller's spec that comes with a request must do what the request says, like any planner's.
    if (input.spec !== undefined) await assertFaithful(context, plan.spec);
    timer.add('plan', planned());
  } catch (error) {
    deps.events?.planned?.({ planner: 'unknown', ok: false, attempts: 1, inputTokens: 0, outputTokens: 0 });
    throw error;
  }
  return {
    ...(await buildDag(deps, {
      ...input,
      plan,
      language,
      progress,
      reason: input.request,
      action: 'create_dag',
      timer,
    })),
    sources,
  };
}
