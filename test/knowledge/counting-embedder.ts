import { type Embedder, LocalEmbedder } from '@airflow-mcp/knowledge';

/**
 * The real local embedder, counting what it is asked to embed, and optionally failing on the n-th
 * embedDocuments call (to check that a failed ingest leaves no half-written document).
 */
export class CountingEmbedder implements Embedder {
  readonly id: string;
  readonly dimensions: number;
  documentCalls = 0;
  documentTexts: string[] = [];
  failOnCall: number | undefined;
  private readonly inner = new LocalEmbedder();

  constructor() {
    this.id = this.inner.id;
    this.dimensions = this.inner.dimensions;
  }

  reset(): void {
    this.documentCalls = 0;
    this.documentTexts = [];
    this.failOnCall = undefined;
  }

  async embedDocuments(texts: readonly string[]): Promise<Float32Array[]> {
    this.documentCalls++;
    if (this.failOnCall === this.documentCalls) throw new Error('embedding service went away');
    this.documentTexts.push(...texts);
    return this.inner.embedDocuments(texts);
  }

  embedQuery(text: string): Promise<Float32Array> {
    return this.inner.embedQuery(text);
  }
}
