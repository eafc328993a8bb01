import { LocalEmbedder } from '@airflow-mcp/knowledge';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A local HTTP server speaking Gemini's :batchEmbedContents wire format. Its vectors come from the local
 * embedder (so search quality is meaningful), scaled so that the client has to normalise them.
 */
export async function startFakeGemini(): Promise<{ baseUrl: string; requests: number; close(): Promise<void> }> {
  const local = new LocalEmbedder();
  const state = { requests: 0 };
  const server = createServer((req, res) => {
    let raw = '';
    req.on('data', (chunk: Buffer) => (raw += chunk.toString()));
    req.on('end', () => {
      state.requests++;
      if (!/\/models\/gemini-embedding-001:batchEmbedContents$/.test(req.url ?? '') || req.method !== 'POST') {
        res.statusCode = 404;
        res.end(JSON.stringify({ error: { code: 404, message: `no route ${req.url}`, status: 'NOT_FOUND' } }));
        return;
      }
      const body = JSON.parse(raw) as { requests: { content: { parts: { text: string }[] } }[] };
      const embeddings = body.requests.map((r) => ({
        values: Array.from(local.embed(r.content.parts.map((p) => p.text).join(' ')), (v) => v * 3),
      }));
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ embeddings }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    get requests() {
      return state.requests;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
