import { type Logger, silentLogger } from '@airflow-mcp/core';
import { chunkMatchesFilters, type ChunkFilterFields, type SearchFilters } from '../store/search-filters.js';
import type { IndexedChunk, StoreChange } from '../store/store-types.js';
import { DocumentSimilarity } from './document-similarity.js';
import { SourceSimilarity } from './source-similarity.js';

export type HnswCacheState = 'cold' | 'building' | 'warm' | 'failed';

export interface HnswCacheOptions {
  dimensions: number;
  /** Graph degree (default 16). */
  m?: number;
  /** Build-time candidate list (default 128). */
  efConstruction?: number;
  /** Search-time candidate list, raised to 2k when k is larger (default 128). */
  efSearch?: number;
  logger?: Logger;
}

/** Where the cache reads its vectors from: the store's scanEmbeddings fits. */
export interface EmbeddingSource {
  scanEmbeddings(batchSize?: number): AsyncIterable<IndexedChunk[]>;
}

/**
 * An in-process HNSW index (hnswlib-node, cosine space) over every chunk embedding, used for the vector half
 * of search once warm. This is the only module that loads the native addon, and it loads it lazily: without
 * it the cache stays cold and search keeps using the database.
 */
export class HnswCache {
  private index: HierarchicalNSW | undefined;
  private readonly fields = new Map<number, ChunkFilterFields>();
  private readonly similarity = new SourceSimilarity();
  private readonly documents = new DocumentSimilarity();
  private pending: StoreChange[] = [];
  private building: Promise<void> | undefined;
  private currentState: HnswCacheState = 'cold';
  private readonly log: Logger;
  failure: unknown;

  constructor(private readonly options: HnswCacheOptions) {
    this.log = options.logger ?? silentLogger;
  }

  get state(): HnswCacheState {
    return this.currentState;
  }

  get size(): number {
    return this.fields.size;
  }

  /** Builds the index from the source once; later calls return the same promise. Never rejects. */
  build(source: EmbeddingSource): Promise<void> {
    this.building ??= this.load(source);
    return this.building;
  }

  /** Keeps the index in step with a committed store write (queued while building). */
  apply(change: StoreChange): void {
    if (this.currentState === 'building') {
      this.pending.push(change);
      return;
    }
    if (this.currentState !== 'warm' || !this.index) return;
    this.applyTo(this.index, change);
  }

  /** Nearest chunk ids by cosine distance (1 - cosine, as pgvector's <=>), honouring the filters. */
  search(
    embedding: Float32Array,
    options: { limit: number; filters?: SearchFilters },
  ): { chunkId: number; distance: number }[] {
    const index = this.index;
    if (this.currentState !== 'warm' || !index || this.fields.size === 0) return [];
    const k = Math.min(Math.max(1, options.limit), this.fields.size);
    index.setEf(Math.max(this.options.efSearch ?? 128, k * 2));
    const filters = options.filters;
    const filter = filters
      ? (label: number) => {
          const fields = this.fields.get(label);
          return fields !== undefined && chunkMatchesFilters(fields, filters);
        }
      : undefined;
    const result = index.searchKnn(Array.from(embedding), k, filter);
    return result.neighbors.map((chunkId, i) => ({ chunkId, distance: result.distances[i] ?? 1 }));
  }

  /**
   * Turns a chunk's cosine similarity to this query into a score comparable across sources (see SourceSimilarity);
   * undefined while the cache is not warm or holds one source only, where raw similarities already compare.
   */
  sourceStandardizer(embedding: Float32Array): ((chunkId: number, similarity: number) => number) | undefined {
    if (this.currentState !== 'warm' || this.similarity.sourceCount < 2) return undefined;
    return this.similarity.standardizer(embedding);
  }

  /**
   * Like sourceStandardizer, plus `documentWeight` times the z-score of the chunk's document (see DocumentSimilarity):
   * a chunk ranks higher when its page as a whole is about the query. Similarities are standardised per source even
   * when there is one (within a source that only rescales them, so the two terms add on one scale).
   */
  contextScorer(
    embedding: Float32Array,
    documentWeight: number,
  ): ((chunkId: number, similarity: number) => number) | undefined {
    if (this.currentState !== 'warm') return undefined;
    if (documentWeight <= 0 || this.documents.documentCount < 2) return this.sourceStandardizer(embedding);
    const standardize = this.similarity.standardizer(embedding);
    const documentScore = this.documents.scorer(embedding);
    return (chunkId, similarity) => standardize(chunkId, similarity) + documentWeight * documentScore(chunkId);
  }

