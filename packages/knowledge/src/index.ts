// Retrieval: what packages/agent, the knowledge scripts (evaluation, benchmark) and the test suites use. The
// database it runs on (SqlClient, PGlite or PostgreSQL) is @airflow-mcp/state's.
export { loadMarkdown } from './loaders/load-markdown.js';
export { loadDocument } from './loaders/load-document.js';
export { splitDocument } from './splitter/split-document.js';
export { contentTerms } from './text/tokenize.js';
export { buildEmbeddingText } from './ingest/build-search-text.js';
export { englishModelText } from './retrieval/expand-query.js';
export type { Embedder } from './embedders/embedder.js';
export { LocalEmbedder } from './embedders/local-embedder.js';
export { defaultEmbeddingModelDir, hasOnnxModel, OnnxEmbedder } from './embedders/onnx-embedder.js';
export {
  formatPrecomputedVectors,
  precomputedVectorsPath,
  readPrecomputedVectors,
  textKey,
  withPrecomputedVectors,
} from './embedders/precomputed-vectors.js';
export type { PrecomputedEmbedder, PrecomputedVectors } from './embedders/precomputed-vectors.js';
export { GeminiEmbedder } from './embedders/gemini-embedder.js';
export { OpenAICompatibleEmbedder } from './embedders/openai-compatible-embedder.js';
export { normalizeVector } from './embedders/normalize-vector.js';
export { createMiniLmEmbedder } from './embedders/create-minilm-embedder.js';
export { KnowledgeStore } from './store/knowledge-store.js';
export type { IngestOptions, IngestRoot, IngestSummary } from './ingest/ingest-documents.js';
export { HnswCache } from './retrieval/hnsw-cache.js';
export { Retriever } from './retrieval/retriever.js';
export type { SearchResult } from './retrieval/retriever.js';
export { createKnowledgeBase } from './create-knowledge-base.js';
export type { KnowledgeBase } from './create-knowledge-base.js';
export { evaluateRetrieval, parseEvalQueries } from './eval/evaluate.js';
