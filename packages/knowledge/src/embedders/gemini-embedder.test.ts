import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { GeminiEmbedder } from './gemini-embedder.js';

interface Recorded {
  method: string;
  url: string;
  apiKey: string | undefined;
  body: {
    requests: {
      model: string;
      content: { parts: { text: string }[] };
      taskType: string;
      outputDimensionality: number;
    }[];
  };
}

/** Speaks Gemini's REST wire format for :batchEmbedContents; `failures` lists statuses to answer first. */
function startFakeGemini() {
  const recorded: Recorded[] = [];
  const failures: number[] = [];
  const server: Server = createServer((req: IncomingMessage, res) => {
    let raw = '';
    req.on('data', (chunk: Buffer) => (raw += chunk.toString()));
    req.on('end', () => {
      const body = JSON.parse(raw) as Recorded['body'];
      recorded.push({
        method: req.method ?? '',
        url: req.url ?? '',
        apiKey: req.headers['x-goog-api-key'] as string,
        body,
      });
      const failure = failures.shift();
      res.setHeader('content-type', 'application/json');
      if (failure !== undefined) {
        res.statusCode = failure;
        res.end(
          JSON.stringify({
            error: {
              code: failure,
              message: failure === 429 ? 'Resource has been exhausted (e.g. check quota).' : 'internal',
              status: failure === 429 ? 'RESOURCE_EXHAUSTED' : 'INTERNAL',
              details: [{ '@type': 'type.googleapis.com/google.rpc.RetryInfo', retryDelay: '0.02s' }],
            },
          }),
        );
        return;
      }
      // unnormalised vectors: value i = length of the text + i, so the client must normalise
      const embeddings = body.requests.map((r) => ({
        values: Array.from({ length: r.outputDimensionality }, (_, i) => (r.content.parts[0]?.text.length ?? 0) + i),
      }));
      res.end(JSON.stringify({ embeddings }));
    });
  });
  return { server, recorded, failures };
}

describe('GeminiEmbedder against a local server speaking the Gemini REST API', () => {
  const fake = startFakeGemini();
  let baseUrl = '';

  beforeAll(async () => {
    await new Promise<void>((resolve) => fake.server.listen(0, '127.0.0.1', resolve));
    baseUrl = `http://127.0.0.1:${(fake.server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => fake.server.close(() => resolve())));
  beforeEach(() => {
    fake.recorded.length = 0;
    fake.failures.length = 0;
  });

  // @google/genai 3.x calls /v1/ (2.x called /v1beta/): both are served by the Gemini API.
  it('sends documents to :batchEmbedContents in batches of at most 100 with the document task type', async () => {
    const embedder = new GeminiEmbedder({ apiKey: 'test-key-123', baseUrl, initialDelayMs: 1 });
    const texts = Array.from({ length: 230 }, (_, i) => `document ${i}`);
    const vectors = await embedder.embedDocuments(texts);

    expect(embedder.id).toBe('gemini:gemini-embedding-001:768');
    expect(vectors).toHaveLength(230);
    expect(fake.recorded.map((r) => r.body.requests.length)).toEqual([100, 100, 30]);
    const first = fake.recorded[0] as Recorded;
    expect(first.method).toBe('POST');
    expect(first.url).toBe('/v1/models/gemini-embedding-001:batchEmbedContents');
    expect(first.apiKey).toBe('test-key-123');
    expect(first.body.requests[0]).toEqual({
      model: 'models/gemini-embedding-001',
      content: { role: 'user', parts: [{ text: 'document 0' }] },
      taskType: 'RETRIEVAL_DOCUMENT',
      outputDimensionality: 768,
    });
    const vector = vectors[5] as Float32Array;
    expect(vector).toHaveLength(768);
    expect(Math.hypot(...vector)).toBeCloseTo(1, 4);
  });

  it('embeds a query with the query task type', async () => {
    const embedder = new GeminiEmbedder({ apiKey: 'k', baseUrl, dimensions: 16 });
    const vector = await embedder.embedQuery('how to retry');
    expect(vector).toHaveLength(16);
    expect(fake.recorded[0]?.body.requests[0]?.taskType).toBe('RETRIEVAL_QUERY');
    expect(fake.recorded[0]?.body.requests[0]?.outputDimensionality).toBe(16);
  });

  it('retries 429 and 503 answers, then succeeds', async () => {
    fake.failures.push(429, 503);
    const embedder = new GeminiEmbedder({ apiKey: 'k', baseUrl, dimensions: 8, initialDelayMs: 5, maxDelayMs: 50 });
    const vectors = await embedder.embedDocuments(['a', 'b']);
    expect(vectors).toHaveLength(2);
    expect(fake.recorded).toHaveLength(3);
  });

  it('gives up with RATE_LIMITED after the retries and never shows the key', async () => {
    fake.failures.push(429, 429, 429);
    const embedder = new GeminiEmbedder({
      apiKey: 'AIzaSecretSecret',
      baseUrl,
      dimensions: 8,
      retries: 2,
      initialDelayMs: 1,
      maxDelayMs: 30,
    });
    const error = await embedder.embedQuery('x').catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'RATE_LIMITED', retryable: true });
    expect(String((error as Error).message)).not.toContain('AIzaSecretSecret');
    expect(fake.recorded).toHaveLength(3);
  });

  it('does not retry a 400 and reports it as invalid input', async () => {
    fake.failures.push(400);
    const embedder = new GeminiEmbedder({ apiKey: 'k', baseUrl, dimensions: 8, initialDelayMs: 1 });
    await expect(embedder.embedQuery('x')).rejects.toMatchObject({ code: 'INVALID_INPUT' });
    expect(fake.recorded).toHaveLength(1);
  });
});