  private async load(source: EmbeddingSource): Promise<void> {
    this.currentState = 'building';
    const started = performance.now();
    try {
      const { HierarchicalNSW } = await loadHnswlib();
      const index = new HierarchicalNSW('cosine', this.options.dimensions);
      index.initIndex({
        maxElements: 1024,
        m: this.options.m ?? 16,
        efConstruction: this.options.efConstruction ?? 128,
        allowReplaceDeleted: true,
      });
      for await (const page of source.scanEmbeddings(500)) {
        for (const chunk of page) this.add(index, chunk);
        // let queries and other work run between pages
        await new Promise((resolve) => setImmediate(resolve));
      }
      for (const change of this.pending.splice(0)) this.applyTo(index, change);
      this.index = index;
      this.currentState = 'warm';
      this.log.info({ chunks: this.fields.size, ms: Math.round(performance.now() - started) }, 'hnsw cache warm');
    } catch (error) {
      this.failure = error;
      this.currentState = 'failed';
      this.fields.clear();
      this.log.warn(
        { error: error instanceof Error ? error.message : String(error) },
        'hnsw cache unavailable; vector search stays on the database',
      );
    }
  }

  private applyTo(index: HierarchicalNSW, change: StoreChange): void {
    for (const id of change.removedChunkIds) {
      if (!this.fields.delete(id)) continue;
      this.similarity.remove(id);
      this.documents.remove(id, Float32Array.from(index.getPoint(id)));
      index.markDelete(id);
    }
    for (const chunk of change.added) this.add(index, chunk);
    this.similarity.refill((id) => (this.fields.has(id) ? Float32Array.from(index.getPoint(id)) : undefined));
  }

  private add(index: HierarchicalNSW, chunk: IndexedChunk): void {
    if (index.getCurrentCount() >= index.getMaxElements()) index.resizeIndex(index.getMaxElements() * 2);
    const known = this.fields.has(chunk.id);
    if (known) this.documents.remove(chunk.id, Float32Array.from(index.getPoint(chunk.id)));
    // a known label is updated in place; a new one may take the slot of a deleted point
    index.addPoint(Array.from(chunk.embedding), chunk.id, !known);
    this.similarity.add(chunk.id, chunk.source, chunk.embedding);
    this.documents.add(chunk.id, chunk.documentId, chunk.source, chunk.embedding);
    this.fields.set(chunk.id, {
      docType: chunk.docType,
      category: chunk.category,
      airflowVersion: chunk.airflowVersion,
      lang: chunk.lang,
    });
  }
}

/** The part of hnswlib-node's HierarchicalNSW used here (typed locally so the addon is imported once, lazily). */
interface HierarchicalNSW {
  initIndex(options: {
    maxElements: number;
    m?: number;
    efConstruction?: number;
    randomSeed?: number;
    allowReplaceDeleted?: boolean;
  }): void;
  addPoint(point: number[], label: number, replaceDeleted?: boolean): void;
  markDelete(label: number): void;
  getPoint(label: number): number[];
  searchKnn(
    point: number[],
    k: number,
    filter?: (label: number) => boolean,
  ): { distances: number[]; neighbors: number[] };
  setEf(ef: number): void;
  resizeIndex(maxElements: number): void;
  getMaxElements(): number;
  getCurrentCount(): number;
}

interface Hnswlib {
  HierarchicalNSW: new (space: 'cosine' | 'l2' | 'ip', dimensions: number) => HierarchicalNSW;
}

async function loadHnswlib(): Promise<Hnswlib> {
  const module = (await import('hnswlib-node')) as Partial<Hnswlib> & { default?: Hnswlib };
  if (module.HierarchicalNSW) return { HierarchicalNSW: module.HierarchicalNSW };
  if (module.default) return module.default;
  throw new Error('hnswlib-node did not export HierarchicalNSW');
}
