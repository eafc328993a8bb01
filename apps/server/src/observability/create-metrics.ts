import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/**
 * One registry per app instance (never prom-client's global one), so tests can build many apps in one process.
 * Names and labels are documented in the README's metrics table. DAG ids name tenants, so the `dag_id` label is
 * empty (no label) unless `dagLabels` (METRICS_DAG_LABELS=true): pass every dag id through `dagLabel`.
 */
export function createMetrics(options: { dagLabels?: boolean } = {}) {
  const dagLabel = (dagId: string): string => (options.dagLabels ? dagId : '');
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'airflow_mcp_' });
  const httpRequests = new Counter({
    name: 'airflow_mcp_http_requests_total',
    help: 'HTTP requests by method, route and status code.',
    labelNames: ['method', 'route', 'status'] as const,
    registers: [registry],
  });
  const httpDuration = new Histogram({
    name: 'airflow_mcp_http_request_duration_seconds',
    help: 'HTTP request latency by method and route (for SSE responses: until the stream closes).',
    labelNames: ['method', 'route'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
    registers: [registry],
  });
  const toolCalls = new Counter({
    name: 'airflow_mcp_tool_calls_total',
    help: 'MCP tool calls by tool and outcome (ok, error, refused, clarification: a question asked back).',
    labelNames: ['tool', 'outcome'] as const,
    registers: [registry],
  });
  const toolErrors = new Counter({
    name: 'airflow_mcp_tool_errors_total',
    help: 'MCP tool call failures by tool and error code.',
    labelNames: ['tool', 'code'] as const,
    registers: [registry],
  });
  const toolDuration = new Histogram({
    name: 'airflow_mcp_tool_duration_seconds',
    help: 'MCP tool call latency by tool.',
    labelNames: ['tool'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300],
    registers: [registry],
  });
  const sessionsOpen = new Gauge({
    name: 'airflow_mcp_sessions_open',
    help: 'MCP Streamable HTTP sessions currently open.',
    registers: [registry],
  });
  const sessionsOpened = new Counter({
    name: 'airflow_mcp_sessions_opened_total',
    help: 'MCP Streamable HTTP sessions opened (2025-11-25 initialize).',
    registers: [registry],
  });
  const sessionsClosed = new Counter({
    name: 'airflow_mcp_sessions_closed_total',
    help: 'MCP Streamable HTTP sessions closed, by reason (deleted, expired, transport, shutdown).',
    labelNames: ['reason'] as const,
    registers: [registry],
  });
  const mcpRequests = new Counter({
    name: 'airflow_mcp_protocol_requests_total',
    help: 'POSTs to /mcp by protocol revision served (2025-11-25 sessions or 2026-07-28 stateless).',
    labelNames: ['revision'] as const,
    registers: [registry],
  });
  const toolCallsInFlight = new Gauge({
    name: 'airflow_mcp_tool_calls_in_flight',
    help: 'MCP tool calls currently running.',
    registers: [registry],
  });
  const plans = new Counter({
    name: 'airflow_mcp_plans_total',
    help: 'Pipeline plans by planner (rules, gemini, openai, sampling, caller) and outcome (ok, failed).',
    labelNames: ['planner', 'outcome'] as const,
    registers: [registry],
  });
  const planAttempts = new Histogram({
    name: 'airflow_mcp_plan_attempts',
    help: 'Model calls per plan (1 = the first answer passed validation; more = repairs).',
    labelNames: ['planner'] as const,
    buckets: [0, 1, 2, 3, 4, 5],
    registers: [registry],
  });
  const modelTokens = new Counter({
    name: 'airflow_mcp_model_tokens_total',
    help: 'Model tokens spent on planning, by planner and direction (input, output).',
    labelNames: ['planner', 'direction'] as const,
    registers: [registry],
  });
  const dagRuns = new Counter({
    name: 'airflow_mcp_dag_runs_total',
    help: 'Runs of generated DAGs followed to the end, by dag and final state (from Airflow).',
    labelNames: ['dag_id', 'state'] as const,
    registers: [registry],
  });
  const dagRunDuration = new Histogram({
    name: 'airflow_mcp_dag_run_duration_seconds',
    help: "Duration of followed runs of generated DAGs (Airflow's start to end).",
    labelNames: ['dag_id'] as const,
    buckets: [1, 2, 5, 10, 30, 60, 120, 300, 600, 1800, 3600],
    registers: [registry],
  });
  const rowsMoved = new Counter({
    name: 'airflow_mcp_rows_moved_total',
    help: 'Rows moved by transfer tasks of generated DAGs (the tasks own counts, read from XCom).',
    labelNames: ['dag_id', 'task_id'] as const,
    registers: [registry],
  });
  const retrievalDuration = new Histogram({
    name: 'airflow_mcp_retrieval_duration_seconds',
    help: 'Knowledge retrieval latency (hybrid search), for planning and for search_docs.',
    labelNames: ['use'] as const,
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [registry],
  });
  const retrievalScore = new Histogram({
    name: 'airflow_mcp_retrieval_score',
    help: 'Scores (0..1) of the knowledge chunks given to the planner for each create_dag request.',
    buckets: [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1],
    registers: [registry],
  });
  return {
    registry,
    dagLabel,
    retrievalScore,
    retrievalDuration,
    httpRequests,
    httpDuration,
    toolCalls,
    toolErrors,
    toolDuration,
    sessionsOpen,
    sessionsOpened,
    sessionsClosed,
    mcpRequests,
    toolCallsInFlight,
    plans,
    planAttempts,
    modelTokens,
    dagRuns,
    dagRunDuration,
    rowsMoved,
  };
}

export type Metrics = ReturnType<typeof createMetrics>;
