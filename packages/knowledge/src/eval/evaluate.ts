import { AppError } from '@airflow-mcp/core';

/** One labelled query: the documents (paths relative to the corpus root) a good search returns. */
export interface EvalQuery {
  id: string;
  query: string;
  lang: string;
  relevant: string[];
}

export interface EvalMetrics {
  queries: number;
  /** Mean share of the relevant documents found in the top k. */
  recallAtK: number;
  /** Mean reciprocal rank of the first relevant document (0 when none is in the top k). */
  mrr: number;
  /** Mean nDCG@k with binary relevance. */
  ndcg: number;
  /** Queries with at least one relevant document in the top k. */
  hits: number;
}

export interface EvalReport {
  k: number;
  overall: EvalMetrics;
  byLang: Record<string, EvalMetrics>;
  perQuery: { id: string; lang: string; firstRelevantRank: number | null; retrieved: string[] }[];
}

/** Reads JSONL lines {"id","query","lang","relevant":[...]}, naming the line of any malformed one. */
export function parseEvalQueries(jsonl: string): EvalQuery[] {
  return jsonl
    .split(/\r?\n/)
    .map((line, index) => ({ line: line.trim(), number: index + 1 }))
    .filter(({ line }) => line !== '' && !line.startsWith('//'))
    .map(({ line, number }) => {
      let value: Partial<EvalQuery>;
      try {
        value = JSON.parse(line) as Partial<EvalQuery>;
      } catch (error) {
        throw new AppError('INVALID_INPUT', `Line ${number} of the query set is not JSON.`, { cause: error });
      }
      if (typeof value.query !== 'string' || !Array.isArray(value.relevant) || value.relevant.length === 0) {
        throw new AppError(
          'INVALID_INPUT',
          `Line ${number} of the query set needs "query" and a non-empty "relevant".`,
        );
      }
      return {
        id: String(value.id ?? `q${number}`),
        query: value.query,
        lang: String(value.lang ?? 'en'),
        relevant: value.relevant.map(String),
      };
    });
}

/** Distinct documents in result order, cut at k. */
export function rankedDocuments(results: readonly { doc: string }[], k: number): string[] {
  return [...new Set(results.map((r) => r.doc))].slice(0, k);
}

export function recallAtK(ranked: readonly string[], relevant: readonly string[], k: number): number {
  const top = new Set(ranked.slice(0, k));
  return relevant.filter((doc) => top.has(doc)).length / relevant.length;
}

export function reciprocalRank(ranked: readonly string[], relevant: readonly string[]): number {
  const index = ranked.findIndex((doc) => relevant.includes(doc));
  return index < 0 ? 0 : 1 / (index + 1);
}

export function ndcgAtK(ranked: readonly string[], relevant: readonly string[], k: number): number {
  const dcg = ranked.slice(0, k).reduce((sum, doc, i) => sum + (relevant.includes(doc) ? 1 / Math.log2(i + 2) : 0), 0);
  let ideal = 0;
  for (let i = 0; i < Math.min(relevant.length, k); i++) ideal += 1 / Math.log2(i + 2);
  return ideal === 0 ? 0 : dcg / ideal;
}

/**
 * Runs every query through `search` and scores the distinct documents of the top k: recall@k, MRR and nDCG,
 * overall and per language.
 */
export async function evaluateRetrieval(options: {
  queries: readonly EvalQuery[];
  search: (query: EvalQuery) => Promise<readonly { doc: string }[]>;
  k?: number;
}): Promise<EvalReport> {
  const k = options.k ?? 5;
  const rows: { lang: string; recall: number; rr: number; ndcg: number }[] = [];
  const perQuery: EvalReport['perQuery'] = [];
  for (const query of options.queries) {
    const ranked = rankedDocuments(await options.search(query), k);
    const rr = reciprocalRank(ranked, query.relevant);
    rows.push({
      lang: query.lang,
      recall: recallAtK(ranked, query.relevant, k),
      rr,
      ndcg: ndcgAtK(ranked, query.relevant, k),
    });
    perQuery.push({
      id: query.id,
      lang: query.lang,
      firstRelevantRank: rr === 0 ? null : Math.round(1 / rr),
      retrieved: ranked,
    });
  }
  const summarize = (subset: typeof rows): EvalMetrics => {
    const mean = (pick: (r: (typeof rows)[number]) => number) =>
      subset.length === 0 ? 0 : round(subset.reduce((s, r) => s + pick(r), 0) / subset.length);
    return {
      queries: subset.length,
      recallAtK: mean((r) => r.recall),
      mrr: mean((r) => r.rr),
      ndcg: mean((r) => r.ndcg),
      hits: subset.filter((r) => r.rr > 0).length,
    };
  };
  const langs = [...new Set(rows.map((r) => r.lang))].sort();
  return {
    k,
    overall: summarize(rows),
    byLang: Object.fromEntries(langs.map((lang) => [lang, summarize(rows.filter((r) => r.lang === lang))])),
    perQuery,
  };
}

function round(value: number): number {
  return Math.round(value * 10_000) / 10_000;
}
