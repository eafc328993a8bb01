import type { DocsRetriever } from '@airflow-mcp/agent';
import { z } from 'zod';
import { defineTool } from '../define-tool.js';

const MAX_QUERY_LENGTH = 2000;

export function searchDocsTool(deps: { retriever: DocsRetriever }) {
  return defineTool({
    name: 'search_docs',
    title: 'Search the knowledge base',
    description:
      'Searches (semantic + full-text) the Airflow and database knowledge base: concepts, Airflow 2/3 differences, ' +
      'per-database load patterns, data quality, security. English or Korean. Returns passages with document, ' +
      'heading and a 0..1 score.',
    input: z.object({
      query: z
        .string()
        .trim()
        .min(1, 'Say what to look for.')
        .max(MAX_QUERY_LENGTH, `Queries are limited to ${MAX_QUERY_LENGTH} characters; shorten it to the key terms.`)
        .describe('What to look for, in English or Korean'),
      k: z.number().int().min(1).max(20).default(5).describe('How many passages to return'),
      min_score: z.number().min(0).max(1).optional().describe('Drop passages scoring below this (0..1)'),
      filters: z
        .object({
          doc_type: z.string().max(50).optional().describe('e.g. concept, guide, pattern, reference, best-practice'),
          category: z.string().max(50).optional().describe('e.g. airflow, databases, data-quality, security'),
          airflow_version: z.string().max(10).optional().describe('"2" or "3": also returns version-neutral documents'),
          lang: z.enum(['en', 'ko']).optional(),
        })
        .optional(),
    }),
    output: z.object({
      results: z.array(
        z.object({
          doc: z.string().describe('Document path in the knowledge base'),
          title: z.string(),
          section: z.string().describe('Heading path of the passage, e.g. "DuckDB > Bulk loading"'),
          score: z.number(),
          text: z.string(),
        }),
      ),
    }),
    annotations: { readOnlyHint: true, idempotentHint: true, openWorldHint: false },
    scope: 'read',
    async handler(input, ctx) {
      const results = await deps.retriever.search(input.query, {
        k: input.k,
        tenant: ctx.principal.tenant,
        ...(input.min_score === undefined ? {} : { minScore: input.min_score }),
        ...(input.filters ? { filters: withoutUndefined(input.filters) } : {}),
      });
      return {
        results: results.map(({ doc, title, section, score, text }) => ({ doc, title, section, score, text })),
      };
    },
    summarize: (o) =>
      o.results.length === 0
        ? 'No passage matched; try other words or fewer filters.'
        : o.results
            .map((r, i) => `${i + 1}. ${r.title} — ${r.section} (${r.doc}, score ${r.score.toFixed(2)})\n${r.text}`)
            .join('\n\n'),
  });
}

function withoutUndefined<T extends Record<string, unknown>>(value: T): { [K in keyof T]: Exclude<T[K], undefined> } {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as {
    [K in keyof T]: Exclude<T[K], undefined>;
  };
}
