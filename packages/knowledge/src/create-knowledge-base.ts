import { type Logger, silentLogger } from '@airflow-mcp/core';
import { createPgClient, createPgliteClient, type SqlClient } from '@airflow-mcp/state';
import type { Embedder } from './embedders/embedder.js';
import { ingestDocuments, type IngestOptions, type IngestRoot, type IngestSummary } from './ingest/ingest-documents.js';
import { HnswCache } from './retrieval/hnsw-cache.js';
import { Retriever } from './retrieval/retriever.js';
import type { SplitOptions } from './splitter/split-document.js';
import { KnowledgeStore } from './store/knowledge-store.js';

export interface KnowledgeBaseOptions {
  /**
   * A database the caller opened and will close (shared with other stores: the knowledge tables live in their own
   * schema). When absent, one is opened from `databaseUrl` or `dataDir` and closed with the knowledge base.
   */
  client?: SqlClient;
  /** PostgreSQL with pgvector; when absent, PGlite in `dataDir` (or in memory without one). */
  databaseUrl?: string;
  /** PGlite's folder, e.g. `<DATA_DIR>/knowledge`. */
  dataDir?: string;
  embedder: Embedder;
  split?: SplitOptions;
  /** The in-process hnsw index for the vector half (default true); built in the background at start. */
  vectorCache?: boolean;
  /** Delete everything stored and adopt this embedder (switching embedders). */
  reset?: boolean;
  logger?: Logger;
}

export interface KnowledgeBase {
  store: KnowledgeStore;
  retriever: Retriever;
  embedder: Embedder;
  /** Ingests folders or files incrementally; the retriever's caches follow each committed document. */
  ingest(
    roots: readonly (string | IngestRoot)[],
    options?: Pick<IngestOptions, 'onProgress' | 'maxFileBytes' | 'embedBatchSize'>,
  ): Promise<IngestSummary>;
  close(): Promise<void>;
}

/** Opens the store (migrating it), checks the embedder against it, and wires a retriever with its caches. */
export async function createKnowledgeBase(options: KnowledgeBaseOptions): Promise<KnowledgeBase> {
  const logger = (options.logger ?? silentLogger).child({ component: 'knowledge' });
  const client: SqlClient = options.client
    ? { ...options.client, close: async () => {} }
    : options.databaseUrl
      ? await createPgClient({ connectionString: options.databaseUrl })
      : await createPgliteClient(options.dataDir ? { dataDir: options.dataDir } : {});
  let store: KnowledgeStore;
  try {
    store = await KnowledgeStore.open({
      client,
      embedder: options.embedder,
      ...(options.reset ? { reset: true } : {}),
    });
  } catch (error) {
    await client.close().catch(() => undefined);
    throw error;
  }
  const cache =
    options.vectorCache === false ? undefined : new HnswCache({ dimensions: options.embedder.dimensions, logger });
  const retriever = new Retriever({ store, embedder: options.embedder, logger, ...(cache ? { cache } : {}) });
  void retriever.warm();
  return {
    store,
    retriever,
    embedder: options.embedder,
    ingest: (roots, ingestOptions = {}) =>
      ingestDocuments({
        ...ingestOptions,
        store,
        embedder: options.embedder,
        roots,
        logger,
        ...(options.split ? { split: options.split } : {}),
        onChange: (change) => retriever.applyChange(change),
      }),
    close: () => store.close(),
  };
}
