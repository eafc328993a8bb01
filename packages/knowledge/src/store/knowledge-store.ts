import { AppError } from '@airflow-mcp/core';
import type { SqlClient, SqlQueryable } from '@airflow-mcp/state';
import type { KnowledgeDocument } from '../knowledge-document.js';
import { migrate } from './migrate.js';
import { filtersToSql, hasFilters, type SearchFilters } from './search-filters.js';
import type {
  ChunkInput,
  ChunkRecord,
  IndexedChunk,
  StoreChange,
  StoredDocument,
  VectorSearchMode,
} from './store-types.js';
import { parseVectorLiteral, toVectorLiteral } from './vector-sql.js';

export interface KnowledgeStoreOptions {
  client: SqlClient;
  /** The embedder that fills the store: its id and size are recorded and checked on every open. */
  embedder: { id: string; dimensions: number };
  /** Below this many chunks, vector search scans exactly instead of using the HNSW index (default 2,000). */
  exactSearchBelow?: number;
  /** Delete every document first and adopt this embedder (switching embedders, `ingest --reset`). */
  reset?: boolean;
}

const DOCUMENT_COLUMNS = `d.id, d.source, d.path, d.title, d.doc_type, d.category, d.airflow_version, d.lang, d.tags,
  d.format, d.content_hash, d.updated_at::text AS updated_at`;

interface DocumentRow {
  id: number;
  source: string;
  path: string;
  title: string;
  doc_type: string;
  category: string;
  airflow_version: string;
  lang: string;
  tags: string[];
  format: string;
  content_hash: string;
  updated_at: string;
  chunk_count: number;
}

/**
 * Documents and their chunks (text, heading path, embedding, full-text vector) in PostgreSQL + pgvector,
 * through a SqlClient (PGlite or a pg Pool). Every document write is one transaction.
 */
export class KnowledgeStore {
  readonly client: SqlClient;
  readonly embedderId: string;
  readonly dimensions: number;
  private readonly exactSearchBelow: number;
  private chunkCount = 0;

  private constructor(options: KnowledgeStoreOptions) {
    this.client = options.client;
    this.embedderId = options.embedder.id;
    this.dimensions = options.embedder.dimensions;
    this.exactSearchBelow = options.exactSearchBelow ?? 2000;
  }

  /**
   * Migrates, then checks the embedder: an empty store adopts it (resizing the vector column if needed);
   * a filled store made by another embedder is refused with the two ways out.
   */
  static async open(options: KnowledgeStoreOptions): Promise<KnowledgeStore> {
    const store = new KnowledgeStore(options);
    await migrate(store.client, { dimensions: store.dimensions });
    await store.client.transaction(async (tx) => {
      await tx.query('LOCK TABLE knowledge.meta IN EXCLUSIVE MODE');
      if (options.reset) await tx.query('DELETE FROM knowledge.documents');
      const meta = await readMeta(tx);
      const chunks = await countRows(tx, 'knowledge.chunks');
      const matches = meta.embedder_id === store.embedderId && Number(meta.dimensions) === store.dimensions;
      if (!matches && chunks > 0 && meta.embedder_id !== undefined) {
        throw new AppError(
          'CONFLICT',
          `The knowledge store holds ${chunks} chunks embedded by "${meta.embedder_id}" (${meta.dimensions} dimensions), ` +
            `but the configured embedder is "${store.embedderId}" (${store.dimensions}). Either set the embedder back ` +
            `(EMBEDDER / GEMINI_EMBEDDING_MODEL) or re-ingest from scratch with \`airflow-mcp ingest --reset\`.`,
          { details: { stored: meta.embedder_id, configured: store.embedderId } },
        );
      }
      if (!matches) await adoptEmbedder(tx, store.embedderId, store.dimensions);
      store.chunkCount = chunks;
    });
    return store;
  }

  /**
   * The id of the embedder that filled the store in this database, without migrating or changing anything;
   * undefined when the knowledge schema does not exist yet or holds no chunks.
   */
  static async storedEmbedder(client: SqlClient): Promise<string | undefined> {
    const { rows } = await client.query<{ present: boolean }>(
      "SELECT to_regclass('knowledge.meta') IS NOT NULL AND to_regclass('knowledge.chunks') IS NOT NULL AS present",
    );
    if (!rows[0]?.present) return undefined;
    const meta = await readMeta(client);
    const chunks = await countRows(client, 'knowledge.chunks');
    return chunks === 0 ? undefined : meta.embedder_id;
  }

  /** Deletes every document and chunk and records the current embedder: the way to switch embedders. */
  async reset(): Promise<void> {
    await this.client.transaction(async (tx) => {
      await tx.query('DELETE FROM knowledge.documents');
      await adoptEmbedder(tx, this.embedderId, this.dimensions);
    });
    this.chunkCount = 0;
  }

