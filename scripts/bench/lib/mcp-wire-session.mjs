// A lean MCP client for load generation: the Streamable HTTP wire protocol by hand (initialize, the initialized
// notification, tools/call, DELETE), reading the SSE or JSON answer. The server does exactly the work it does for
// the SDK client; the load generator spends far less CPU per call, so on a small machine the server is measured,
// not the client. Tests and the mixed phase use the real SDK client.
const PROTOCOL_VERSION = '2025-11-25';

/** Opens a session on `mcpUrl`; `call(name, args)` resolves to the JSON-RPC result or throws. */
export async function openWireSession(mcpUrl) {
  let nextId = 1;
  let sessionId;
  const post = async (message) => {
    const res = await fetch(mcpUrl, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        accept: 'application/json, text/event-stream',
        'mcp-protocol-version': PROTOCOL_VERSION,
        ...(sessionId ? { 'mcp-session-id': sessionId } : {}),
      },
      body: JSON.stringify(message),
    });
    const text = await res.text();
    if (!res.ok) throw new Error(`HTTP ${res.status}: ${text.slice(0, 200)}`);
    sessionId ??= res.headers.get('mcp-session-id') ?? undefined;
    if (message.id === undefined) return undefined;
    const body = (res.headers.get('content-type') ?? '').includes('text/event-stream')
      ? text
          .split('\n')
          .filter((line) => line.startsWith('data:'))
          .map((line) => JSON.parse(line.slice(5)))
          .find((m) => m.id === message.id)
      : JSON.parse(text);
    if (!body) throw new Error('no answer to the request in the response');
    if (body.error) throw new Error(`JSON-RPC ${body.error.code}: ${body.error.message}`);
    return body.result;
  };
  await post({
    jsonrpc: '2.0',
    id: nextId++,
    method: 'initialize',
    params: { protocolVersion: PROTOCOL_VERSION, capabilities: {}, clientInfo: { name: 'bench-wire', version: '1' } },
  });
  await post({ jsonrpc: '2.0', method: 'notifications/initialized' });
  return {
    call: (name, args) =>
      post({ jsonrpc: '2.0', id: nextId++, method: 'tools/call', params: { name, arguments: args } }),
    close: () =>
      fetch(mcpUrl, {
        method: 'DELETE',
        headers: { 'mcp-session-id': sessionId, 'mcp-protocol-version': PROTOCOL_VERSION },
      }).then((r) => r.arrayBuffer()),
  };
}
