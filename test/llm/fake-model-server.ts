import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

/** A recorded response body from fixtures/ (what Gemini / an OpenAI-compatible server sends on the wire). */
export function fixture(name: string): unknown {
  return JSON.parse(readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8')) as unknown;
}

export interface RecordedRequest {
  method: string;
  path: string;
  headers: IncomingMessage['headers'];
  body: Record<string, unknown>;
}

/** One scripted answer: a status, a JSON body and headers; `delayMs` holds it back (timeouts). */
export interface ScriptedReply {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
  delayMs?: number;
}

export const reply = (body: unknown, status = 200, headers?: Record<string, string>): ScriptedReply => ({
  status,
  body,
  ...(headers ? { headers } : {}),
});

/**
 * A local HTTP server speaking the two wire formats the model planners use:
 * - Gemini REST: POST /{v1beta|v1}/models/{model}:generateContent (key in x-goog-api-key)
 * - OpenAI chat completions: POST {prefix}/chat/completions
 * It answers from a queue of scripted replies (recorded fixtures) and records every request. Requests that do
 * not have the shape the real API requires get the real API's 400, so a wrong request cannot pass by accident.
 */
export async function startFakeModelServer() {
  const requests: RecordedRequest[] = [];
  const queue: ScriptedReply[] = [];
  const sockets = new Set<Socket>();

  const send = (res: ServerResponse, answer: ScriptedReply) => {
    res.writeHead(answer.status, { 'content-type': 'application/json; charset=UTF-8', ...answer.headers });
    res.end(JSON.stringify(answer.body));
  };

  const server: Server = createServer((req, res) => {
    let raw = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => (raw += chunk));
    req.on('end', () => {
      const path = req.url ?? '';
      let body: Record<string, unknown>;
      try {
        body = JSON.parse(raw) as Record<string, unknown>;
      } catch {
        send(
          res,
          reply({ error: { code: 400, message: 'Invalid JSON payload received.', status: 'INVALID_ARGUMENT' } }, 400),
        );
        return;
      }
      requests.push({ method: req.method ?? '', path, headers: req.headers, body });
      const problem = /:generateContent$/.test(path)
        ? geminiRequestProblem(req, body)
        : /\/chat\/completions$/.test(path)
          ? openAiRequestProblem(body)
          : `no route ${req.method} ${path}`;
      if (problem !== undefined) {
        send(
          res,
          reply(
            { error: { code: problem.startsWith('no route') ? 404 : 400, message: problem } },
            problem.startsWith('no route') ? 404 : 400,
          ),
        );
        return;
      }
      const next = queue.shift();
      if (!next) {
        send(res, reply({ error: { code: 500, message: 'the test scripted no reply for this request' } }, 500));
        return;
      }
      if (next.delayMs) setTimeout(() => !res.destroyed && send(res, next), next.delayMs);
      else send(res, next);
    });
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    url,
    requests,
    /** Queues replies, answered in order. */
    script(...replies: ScriptedReply[]) {
      queue.push(...replies);
    },
    reset() {
      requests.length = 0;
      queue.length = 0;
    },
    pending: () => queue.length,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

export type FakeModelServer = Awaited<ReturnType<typeof startFakeModelServer>>;

function geminiRequestProblem(req: IncomingMessage, body: Record<string, unknown>): string | undefined {
  if (!req.headers['x-goog-api-key']) return "Method doesn't allow unregistered callers. Please use API Key.";
  const contents = body['contents'];
  if (!Array.isArray(contents) || contents.length === 0)
    return '* GenerateContentRequest.contents: contents is not specified';
  const config = body['generationConfig'] as Record<string, unknown> | undefined;
  if (config?.['responseJsonSchema'] !== undefined && config['responseMimeType'] !== 'application/json') {
    return 'response_mime_type must be application/json when response_json_schema is set';
  }
  if (config?.['responseJsonSchema'] !== undefined && config['responseSchema'] !== undefined) {
    return 'response_schema and response_json_schema are mutually exclusive';
  }
  return undefined;
}

function openAiRequestProblem(body: Record<string, unknown>): string | undefined {
  if (typeof body['model'] !== 'string') return "'model' is a required property";
  const messages = body['messages'];
  if (!Array.isArray(messages) || messages.length === 0) return "'messages' is a required property";
  for (const m of messages as { role?: unknown; content?: unknown }[]) {
    if (!['system', 'user', 'assistant'].includes(String(m.role)) || typeof m.content !== 'string') {
      return 'messages: each needs a role and string content';
    }
  }
  return undefined;
}
