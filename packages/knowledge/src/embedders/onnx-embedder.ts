import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { AppError } from '@airflow-mcp/core';
import type { Embedder } from './embedder.js';
import { normalizeVector } from './normalize-vector.js';
import { OnnxWorker } from './onnx-worker.js';
import { createWordPieceTokenizer, type WordPieceTokenizer } from './wordpiece-tokenizer.js';

export interface OnnxEmbedderOptions {
  /**
   * The model folder the setup script fills: model.onnx (a BERT-style sentence encoder with inputs input_ids,
   * attention_mask, token_type_ids and output last_hidden_state), vocab.txt, and runtime/node_modules/onnxruntime-node.
   */
  modelDir: string;
  /** Names the model in the store (vectors of different models never mix). */
  modelId?: string;
  dimensions?: number;
  /** Word pieces per text, [CLS] and [SEP] included (default 256, the model's training length). */
  maxTokens?: number;
  /** Texts per forward pass when embedding documents (default 16). */
  batchSize?: number;
  /** Threads of one forward pass (default 1: on a 2-core machine shared with the database, more was slower). */
  threads?: number;
}

/** The files a model folder must hold; the setup script writes them. */
export const ONNX_MODEL_FILES = [
  'model.onnx',
  'vocab.txt',
  join('runtime', 'node_modules', 'onnxruntime-node', 'package.json'),
];

/** Where `npm run setup` installs the model by default (scripts/lib/embedding-model.mjs: AIRFLOW_MCP_CACHE, else the user cache). */
export function defaultEmbeddingModelDir(
  cacheRoot = process.env['AIRFLOW_MCP_CACHE'] ??
    join(process.env['XDG_CACHE_HOME'] ?? join(homedir(), '.cache'), 'airflow-mcp'),
): string {
  return join(cacheRoot, 'embedding-model', 'all-minilm-l6-v2-int8');
}

/** True when the folder holds a model the embedder can load. */
export function hasOnnxModel(modelDir: string): boolean {
  return ONNX_MODEL_FILES.every((file) => existsSync(join(modelDir, file)));
}

/**
 * A sentence-embedding model run in this process by onnxruntime-node: WordPiece tokens, one forward pass of the
 * encoder, mean pooling over the real tokens, L2 normalisation (all-MiniLM-L6-v2's recipe). The runtime and the
 * model are loaded on first use, from the model folder only (no network). The forward pass runs on a worker thread
 * (OnnxWorker): a batch of long chunks takes seconds, and the event loop keeps serving meanwhile.
 */
export class OnnxEmbedder implements Embedder {
  readonly id: string;
  readonly dimensions: number;
  readonly semantic = true;
  readonly queryLanguage = 'en';
  private readonly maxTokens: number;
  private readonly batchSize: number;
  private loaded: Promise<{ runner: OnnxWorker; tokenizer: WordPieceTokenizer }> | undefined;

  constructor(private readonly options: OnnxEmbedderOptions) {
    this.dimensions = options.dimensions ?? 384;
    this.id = `${options.modelId ?? 'all-minilm-l6-v2-int8'}:${this.dimensions}`;
    this.maxTokens = options.maxTokens ?? 256;
    this.batchSize = options.batchSize ?? 16;
  }

  async embedDocuments(texts: readonly string[]): Promise<Float32Array[]> {
    const out = new Array<Float32Array>(texts.length);
    // similar lengths in one batch: less padding
    const order = texts.map((text, index) => ({ text, index })).sort((a, b) => a.text.length - b.text.length);
    for (let i = 0; i < order.length; i += this.batchSize) {
      const batch = order.slice(i, i + this.batchSize);
      const vectors = await this.embedBatch(batch.map((b) => b.text));
      batch.forEach((b, j) => {
        const vector = vectors[j];
        if (vector) out[b.index] = vector;
      });
    }
    return out;
  }

  async embedQuery(text: string): Promise<Float32Array> {
    const [vector] = await this.embedBatch([text]);
    if (!vector) throw new AppError('INTERNAL', 'The embedding model returned no vector.');
    return vector;
  }

  private async embedBatch(texts: readonly string[]): Promise<Float32Array[]> {
    const { runner, tokenizer } = await this.load();
    const encoded = texts.map((text) => tokenizer.encode(text, this.maxTokens).ids);
    const width = Math.max(...encoded.map((ids) => ids.length));
    const size = texts.length * width;
    const inputIds = new BigInt64Array(size).fill(BigInt(tokenizer.padId));
    const mask = new BigInt64Array(size);
    encoded.forEach((ids, row) => {
      ids.forEach((id, col) => {
        inputIds[row * width + col] = BigInt(id);
        mask[row * width + col] = 1n;
      });
    });
    const hidden = await runner.run(inputIds, mask, [texts.length, width]);
    if (!hidden || hidden.dims[2] !== this.dimensions) {
      throw new AppError(
        'INVALID_INPUT',
        `The model in ${this.options.modelDir} does not give ${this.dimensions}-dimensional token vectors; reinstall it with npm run setup.`,
      );
    }
    return encoded.map((ids, row) => {
      const vector = new Float32Array(this.dimensions);
      for (let t = 0; t < ids.length; t++) {
        const offset = (row * width + t) * this.dimensions;
        for (let d = 0; d < this.dimensions; d++) vector[d] = (vector[d] ?? 0) + (hidden.data[offset + d] ?? 0);
      }
      return normalizeVector(vector);
    });
  }

  private load() {
    this.loaded ??= (async () => {
      const dir = this.options.modelDir;
      if (!hasOnnxModel(dir)) {
        throw new AppError(
          'INVALID_INPUT',
          `No embedding model in ${dir} (it needs ${ONNX_MODEL_FILES.join(', ')}): run npm run setup, or choose EMBEDDER=local.`,
        );
      }
      const runner = new OnnxWorker({
        runtimePackageJson: join(dir, 'runtime', 'package.json'),
        modelPath: join(dir, 'model.onnx'),
        threads: this.options.threads ?? 1,
      });
      await runner.ready();
      const tokenizer = createWordPieceTokenizer(readFileSync(join(dir, 'vocab.txt'), 'utf8'));
      return { runner, tokenizer };
    })();
    this.loaded.catch(() => {
      this.loaded = undefined;
    });
    return this.loaded;
  }
}
