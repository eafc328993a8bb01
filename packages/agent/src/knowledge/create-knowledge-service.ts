import type { Logger } from '@airflow-mcp/core';
import {
  createKnowledgeBase,
  createMiniLmEmbedder,
  defaultEmbeddingModelDir,
  GeminiEmbedder,
  hasOnnxModel,
  KnowledgeStore,
  LocalEmbedder,
  OnnxEmbedder,
  OpenAICompatibleEmbedder,
  readPrecomputedVectors,
  withPrecomputedVectors,
  type Embedder,
  type KnowledgeBase,
  type IngestSummary,
} from '@airflow-mcp/knowledge';
import type { SqlClient } from '@airflow-mcp/state';

export interface KnowledgeServiceOptions {
  embedder: 'auto' | 'gemini' | 'local' | 'minilm' | 'openai';
  gemini: { apiKey: string | undefined; model: string; baseUrl: string | undefined };
  openai: { baseUrl: string | undefined; apiKey: string | undefined; model: string | undefined; dimensions?: number };
  /** The service's database (PostgreSQL or PGlite), opened and closed by the caller; knowledge has its own schema. */
  client: SqlClient;
  /** The bundled corpus, ingested incrementally in the background at start (unchanged documents are skipped). */
  corpusDir?: string | undefined;
  /** Delete everything stored first (switching embedders). */
  reset?: boolean;
  /** The corpus whose .vectors/ folder holds precomputed vectors (default corpusDir): its chunks are not embedded again. */
  vectorsFrom?: string | undefined;
  /** The in-process model's folder (default: where `npm run setup` installs it). */
  modelDir?: string;
  logger?: Logger;
}

/**
 * The embedder EMBEDDER names. auto: Gemini with an API key; else the store's own embedder when it already holds
 * chunks (so an existing DATA_DIR keeps working; `ingest --reset` switches); else all-MiniLM-L6-v2 in process when
 * `npm run setup` installed it; else the hashing embedder.
 */
export async function chooseEmbedder(
  options: Pick<KnowledgeServiceOptions, 'embedder' | 'gemini' | 'openai' | 'reset' | 'modelDir'>,
  client?: SqlClient,
): Promise<Embedder> {
  const modelDir = options.modelDir ?? defaultEmbeddingModelDir();
  let kind = options.embedder;
  if (kind === 'auto') {
    const stored = client && !options.reset ? await KnowledgeStore.storedEmbedder(client) : undefined;
    kind = options.gemini.apiKey
      ? 'gemini'
      : stored?.startsWith('local-hash')
        ? 'local'
        : // a MiniLM store whose model is gone is refused naming npm run setup, not as a conflict of embedders
          stored?.startsWith('all-minilm') || hasOnnxModel(modelDir)
          ? 'minilm'
          : 'local';
  }
  if (kind === 'gemini') {
    return new GeminiEmbedder({
      apiKey: options.gemini.apiKey ?? '',
      model: options.gemini.model,
      ...(options.gemini.baseUrl ? { baseUrl: options.gemini.baseUrl } : {}),
    });
  }
  if (kind === 'openai') {
    return new OpenAICompatibleEmbedder({
      baseUrl: options.openai.baseUrl ?? '',
      model: options.openai.model ?? 'nomic-embed-text',
      dimensions: options.openai.dimensions ?? 768,
      ...(options.openai.apiKey ? { apiKey: options.openai.apiKey } : {}),
    });
  }
  if (kind === 'minilm') return createMiniLmEmbedder(modelDir);
  return new LocalEmbedder();
}

/**
 * The knowledge base the service runs with: the embedder chosen by EMBEDDER, the store (PostgreSQL + pgvector, or
 * PGlite), the retriever with its hnswlib cache, and the bundled corpus kept in sync in the background.
 */
export async function createKnowledgeService(options: KnowledgeServiceOptions) {
  const model = await chooseEmbedder(options, options.client);
  const vectorsFrom = options.vectorsFrom ?? options.corpusDir;
  const precomputed = vectorsFrom ? readPrecomputedVectors(vectorsFrom, model) : undefined;
  const reusing = precomputed ? withPrecomputedVectors(model, precomputed) : undefined;
  const embedder = reusing ?? model;
  const kb: KnowledgeBase = await createKnowledgeBase({
    client: options.client,
    embedder,
    ...(options.reset ? { reset: true } : {}),
    ...(options.logger ? { logger: options.logger } : {}),
  });
  let corpus: Promise<IngestSummary | undefined> = Promise.resolve(undefined);
  if (options.corpusDir) {
    corpus = kb
      .ingest([{ path: options.corpusDir, source: 'bundled-corpus' }])
      .then((summary) => {
        options.logger?.info(
          {
            embedder: embedder.id,
            chunksEmbedded: summary.chunksEmbedded,
            ...(reusing ? { precomputedVectors: reusing.counts } : {}),
          },
          'bundled knowledge corpus in the store',
        );
        // load the in-process model now (~0.5 s) rather than on the first question
        if (model instanceof OnnxEmbedder) void model.embedQuery('warm up').catch(() => undefined);
        return summary;
      })
      .catch((error: unknown) => {
        options.logger?.warn(
          { err: error },
          'ingesting the bundled knowledge corpus failed; search works on what is stored',
        );
        return undefined;
      });
  }
  return {
    retriever: kb.retriever,
    store: kb.store,
    embedder: kb.embedder,
    ingest: kb.ingest,
    /** Resolves when the bundled corpus is in the store. */
    corpusReady: corpus,
    async close() {
      await corpus;
      await kb.close();
    },
  };
}

export type KnowledgeService = Awaited<ReturnType<typeof createKnowledgeService>>;
