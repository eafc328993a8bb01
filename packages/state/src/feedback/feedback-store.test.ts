import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPgliteClient } from '../sql/create-pglite-client.js';
import type { SqlClient } from '../sql/sql-client.js';
import { createFeedbackStore, type FeedbackStore } from './feedback-store.js';

/** Ratings by one tenant never reach another: examples for planning and search demotions stay with their tenant. */
describe('feedback per tenant (real PGlite)', () => {
  let db: SqlClient;
  let store: FeedbackStore;
  const rating = (tenant: string, over: Record<string, unknown>) => ({
    actor: `key-${tenant}`,
    tenant,
    kind: 'dag' as const,
    dag_id: null,
    query: null,
    doc: null,
    score: 5,
    correction: '',
    request: null,
    spec: null,
    ...over,
  });

  beforeAll(async () => {
    db = await createPgliteClient();
    store = await createFeedbackStore(db, { cacheMs: 0 });
    await store.record(
      rating('acme', {
        dag_id: 'acme__orders',
        request: 'copy the orders table from sqlite shop.db into duckdb',
        spec: { dag_id: 'acme__orders', secret_note: 'acme only' },
        correction: 'acme internal note',
      }),
    );
    await store.record(
      rating('globex', {
        kind: 'search',
        query: 'how do I load orders incrementally',
        doc: 'databases/duckdb.md',
        score: 1,
      }),
    );
    // The cross-tenant administrator's own ratings belong to the default tenant.
    await store.record(
      rating('*', { kind: 'search', query: 'retries and alerts', doc: 'airflow/retries.md', score: 1 }),
    );
    // PGlite starts in seconds, more on a busy machine.
  }, 120_000);
  afterAll(async () => {
    await db.close();
  });

  it("gives planners only the caller's tenant's rated examples", async () => {
    const request = 'copy the orders table from sqlite shop.db into duckdb daily';
    expect((await store.examples(request, { tenant: 'acme' })).map((e) => e.spec)).toEqual([
      { dag_id: 'acme__orders', secret_note: 'acme only' },
    ]);
    for (const tenant of ['globex', 'default', 'acmecorp', 'acm'])
      expect(await store.examples(request, { tenant }), tenant).toEqual([]);
    expect(await store.examples(request)).toEqual([]);
  });

  it('demotes documents only for the tenant that rated them', async () => {
    const demoted = async (query: string, tenant?: string) => [
      ...(await store.demotedDocs(query, tenant === undefined ? {} : { tenant })),
    ];
    expect(await demoted('how do I load orders incrementally', 'globex')).toEqual(['databases/duckdb.md']);
    expect(await demoted('how do I load orders incrementally', 'acme')).toEqual([]);
    expect(await demoted('retries and alerts', 'default')).toEqual(['airflow/retries.md']);
    expect(await demoted('retries and alerts')).toEqual(['airflow/retries.md']);
    expect(await demoted('retries and alerts', 'globex')).toEqual([]);
  });
});
