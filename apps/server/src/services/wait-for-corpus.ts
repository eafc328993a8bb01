import { AppError } from '@airflow-mcp/core';

/**
 * A retriever that answers only once the bundled corpus is in the store: on a cold start (an empty DATA_DIR) the
 * first search waits for the ingestion up to `timeoutMs`, then says the knowledge base is still loading (retryable)
 * instead of answering from a store that is still filling up.
 */
export function waitForCorpus<O, T>(
  retriever: { search(query: string, options: O): Promise<T[]> },
  options: { ready: Promise<unknown>; timeoutMs: number },
): { search(query: string, options: O): Promise<T[]> } {
  let loaded = false;
  void options.ready.then(
    () => (loaded = true),
    () => (loaded = true),
  );
  return {
    async search(query, searchOptions) {
      if (!loaded) {
        let timer: NodeJS.Timeout | undefined;
        const timedOut = new Promise<'timeout'>((resolve) => {
          timer = setTimeout(() => resolve('timeout'), options.timeoutMs);
        });
        const outcome = await Promise.race([options.ready.then(() => 'ready' as const), timedOut]).finally(() =>
          clearTimeout(timer),
        );
        if (outcome === 'timeout') {
          throw new AppError(
            'UNAVAILABLE',
            `The knowledge base is still loading (the bundled documents are being embedded on this first start; ` +
              `waited ${Math.round(options.timeoutMs / 1000)} s). Try search_docs again in a minute.`,
            { retryable: true },
          );
        }
      }
      return retriever.search(query, searchOptions);
    },
  };
}
