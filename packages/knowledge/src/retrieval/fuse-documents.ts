import { reciprocalRankFusion } from './reciprocal-rank-fusion.js';

export interface FusedDocument {
  documentId: number;
  /** Reciprocal rank fusion of the document's ranks, divided by the best possible (first in every list): 0..1. */
  score: number;
  /** The document's candidate chunks, best first, each with its chunk-level fused score (0..1). */
  chunks: { id: number; score: number }[];
}

/**
 * Fuses rankings of chunks at the level of documents, so that a page is not ranked by how many chunks it has:
 * each list ranks documents by their best chunk in it, and the document ranks are fused by weighted reciprocal
 * rank fusion. A small `k` (default 10) keeps the first places decisive, as few documents compete compared with
 * chunks. Chunks whose document is unknown (deleted since they were found) are left out.
 */
export function fuseDocuments(
  lists: readonly (readonly number[])[],
  options: { documentOf: (chunkId: number) => number | undefined; weights?: readonly number[]; k?: number },
): FusedDocument[] {
  const documentLists = lists.map((list) => [
    ...new Set(list.map(options.documentOf).filter((id): id is number => id !== undefined)),
  ]);
  const documents = reciprocalRankFusion(documentLists, {
    k: options.k ?? 10,
    ...(options.weights ? { weights: options.weights } : {}),
  });
  const chunksOf = new Map<number, { id: number; score: number }[]>();
  for (const chunk of reciprocalRankFusion(lists, options.weights ? { weights: options.weights } : {})) {
    const documentId = options.documentOf(chunk.id);
    if (documentId === undefined) continue;
    const chunks = chunksOf.get(documentId) ?? [];
    chunks.push(chunk);
    chunksOf.set(documentId, chunks);
  }
  return documents.map(({ id, score }) => ({ documentId: id, score, chunks: chunksOf.get(id) ?? [] }));
}
