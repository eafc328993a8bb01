import { classifyInboundRequest } from '@modelcontextprotocol/server';
import type { TaskOwner, TaskStore } from './task-store.js';
import { declaresTasks, TASKS_EXTENSION } from './tasks-extension.js';

/** An HTTP answer to a JSON-RPC request: its status and body. */
export interface TasksHttpAnswer {
  status: number;
  body: { jsonrpc: '2.0'; id: unknown; result?: Record<string, unknown>; error?: Record<string, unknown> };
}

export interface TasksRequest {
  tasks: TaskStore;
  owner: TaskOwner;
  /** The parsed JSON body of a 2026-07-28 POST. */
  body: unknown;
  headers: { protocolVersion?: string | undefined; method?: string | undefined; name?: string | undefined };
  /** Tools that cannot answer without a task: a call of one from a client without the extension is refused. */
  taskOnlyTools: ReadonlySet<string>;
}

const TASK_METHODS = new Set(['tasks/get', 'tasks/update', 'tasks/cancel']);
const HEADER_MISMATCH = -32020;
const MISSING_CLIENT_CAPABILITY = -32021;
const INVALID_PARAMS = -32602;

/**
 * The Tasks extension's methods (tasks/get, tasks/update, tasks/cancel) on 2026-07-28, which the SDK's handler does
 * not know: validated like the SDK validates its own methods (its classifier for the envelope and version, then the
 * SEP-2243 headers with `Mcp-Name` = `params.taskId`, then the client's declared capability) and answered from the
 * caller's tasks. Also refuses, before any handler runs, a call of a tool that needs a task from a client that did
 * not declare the extension. Anything else is undefined: the SDK answers it.
 */
export function answerTasksRequest(request: TasksRequest): TasksHttpAnswer | undefined {
  const { body, headers } = request;
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return undefined;
  const { method, id, params } = body as { method?: unknown; id?: unknown; params?: Record<string, unknown> };
  if (id === undefined || typeof method !== 'string') return undefined;
  const isTaskMethod = TASK_METHODS.has(method);
  const needsTask =
    method === 'tools/call' && request.taskOnlyTools.has(String(params?.name)) && !declaresTasks(params?._meta);
  if (!isTaskMethod && !needsTask) return undefined;
  const outcome = classifyInboundRequest({
    httpMethod: 'POST',
    ...(headers.protocolVersion === undefined ? {} : { protocolVersionHeader: headers.protocolVersion }),
    ...(headers.method === undefined ? {} : { mcpMethodHeader: headers.method }),
    ...(headers.name === undefined ? {} : { mcpNameHeader: headers.name }),
    body,
  });
  if (outcome.kind === 'legacy') return undefined;
  if (outcome.kind === 'reject') {
    return failure(id, outcome.httpStatus, outcome.code, outcome.message, outcome.data);
  }
  if (needsTask) {
    // Header problems of a tools/call are the SDK's to answer.
    if (headers.method?.trim() !== method || headers.name?.trim() !== params?.name) return undefined;
    return missingCapability(id, `The tool ${String(params?.name)} runs only as a task`);
  }
  const taskId = params?.taskId;
  const problem =
    headers.protocolVersion === undefined
      ? 'the MCP-Protocol-Version header is missing'
      : headers.method?.trim() !== method
        ? `the Mcp-Method header must be ${method}`
        : headers.name?.trim() !== taskId
          ? 'the Mcp-Name header must carry params.taskId'
          : undefined;
  if (problem)
    return failure(id, 400, HEADER_MISMATCH, `Bad Request: the request headers and body disagree: ${problem}.`);
  if (!declaresTasks(params?._meta)) return missingCapability(id, `${method} belongs to the Tasks extension`);
  if (typeof taskId !== 'string') return failure(id, 200, INVALID_PARAMS, 'Invalid params: taskId must be a string.');
  return dispatch(request, { id, method, taskId, params: params ?? {} });
}

function dispatch(
  request: TasksRequest,
  call: { id: unknown; method: string; taskId: string; params: Record<string, unknown> },
): TasksHttpAnswer {
  const { tasks, owner } = request;
  const notFound = () =>
    failure(
      call.id,
      200,
      INVALID_PARAMS,
      `Task ${call.taskId} not found: it never existed for this key, or it expired.`,
    );
  switch (call.method) {
    case 'tasks/get': {
      const view = tasks.get(owner, call.taskId);
      return view ? success(call.id, { resultType: 'complete', ...view }) : notFound();
    }
    case 'tasks/update': {
      const responses = call.params.inputResponses;
      if (typeof responses !== 'object' || responses === null || Array.isArray(responses)) {
        return failure(
          call.id,
          200,
          INVALID_PARAMS,
          'Invalid params: inputResponses must be an object keyed by input request.',
        );
      }
      return tasks.update(owner, call.taskId, responses as Record<string, unknown>)
        ? success(call.id, { resultType: 'complete' })
        : notFound();
    }
    default:
      return tasks.cancel(owner, call.taskId) ? success(call.id, { resultType: 'complete' }) : notFound();
  }
}

function missingCapability(id: unknown, why: string): TasksHttpAnswer {
  return failure(
    id,
    400,
    MISSING_CLIENT_CAPABILITY,
    `Missing required client capability: ${why}; declare the ${TASKS_EXTENSION} extension in the request's client capabilities.`,
    { requiredCapabilities: { extensions: { [TASKS_EXTENSION]: {} } } },
  );
}

function success(id: unknown, result: Record<string, unknown>): TasksHttpAnswer {
  return { status: 200, body: { jsonrpc: '2.0', id, result } };
}

function failure(id: unknown, status: number, code: number, message: string, data?: unknown): TasksHttpAnswer {
  return { status, body: { jsonrpc: '2.0', id, error: { code, message, ...(data === undefined ? {} : { data }) } } };
}
