import { AppError } from '@airflow-mcp/core';
import type { Embedder } from './embedder.js';
import { GeminiEmbedder, type GeminiEmbedderOptions } from './gemini-embedder.js';
import { LocalEmbedder } from './local-embedder.js';
import { defaultEmbeddingModelDir, hasOnnxModel, OnnxEmbedder } from './onnx-embedder.js';
import { OpenAICompatibleEmbedder, type OpenAICompatibleEmbedderOptions } from './openai-compatible-embedder.js';

export type EmbedderKind = 'auto' | 'local' | 'minilm' | 'gemini' | 'openai';

export interface CreateEmbedderOptions {
  /** auto (default): Gemini when it has an API key, else the local embedder. */
  kind?: EmbedderKind;
  gemini?: Partial<GeminiEmbedderOptions>;
  openai?: Partial<OpenAICompatibleEmbedderOptions>;
  /** Vector size of the local embedder (default 768). */
  localDimensions?: number;
  /** The sentence-embedding model's folder for EMBEDDER=minilm (default: defaultEmbeddingModelDir()). */
  modelDir?: string;
}

/** Picks and builds the embedder named by the configuration (EMBEDDER=auto|local|gemini|openai). */
export function createEmbedder(options: CreateEmbedderOptions = {}): Embedder {
  const kind = options.kind ?? 'auto';
  const geminiKey = options.gemini?.apiKey;
  switch (kind) {
    case 'auto':
      return geminiKey
        ? new GeminiEmbedder({ ...options.gemini, apiKey: geminiKey })
        : new LocalEmbedder(options.localDimensions ? { dimensions: options.localDimensions } : {});
    case 'local':
      return new LocalEmbedder(options.localDimensions ? { dimensions: options.localDimensions } : {});
    case 'minilm':
      return createMiniLmEmbedder(options.modelDir);
    case 'gemini':
      if (!geminiKey) {
        throw new AppError('INVALID_INPUT', 'EMBEDDER=gemini needs GEMINI_API_KEY; set it or choose EMBEDDER=local.');
      }
      return new GeminiEmbedder({ ...options.gemini, apiKey: geminiKey });
    case 'openai': {
      const { baseUrl, model, dimensions } = options.openai ?? {};
      if (!baseUrl || !model || !dimensions) {
        throw new AppError(
          'INVALID_INPUT',
          'EMBEDDER=openai needs the server URL, the model name and its vector size (e.g. http://localhost:11434, ' +
            'nomic-embed-text, 768).',
        );
      }
      return new OpenAICompatibleEmbedder({ ...options.openai, baseUrl, model, dimensions });
    }
  }
}

/** all-MiniLM-L6-v2 in process; refused at once (not on first search) when `npm run setup` has not installed it. */
export function createMiniLmEmbedder(modelDir = defaultEmbeddingModelDir()): OnnxEmbedder {
  if (!hasOnnxModel(modelDir)) {
    throw new AppError(
      'INVALID_INPUT',
      `EMBEDDER=minilm needs the model that npm run setup installs into ${modelDir}; run it, or choose EMBEDDER=local.`,
    );
  }
  return new OnnxEmbedder({ modelDir });
}
