import type { ChunkFilterFields } from './search-filters.js';

export interface ChunkInput {
  ordinal: number;
  headingPath: string;
  text: string;
  /** Title and heading path as search terms (weighted higher in full-text ranking). */
  searchHeading: string;
  /** The chunk's search terms (see buildSearchText). */
  searchText: string;
  embedding: Float32Array;
}

/** A chunk as the vector cache needs it. */
export interface IndexedChunk extends ChunkFilterFields {
  id: number;
  documentId: number;
  /** The document's source (origin), for putting the similarities of different origins on one scale. */
  source: string;
  embedding: Float32Array;
}

/** What one write did to the chunk set: the cache applies it. */
export interface StoreChange {
  added: IndexedChunk[];
  removedChunkIds: number[];
}

export interface StoredDocument {
  id: number;
  source: string;
  path: string;
  title: string;
  docType: string;
  category: string;
  airflowVersion: string;
  lang: string;
  tags: string[];
  format: string;
  contentHash: string;
  updatedAt: string;
  chunkCount: number;
}

export interface ChunkRecord extends ChunkFilterFields {
  id: number;
  documentId: number;
  source: string;
  path: string;
  title: string;
  ordinal: number;
  headingPath: string;
  text: string;
}

export type VectorSearchMode = 'auto' | 'exact' | 'index';
