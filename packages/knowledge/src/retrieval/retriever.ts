import { AppError, createLruCache, type Logger, type LruCache, silentLogger } from '@airflow-mcp/core';
import type { Embedder } from '../embedders/embedder.js';
import type { KnowledgeStore } from '../store/knowledge-store.js';
import { hasFilters, type SearchFilters } from '../store/search-filters.js';
import type { ChunkRecord, StoreChange, VectorSearchMode } from '../store/store-types.js';
import { contentTerms } from '../text/tokenize.js';
import { englishModelText, expandQuery } from './expand-query.js';
import { type FusedDocument, fuseDocuments } from './fuse-documents.js';
import type { HnswCache } from './hnsw-cache.js';

export type RetrievalMode = 'hybrid' | 'vector' | 'text';

export interface SearchOptions {
  /** Results wanted (default 5, at most 50). */
  k?: number;
  /** Drop results whose fused score (0..1, 1 = first in every list) is below this. */
  minScore?: number;
  filters?: SearchFilters;
  /** hybrid (default) fuses vector and full-text rankings; the others use one of them alone. */
  mode?: RetrievalMode;
  /** At most this many chunks of one document (default 2). */
  maxPerDocument?: number;
  /** Where the vector half runs: the hnsw cache when warm (auto, default), or always the database. */
  vectorSource?: 'auto' | 'database';
  /** For the database: exact scan, HNSW index, or exact below the store's threshold (auto). */
  vectorMode?: VectorSearchMode;
  /** The vector ranking's weight in the fusion against full text's 1 (default 4 for a semantic embedder, else 1). */
  vectorWeight?: number;
  /**
   * In the vector ranking from the warm cache, how much a chunk's document as a whole (its centroid's z-scored
   * similarity to the query) adds to the chunk's own z-scored similarity (default 0.2).
   */
  documentWeight?: number;
}

export interface SearchResult {
  /** The document's path within its source, e.g. "databases/duckdb.md". */
  doc: string;
  source: string;
  title: string;
  /** The heading path of the chunk, e.g. "DuckDB > Bulk loading". */
  section: string;
  score: number;
  text: string;
  chunkId: number;
  docType: string;
  category: string;
  airflowVersion: string;
  lang: string;
}

export interface RetrieverOptions {
  store: KnowledgeStore;
  embedder: Embedder;
  /** The in-process vector index; without it the vector half always runs in the database. */
  cache?: HnswCache;
  /** Recent result sets kept (default 256); cleared on every store change. */
  resultCacheSize?: number;
  /** Candidates each half contributes to the fusion (default 50, at least 4k). */
  candidates?: number;
  /** Longer queries are refused (default 2,000 characters). */
  maxQueryLength?: number;
  /** Full-text search leaves out query words found in more than this share of chunks (default 0.2). */
  commonTermShare?: number;
  logger?: Logger;
}

/**
 * Hybrid search over the knowledge store: vector similarity (hnsw cache when warm, else pgvector) and
 * PostgreSQL full-text search, both on the query expanded with the bilingual lexicon. Documents compete, not
 * chunks: each half ranks documents by their best chunk and the two document rankings are fused by reciprocal rank
 * fusion (k = 10); with the warm cache, vector similarities from different sources are first standardised per
 * source, so short curated notes do not crowd out long reference pages, and a chunk's score adds how close its
 * whole document (the centroid of its chunks) is to the query.
 */
export class Retriever {
  readonly maxQueryLength: number;
  private readonly results: LruCache<SearchResult[]>;
  private frequencies: Promise<{ chunks: number; documentFrequency: Map<string, number> } | undefined> | undefined;
  private readonly commonTermShare: number;
  private readonly log: Logger;

  constructor(private readonly options: RetrieverOptions) {
    this.maxQueryLength = options.maxQueryLength ?? 2000;
    this.results = createLruCache<SearchResult[]>(options.resultCacheSize ?? 256);
    this.commonTermShare = options.commonTermShare ?? 0.2;
    this.log = options.logger ?? silentLogger;
  }

  get cacheState(): HnswCache['state'] | 'none' {
    return this.options.cache?.state ?? 'none';
  }

  /** Starts building the hnsw cache from the store (resolves when warm or failed; never rejects). */
  warm(): Promise<void> {
    return this.options.cache?.build(this.options.store) ?? Promise.resolve();
  }

  /** Applies a committed store change to the cache and forgets cached results. */
  applyChange(change: StoreChange): void {
    this.options.cache?.apply(change);
    this.results.clear();
    this.frequencies = undefined;
  }

