import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { OpenAICompatibleEmbedder } from './openai-compatible-embedder.js';

interface Recorded {
  url: string;
  authorization: string | undefined;
  body: { model: string; input: string[]; encoding_format?: string; dimensions?: number };
}

describe('OpenAICompatibleEmbedder against a local server speaking POST /v1/embeddings', () => {
  const recorded: Recorded[] = [];
  const failures: number[] = [];
  let dimensionsServed = 4;
  const server: Server = createServer((req, res) => {
    let raw = '';
    req.on('data', (chunk: Buffer) => (raw += chunk.toString()));
    req.on('end', () => {
      const body = JSON.parse(raw) as Recorded['body'];
      recorded.push({ url: req.url ?? '', authorization: req.headers.authorization, body });
      const failure = failures.shift();
      res.setHeader('content-type', 'application/json');
      if (failure !== undefined) {
        res.statusCode = failure;
        res.end(JSON.stringify({ error: { message: 'slow down', type: 'rate_limit' } }));
        return;
      }
      // answer out of order, as the index field allows
      const data = body.input
        .map((text, index) => ({
          object: 'embedding',
          index,
          embedding: Array.from({ length: dimensionsServed }, (_, i) => (i === 0 ? text.length : 1)),
        }))
        .reverse();
      res.end(JSON.stringify({ object: 'list', data, model: body.model }));
    });
  });
  let baseUrl = '';

  beforeAll(async () => {
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));
  beforeEach(() => {
    recorded.length = 0;
    failures.length = 0;
    dimensionsServed = 4;
  });

  it('posts batches to /v1/embeddings, keeps input order and normalises', async () => {
    const embedder = new OpenAICompatibleEmbedder({
      baseUrl,
      model: 'nomic-embed-text',
      dimensions: 4,
      apiKey: 'sk-local',
      batchSize: 2,
      documentPrefix: 'search_document: ',
    });
    const vectors = await embedder.embedDocuments(['a', 'bbb', 'cc']);
    expect(embedder.id).toBe('openai:nomic-embed-text:4');
    expect(recorded.map((r) => r.url)).toEqual(['/v1/embeddings', '/v1/embeddings']);
    expect(recorded[0]?.body).toEqual({
      model: 'nomic-embed-text',
      input: ['search_document: a', 'search_document: bbb'],
      encoding_format: 'float',
    });
    expect(recorded[0]?.authorization).toBe('Bearer sk-local');
    const lengths = vectors.map((v) => Math.hypot(...v));
    lengths.forEach((l) => expect(l).toBeCloseTo(1, 5));
    // the first component grows with the text length: order was kept despite the reversed answer
    expect((vectors[1]?.[0] ?? 0) > (vectors[0]?.[0] ?? 0)).toBe(true);
  });

  it('accepts a base URL ending in /v1 and retries a 429', async () => {
    failures.push(429);
    const embedder = new OpenAICompatibleEmbedder({
      baseUrl: `${baseUrl}/v1/`,
      model: 'm',
      dimensions: 4,
      initialDelayMs: 1,
    });
    await embedder.embedQuery('q');
    expect(recorded.map((r) => r.url)).toEqual(['/v1/embeddings', '/v1/embeddings']);
  });

  it('names the right dimension setting when the server returns another size', async () => {
    dimensionsServed = 6;
    const embedder = new OpenAICompatibleEmbedder({ baseUrl, model: 'bge', dimensions: 4 });
    await expect(embedder.embedQuery('q')).rejects.toThrow(/set the embedder dimensions to 6/);
  });

  it('reports an unreachable server as UNAVAILABLE after retries', async () => {
    const embedder = new OpenAICompatibleEmbedder({
      baseUrl: 'http://127.0.0.1:9',
      model: 'm',
      dimensions: 4,
      retries: 1,
      initialDelayMs: 1,
    });
    await expect(embedder.embedQuery('q')).rejects.toMatchObject({ code: 'UNAVAILABLE' });
  });
});