  async close(): Promise<void> {
    await this.client.close();
  }

  async listDocuments(filter: { source?: string } = {}): Promise<StoredDocument[]> {
    const params: unknown[] = [];
    const where = filter.source === undefined ? 'TRUE' : `d.source = $${params.push(filter.source)}`;
    const { rows } = await this.client.query<DocumentRow>(
      `SELECT ${DOCUMENT_COLUMNS}, (SELECT count(*)::int FROM knowledge.chunks c WHERE c.document_id = d.id) AS chunk_count
       FROM knowledge.documents d WHERE ${where} ORDER BY d.source, d.path`,
      params,
    );
    return rows.map(toStoredDocument);
  }

  /** One document with its full text, by path (and source when paths repeat across sources). */
  async getDocument(path: string, source?: string): Promise<(StoredDocument & { body: string }) | undefined> {
    const params: unknown[] = [path];
    const where = source === undefined ? '' : ` AND d.source = $${params.push(source)}`;
    const { rows } = await this.client.query<DocumentRow & { body: string }>(
      `SELECT ${DOCUMENT_COLUMNS}, d.body, (SELECT count(*)::int FROM knowledge.chunks c WHERE c.document_id = d.id) AS chunk_count
       FROM knowledge.documents d WHERE d.path = $1${where} ORDER BY d.id LIMIT 1`,
      params,
    );
    const row = rows[0];
    return row ? { ...toStoredDocument(row), body: row.body } : undefined;
  }

  /** Inserts or replaces one document and all its chunks in a single transaction. */
  async replaceDocument(input: {
    source: string;
    document: KnowledgeDocument;
    contentHash: string;
    chunks: readonly ChunkInput[];
  }): Promise<StoreChange & { documentId: number }> {
    for (const chunk of input.chunks) {
      if (chunk.embedding.length !== this.dimensions) {
        throw new AppError(
          'CONFLICT',
          `A chunk of ${input.document.path} has ${chunk.embedding.length} dimensions; the store holds ${this.dimensions}.`,
        );
      }
    }
    const { metadata } = input.document;
    const result = await this.client.transaction(async (tx) => {
      const existing = await tx.query<{ id: number }>(
        'SELECT id FROM knowledge.documents WHERE source = $1 AND path = $2 FOR UPDATE',
        [input.source, input.document.path],
      );
      const fields = [
        metadata.title,
        metadata.docType,
        metadata.category,
        metadata.airflowVersion,
        metadata.lang,
        [...metadata.tags],
        input.document.format,
        input.document.body,
        input.contentHash,
      ];
      let documentId: number;
      let removedChunkIds: number[] = [];
      const previous = existing.rows[0];
      if (previous) {
        documentId = previous.id;
        const removed = await tx.query<{ id: number }>(
          'DELETE FROM knowledge.chunks WHERE document_id = $1 RETURNING id',
          [documentId],
        );
        removedChunkIds = removed.rows.map((r) => r.id);
        await tx.query(
          `UPDATE knowledge.documents SET title = $2, doc_type = $3, category = $4, airflow_version = $5, lang = $6,
             tags = $7, format = $8, body = $9, content_hash = $10, updated_at = now() WHERE id = $1`,
          [documentId, ...fields],
        );
      } else {
        const inserted = await tx.query<{ id: number }>(
          `INSERT INTO knowledge.documents
             (source, path, title, doc_type, category, airflow_version, lang, tags, format, body, content_hash)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING id`,
          [input.source, input.document.path, ...fields],
        );
        documentId = (inserted.rows[0] as { id: number }).id;
      }
      const added = await insertChunks(tx, documentId, input.chunks);
      return { documentId, removedChunkIds, addedIds: added };
    });
    this.chunkCount += result.addedIds.length - result.removedChunkIds.length;
    const fields = {
      docType: metadata.docType,
      category: metadata.category,
      airflowVersion: metadata.airflowVersion,
      lang: metadata.lang,
    };
    return {
      documentId: result.documentId,
      removedChunkIds: result.removedChunkIds,
      added: result.addedIds.map(({ id, ordinal }) => ({
        id,
        documentId: result.documentId,
        source: input.source,
        embedding: (input.chunks.find((c) => c.ordinal === ordinal) as ChunkInput).embedding,
        ...fields,
      })),
    };
  }

  async deleteDocument(documentId: number): Promise<StoreChange> {
    const removedChunkIds = await this.client.transaction(async (tx) => {
      const removed = await tx.query<{ id: number }>('SELECT id FROM knowledge.chunks WHERE document_id = $1', [
        documentId,
      ]);
      await tx.query('DELETE FROM knowledge.documents WHERE id = $1', [documentId]);
      return removed.rows.map((r) => r.id);
    });
    this.chunkCount -= removedChunkIds.length;
    return { added: [], removedChunkIds };
  }

