import { AppError } from '@airflow-mcp/core';
import { defaultEmbeddingModelDir, hasOnnxModel, OnnxEmbedder } from './onnx-embedder.js';

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
