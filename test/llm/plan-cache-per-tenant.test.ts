import { createOpenAiChatModel } from '@airflow-mcp/llm';
import { introspectSqlite } from '@airflow-mcp/pipeline';
import { createPlannerRouter, createRulePlanner } from '@airflow-mcp/agent';
import { describe, expect, it } from 'vitest';
import { fixture, reply } from './fake-model-server.js';
import { usePlannerSuite } from './use-planner-suite.js';

/**
 * The model planners' response cache is kept per tenant: the same request from two tenants asks the model twice
 * (one tenant never gets the plan made for another, with the other's examples), and the same tenant twice once.
 */
describe('plan cache per tenant (router over a local OpenAI-compatible server)', () => {
  const suite = usePlannerSuite();

  it('asks the model again for another tenant, and not again for the same one', async () => {
    const router = createPlannerRouter({
      mode: 'openai',
      rules: createRulePlanner(),
      openai: createOpenAiChatModel({ baseUrl: `${suite.server.url}/v1`, model: 'qwen2.5-coder:7b', backoffMs: 1 }),
      allowedDataDirs: [suite.planning.dataDir],
    });
    const context = (tenant: string) => ({
      request: suite.planning.context.request,
      language: 'en' as const,
      tenant,
      hints: { sourceDb: 'sample.db', targetDb: 'analytics.duckdb' },
      introspect: async (connection: { kind: string; path?: string }, table?: string) =>
        connection.kind === 'sqlite' && connection.path
          ? introspectSqlite(`${suite.planning.dataDir}/${connection.path.replace(/^.*\//, '')}`, table)
          : undefined,
      allowedDataDirs: [suite.planning.dataDir],
      knowledge: [],
      previousFailures: [],
    });
    suite.server.script(reply(fixture('openai-good.json')), reply(fixture('openai-good.json')));
    const first = await router.plan(context('acme'));
    expect(first.attempts).toBe(1);
    expect(suite.server.requests).toHaveLength(1);

    const again = await router.plan(context('acme'));
    expect(again.attempts).toBe(0);
    expect(suite.server.requests).toHaveLength(1);

    const other = await router.plan(context('globex'));
    expect(other.attempts).toBe(1);
    expect(suite.server.requests).toHaveLength(2);
  });
});
