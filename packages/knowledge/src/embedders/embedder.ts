/**
 * Turns text into vectors. `id` names the model and its settings: a store refuses vectors from an embedder
 * whose id or dimensions differ from the ones it was filled with.
 */
export interface Embedder {
  readonly id: string;
  readonly dimensions: number;
  /**
   * A trained sentence encoder (not feature hashing): its ranking is the better half of hybrid search and gets
   * more weight in the fusion.
   */
  readonly semantic?: boolean;
  /** The only language the model understands: queries in another one reach it through the lexicon's translation. */
  readonly queryLanguage?: 'en';
  embedDocuments(texts: readonly string[]): Promise<Float32Array[]>;
  embedQuery(text: string): Promise<Float32Array>;
}
