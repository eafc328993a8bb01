/** One MCP App: a `ui://` resource holding a built view (apps/server/views), linked from tools' `_meta.ui`. */
export interface McpAppDefinition {
  uri: string;
  /** The built document: apps/server/dist/mcp-apps/<view>.html (apps/server/scripts/build-mcp-apps.mjs). */
  view: string;
  name: string;
  title: string;
  description: string;
}

/** create_dag and update_dag results: understood, spec, code, validation ladder, deploy, run, timings. */
export const DAG_PREVIEW_APP = 'ui://airflow-mcp/dag-preview.html';

/** check_dag_status and run_dag results: state, tasks with states, tries and durations, failure reason. */
export const RUN_STATUS_APP = 'ui://airflow-mcp/run-status.html';

export const MCP_APPS: readonly McpAppDefinition[] = [
  {
    uri: DAG_PREVIEW_APP,
    view: 'dag-preview',
    name: 'dag-preview',
    title: 'DAG preview',
    description:
      'Shows a create_dag / update_dag result: what was understood, the spec, the DAG code, each validation step, the deploy and run outcome, timings',
  },
  {
    uri: RUN_STATUS_APP,
    view: 'run-status',
    name: 'run-status',
    title: 'Run status',
    description:
      'Shows a check_dag_status / run_dag result: the run state, its tasks with states, tries and durations, why it failed',
  },
];
