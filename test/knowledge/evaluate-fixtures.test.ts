import { createKnowledgeBase, evaluateRetrieval, LocalEmbedder, parseEvalQueries } from '@airflow-mcp/knowledge';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';

const fixtures = join(import.meta.dirname, 'fixtures');

it('scores the labelled fixture queries per language, hybrid finding every relevant document', async () => {
  const kb = await createKnowledgeBase({ embedder: new LocalEmbedder(), vectorCache: false });
  try {
    await kb.ingest([{ path: join(fixtures, 'docs'), source: 'fixtures' }]);
    const queries = parseEvalQueries(readFileSync(join(fixtures, 'queries.jsonl'), 'utf8'));
    const report = await evaluateRetrieval({
      queries,
      k: 5,
      search: (q) => kb.retriever.search(q.query, { k: 5, maxPerDocument: 1 }),
    });
    expect(report.overall).toMatchObject({ queries: 4, recallAtK: 1, hits: 4 });
    expect(report.overall.mrr).toBeGreaterThanOrEqual(0.75);
    expect(Object.keys(report.byLang)).toEqual(['en', 'ko']);
    expect(
      report.perQuery.every((q) => q.retrieved.length > 0 && new Set(q.retrieved).size === q.retrieved.length),
    ).toBe(true);
  } finally {
    await kb.close();
  }
});
