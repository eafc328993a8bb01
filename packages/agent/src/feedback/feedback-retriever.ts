import type { FeedbackStore } from './feedback-store.js';

interface Searchable<O> {
  search(query: string, options: O): Promise<readonly { doc: string; score: number }[]>;
}

/**
 * The retriever with feedback applied: documents rated unhelpful for a similar query have their score halved and
 * fall behind the others; nothing is hidden.
 */
export function withFeedback<O, T extends { doc: string; score: number }>(
  retriever: { search(query: string, options: O): Promise<readonly T[]> },
  feedback: FeedbackStore,
): { search(query: string, options: O): Promise<T[]> } {
  return {
    async search(query, options) {
      const [results, demoted] = await Promise.all([retriever.search(query, options), feedback.demotedDocs(query)]);
      if (demoted.size === 0) return [...results];
      return results
        .map((r) => (demoted.has(r.doc) ? { ...r, score: Math.round(r.score * 50) / 100 } : r))
        .sort((a, b) => b.score - a.score);
    },
  };
}

export type { Searchable };
