export type {
  DocumentBlock,
  DocumentFormat,
  DocumentMetadata,
  DocumentSection,
  KnowledgeDocument,
} from './knowledge-document.js';
export { parseFrontMatter } from './loaders/parse-front-matter.js';
export type { FrontMatter, FrontMatterValue } from './loaders/parse-front-matter.js';
export { buildDocumentMetadata, normalizeAirflowVersion } from './loaders/build-document-metadata.js';
export type { MetadataDefaults } from './loaders/build-document-metadata.js';
export { loadMarkdown } from './loaders/load-markdown.js';
export { loadRestructuredText } from './loaders/load-restructured-text.js';
export { DOCUMENT_EXTENSIONS, isDocumentPath, loadDocument } from './loaders/load-document.js';
export { HEADING_SEPARATOR, splitDocument } from './splitter/split-document.js';
export type { DocumentChunk, SplitOptions } from './splitter/split-document.js';
export { detectLanguage } from './text/detect-language.js';
export { contentTerms, isHangul, isStopword, koreanStem, normalizeText, tokenize } from './text/tokenize.js';
export type { Embedder } from './embedders/embedder.js';
export { LocalEmbedder } from './embedders/local-embedder.js';
export { defaultEmbeddingModelDir, hasOnnxModel, ONNX_MODEL_FILES, OnnxEmbedder } from './embedders/onnx-embedder.js';
export type { OnnxEmbedderOptions } from './embedders/onnx-embedder.js';
export { basicTokens, createWordPieceTokenizer } from './embedders/wordpiece-tokenizer.js';
export type { WordPieceEncoding, WordPieceTokenizer } from './embedders/wordpiece-tokenizer.js';
export type { LocalEmbedderOptions } from './embedders/local-embedder.js';
export { GeminiEmbedder } from './embedders/gemini-embedder.js';
export type { GeminiEmbedderOptions } from './embedders/gemini-embedder.js';
export { OpenAICompatibleEmbedder } from './embedders/openai-compatible-embedder.js';
export type { OpenAICompatibleEmbedderOptions } from './embedders/openai-compatible-embedder.js';
export { normalizeVector } from './embedders/normalize-vector.js';
export type { EmbedderRetryOptions, EmbedderRetryOptions as RetryOptions } from './embedders/embedder-retry-policy.js';
export { LEXICON } from './retrieval/lexicon.js';
export type { LexiconEntry } from './retrieval/lexicon.js';
export { englishTermsFor, expandQuery } from './retrieval/expand-query.js';
export type { SqlClient, SqlQueryable } from './store/sql-client.js';
export { createPgliteClient } from './store/create-pglite-client.js';
export type { PgliteClientOptions } from './store/create-pglite-client.js';
export { createPgClient } from './store/create-pg-client.js';
export type { PgClientOptions } from './store/create-pg-client.js';
export { migrate } from './store/migrate.js';
export { runLockedMigration } from './store/run-locked-migration.js';
export { KnowledgeStore } from './store/knowledge-store.js';
export type { KnowledgeStoreOptions } from './store/knowledge-store.js';
export { chunkMatchesFilters, filtersToSql } from './store/search-filters.js';
export type { ChunkFilterFields, SearchFilters } from './store/search-filters.js';
export type {
  ChunkInput,
  ChunkRecord,
  IndexedChunk,
  StoreChange,
  StoredDocument,
  VectorSearchMode,
} from './store/store-types.js';
export { buildEmbeddingText, buildSearchText } from './ingest/build-search-text.js';
export { listDocumentFiles } from './ingest/list-document-files.js';
export type { DocumentFile } from './ingest/list-document-files.js';
export { readDocumentFile } from './ingest/read-document-file.js';
export { defaultSource, ingestDocuments } from './ingest/ingest-documents.js';
export type { IngestOptions, IngestProgress, IngestRoot, IngestSummary } from './ingest/ingest-documents.js';
export { reciprocalRankFusion } from './retrieval/reciprocal-rank-fusion.js';
export { HnswCache } from './retrieval/hnsw-cache.js';
export type { EmbeddingSource, HnswCacheOptions, HnswCacheState } from './retrieval/hnsw-cache.js';
export { Retriever } from './retrieval/retriever.js';
export type { RetrievalMode, RetrieverOptions, SearchOptions, SearchResult } from './retrieval/retriever.js';
export { createKnowledgeBase } from './create-knowledge-base.js';
export type { KnowledgeBase, KnowledgeBaseOptions } from './create-knowledge-base.js';
export {
  evaluateRetrieval,
  ndcgAtK,
  parseEvalQueries,
  rankedDocuments,
  recallAtK,
  reciprocalRank,
} from './eval/evaluate.js';
export type { EvalMetrics, EvalQuery, EvalReport } from './eval/evaluate.js';
export { formatIngestProgress, formatIngestSummary } from './ingest/format-ingest-summary.js';
export { porterStem } from './text/porter-stem.js';
export { createEmbedder, createMiniLmEmbedder } from './embedders/create-embedder.js';
export type { CreateEmbedderOptions, EmbedderKind } from './embedders/create-embedder.js';
