import { AppError, isRetryableStatus, retryWithBackoff } from '@airflow-mcp/core';
import { ApiError, GoogleGenAI } from '@google/genai';
import type { Embedder } from './embedder.js';
import { embedderRetryPolicy, type EmbedderRetryOptions } from './embedder-retry-policy.js';
import { embeddingError } from './embedding-error.js';
import { normalizeVector } from './normalize-vector.js';

export interface GeminiEmbedderOptions extends EmbedderRetryOptions {
  apiKey: string;
  /** Default gemini-embedding-001. */
  model?: string;
  /** outputDimensionality, default 768; vectors are L2-normalised since only the full size comes normalised. */
  dimensions?: number;
  /** Another endpoint speaking the Gemini REST API (tests, proxies). */
  baseUrl?: string;
  /** Texts per request, at most 100 (the API's batch limit). */
  batchSize?: number;
  /** Per-request timeout in ms (default 60,000). */
  timeoutMs?: number;
}

/** Gemini embeddings through @google/genai: RETRIEVAL_DOCUMENT for documents, RETRIEVAL_QUERY for queries. */
export class GeminiEmbedder implements Embedder {
  readonly id: string;
  readonly dimensions: number;
  private readonly client: GoogleGenAI;
  private readonly model: string;
  private readonly batchSize: number;

  constructor(private readonly options: GeminiEmbedderOptions) {
    if (!options.apiKey) {
      throw new AppError(
        'INVALID_INPUT',
        'The Gemini embedder needs an API key: set GEMINI_API_KEY or choose EMBEDDER=local.',
      );
    }
    this.model = options.model ?? 'gemini-embedding-001';
    this.dimensions = options.dimensions ?? 768;
    this.batchSize = Math.min(100, Math.max(1, options.batchSize ?? 100));
    this.id = `gemini:${this.model}:${this.dimensions}`;
    this.client = new GoogleGenAI({
      apiKey: options.apiKey,
      httpOptions: { timeout: options.timeoutMs ?? 60_000, ...(options.baseUrl ? { baseUrl: options.baseUrl } : {}) },
    });
  }

  async embedDocuments(texts: readonly string[]): Promise<Float32Array[]> {
    const out: Float32Array[] = [];
    for (let i = 0; i < texts.length; i += this.batchSize) {
      out.push(...(await this.embedBatch(texts.slice(i, i + this.batchSize), 'RETRIEVAL_DOCUMENT')));
    }
    return out;
  }

  async embedQuery(text: string): Promise<Float32Array> {
    const [vector] = await this.embedBatch([text], 'RETRIEVAL_QUERY');
    if (!vector) throw new AppError('DEPENDENCY_FAILED', 'Gemini returned no embedding for the query.');
    return vector;
  }

  private async embedBatch(texts: readonly string[], taskType: string): Promise<Float32Array[]> {
    if (texts.length === 0) return [];
    const response = await retryWithBackoff(
      () =>
        this.client.models.embedContent({
          model: this.model,
          // the API refuses empty parts
          contents: texts.map((t) => (t.trim() === '' ? ' ' : t)),
          config: { taskType, outputDimensionality: this.dimensions },
        }),
      {
        ...embedderRetryPolicy(this.options),
        isRetryable: (error) => !(error instanceof ApiError) || isRetryableStatus(error.status),
        retryAfterMs,
      },
    ).catch((error: unknown) => {
      throw embeddingError({
        provider: 'Gemini',
        status: error instanceof ApiError ? error.status : undefined,
        detail: error instanceof Error ? error.message : String(error),
        secrets: [this.options.apiKey],
        cause: error,
      });
    });
    const embeddings = response.embeddings ?? [];
    if (embeddings.length !== texts.length) {
      throw new AppError(
        'DEPENDENCY_FAILED',
        `Gemini returned ${embeddings.length} embeddings for ${texts.length} texts; retry the ingest.`,
      );
    }
    return embeddings.map((embedding) => {
      const values = embedding.values ?? [];
      if (values.length !== this.dimensions) {
        throw new AppError(
          'DEPENDENCY_FAILED',
          `Gemini returned ${values.length}-dimensional embeddings, expected ${this.dimensions}: check that the model (${this.model}) supports outputDimensionality.`,
        );
      }
      return normalizeVector(Float32Array.from(values));
    });
  }
}

/** The RetryInfo delay ("41.5s") a Gemini 429 body carries, in ms. */
function retryAfterMs(error: unknown): number | undefined {
  if (!(error instanceof ApiError)) return undefined;
  const match = /"retryDelay"\s*:\s*"(\d+(?:\.\d+)?)s"/.exec(error.message);
  return match ? Number(match[1]) * 1000 : undefined;
}
