/**
 * A minimal 2026-07-28 MCP client speaking the wire itself (per-request `_meta` envelope, MCP-Protocol-Version,
 * Mcp-Method and Mcp-Name headers, a bearer key), for what the SDK v2 client cannot do yet: the Tasks extension.
 * `@modelcontextprotocol/client` 2.4.0 refuses a `resultType: "task"` answer (UnsupportedResultType).
 */
export class WireError extends Error {
  constructor(
    readonly code: number,
    message: string,
    readonly data?: unknown,
  ) {
    super(message);
  }
}

export interface ModernWireClient {
  request(method: string, params?: Record<string, unknown>): Promise<Record<string, unknown>>;
}

export function modernWireClient(
  url: URL,
  options: { token?: string; capabilities?: Record<string, unknown> } = {},
): ModernWireClient {
  let nextId = 1;
  return {
    async request(method, params = {}) {
      const id = nextId++;
      const name = method === 'tools/call' ? params.name : method.startsWith('tasks/') ? params.taskId : undefined;
      const response = await fetch(url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          accept: 'application/json, text/event-stream',
          'mcp-protocol-version': '2026-07-28',
          'mcp-method': method,
          ...(typeof name === 'string' ? { 'mcp-name': name } : {}),
          ...(options.token ? { authorization: `Bearer ${options.token}` } : {}),
        },
        body: JSON.stringify({
          jsonrpc: '2.0',
          id,
          method,
          params: {
            ...params,
            _meta: {
              'io.modelcontextprotocol/protocolVersion': '2026-07-28',
              'io.modelcontextprotocol/clientInfo': { name: 'wire-test-client', version: '1.0.0' },
              'io.modelcontextprotocol/clientCapabilities': options.capabilities ?? {},
            },
          },
        }),
      });
      const text = await response.text();
      const messages = (response.headers.get('content-type') ?? '').includes('text/event-stream')
        ? text
            .split(/\r?\n/)
            .filter((line) => line.startsWith('data:'))
            .map((line) => JSON.parse(line.slice(5)) as Record<string, unknown>)
        : [JSON.parse(text) as Record<string, unknown>];
      const answer = messages.find((m) => m.id === id) ?? messages.at(-1);
      const error = answer?.error as { code: number; message: string; data?: unknown } | undefined;
      if (error) throw new WireError(error.code, error.message, error.data);
      return answer?.result as Record<string, unknown>;
    },
  };
}
