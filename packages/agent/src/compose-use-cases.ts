import type { Logger } from '@airflow-mcp/core';
import { createGeminiModel, createOpenAiChatModel } from '@airflow-mcp/llm';
import { createDagVersionStore, createFeedbackStore, type SqlClient } from '@airflow-mcp/state';
import type { AirflowService } from './airflow/create-airflow-service.js';
import { createDagService } from './create-dag/create-dag-service.js';
import type { CreateDagServiceOptions, DagEvents } from './create-dag/create-dag-service-options.js';
import { withFeedback } from './feedback/feedback-retriever.js';
import { createKnowledgeService, type KnowledgeServiceOptions } from './knowledge/create-knowledge-service.js';
import { createPlannerRouter, type PlannerMode } from './planning/create-planner-router.js';
import { createRulePlanner } from './planning/rule-planner.js';

/** What the use cases run on and with: the infrastructure the caller opened, and the settings that shape them. */
export interface UseCasesOptions {
  /** The service's one database, opened and closed by the caller: versions, audit log, feedback, knowledge schema. */
  db: SqlClient;
  airflow: AirflowService;
  knowledge: Omit<KnowledgeServiceOptions, 'client' | 'logger'>;
  /** The planner and the models it may use: a model planner exists only when its settings are complete. */
  planner: {
    mode: PlannerMode;
    gemini: { apiKey: string | undefined; model: string; baseUrl: string | undefined };
    openai: { baseUrl: string | undefined; apiKey: string | undefined; model: string | undefined };
  };
  dags: Pick<
    CreateDagServiceOptions,
    'allowedDataDirs' | 'tenantConnections' | 'namedTenants' | 'python' | 'generatorVersion' | 'secrets'
  >;
  events?: DagEvents | undefined;
  /** Starts a timer around one retrieval (for planning, or for search_docs); what it returns stops it. */
  timeRetrieval?: ((use: 'planning' | 'search_docs') => () => void) | undefined;
  logger: Logger;
}

/**
 * The one composition root of the use cases: the version store (with its instance lease), the feedback store, the
 * knowledge service, the planners and the DAG service, wired on the database and the Airflow service the caller
 * opened. `close` ends what it started (knowledge, then the version store's lease); the caller closes the database
 * afterwards.
 */
export async function composeUseCases(options: UseCasesOptions) {
  const { airflow, logger } = options;
  // Deploys cut short by a kill are settled against the DAG files when the store opens (see the store). On
  // PostgreSQL the store holds a lease so other replicas leave its deploys in flight alone; given up before the
  // database closes.
  const versions = await createDagVersionStore(options.db, {
    deployedFile: (dagId) => airflow.deployer.read(dagId),
    logger,
  });
  const feedback = await createFeedbackStore(options.db);
  const knowledge = await createKnowledgeService({ ...options.knowledge, client: options.db, logger });
  const timed = <O, T>(
    retriever: { search(query: string, options: O): Promise<T[]> },
    use: 'planning' | 'search_docs',
  ) => timedRetriever(retriever, options.timeRetrieval, use);
  const { gemini, openai } = options.planner;
  const dags = createDagService({
    retriever: timed(withFeedback(knowledge.retriever, feedback), 'planning'),
    feedback,
    versions,
    ...(options.events ? { events: options.events } : {}),
    airflow,
    secrets: options.dags.secrets,
    planner: createPlannerRouter({
      mode: options.planner.mode,
      rules: createRulePlanner(),
      gemini: gemini.apiKey
        ? createGeminiModel({
            apiKey: gemini.apiKey,
            model: gemini.model,
            ...(gemini.baseUrl ? { baseUrl: gemini.baseUrl } : {}),
          })
        : undefined,
      openai:
        openai.baseUrl && openai.model
          ? createOpenAiChatModel({
              baseUrl: openai.baseUrl,
              model: openai.model,
              ...(openai.apiKey ? { apiKey: openai.apiKey } : {}),
            })
          : undefined,
      allowedDataDirs: options.dags.allowedDataDirs,
      logger,
    }),
    allowedDataDirs: options.dags.allowedDataDirs,
    tenantConnections: options.dags.tenantConnections,
    namedTenants: options.dags.namedTenants,
    python: options.dags.python,
    logger,
    generatorVersion: options.dags.generatorVersion,
  });
  return {
    versions,
    feedback,
    knowledge,
    dags,
    /** search_docs' retriever: the knowledge base's, with the caller's tenant's ratings applied and timed. */
    docs: timed(withFeedback(knowledge.retriever, feedback), 'search_docs'),
    async close() {
      for (const close of [() => knowledge.close(), () => versions.close()]) await close().catch(() => {});
    },
  };
}

export type UseCases = Awaited<ReturnType<typeof composeUseCases>>;

/** The retriever with each search timed (when a timer is given). */
function timedRetriever<O, T>(
  retriever: { search(query: string, options: O): Promise<T[]> },
  timeRetrieval: ((use: 'planning' | 'search_docs') => () => void) | undefined,
  use: 'planning' | 'search_docs',
): { search(query: string, options: O): Promise<T[]> } {
  if (!timeRetrieval) return retriever;
  return {
    async search(query, options) {
      const stop = timeRetrieval(use);
      try {
        return await retriever.search(query, options);
      } finally {
        stop();
      }
    },
  };
}
