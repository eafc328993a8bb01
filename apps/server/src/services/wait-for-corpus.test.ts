import { describe, expect, it } from 'vitest';
import { waitForCorpus } from './wait-for-corpus.js';

const retriever = { search: async (query: string) => [`passage for ${query}`] };

describe('waitForCorpus', () => {
  it('holds the first search until the corpus is in, then answers from the full store', async () => {
    let finish!: () => void;
    const ready = new Promise<void>((resolve) => (finish = resolve));
    const wrapped = waitForCorpus(retriever, { ready, timeoutMs: 5000 });
    const answer = wrapped.search('dag', {});
    setTimeout(finish, 50);
    await expect(answer).resolves.toEqual(['passage for dag']);
  });

  it('says the knowledge base is still loading (retryable) when the corpus takes longer than the wait', async () => {
    const wrapped = waitForCorpus(retriever, { ready: new Promise(() => undefined), timeoutMs: 30 });
    await expect(wrapped.search('dag', {})).rejects.toMatchObject({
      code: 'UNAVAILABLE',
      retryable: true,
      message: expect.stringMatching(/^The knowledge base is still loading .*Try search_docs again in a minute\.$/),
    });
  });
});
