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