  /** Chunks known to this process (exact after open and after each write through this store). */
  get approximateChunkCount(): number {
    return this.chunkCount;
  }

  async countChunks(): Promise<number> {
    this.chunkCount = await countRows(this.client, 'knowledge.chunks');
    return this.chunkCount;
  }

  /**
   * Nearest chunks by cosine distance. `exact` scans every chunk; `index` walks the HNSW index (iterative scan
   * when filtering, so filters do not starve the result); `auto` is exact below `exactSearchBelow` chunks.
   */
  async vectorSearch(
    embedding: Float32Array,
    options: { limit: number; filters?: SearchFilters; mode?: VectorSearchMode },
  ): Promise<{ chunkId: number; distance: number }[]> {
    const limit = Math.max(1, Math.floor(options.limit));
    const params: unknown[] = [toVectorLiteral(embedding), limit];
    const filtered = hasFilters(options.filters);
    const where = filtersToSql(options.filters, params);
    const sql = filtered
      ? `SELECT c.id, c.embedding <=> $1::vector AS distance FROM knowledge.chunks c
         JOIN knowledge.documents d ON d.id = c.document_id WHERE ${where}
         ORDER BY c.embedding <=> $1::vector LIMIT $2`
      : `SELECT c.id, c.embedding <=> $1::vector AS distance FROM knowledge.chunks c
         ORDER BY c.embedding <=> $1::vector LIMIT $2`;
    const mode = options.mode ?? 'auto';
    const exact = mode === 'exact' || (mode === 'auto' && this.chunkCount < this.exactSearchBelow);
    const run = async (tx: SqlQueryable) => (await tx.query<{ id: number; distance: number }>(sql, params)).rows;
    const rows = await this.client.transaction(async (tx) => {
      if (exact) {
        await tx.query('SET LOCAL enable_indexscan = off');
      } else {
        await tx.query('SET LOCAL enable_seqscan = off');
        await tx.query(`SET LOCAL hnsw.ef_search = ${Math.min(1000, Math.max(100, limit * 2))}`);
        if (filtered) await tx.query('SET LOCAL hnsw.iterative_scan = relaxed_order');
      }
      return run(tx);
    });
    return rows
      .map((r) => ({ chunkId: r.id, distance: Number(r.distance) }))
      .sort((a, b) => a.distance - b.distance || a.chunkId - b.chunkId);
  }

  /** Full-text search: chunks matching any of the terms, ranked by ts_rank (heading terms weigh more). */
  async textSearch(
    terms: readonly string[],
    options: { limit: number; filters?: SearchFilters },
  ): Promise<{ chunkId: number; rank: number }[]> {
    const words = [
      ...new Set(
        terms
          .flatMap((t) =>
            t
              .normalize('NFKC')
              .toLowerCase()
              .split(/[^\p{L}\p{N}]+/u),
          )
          .filter(Boolean),
      ),
    ];
    if (words.length === 0) return [];
    const params: unknown[] = [words.join(' | '), Math.max(1, Math.floor(options.limit))];
    const where = filtersToSql(options.filters, params);
    const { rows } = await this.client.query<{ id: number; rank: number }>(
      `SELECT c.id, ts_rank(c.tsv, q) AS rank
       FROM knowledge.chunks c JOIN knowledge.documents d ON d.id = c.document_id, to_tsquery('simple', $1) q
       WHERE c.tsv @@ q AND ${where}
       ORDER BY rank DESC, c.id LIMIT $2`,
      params,
    );
    return rows.map((r) => ({ chunkId: r.id, rank: Number(r.rank) }));
  }

  /** In how many chunks each indexed word occurs, and how many chunks there are (for query term weighting). */
  async termFrequencies(): Promise<{ chunks: number; documentFrequency: Map<string, number> }> {
    const { rows } = await this.client.query<{ word: string; ndoc: number }>(
      `SELECT word, ndoc FROM ts_stat('SELECT tsv FROM knowledge.chunks')`,
    );
    return {
      chunks: await this.countChunks(),
      documentFrequency: new Map(rows.map((r) => [r.word, Number(r.ndoc)])),
    };
  }

  async getChunks(ids: readonly number[]): Promise<ChunkRecord[]> {
    if (ids.length === 0) return [];
    const { rows } = await this.client.query<{
      id: number;
      document_id: number;
      source: string;
      path: string;
      title: string;
      ordinal: number;
      heading_path: string;
      text: string;
      doc_type: string;
      category: string;
      airflow_version: string;
      lang: string;
    }>(
      `SELECT c.id, c.document_id, d.source, d.path, d.title, c.ordinal, c.heading_path, c.text,
              d.doc_type, d.category, d.airflow_version, d.lang
       FROM knowledge.chunks c JOIN knowledge.documents d ON d.id = c.document_id
       WHERE c.id = ANY($1::int[])`,
      [[...ids]],
    );
    return rows.map((r) => ({
      id: r.id,
      documentId: r.document_id,
      source: r.source,
      path: r.path,
      title: r.title,
      ordinal: r.ordinal,
      headingPath: r.heading_path,
      text: r.text,
      docType: r.doc_type,
      category: r.category,
      airflowVersion: r.airflow_version,
      lang: r.lang,
    }));
  }

