import { createRateLimiter } from '../http/rate-limiter.js';
import { createOAuthVerifier } from '../http/verify-oauth-token.js';
import { randomUUID } from 'node:crypto';
import { AppError, isAppError } from '@airflow-mcp/core';
import { NodeStreamableHTTPServerTransport, toNodeHandler, toWebRequest } from '@modelcontextprotocol/node';
import {
  createMcpHandler,
  isInitializeRequest,
  isLegacyRequest,
  type McpServer,
  type ServerEventBus,
} from '@modelcontextprotocol/server';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Config } from '../config.js';
import { authenticate, ANONYMOUS_PRINCIPAL } from '../http/authenticate.js';
import { checkHostAndOrigin } from '../http/check-origin.js';
import { statusForError } from '../http/status-for-error.js';
import type { Principal } from '../mcp/define-tool.js';
import type { SessionStore } from '../mcp/session-store.js';
import { answerTasksRequest } from '../mcp/tasks/answer-tasks-request.js';
import type { TaskStore } from '../mcp/tasks/task-store.js';
import type { Metrics } from '../observability/create-metrics.js';

/** What a server built for one 2026-07-28 request serves. */
export interface ModernServing {
  /** The request is a tools/call (a task-capable call may be answered with a task). */
  toolCall: boolean;
}

export interface McpRouteOptions {
  config: Config;
  sessions: SessionStore;
  /** A server for a 2025-11-25 session or request; with `serving`, for one 2026-07-28 request. */
  createServer: (serving?: ModernServing) => McpServer;
  metrics: Metrics;
  /** Change events delivered on 2026-07-28 `subscriptions/listen` streams. */
  events: ServerEventBus;
  /** The Tasks extension's tasks (2026-07-28): tasks/get, tasks/update and tasks/cancel are answered here. */
  tasks: TaskStore;
  /** Tools that answer only with a task (McpCatalog.taskOnlyTools). */
  taskOnlyTools: ReadonlySet<string>;
}

declare module 'fastify' {
  interface FastifyRequest {
    principal: Principal;
    /** Whose rate-limit bucket this request draws on. */
    caller: string;
  }
}

/** JSON-RPC error codes used at the HTTP layer (MCP transports spec and the SDK's conventions). */
const PARSE_ERROR = -32700;
const INVALID_REQUEST = -32600;
const SERVER_ERROR = -32000;
const SESSION_NOT_FOUND = -32001;

function headerOf(request: FastifyRequest, name: string): string | undefined {
  const value = request.headers[name];
  return typeof value === 'string' ? value : undefined;
}

function sendJsonRpcError(reply: FastifyReply, status: number, code: number, message: string) {
  return reply
    .code(status)
    .header('content-type', 'application/json')
    .send({ jsonrpc: '2.0', error: { code, message }, id: null });
}

/**
 * MCP Streamable HTTP at /mcp, both protocol revisions on one endpoint, chosen per request by the SDK's own
 * classification (docs/decisions/0008-mcp-sdk-v2-both-revisions.md):
 * - 2026-07-28: stateless, every POST carries its protocol version, client info and capabilities in `_meta`; one
 *   McpServer per request, served by the SDK's createMcpHandler (server/discover, resultType, cache hints, headers).
 * - 2025-11-25 and earlier: initialize opens a session (Mcp-Session-Id); GET is its server-to-client stream, DELETE
 *   ends it. With MCP_STATELESS one McpServer per request instead.
 */
