import type { Logger } from '@airflow-mcp/core';
import {
  createKnowledgeBase,
  createMiniLmEmbedder,
  GeminiEmbedder,
  LocalEmbedder,
  OpenAICompatibleEmbedder,
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
  logger?: Logger;
}

export function chooseEmbedder(options: Pick<KnowledgeServiceOptions, 'embedder' | 'gemini' | 'openai'>): Embedder {
  const kind = options.embedder === 'auto' ? (options.gemini.apiKey ? 'gemini' : 'local') : options.embedder;
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
  if (kind === 'minilm') return createMiniLmEmbedder();
  return new LocalEmbedder();
}

/**
 * The knowledge base the service runs with: the embedder chosen by EMBEDDER, the store (PostgreSQL + pgvector, or
 * PGlite), the retriever with its hnswlib cache, and the bundled corpus kept in sync in the background.
 */
export async function createKnowledgeService(options: KnowledgeServiceOptions) {
  const kb: KnowledgeBase = await createKnowledgeBase({
    client: options.client,
    embedder: chooseEmbedder(options),
    ...(options.reset ? { reset: true } : {}),
    ...(options.logger ? { logger: options.logger } : {}),
  });
  let corpus: Promise<IngestSummary | undefined> = Promise.resolve(undefined);
  if (options.corpusDir) {
    corpus = kb.ingest([{ path: options.corpusDir, source: 'bundled-corpus' }]).catch((error: unknown) => {
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
