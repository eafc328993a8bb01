/**
 * Puts the vector similarities of documents from different origins (sources) on one scale. A query's cosine
 * similarity to the chunks of one source has its own mean and spread: short curated notes sit closer to most
 * questions than long reference pages, so raw similarities let one origin crowd out another. Each similarity is
 * turned into a z-score against its own source's distribution for this query (mean and standard deviation of the
 * query's similarity to a sample of that source's chunks). Within one source the order is unchanged.
 *
 * The sample per source holds at most `sampleSize` chunks: once full, a new chunk takes the place of the sampled one
 * with the largest hash of its id when its own hash is smaller (a bottom-k sketch). The cache adds chunks in id order
 * on start, so the same store gives the same sample; adds and removals keep it in step without holding every vector.
 */
export class SourceSimilarity {
  private readonly sources = new Map<string, Map<number, Float32Array>>();
  private readonly sourceOf = new Map<number, string>();
  private readonly counts = new Map<string, number>();
  private readonly largest = new Map<string, number>();

  constructor(private readonly sampleSize = 512) {}

  /** How many sources have chunks. */
  get sourceCount(): number {
    return this.sources.size;
  }

  add(chunkId: number, source: string, embedding: Float32Array): void {
    this.remove(chunkId);
    this.sourceOf.set(chunkId, source);
    this.counts.set(source, (this.counts.get(source) ?? 0) + 1);
    let sample = this.sources.get(source);
    if (!sample) {
      sample = new Map();
      this.sources.set(source, sample);
    }
    if (sample.size < this.sampleSize) {
      sample.set(chunkId, embedding);
      return;
    }
    // full: the new chunk replaces the sampled one with the largest hash when its own hash is smaller
    const largest = this.largestHashed(source, sample);
    if (largest !== undefined && hashId(chunkId) < hashId(largest)) {
      sample.delete(largest);
      this.largest.delete(source);
      sample.set(chunkId, embedding);
    }
  }

  /** The sampled chunk with the largest hash, remembered until the sample changes. */
  private largestHashed(source: string, sample: ReadonlyMap<number, Float32Array>): number | undefined {
    const known = this.largest.get(source);
    if (known !== undefined) return known;
    let largest: number | undefined;
    for (const id of sample.keys()) if (largest === undefined || hashId(id) > hashId(largest)) largest = id;
    if (largest !== undefined) this.largest.set(source, largest);
    return largest;
  }

  remove(chunkId: number): void {
    const source = this.sourceOf.get(chunkId);
    if (source === undefined) return;
    this.sourceOf.delete(chunkId);
    if (this.sources.get(source)?.delete(chunkId)) this.largest.delete(source);
    const left = (this.counts.get(source) ?? 1) - 1;
    if (left > 0) {
      this.counts.set(source, left);
      return;
    }
    this.counts.delete(source);
    this.sources.delete(source);
  }

  /**
   * A function from a chunk's id and cosine similarity to the query to its z-score within its source; the raw
   * similarity when the chunk is unknown or its source's similarities do not vary.
   */
  standardizer(query: Float32Array): (chunkId: number, similarity: number) => number {
    const scales = new Map<string, { mean: number; deviation: number }>();
    for (const [source, sample] of this.sources) {
      if (sample.size === 0) continue;
      let sum = 0;
      let squares = 0;
      for (const embedding of sample.values()) {
        const similarity = dot(query, embedding);
        sum += similarity;
        squares += similarity * similarity;
      }
      const mean = sum / sample.size;
      scales.set(source, { mean, deviation: Math.sqrt(Math.max(0, squares / sample.size - mean * mean)) });
    }
    return (chunkId, similarity) => {
      const source = this.sourceOf.get(chunkId);
      const scale = source === undefined ? undefined : scales.get(source);
      if (!scale || scale.deviation < 1e-6) return similarity;
      return (similarity - scale.mean) / scale.deviation;
    };
  }
}

function dot(a: Float32Array, b: Float32Array): number {
  let sum = 0;
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) sum += (a[i] as number) * (b[i] as number);
  return sum;
}

/** A well-mixed 32-bit hash of an id (murmur3's finaliser), so the sample does not follow insertion order. */
function hashId(id: number): number {
  let h = id | 0;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}
