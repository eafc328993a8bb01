import { redactSecretsAsync, redactSecretsDeep, type Logger } from '@airflow-mcp/core';
import { McpServer, ResourceNotFoundError, ResourceTemplate, type ServerEventBus } from '@modelcontextprotocol/server';
import type { Metrics } from '../observability/create-metrics.js';
import { SERVER_INFO } from '../server-info.js';
import { registerMcpApps } from './ui/register-mcp-apps.js';
import { UI_EXTENSION } from './ui/ui-extension.js';
import type { CallTracker } from './call-tracker.js';
import type { AnyToolDefinition, ResourceProvider } from './define-tool.js';
import { principalFrom, registerTools } from './register-tools.js';
import { requestStateCodec } from './request-state.js';
import type { TaskStore } from './tasks/task-store.js';
import { TASKS_CAPABILITY } from './tasks/tasks-extension.js';

export interface McpCatalog {
  tools: readonly AnyToolDefinition[];
  resources: readonly ResourceProvider[];
  /**
   * Tools that can only answer with a task (2026-07-28 Tasks extension): a call from a client that did not declare
   * the extension is refused with -32021 before any handler runs. None in production (test fixtures only).
   */
  taskOnlyTools?: readonly string[];
  /** Test-only additions (the conformance fixtures); never set in production. */
  extend?: (server: McpServer, context: { events: ServerEventBus | undefined; tasks: TaskStore | undefined }) => void;
}

export interface CreateMcpServerOptions {
  catalog: McpCatalog;
  metrics: Metrics;
  log: Logger;
  readOnly: boolean;
  hideWriteTools?: boolean;
  maxConcurrentWrites?: number;
  secrets: readonly string[];
  tracker: CallTracker;
  /** Change events for 2026-07-28 `subscriptions/listen` streams (HTTP only). */
  events?: ServerEventBus;
  /** The Tasks extension (HTTP only: its methods are answered by the /mcp route, which stdio does not have). */
  tasks?: TaskStore;
  /** This instance serves one 2026-07-28 tools/call (see RegisterToolsOptions.servesToolCall). */
  servesToolCall?: boolean;
}

const INSTRUCTIONS = [
  'airflow-mcp-rag turns plain-language data-pipeline requests (English or Korean) into validated Apache Airflow DAGs,',
  'deploys them into Airflow, runs them and reports the result.',
  'Typical flow: search_docs or inspect_source to learn, create_dag (deploy=false previews), run_dag / check_dag_status to follow.',
  'Credentials are never accepted in requests: databases other than SQLite/DuckDB files are reached through Airflow connection ids.',
].join(' ');

/** Lists that change only with a new release or a restart: clients may keep them for a while (2026-07-28). */
const STABLE_LIST = { ttlMs: 300_000, cacheScope: 'private' } as const;

/**
 * One McpServer per session (2025-11-25), per request (2026-07-28, or MCP_STATELESS) or per stdio connection: an
 * McpServer binds to one transport. The same definition serves both protocol revisions.
 */
export function createMcpServer(options: CreateMcpServerOptions): McpServer {
  const server = new McpServer(SERVER_INFO, {
    capabilities: {
      logging: {},
      tools: { listChanged: false },
      // MCP Apps on both revisions; the Tasks extension in server/discover on 2026-07-28 only.
      extensions: { ...UI_EXTENSION, ...(options.tasks ? TASKS_CAPABILITY.extensions : {}) },
    },
    instructions: INSTRUCTIONS,
    cacheHints: {
      'tools/list': STABLE_LIST,
      'resources/templates/list': STABLE_LIST,
      'server/discover': STABLE_LIST,
    },
    // Only state this service minted is accepted back (refused with -32602 otherwise).
    requestState: { verify: (state, ctx) => requestStateCodec.verify(state, ctx) },
  });
  registerTools(server, {
    tools: options.catalog.tools,
    metrics: options.metrics,
    log: options.log,
    readOnly: options.readOnly,
    ...(options.hideWriteTools === undefined ? {} : { hideWriteTools: options.hideWriteTools }),
    ...(options.maxConcurrentWrites === undefined ? {} : { maxConcurrentWrites: options.maxConcurrentWrites }),
    secrets: options.secrets,
    tracker: options.tracker,
    ...(options.tasks ? { tasks: options.tasks, servesToolCall: options.servesToolCall ?? false } : {}),
  });
  for (const provider of options.catalog.resources) {
    server.registerResource(
      provider.name,
      new ResourceTemplate(provider.uriTemplate, {
        list: async () => ({ resources: redactSecretsDeep([...(await provider.list())], options.secrets) }),
      }),
      { description: provider.description },
      async (uri, _variables, ctx) => {
        const found = await provider.read(uri.href, principalFrom(ctx.http?.authInfo));
        if (found === undefined) {
          throw new ResourceNotFoundError(uri.href, `No resource at ${uri.href}; list resources to see what exists.`);
        }
        // Resources leave the service like tool answers: masked (knowledge documents may quote credentials).
        return { contents: [{ ...found, text: await redactSecretsAsync(found.text, options.secrets) }] };
      },
    );
  }
  registerMcpApps(server);
  options.catalog.extend?.(server, { events: options.events, tasks: options.tasks });
  return server;
}
