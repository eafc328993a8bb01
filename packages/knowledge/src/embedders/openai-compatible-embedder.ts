import { AppError, isRetryableStatus, retryWithBackoff } from '@airflow-mcp/core';
import type { Embedder } from './embedder.js';
import { embedderRetryPolicy, type EmbedderRetryOptions } from './embedder-retry-policy.js';
import { embeddingError } from './embedding-error.js';
import { normalizeVector } from './normalize-vector.js';

export interface OpenAICompatibleEmbedderOptions extends EmbedderRetryOptions {
  /** Server root, e.g. http://localhost:11434 (Ollama) or http://localhost:8000 (vLLM); a trailing /v1 is fine. */
  baseUrl: string;
  model: string;
  /** The model's vector length; sent as `dimensions` only when `sendDimensions` is true. */
  dimensions: number;
  sendDimensions?: boolean;
  apiKey?: string;
  /** Texts per request (default 64). */
  batchSize?: number;
  /** Prefixes some models expect (e.g. "search_query: " / "search_document: " for nomic-embed-text). */
  queryPrefix?: string;
  documentPrefix?: string;
  timeoutMs?: number;
  fetch?: typeof fetch;
}

class HttpStatusError extends Error {
  constructor(
    readonly status: number,
    body: string,
  ) {
    super(body);
  }
}

/** Embeddings from any server speaking OpenAI's POST /v1/embeddings (Ollama, vLLM, LM Studio, TEI). */
export class OpenAICompatibleEmbedder implements Embedder {
  readonly id: string;
  readonly dimensions: number;
  private readonly url: string;
  private readonly fetch: typeof fetch;

  constructor(private readonly options: OpenAICompatibleEmbedderOptions) {
    this.dimensions = options.dimensions;
    this.id = `openai:${options.model}:${options.dimensions}`;
    const root = options.baseUrl.replace(/\/+$/, '');
    this.url = `${root.endsWith('/v1') ? root : `${root}/v1`}/embeddings`;
    this.fetch = options.fetch ?? globalThis.fetch;
  }

  async embedDocuments(texts: readonly string[]): Promise<Float32Array[]> {
    const size = Math.max(1, this.options.batchSize ?? 64);
    const prefix = this.options.documentPrefix ?? '';
    const out: Float32Array[] = [];
    for (let i = 0; i < texts.length; i += size) {
      out.push(...(await this.embedBatch(texts.slice(i, i + size).map((t) => prefix + t))));
    }
    return out;
  }

  async embedQuery(text: string): Promise<Float32Array> {
    const [vector] = await this.embedBatch([(this.options.queryPrefix ?? '') + text]);
    if (!vector) throw new AppError('DEPENDENCY_FAILED', 'The embeddings server returned nothing for the query.');
    return vector;
  }

  private async embedBatch(input: readonly string[]): Promise<Float32Array[]> {
    if (input.length === 0) return [];
    const body = JSON.stringify({
      model: this.options.model,
      input,
      encoding_format: 'float',
      ...(this.options.sendDimensions ? { dimensions: this.dimensions } : {}),
    });
    const json = await retryWithBackoff(
      async () => {
        const response = await this.fetch(this.url, {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            ...(this.options.apiKey ? { authorization: `Bearer ${this.options.apiKey}` } : {}),
          },
          body,
          signal: AbortSignal.timeout(this.options.timeoutMs ?? 60_000),
        });
        if (!response.ok) throw new HttpStatusError(response.status, await response.text());
        return (await response.json()) as { data?: { embedding?: number[]; index?: number }[] };
      },
      {
        ...embedderRetryPolicy(this.options),
        isRetryable: (error) => isRetryableStatus(error instanceof HttpStatusError ? error.status : undefined),
      },
    ).catch((error: unknown) => {
      throw embeddingError({
        provider: `Embeddings server ${this.url}`,
        status: error instanceof HttpStatusError ? error.status : undefined,
        detail: error instanceof Error ? error.message : String(error),
        secrets: this.options.apiKey ? [this.options.apiKey] : [],
        cause: error,
      });
    });
    const data = [...(json.data ?? [])].sort((a, b) => (a.index ?? 0) - (b.index ?? 0));
    if (data.length !== input.length) {
      throw new AppError(
        'DEPENDENCY_FAILED',
        `The embeddings server returned ${data.length} vectors for ${input.length} texts.`,
      );
    }
    return data.map(({ embedding = [] }) => {
      if (embedding.length !== this.dimensions) {
        throw new AppError(
          'DEPENDENCY_FAILED',
          `${this.options.model} returned ${embedding.length}-dimensional vectors but ${this.dimensions} were configured: set the embedder dimensions to ${embedding.length}.`,
        );
      }
      return normalizeVector(Float32Array.from(embedding));
    });
  }
}
