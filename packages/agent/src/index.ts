export { composeUseCases } from './compose-use-cases.js';
export { createAirflowService, type AirflowService } from './airflow/create-airflow-service.js';
export { detectLanguage } from './i18n/detect-language.js';
export { createDagService, type DagService } from './create-dag/create-dag-service.js';
export type { DagEvents, DocsRetriever } from './create-dag/create-dag-service-options.js';
export { createRulePlanner } from './planning/rule-planner.js';
export { understandSpec, type Understood } from './understanding/understood.js';
export type { PlanningContext } from './planning/planner.js';
export { createPlannerRouter } from './planning/create-planner-router.js';
export { isTenantName } from './tenancy/tenant-scope.js';
export type { TenantConnections } from './tenancy/tenant-connections.js';
export {
  createKnowledgeService,
  type KnowledgeService,
  type KnowledgeServiceOptions,
} from './knowledge/create-knowledge-service.js';
