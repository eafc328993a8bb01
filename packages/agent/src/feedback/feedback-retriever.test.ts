import { describe, expect, it } from 'vitest';
import { withFeedback } from './feedback-retriever.js';

describe('withFeedback', () => {
  it("halves the score of the documents the caller's tenant demoted and puts them behind the others", async () => {
    const asked: (string | undefined)[] = [];
    const feedback = {
      async demotedDocs(query: string, options: { tenant?: string } = {}) {
        asked.push(options.tenant);
        return new Set(options.tenant === 'globex' && query.includes('orders') ? ['databases/duckdb.md'] : []);
      },
    };
    const docs = [
      { doc: 'databases/duckdb.md', score: 0.9 },
      { doc: 'airflow/retries.md', score: 0.8 },
    ];
    const retriever = withFeedback({ search: async () => docs }, feedback);
    const order = async (query: string, tenant?: string) =>
      (await retriever.search(query, tenant === undefined ? {} : { tenant })).map((r) => `${r.doc} ${r.score}`);
    expect(await order('how do I load orders incrementally', 'globex')).toEqual([
      'airflow/retries.md 0.8',
      'databases/duckdb.md 0.45',
    ]);
    expect(await order('how do I load orders incrementally', 'acme')).toEqual([
      'databases/duckdb.md 0.9',
      'airflow/retries.md 0.8',
    ]);
    expect(await order('retries and alerts')).toEqual(['databases/duckdb.md 0.9', 'airflow/retries.md 0.8']);
    // The tenant goes to the feedback store, not to the retriever; none given: the store's default.
    expect(asked).toEqual(['globex', 'acme', undefined]);
  });
});