export async function mcpRoutes(app: FastifyInstance, options: McpRouteOptions): Promise<void> {
  const { config, sessions, createServer, metrics, events, tasks, taskOnlyTools } = options;
  app.decorateRequest('principal', null as unknown as Principal);
  app.decorateRequest('caller', '');
  const limiter = createRateLimiter({ perMinute: config.mcp.rateLimitPerMin });
  const oauth = config.mcp.oauth ? createOAuthVerifier(config.mcp.oauth) : undefined;

  app.addHook('onRequest', async (request, reply) => {
    const problem = checkHostAndOrigin(request.headers.host, request.headers.origin, config.mcp);
    if (problem !== undefined) return sendJsonRpcError(reply, 403, SERVER_ERROR, `Forbidden: ${problem}`);
    try {
      const token = /^Bearer\s+(\S+)\s*$/i.exec(request.headers.authorization ?? '')?.[1];
      if (oauth && token && token.split('.').length === 3) request.principal = await oauth(token);
      else if (oauth && config.mcp.apiKeys.length === 0) {
        throw new AppError(
          'UNAUTHORIZED',
          `This endpoint needs an OAuth access token from ${config.mcp.oauth?.issuer}: send "Authorization: Bearer <token>".`,
        );
      } else request.principal = authenticate(request.headers.authorization, config.mcp.apiKeys);
    } catch (error) {
      const message = isAppError(error) ? error.message : 'Unauthorized';
      // 401 for a missing or invalid token; 403 for a valid one this server will not honour (scopes, tenant claim).
      const status = isAppError(error) && error.code === 'FORBIDDEN' ? statusForError(error.code) : 401;
      reply.header(
        'www-authenticate',
        `Bearer realm="airflow-mcp", error="${status === 403 ? 'insufficient_scope' : 'invalid_token'}", error_description="${message.replace(/"/g, "'")}"` +
          (oauth ? `, resource_metadata="${config.mcp.publicUrl}/.well-known/oauth-protected-resource"` : ''),
      );
      return sendJsonRpcError(reply, status, SERVER_ERROR, message);
    }
    const caller = request.principal === ANONYMOUS_PRINCIPAL ? `ip:${request.ip}` : `key:${request.principal.keyId}`;
    request.caller = caller;
    const wait = limiter.take(caller);
    if (wait > 0) {
      reply.header('retry-after', String(wait));
      return sendJsonRpcError(
        reply,
        429,
        SERVER_ERROR,
        `Too many requests: the limit is ${config.mcp.rateLimitPerMin} a minute (MCP_RATE_LIMIT_PER_MIN); retry in ${wait} s.`,
      );
    }
    return undefined;
  });

  // A GET or DELETE carries no body, but some clients (the Python SDK's session close) still send a JSON content
  // type; Fastify's JSON parser would refuse the empty body with 400 and the session would stay open.
  const parseJson = app.getDefaultJsonParser('error', 'error');
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    if (request.method !== 'POST' && body === '') return done(null, undefined);
    return parseJson(request, body as string, done);
  });

  // A JSON-RPC batch is as many requests as it holds: the first was counted on arrival, the rest once parsed.
  app.addHook('preHandler', async (request, reply) => {
    if (!Array.isArray(request.body) || request.body.length <= 1) return undefined;
    const size = request.body.length;
    const limit = config.mcp.rateLimitPerMin;
    if (limit > 0 && size > limit) {
      return sendJsonRpcError(
        reply,
        429,
        SERVER_ERROR,
        `This batch of ${size} requests is larger than the limit of ${limit} a minute (MCP_RATE_LIMIT_PER_MIN): send fewer at once.`,
      );
    }
    const wait = limiter.take(request.caller, size - 1);
    if (wait === 0) return undefined;
    reply.header('retry-after', String(wait));
    return sendJsonRpcError(
      reply,
      429,
      SERVER_ERROR,
      `Too many requests: this batch of ${size} counts as ${size} against the limit of ${limit} a minute (MCP_RATE_LIMIT_PER_MIN); retry in ${wait} s.`,
    );
  });

  // Fastify parses text/plain by default; MCP carries JSON-RPC only.
  app.addHook('preValidation', async (request, reply) => {
    if (request.method !== 'POST') return undefined;
    const type = request.headers['content-type'] ?? '';
    if (!/^application\/json\s*(;|$)/i.test(type)) {
      return sendJsonRpcError(reply, 415, INVALID_REQUEST, 'Unsupported Content-Type: send application/json.');
    }
    return undefined;
  });

  // Fastify rejects bad bodies before the handler runs: answer in JSON-RPC terms, never with an HTML page or a hang.
  app.setErrorHandler((error: FastifyError, request, reply) => {
    const status = error.statusCode && error.statusCode >= 400 && error.statusCode < 500 ? error.statusCode : 500;
    const code =
      error.code === 'FST_ERR_CTP_INVALID_JSON_BODY' || error instanceof SyntaxError ? PARSE_ERROR : INVALID_REQUEST;
    if (status === 500) request.log.error({ err: error }, 'mcp request failed');
    const message =
      status === 413
        ? `Request body too large: the limit is ${config.mcp.bodyLimitBytes} bytes (MCP_BODY_LIMIT_BYTES).`
        : status === 415
          ? 'Unsupported Content-Type: send application/json.'
          : code === PARSE_ERROR
            ? `Parse error: ${error.message}`
            : status === 500
              ? 'Internal error'
              : error.message;
    return sendJsonRpcError(reply, status, status === 500 ? -32603 : code, message);
  });

  const withAuth = (request: FastifyRequest) => {
    const p = request.principal;
    const auth =
      p === ANONYMOUS_PRINCIPAL
        ? undefined
        : { token: '', clientId: p.keyId, scopes: [...p.scopes], extra: { tenant: p.tenant } };
    return Object.assign(request.raw, { auth });
  };

  const sessionOf = (request: FastifyRequest, reply: FastifyReply) => {
    const id = request.headers['mcp-session-id'];
    if (typeof id !== 'string' || id === '') {
      void sendJsonRpcError(reply, 400, SERVER_ERROR, 'Bad Request: Mcp-Session-Id header is required');
      return undefined;
    }
    const session = sessions.get(id);
    // A session opened with another key is reported as unknown, so ids cannot be probed across keys.
    if (!session || session.keyId !== request.principal.keyId) {
      void sendJsonRpcError(reply, 404, SESSION_NOT_FOUND, 'Session not found: initialize a new session.');
      return undefined;
    }
    return session;
  };

  const routeOptions = { bodyLimit: config.mcp.bodyLimitBytes };
  const modern = createMcpHandler(
    ({ era, requestInfo }) =>
      era === 'modern'
        ? createServer({ toolCall: requestInfo?.headers.get('mcp-method')?.trim() === 'tools/call' })
        : createServer(),
    {
      legacy: 'reject',
      bus: events,
      maxRequestBodySize: config.mcp.bodyLimitBytes,
      onerror: (error) => app.log.debug({ err: error.message }, 'mcp 2026-07-28 request refused or failed'),
    },
  );
  const serveModern = toNodeHandler(modern, { maxRequestBodySize: config.mcp.bodyLimitBytes });
  app.addHook('onClose', async () => modern.close());
  const opening = new Map<string, number>();

  app.post('/mcp', routeOptions, async (request, reply) => {
    if (!(await isLegacyRequest(await toWebRequest(request.raw, request.body), request.body))) {
      metrics.mcpRequests.inc({ revision: '2026-07-28' });
      // The Tasks extension's methods, which the SDK's handler does not know, and calls that need a task.
      const answer = answerTasksRequest({
        tasks,
        owner: request.principal,
        body: request.body,
        headers: {
          protocolVersion: headerOf(request, 'mcp-protocol-version'),
          method: headerOf(request, 'mcp-method'),
          name: headerOf(request, 'mcp-name'),
        },
        taskOnlyTools,
      });
      if (answer) return reply.code(answer.status).header('content-type', 'application/json').send(answer.body);
      reply.hijack();
      await serveModern(withAuth(request), reply.raw, request.body);
      return;
    }
    metrics.mcpRequests.inc({ revision: '2025-11-25' });
    if (config.mcp.stateless) {
      const server = createServer();
      const transport = new NodeStreamableHTTPServerTransport({ sessionIdGenerator: undefined });
      reply.raw.on('close', () => {
        void transport.close();
        void server.close();
      });
      await server.connect(transport);
      reply.hijack();
      await transport.handleRequest(withAuth(request), reply.raw, request.body);
      return;
    }
    if (request.headers['mcp-session-id'] !== undefined) {
      const session = sessionOf(request, reply);
      if (!session) return;
      reply.hijack();
      await session.transport.handleRequest(withAuth(request), reply.raw, request.body);
      return;
    }
    if (!isInitializeRequest(request.body)) {
      return sendJsonRpcError(reply, 400, SERVER_ERROR, 'Bad Request: no valid session id; send initialize first.');
    }
    const keyId = request.principal.keyId;
    const bound = config.mcp.maxSessionsPerKey;
    if (bound > 0 && sessions.countFor(keyId) + (opening.get(keyId) ?? 0) >= bound) {
      return sendJsonRpcError(
        reply,
        429,
        SERVER_ERROR,
        `Too many open sessions: this key has ${bound} (MCP_MAX_SESSIONS_PER_KEY). End one with DELETE /mcp, or wait for idle ones to expire.`,
      );
    }
    // Sessions being opened count against the bound, from the check on, until they are in the store (or failed).
    opening.set(keyId, (opening.get(keyId) ?? 0) + 1);
    try {
      const server = createServer();
      const transport: NodeStreamableHTTPServerTransport = new NodeStreamableHTTPServerTransport({
        sessionIdGenerator: () => randomUUID(),
        onsessioninitialized: (id) => {
          sessions.add({ id, server, transport, lastSeen: Date.now(), keyId });
        },
        onsessionclosed: (id) => {
          void sessions.close(id, 'deleted');
        },
      });
      transport.onclose = () => {
        if (transport.sessionId) void sessions.close(transport.sessionId, 'transport');
      };
      await server.connect(transport);
      reply.hijack();
      await transport.handleRequest(withAuth(request), reply.raw, request.body);
    } finally {
      const left = (opening.get(keyId) ?? 1) - 1;
      if (left > 0) opening.set(keyId, left);
      else opening.delete(keyId);
    }
  });

  const streamOrEnd = async (request: FastifyRequest, reply: FastifyReply) => {
    if (config.mcp.stateless) {
      return sendJsonRpcError(
        reply,
        405,
        SERVER_ERROR,
        'Method not allowed: the server runs stateless (MCP_STATELESS=true).',
      );
    }
    const session = sessionOf(request, reply);
    if (!session) return undefined;
    reply.hijack();
    await session.transport.handleRequest(withAuth(request), reply.raw);
    return undefined;
  };
  app.get('/mcp', streamOrEnd);
  app.delete('/mcp', streamOrEnd);
}
