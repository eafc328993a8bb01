/**
 * The console's only way to the service: a stateless MCP 2026-07-28 client of this origin's /mcp (JSON-RPC
 * tools/call with the protocol version, Mcp-Method and Mcp-Name headers the server requires), authorised by the
 * signed-in key or OAuth access token as a Bearer header. No cookie: nothing the browser would send on its own.
 */
const PROTOCOL_VERSION = '2026-07-28';

/** A tool answered with an error result (scope, tenant, validation, Airflow): its text is written for people. */
export class ToolError extends Error {
  constructor(
    message: string,
    readonly code: string | undefined,
  ) {
    super(message);
  }
}

/** The key or token was refused (401/403 at the HTTP layer). */
export class SignInError extends Error {}

export interface McpClient {
  callTool<T>(name: string, args?: Record<string, unknown>): Promise<T>;
  listTools(): Promise<{ name: string; annotations?: { readOnlyHint?: boolean } }[]>;
}

interface JsonRpcAnswer {
  id?: number;
  result?: Record<string, unknown>;
  error?: { code: number; message: string };
}

function answersIn(text: string, contentType: string): JsonRpcAnswer[] {
  if (!contentType.includes('text/event-stream')) return [JSON.parse(text) as JsonRpcAnswer];
  return text
    .split(/\r?\n/)
    .filter((line) => line.startsWith('data:'))
    .map((line) => JSON.parse(line.slice(5)) as JsonRpcAnswer);
}

export function createMcpClient(token: string, endpoint = new URL('/mcp', location.origin)): McpClient {
  let nextId = 1;
  async function request(method: string, params: Record<string, unknown>, name?: string) {
    const id = nextId++;
    const response = await fetch(endpoint, {
      method: 'POST',
      credentials: 'omit',
      headers: {
        'content-type': 'application/json',
        accept: 'application/json, text/event-stream',
        'mcp-protocol-version': PROTOCOL_VERSION,
        'mcp-method': method,
        ...(name ? { 'mcp-name': name } : {}),
        authorization: `Bearer ${token}`,
      },
      body: JSON.stringify({
        jsonrpc: '2.0',
        id,
        method,
        params: {
          ...params,
          _meta: {
            'io.modelcontextprotocol/protocolVersion': PROTOCOL_VERSION,
            'io.modelcontextprotocol/clientInfo': { name: 'airflow-mcp-console', version: '1.0.0' },
            'io.modelcontextprotocol/clientCapabilities': {},
          },
        },
      }),
    });
    const text = await response.text();
    if (response.status === 401 || response.status === 403) {
      let message = `HTTP ${response.status}`;
      try {
        message = (JSON.parse(text) as JsonRpcAnswer).error?.message ?? message;
      } catch {
        // not JSON: keep the status
      }
      throw new SignInError(message);
    }
    const answers = answersIn(text, response.headers.get('content-type') ?? '');
    const answer = answers.find((a) => a.id === id) ?? answers.at(-1);
    if (!answer) throw new Error(`The service gave no answer (HTTP ${response.status}).`);
    if (answer.error) throw new ToolError(answer.error.message, undefined);
    return answer.result ?? {};
  }
  return {
    async callTool<T>(name: string, args: Record<string, unknown> = {}): Promise<T> {
      const result = await request('tools/call', { name, arguments: args }, name);
      if (result.isError) {
        const content = result.content as { type: string; text?: string }[] | undefined;
        const text = content?.find((c) => c.type === 'text')?.text ?? 'The tool failed.';
        const meta = result._meta as { code?: string } | undefined;
        throw new ToolError(text.replace(/^[A-Z_]+: /, ''), meta?.code);
      }
      return result.structuredContent as T;
    },
    async listTools() {
      const result = await request('tools/list', {});
      return (result.tools ?? []) as { name: string; annotations?: { readOnlyHint?: boolean } }[];
    },
  };
}