  /** Pages through every chunk's embedding in id order, for building the in-process index. */
  async *scanEmbeddings(batchSize = 1000): AsyncGenerator<IndexedChunk[]> {
    let after = 0;
    for (;;) {
      const { rows } = await this.client.query<{
        id: number;
        document_id: number;
        source: string;
        embedding: string;
        doc_type: string;
        category: string;
        airflow_version: string;
        lang: string;
      }>(
        `SELECT c.id, c.document_id, d.source, c.embedding::text AS embedding, d.doc_type, d.category, d.airflow_version, d.lang
         FROM knowledge.chunks c JOIN knowledge.documents d ON d.id = c.document_id
         WHERE c.id > $1 ORDER BY c.id LIMIT $2`,
        [after, batchSize],
      );
      if (rows.length === 0) return;
      after = (rows.at(-1) as { id: number }).id;
      yield rows.map((r) => ({
        id: r.id,
        documentId: r.document_id,
        source: r.source,
        embedding: parseVectorLiteral(r.embedding),
        docType: r.doc_type,
        category: r.category,
        airflowVersion: r.airflow_version,
        lang: r.lang,
      }));
      if (rows.length < batchSize) return;
    }
  }
}

async function insertChunks(
  tx: SqlQueryable,
  documentId: number,
  chunks: readonly ChunkInput[],
): Promise<{ id: number; ordinal: number }[]> {
  if (chunks.length === 0) return [];
  const { rows } = await tx.query<{ id: number; ordinal: number }>(
    `INSERT INTO knowledge.chunks (document_id, ordinal, heading_path, text, search_heading, search_text, embedding)
     SELECT $1, o, h, t, sh, st, e::vector
     FROM unnest($2::int[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[]) AS u(o, h, t, sh, st, e)
     RETURNING id, ordinal`,
    [
      documentId,
      chunks.map((c) => c.ordinal),
      chunks.map((c) => c.headingPath),
      chunks.map((c) => c.text),
      chunks.map((c) => c.searchHeading),
      chunks.map((c) => c.searchText),
      chunks.map((c) => toVectorLiteral(c.embedding)),
    ],
  );
  return rows;
}

async function readMeta(tx: SqlQueryable): Promise<Record<string, string | undefined>> {
  const { rows } = await tx.query<{ key: string; value: string }>('SELECT key, value FROM knowledge.meta');
  return Object.fromEntries(rows.map((r) => [r.key, r.value]));
}

async function countRows(tx: SqlQueryable, table: string): Promise<number> {
  const { rows } = await tx.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${table}`);
  return rows[0]?.n ?? 0;
}

/** Records the embedder; an empty chunks table is retyped to its vector size (with the HNSW index rebuilt). */
async function adoptEmbedder(tx: SqlQueryable, embedderId: string, dimensions: number): Promise<void> {
  const { rows } = await tx.query<{ type: string }>(
    `SELECT format_type(a.atttypid, a.atttypmod) AS type FROM pg_attribute a
     WHERE a.attrelid = 'knowledge.chunks'::regclass AND a.attname = 'embedding'`,
  );
  if (rows[0]?.type !== `vector(${dimensions})`) {
    await tx.query('DROP INDEX IF EXISTS knowledge.chunks_embedding_hnsw');
    await tx.query(`ALTER TABLE knowledge.chunks ALTER COLUMN embedding TYPE vector(${dimensions})`);
    await tx.query('CREATE INDEX chunks_embedding_hnsw ON knowledge.chunks USING hnsw (embedding vector_cosine_ops)');
  }
  for (const [key, value] of [
    ['embedder_id', embedderId],
    ['dimensions', String(dimensions)],
  ]) {
    await tx.query(
      'INSERT INTO knowledge.meta (key, value) VALUES ($1, $2) ON CONFLICT (key) DO UPDATE SET value = excluded.value',
      [key, value],
    );
  }
}

function toStoredDocument(row: DocumentRow): StoredDocument {
  return {
    id: row.id,
    source: row.source,
    path: row.path,
    title: row.title,
    docType: row.doc_type,
    category: row.category,
    airflowVersion: row.airflow_version,
    lang: row.lang,
    tags: row.tags,
    format: row.format,
    contentHash: row.content_hash,
    updatedAt: row.updated_at,
    chunkCount: row.chunk_count,
  };
}
