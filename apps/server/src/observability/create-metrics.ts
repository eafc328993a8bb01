import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/**
 * One registry per app instance (never prom-client's global one), so tests can build many apps in one process.
 * Names and labels are documented in the README's metrics table.
 */
export function createMetrics() {
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
    help: 'MCP tool calls by tool and outcome (ok, error, refused).',
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
  const toolCallsInFlight = new Gauge({
    name: 'airflow_mcp_tool_calls_in_flight',
    help: 'MCP tool calls currently running.',
    registers: [registry],
  });
  return { registry, httpRequests, httpDuration, toolCalls, toolErrors, toolDuration, sessionsOpen, toolCallsInFlight };
}

export type Metrics = ReturnType<typeof createMetrics>;
