import { silentLogger } from '@airflow-mcp/core';
import { createKnowledgeBase, type KnowledgeBase, LocalEmbedder } from '@airflow-mcp/knowledge';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ToolContext } from '../../apps/server/src/mcp/define-tool.js';
import { searchDocsTool } from '../../apps/server/src/mcp/tools/search-docs.js';

const context: ToolContext = {
  signal: new AbortController().signal,
  log: silentLogger,
  sessionId: undefined,
  principal: { keyId: 'test', tenant: 'default', scopes: ['read'] },
  progress: async () => undefined,
  sampling: undefined,
};

describe('search_docs tool over a real retriever', () => {
  let kb: KnowledgeBase;
  beforeAll(async () => {
    kb = await createKnowledgeBase({ embedder: new LocalEmbedder() });
    await kb.ingest([{ path: join(import.meta.dirname, 'fixtures', 'docs'), source: 'fixtures' }]);
  });
  afterAll(() => kb.close());

  it('declares a read-only tool and returns passages with document, heading path and score', async () => {
    const tool = searchDocsTool({ retriever: kb.retriever });
    expect(tool).toMatchObject({ name: 'search_docs', scope: 'read', annotations: { readOnlyHint: true } });
    const input = tool.input.parse({ query: '  DuckDB로 parquet 대량 적재  ', k: 2 });
    const output = tool.output.parse(await tool.handler(input, context));
    expect(output.results).toHaveLength(2);
    expect(output.results[0]).toMatchObject({
      doc: 'databases/duckdb-bulk-loading.md',
      title: 'DuckDB bulk loading',
      section: 'DuckDB > Bulk loading',
    });
    expect(Object.keys(output.results[0] ?? {}).sort()).toEqual(['doc', 'score', 'section', 'text', 'title']);
    expect(tool.summarize?.(output)).toContain('1. DuckDB bulk loading — DuckDB > Bulk loading');
  });

  it('passes filters and the score threshold through, and refuses an over-long query with the limit', async () => {
    const tool = searchDocsTool({ retriever: kb.retriever });
    const filtered = await tool.handler(
      tool.input.parse({ query: 'table migration retries', k: 5, filters: { lang: 'ko' } }),
      context,
    );
    expect(filtered.results.map((r) => r.doc)).toEqual(['ko/daily-table-migration.md', 'ko/daily-table-migration.md']);
    const strict = await tool.handler(tool.input.parse({ query: 'duckdb', k: 5, min_score: 0.99 }), context);
    expect(strict.results.every((r) => r.score >= 0.99)).toBe(true);
    const tooLong = tool.input.safeParse({ query: 'x'.repeat(2001) });
    expect(tooLong.success).toBe(false);
    expect(tooLong.error?.issues[0]?.message).toMatch(/limited to 2000 characters/);
  });
});