  async search(query: string, options: SearchOptions = {}): Promise<SearchResult[]> {
    const trimmed = query.trim();
    if (trimmed === '') throw new AppError('INVALID_INPUT', 'The search query is empty: say what to look for.');
    if (trimmed.length > this.maxQueryLength) {
      throw new AppError(
        'INVALID_INPUT',
        `The search query is ${trimmed.length} characters; the limit is ${this.maxQueryLength}. Shorten it to the key terms.`,
        { details: { limit: this.maxQueryLength, length: trimmed.length } },
      );
    }
    const k = Math.min(50, Math.max(1, Math.floor(options.k ?? 5)));
    const mode = options.mode ?? 'hybrid';
    const key = JSON.stringify([
      trimmed,
      k,
      options.minScore ?? 0,
      options.filters ?? {},
      mode,
      options.maxPerDocument ?? 2,
      options.vectorSource ?? 'auto',
      options.vectorMode ?? 'auto',
      options.vectorWeight ?? null,
      options.documentWeight ?? null,
    ]);
    const cached = this.results.get(key);
    if (cached) return cached;

    const expanded = expandQuery(trimmed);
    const candidates = Math.max(this.options.candidates ?? 50, k * 4);
    const [vectorIds, textIds] = await Promise.all([
      mode === 'text' ? Promise.resolve([]) : this.vectorCandidates(this.vectorQuery(trimmed), candidates, options),
      mode === 'vector' ? Promise.resolve([]) : this.textCandidates(expanded, candidates, options.filters),
    ]);
    const records = new Map(
      (await this.options.store.getChunks([...new Set([...vectorIds, ...textIds])])).map((r) => [r.id, r]),
    );
    const vectorWeight = options.vectorWeight ?? (this.options.embedder.semantic ? 4 : 1);
    const documents = fuseDocuments([vectorIds, textIds], {
      documentOf: (id) => records.get(id)?.documentId,
      weights: [vectorWeight, 1],
    });
    const results = this.toResults(documents, records, {
      k,
      maxPerDocument: options.maxPerDocument ?? 2,
      minScore: options.minScore ?? 0,
    });
    this.results.set(key, results);
    return results;
  }

  /** An English-only model gets the English words of the query (a Korean one's lexicon translation). */
  private vectorQuery(query: string): string {
    return this.options.embedder.queryLanguage === 'en' ? englishModelText(query) : expandQuery(query);
  }

  private async vectorCandidates(query: string, limit: number, options: SearchOptions): Promise<number[]> {
    const embedding = await this.options.embedder.embedQuery(query);
    const cache = this.options.cache;
    if (cache?.state === 'warm' && (options.vectorSource ?? 'auto') === 'auto') {
      const hits = cache.search(embedding, { limit, ...(options.filters ? { filters: options.filters } : {}) });
      // a narrow filter can starve the graph walk: then ask the database, which filters exactly
      if (!hasFilters(options.filters) || hits.length >= Math.min(limit, cache.size)) {
        const documentWeight = options.documentWeight ?? 0.2;
        const standardize = cache.contextScorer(embedding, documentWeight);
        if (!standardize) return hits.map((h) => h.chunkId);
        return hits
          .map((h) => ({ id: h.chunkId, score: standardize(h.chunkId, 1 - h.distance) }))
          .sort((a, b) => b.score - a.score)
          .map((h) => h.id);
      }
    }
    const hits = await this.options.store.vectorSearch(embedding, {
      limit,
      ...(options.filters ? { filters: options.filters } : {}),
      ...(options.vectorMode ? { mode: options.vectorMode } : {}),
    });
    return hits.map((h) => h.chunkId);
  }

  private async textCandidates(query: string, limit: number, filters: SearchFilters | undefined): Promise<number[]> {
    const terms = await this.distinctiveTerms(contentTerms(query));
    const hits = await this.options.store.textSearch(terms, { limit, ...(filters ? { filters } : {}) });
    return hits.map((h) => h.chunkId);
  }

  /**
   * ts_rank weighs every query word alike, so words found in a large share of the chunks ("dag", "table" in
   * this corpus) would decide the ranking; they are left out while rarer words remain.
   */
  private async distinctiveTerms(terms: readonly string[]): Promise<string[]> {
    this.frequencies ??= this.options.store.termFrequencies().catch(() => undefined);
    const stats = await this.frequencies;
    if (!stats || stats.chunks < 50) return [...terms];
    const share = (term: string) => (stats.documentFrequency.get(term) ?? 0) / stats.chunks;
    const distinctive = terms.filter((term) => share(term) <= this.commonTermShare);
    return distinctive.length > 0 ? distinctive : [...terms];
  }

  /**
   * The best documents' chunks, a document's extra chunks (up to maxPerDocument) right after its best one. A chunk's
   * score is its document's fused score, scaled down for the extra chunks by their chunk-level fused score.
   */
  private toResults(
    documents: readonly FusedDocument[],
    records: ReadonlyMap<number, ChunkRecord>,
    options: { k: number; maxPerDocument: number; minScore: number },
  ): SearchResult[] {
    const out: SearchResult[] = [];
    for (const document of documents) {
      const best = document.chunks[0]?.score ?? 0;
      for (const chunk of document.chunks.slice(0, Math.max(1, options.maxPerDocument))) {
        const record = records.get(chunk.id);
        const score = best === 0 ? 0 : (document.score * chunk.score) / best;
        if (!record || score < options.minScore) continue;
        out.push(toResult(record, score));
        if (out.length === options.k) break;
      }
      if (out.length === options.k) break;
    }
    this.log.debug({ results: out.length }, 'knowledge search');
    return out;
  }
}

function toResult(record: ChunkRecord, score: number): SearchResult {
  return {
    doc: record.path,
    source: record.source,
    title: record.title,
    section: record.headingPath,
    score: Math.round(score * 10_000) / 10_000,
    text: record.text,
    chunkId: record.id,
    docType: record.docType,
    category: record.category,
    airflowVersion: record.airflowVersion,
    lang: record.lang,
  };
}
