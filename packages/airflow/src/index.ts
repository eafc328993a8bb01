export { AirflowApiError, describeErrorBody } from './airflow-api-error.js';
export {
  createAirflowClient,
  type AirflowClient,
  type AirflowClientOptions,
  type DagInfo,
  type DagRun,
  type ImportError,
  type LogLine,
  type TaskInstance,
  type TaskLogOptions,
} from './create-airflow-client.js';
export { createDagDeployer, type DagDeployer, type DeployResult } from './deploy/create-dag-deployer.js';
export { renderDagFileHeader, parseDagFileHeader, type DagFileHeader } from './deploy/dag-file-header.js';
export { dagFilePath } from './deploy/dag-file-path.js';
export type { DagChangeNote, DagFileStore } from './deploy/dag-file-store.js';
export { createFolderDagFileStore } from './deploy/create-folder-dag-file-store.js';
export { createGitDagFileStore, type GitDagFileStoreOptions } from './deploy/create-git-dag-file-store.js';
export { waitForDagParsed, type ParseOutcome } from './deploy/wait-for-dag-parsed.js';
export { writeFileAtomic } from './deploy/write-file-atomic.js';
export {
  countDoneTasks,
  followRun,
  TERMINAL_RUN_STATES,
  type FollowedRun,
  type FollowRunOptions,
  type RunProgress,
} from './runs/follow-run.js';
export { schedulerDownReason, type RunStall } from './runs/scheduler-down-reason.js';
export { newRunId } from './runs/new-run-id.js';
export { runTimeline } from './runs/run-timeline.js';
export { unhealthyComponent, type AirflowComponent } from './unhealthy-component.js';
export { summarizeRun, runDurationSeconds, type RunSummary, type TaskSummary } from './runs/summarize-run.js';
