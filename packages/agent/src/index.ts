export {
  createAirflowService,
  GENERATED_TAG,
  type AirflowService,
  type AirflowServiceOptions,
  type DagListing,
} from './airflow/create-airflow-service.js';
export type { RunProgress, RunSummary as AirflowRunSummary, TaskSummary } from '@airflow-mcp/airflow';
export { detectLanguage, type Language } from './i18n/detect-language.js';
export { clarificationMessage, deployedMessage, runMessage, type RunSummary } from './i18n/messages.js';
export { createDagService, type DagService } from './create-dag/create-dag-service.js';
export type { CreateDagInput } from './create-dag/create-dag-input.js';
export type { CreateDagResult, CheckOutcome } from './create-dag/create-dag-result.js';
export type { DagEvents, DocsRetriever } from './create-dag/create-dag-service-options.js';
export { createRulePlanner } from './planning/rule-planner.js';
export {
  understandSpec,
  connectionLabel,
  type Understood,
  type UnderstoodColumn,
  type UnderstoodTable,
} from './understanding/understood.js';
export { describeUnderstood } from './understanding/describe-understood.js';
export type { Plan, Planner, PlanningContext, PlanningHints } from './planning/planner.js';
export { createSampleDatabase, pipelineSpecJsonSchema, type SampleDatabase } from '@airflow-mcp/pipeline';
export {
  createPlannerRouter,
  type PlannerMode,
  type PlannerRouter,
  type RoutedPlan,
} from './planning/create-planner-router.js';
export { createGeminiModel, createOpenAiChatModel, type SampleFunction, type SpecModel } from '@airflow-mcp/llm';
export {
  createDagVersionStore,
  type AuditEntry,
  type DagVersion,
  type DagVersionStore,
  type DagVersionStoreOptions,
  type PendingVersion,
  type VersionOutcome,
} from './versions/dag-version-store.js';
export { editSpec } from './planning/edit-spec.js';
export { createPgClient, createPgliteClient, type SqlClient } from '@airflow-mcp/knowledge';
export {
  ALL_TENANTS,
  DEFAULT_TENANT,
  isTenantName,
  ownsDag,
  scopeDagId,
  tenantOfDag,
  tenantPrefix,
} from './tenancy/tenant-scope.js';
export { allowedConnections, type TenantConnections } from './tenancy/tenant-connections.js';
export {
  chooseEmbedder,
  createKnowledgeService,
  type KnowledgeService,
  type KnowledgeServiceOptions,
} from './knowledge/create-knowledge-service.js';
export { createFeedbackStore, similarity, type FeedbackEntry, type FeedbackStore } from './feedback/feedback-store.js';
export { withFeedback } from './feedback/feedback-retriever.js';
