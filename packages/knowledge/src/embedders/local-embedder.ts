import { isHangul, isStopword, koreanStem, tokenize } from '../text/tokenize.js';
import type { Embedder } from './embedder.js';
import { normalizeVector } from './normalize-vector.js';

export interface LocalEmbedderOptions {
  /** Vector length (default 768, the same as the Gemini setting so stores stay comparable in size). */
  dimensions?: number;
}

const WORD_WEIGHT = 1;
const BIGRAM_WEIGHT = 0.6;
const NGRAM_WEIGHT = 0.2;

/**
 * A deterministic embedder that needs no network and no model: feature hashing of lowercased word unigrams
 * (plus Korean stems), word bigrams and character n-grams (3-5 for Latin words, 2-4 for Hangul, whose
 * syllables carry more per character) into a signed vector, with sublinear term frequency, L2-normalised.
 * Similar wording gives similar vectors; it knows nothing of synonyms, which query expansion supplies.
 */
export class LocalEmbedder implements Embedder {
  readonly id: string;
  readonly dimensions: number;

  constructor(options: LocalEmbedderOptions = {}) {
    this.dimensions = options.dimensions ?? 768;
    this.id = `local-hash-v2:${this.dimensions}`;
  }

  embedDocuments(texts: readonly string[]): Promise<Float32Array[]> {
    return Promise.resolve(texts.map((text) => this.embed(text)));
  }

  embedQuery(text: string): Promise<Float32Array> {
    return Promise.resolve(this.embed(text));
  }

  embed(text: string): Float32Array {
    const counts = new Map<string, { weight: number; count: number }>();
    const add = (feature: string, weight: number) => {
      const entry = counts.get(feature);
      if (entry) entry.count++;
      else counts.set(feature, { weight, count: 1 });
    };
    let previous: string | undefined;
    for (const token of tokenize(text)) {
      if (isStopword(token)) {
        previous = undefined;
        continue;
      }
      const stem = koreanStem(token);
      const word = stem ?? token;
      add(`w:${token}`, WORD_WEIGHT);
      if (stem !== undefined) add(`w:${stem}`, WORD_WEIGHT);
      if (previous !== undefined) add(`b:${previous} ${word}`, BIGRAM_WEIGHT);
      previous = word;
      const [min, max] = isHangul(word) ? [2, 4] : [3, 5];
      const padded = `<${word}>`;
      for (let n = min; n <= max; n++) {
        for (let i = 0; i + n <= padded.length; i++) add(`c:${padded.slice(i, i + n)}`, NGRAM_WEIGHT);
      }
    }
    const vector = new Float32Array(this.dimensions);
    for (const [feature, { weight, count }] of counts) {
      const index = fnv1a(feature) % this.dimensions;
      const sign = (fnv1a(feature, 0x9e3779b1) & 1) === 0 ? 1 : -1;
      vector[index] = (vector[index] ?? 0) + sign * weight * (1 + Math.log(count));
    }
    return normalizeVector(vector);
  }
}

/** 32-bit FNV-1a over UTF-16 code units, with an optional seed for an independent second hash. */
function fnv1a(text: string, seed = 0x811c9dc5): number {
  let hash = seed >>> 0;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash >>> 0;
}
