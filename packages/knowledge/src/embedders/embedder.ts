/**
 * Turns text into vectors. `id` names the model and its settings: a store refuses vectors from an embedder
 * whose id or dimensions differ from the ones it was filled with.
 */
export interface Embedder {
  readonly id: string;
  readonly dimensions: number;
  embedDocuments(texts: readonly string[]): Promise<Float32Array[]>;
  embedQuery(text: string): Promise<Float32Array>;
}
