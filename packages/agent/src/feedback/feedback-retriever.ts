import type { FeedbackStore } from '@airflow-mcp/state';

interface Searchable<O> {
  search(query: string, options: O): Promise<readonly { doc: string; score: number }[]>;
}

/**
 * The retriever with feedback applied: documents the caller's tenant (`options.tenant`, default the default tenant)
 * rated unhelpful for a similar query have their score halved and fall behind the others; nothing is hidden, and
 * one tenant's ratings never move another tenant's results.
 */
export function withFeedback<O extends object, T extends { doc: string; score: number }>(
  retriever: { search(query: string, options: O): Promise<readonly T[]> },
  feedback: Pick<FeedbackStore, 'demotedDocs'>,
): { search(query: string, options: O & { tenant?: string | undefined }): Promise<T[]> } {
  return {
    async search(query, { tenant, ...options }) {
      const [results, demoted] = await Promise.all([
        retriever.search(query, options as O),
        feedback.demotedDocs(query, tenant === undefined ? {} : { tenant }),
      ]);
      if (demoted.size === 0) return [...results];
      return results
        .map((r) => (demoted.has(r.doc) ? { ...r, score: Math.round(r.score * 50) / 100 } : r))
        .sort((a, b) => b.score - a.score);
    },
  };
}

export type { Searchable };
