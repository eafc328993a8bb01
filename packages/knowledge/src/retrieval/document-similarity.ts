/**
 * How close a query is to each document as a whole: the cosine similarity between the query and the document's
 * centroid (the mean of its chunk vectors), turned into a z-score against the other documents of the same source
 * for this query. A chunk's own similarity says whether one passage matches; the centroid says whether the page is
 * about the question, which keeps a stray passage of a long page on another subject from outranking the page that
 * is about it. Scores of documents from different sources compare like SourceSimilarity's.
 *
 * Each document keeps the running sum of its unit-length chunk vectors (one vector per document, not per chunk), so
 * adds and removals cost one vector each and a query one dot product per document.
 */
export class DocumentSimilarity {
  private readonly documents = new Map<
    number,
    { source: string; sum: Float32Array; count: number; norm: number | undefined }
  >();
  private readonly documentOf = new Map<number, number>();

  /** How many documents have chunks. */
  get documentCount(): number {
    return this.documents.size;
  }

  /** Adds a chunk's vector to its document; a chunk already known is left as it is (remove it first to update it). */
  add(chunkId: number, documentId: number, source: string, embedding: Float32Array): void {
    if (this.documentOf.has(chunkId)) return;
    let document = this.documents.get(documentId);
    if (!document) {
      document = { source, sum: new Float32Array(embedding.length), count: 0, norm: undefined };
      this.documents.set(documentId, document);
    }
    addTo(document.sum, unit(embedding), 1);
    document.count++;
    document.norm = undefined;
    this.documentOf.set(chunkId, documentId);
  }

  /** Takes a chunk's vector (the one it was added with, not kept here) out of its document. */
  remove(chunkId: number, embedding: Float32Array): void {
    const documentId = this.documentOf.get(chunkId);
    if (documentId === undefined) return;
    this.documentOf.delete(chunkId);
    const document = this.documents.get(documentId);
    if (!document) return;
    document.count--;
    if (document.count <= 0) this.documents.delete(documentId);
    else {
      addTo(document.sum, unit(embedding), -1);
      document.norm = undefined;
    }
  }

  /**
   * A function from a chunk's id to its document's z-score for this query (0 when the chunk is unknown, or its
   * source has a single document or documents the query cannot tell apart).
   */
  scorer(query: Float32Array): (chunkId: number) => number {
    const similarities = new Map<number, number>();
    const stats = new Map<string, { n: number; sum: number; squares: number }>();
    for (const [id, document] of this.documents) {
      document.norm ??= Math.sqrt(dot(document.sum, document.sum));
      const norm = document.norm;
      const similarity = norm === 0 ? 0 : dot(query, document.sum) / norm;
      similarities.set(id, similarity);
      const stat = stats.get(document.source) ?? { n: 0, sum: 0, squares: 0 };
      stat.n++;
      stat.sum += similarity;
      stat.squares += similarity * similarity;
      stats.set(document.source, stat);
    }
    const scores = new Map<number, number>();
    for (const [id, similarity] of similarities) {
      const stat = stats.get(this.documents.get(id)?.source ?? '');
      if (!stat || stat.n < 2) continue;
      const mean = stat.sum / stat.n;
      const deviation = Math.sqrt(Math.max(0, stat.squares / stat.n - mean * mean));
      if (deviation >= 1e-6) scores.set(id, (similarity - mean) / deviation);
    }
    return (chunkId) => {
      const documentId = this.documentOf.get(chunkId);
      return documentId === undefined ? 0 : (scores.get(documentId) ?? 0);
    };
  }
}

function unit(vector: Float32Array): Float32Array {
  const norm = Math.sqrt(dot(vector, vector));
  return norm === 0 ? Float32Array.from(vector) : vector.map((x) => x / norm);
}

function addTo(sum: Float32Array, vector: Float32Array, sign: 1 | -1): void {
  for (let i = 0; i < sum.length; i++) sum[i] = (sum[i] ?? 0) + sign * (vector[i] ?? 0);
}

function dot(a: Float32Array, b: Float32Array): number {
  let sum = 0;
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) sum += (a[i] as number) * (b[i] as number);
  return sum;
}
