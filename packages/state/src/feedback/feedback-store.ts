import { DEFAULT_TENANT, homeTenant } from '@airflow-mcp/core';
import { runLockedMigration } from '../sql/run-locked-migration.js';
import type { SqlClient } from '../sql/sql-client.js';

export interface FeedbackEntry {
  at: string;
  actor: string;
  tenant: string;
  kind: 'dag' | 'search';
  dag_id: string | null;
  query: string | null;
  doc: string | null;
  score: number;
  correction: string;
  request: string | null;
  spec: unknown;
}

/** Under a lock: replicas may start at the same moment. */
const MIGRATION = [
  `CREATE TABLE IF NOT EXISTS feedback (
  id bigserial PRIMARY KEY,
  at timestamptz NOT NULL DEFAULT now(),
  actor text NOT NULL,
  tenant text NOT NULL,
  kind text NOT NULL,
  dag_id text,
  query text,
  doc text,
  score int NOT NULL,
  correction text NOT NULL DEFAULT '',
  request text,
  spec jsonb
)`,
];
const MIGRATION_LOCK = 72_430_116;

const words = (text: string) =>
  new Set((text.toLowerCase().match(/[\p{L}\p{N}_]+/gu) ?? []).filter((w) => w.length > 1));

/** Jaccard similarity of two texts' word sets: how "similar" a stored query or request is to a new one. */
export function similarity(a: string, b: string): number {
  const x = words(a);
  const y = words(b);
  if (x.size === 0 || y.size === 0) return 0;
  let both = 0;
  for (const w of x) if (y.has(w)) both++;
  return both / (x.size + y.size - both);
}

/**
 * Ratings and corrections of generated DAGs and search results, kept with the request and spec they concern.
 * Every search consults the unhelpful-result ratings, so they are kept in memory: reloaded after a rating recorded
 * here, and at most `cacheMs` old (default 5 s) to pick up ratings other replicas wrote to a shared database.
 */
export async function createFeedbackStore(db: SqlClient, options: { cacheMs?: number } = {}) {
  await runLockedMigration(db, MIGRATION_LOCK, MIGRATION);
  const cacheMs = options.cacheMs ?? 5000;
  let unhelpful: { at: number; entries: Promise<FeedbackEntry[]> } | undefined;

  async function record(entry: Omit<FeedbackEntry, 'at'>): Promise<void> {
    await db.query(
      `INSERT INTO feedback (actor, tenant, kind, dag_id, query, doc, score, correction, request, spec)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
      [
        entry.actor,
        homeTenant(entry.tenant),
        entry.kind,
        entry.dag_id,
        entry.query,
        entry.doc,
        entry.score,
        entry.correction.slice(0, 4000),
        entry.request,
        entry.spec === undefined || entry.spec === null ? null : JSON.stringify(entry.spec),
      ],
    );
    unhelpful = undefined;
  }

  async function all(kind?: 'dag' | 'search'): Promise<FeedbackEntry[]> {
    const rows = await db.query<Record<string, unknown>>(
      `SELECT * FROM feedback ${kind ? 'WHERE kind = $1' : ''} ORDER BY id DESC LIMIT 5000`,
      kind ? [kind] : [],
    );
    return rows.rows.map((r) => ({
      at: new Date(r.at as string).toISOString(),
      actor: String(r.actor),
      tenant: String(r.tenant),
      kind: r.kind as FeedbackEntry['kind'],
      dag_id: (r.dag_id as string | null) ?? null,
      query: (r.query as string | null) ?? null,
      doc: (r.doc as string | null) ?? null,
      score: Number(r.score),
      correction: String(r.correction ?? ''),
      request: (r.request as string | null) ?? null,
      spec: typeof r.spec === 'string' ? JSON.parse(r.spec) : (r.spec ?? null),
    }));
  }

  /** Documents the caller's tenant rated unhelpful (score <= 2) for queries similar to this one. */
  async function demotedDocs(
    query: string,
    { tenant = DEFAULT_TENANT, threshold = 0.5 }: { tenant?: string; threshold?: number } = {},
  ): Promise<Set<string>> {
    const own = homeTenant(tenant);
    if (!unhelpful || Date.now() - unhelpful.at > cacheMs) {
      const entries = all('search').then((xs) => xs.filter((f) => f.score <= 2 && f.doc && f.query));
      unhelpful = { at: Date.now(), entries };
      entries.catch(() => {
        if (unhelpful?.entries === entries) unhelpful = undefined;
      });
    }
    const out = new Set<string>();
    for (const f of await unhelpful.entries) {
      if (f.tenant === own && similarity(f.query as string, query) >= threshold) out.add(f.doc as string);
    }
    return out;
  }

  /**
   * Well-rated (>= 4) request/spec pairs of the caller's tenant similar to this request, best first: examples for
   * the planners. Another tenant's requests, specs and notes never reach this tenant's prompts.
   */
  async function examples(
    request: string,
    {
      tenant = DEFAULT_TENANT,
      limit = 2,
      threshold = 0.3,
    }: { tenant?: string; limit?: number; threshold?: number } = {},
  ) {
    const own = homeTenant(tenant);
    return (await all('dag'))
      .filter(
        (f) => f.tenant === own && f.score >= 4 && f.request && f.spec && similarity(f.request, request) >= threshold,
      )
      .map((f) => ({
        request: f.request as string,
        spec: f.spec,
        correction: f.correction,
        similarity: similarity(f.request as string, request),
      }))
      .sort((a, b) => b.similarity - a.similarity)
      .slice(0, limit);
  }

  async function report() {
    const entries = await all();
    const dags = entries.filter((e) => e.kind === 'dag');
    const searches = entries.filter((e) => e.kind === 'search');
    const avg = (xs: FeedbackEntry[]) =>
      xs.length ? Math.round((xs.reduce((n, e) => n + e.score, 0) / xs.length) * 100) / 100 : null;
    const byDag = new Map<string, number[]>();
    for (const e of dags) if (e.dag_id) byDag.set(e.dag_id, [...(byDag.get(e.dag_id) ?? []), e.score]);
    const byDoc = new Map<string, number>();
    for (const e of searches) if (e.doc && e.score <= 2) byDoc.set(e.doc, (byDoc.get(e.doc) ?? 0) + 1);
    return {
      total: entries.length,
      dags: { ratings: dags.length, average: avg(dags), corrections: dags.filter((e) => e.correction).length },
      searches: { ratings: searches.length, average: avg(searches) },
      lowest_rated_dags: [...byDag.entries()]
        .map(([dag_id, s]) => ({ dag_id, average: s.reduce((a, b) => a + b, 0) / s.length, ratings: s.length }))
        .sort((a, b) => a.average - b.average)
        .slice(0, 10),
      demoted_docs: [...byDoc.entries()]
        .map(([doc, times]) => ({ doc, times }))
        .sort((a, b) => b.times - a.times)
        .slice(0, 10),
    };
  }

  return { record, all, demotedDocs, examples, report };
}

export type FeedbackStore = Awaited<ReturnType<typeof createFeedbackStore>>;
