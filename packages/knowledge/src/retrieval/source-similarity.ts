/**
 * Puts the vector similarities of documents from different origins (sources) on one scale. A query's cosine
 * similarity to the chunks of one source has its own mean and spread: short curated notes sit closer to most
 * questions than long reference pages, so raw similarities let one origin crowd out another. Each similarity is
 * turned into a z-score against its own source's distribution for this query (mean and standard deviation of the
 * query's similarity to a sample of that source's chunks). Within one source the order is unchanged.
 *
 * The sample per source holds at most `sampleSize` chunks: once full, a new chunk takes the place of the sampled one
 * with the largest hash of its id when its own hash is smaller (a bottom-k sketch), so the sample depends only on which
 * chunks the source holds, not on the order they came in. When a sampled chunk is removed while the source holds
 * chunks outside the sample, the hole is filled from them by `refill`, which the cache calls after each change with
 * a way to read a chunk's vector back: without it, a re-ingested document would leave the sample short, or filled by
 * whatever came next, and the same store would rank differently after an update than after a fresh start.
 */
export class SourceSimilarity {
  private readonly sources = new Map<string, Map<number, Float32Array>>();
  private readonly sourceOf = new Map<number, string>();
  private readonly counts = new Map<string, number>();
  private readonly largest = new Map<string, number>();
  /** Sources whose sample lost a chunk while others were left out of it. */
  private readonly short = new Set<string>();

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
    const left = (this.counts.get(source) ?? 1) - 1;
    const sample = this.sources.get(source);
    if (sample?.delete(chunkId)) {
      this.largest.delete(source);
      if (left > sample.size) this.short.add(source);
    }
    if (left > 0) {
      this.counts.set(source, left);
      return;
    }
    this.counts.delete(source);
    this.sources.delete(source);
    this.short.delete(source);
  }

  /**
   * Makes each sample that lost chunks the bottom-k of its source again, reading the vectors of the chunks it takes
   * in through `vectorOf` (a chunk whose vector cannot be read is left out). One pass over the known chunk ids, then
   * a sort of each such source's ids by hash: a few tens of milliseconds at 100k chunks, once per store change that
   * removed a sampled chunk.
   */
  refill(vectorOf: (chunkId: number) => Float32Array | undefined): void {
    if (this.short.size === 0) return;
    const ids = new Map<string, number[]>([...this.short].map((source) => [source, []]));
    for (const [id, source] of this.sourceOf) ids.get(source)?.push(id);
    for (const [source, members] of ids) {
      const sample = this.sources.get(source);
      if (!sample) continue;
      const wanted = members
        .map((id) => ({ id, hash: hashId(id) }))
        .sort((a, b) => a.hash - b.hash || a.id - b.id)
        .slice(0, this.sampleSize);
      const next = new Map<number, Float32Array>();
      for (const { id } of wanted) {
        const embedding = sample.get(id) ?? vectorOf(id);
        if (embedding) next.set(id, embedding);
      }
      this.sources.set(source, next);
      this.largest.delete(source);
    }
    this.short.clear();
  }

  /** The chunk ids in a source's sample (for tests and diagnostics). */
  sampled(source: string): number[] {
    return [...(this.sources.get(source)?.keys() ?? [])].sort((a, b) => a - b);
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
