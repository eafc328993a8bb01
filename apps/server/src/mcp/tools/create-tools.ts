import type { AirflowService, DagService, DocsRetriever } from '@airflow-mcp/agent';
import type { FeedbackStore } from '@airflow-mcp/state';
import type { AnyToolDefinition } from '../define-tool.js';
import { auditLogTool } from './audit-log.js';
import { checkDagStatusTool } from './check-dag-status.js';
import { createDagTool } from './create-dag.js';
import { createDagsTool } from './create-dags.js';
import { deleteDagTool } from './delete-dag.js';
import { getTaskLogsTool } from './get-task-logs.js';
import { inspectSourceTool } from './inspect-source.js';
import { listDagVersionsTool } from './list-dag-versions.js';
import { listDagsTool } from './list-dags.js';
import { listImportErrorsTool } from './list-import-errors.js';
import { rollbackDagTool } from './rollback-dag.js';
import { rateDagTool } from './rate-dag.js';
import { runDagTool } from './run-dag.js';
import { searchDocsTool } from './search-docs.js';
import { setDagPausedTool } from './set-dag-paused.js';
import { updateDagTool } from './update-dag.js';

/**
 * The dependencies tools are built from. Each tool file exports a factory taking the part it needs;
 * services/create-services.ts constructs these once.
 */
export interface ToolDependencies {
  airflow: AirflowService;
  dags: DagService;
  feedback: FeedbackStore;
  retriever: DocsRetriever;
  /** READ_ONLY: inspect_source then refuses sources it would read by running a DAG in Airflow. */
  readOnly?: boolean;
  /** The longest wait for a run in create_dag/run_dag, in seconds (MCP_WAIT_BOUND_S; default 60). */
  waitBoundS?: number;
}

export function createTools(deps: ToolDependencies): AnyToolDefinition[] {
  return [
    createDagTool(deps),
    createDagsTool(deps),
    searchDocsTool(deps),
    inspectSourceTool(deps),
    updateDagTool(deps),
    listDagVersionsTool(deps),
    rollbackDagTool(deps),
    auditLogTool(deps),
    rateDagTool(deps),
    runDagTool(deps),
    checkDagStatusTool(deps),
    getTaskLogsTool(deps),
    listDagsTool(deps),
    setDagPausedTool(deps),
    deleteDagTool(deps),
    listImportErrorsTool(deps),
  ];
}
