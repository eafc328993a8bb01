import { join } from 'node:path';
import {
  createGeminiModel,
  createOpenAiChatModel,
  createPlannerRouter,
  createRulePlanner,
  type PlanningContext,
  type SpecModel,
} from '@airflow-mcp/agent';
import { introspectSqlite } from '@airflow-mcp/pipeline';
import { describe, expect, it } from 'vitest';
import { reply } from './fake-model-server.js';
import { usePlannerSuite } from './use-planner-suite.js';

const NAMED = 'copy events from sample.db to DuckDB analytics.duckdb, only purchases; dag id purchases_named';
const UNNAMED = 'copy events from sample.db to DuckDB analytics.duckdb, only purchases';

function specWith(dagId: string) {
  return {
    dag_id: dagId,
    description: 'Copy purchase events from the SQLite sample into DuckDB.',
    tasks: [
      {
        type: 'transfer',
        id: 'load_events',
        source: { kind: 'sqlite', path: 'sample.db' },
        source_table: 'events',
        filter: "event_type = 'purchase'",
        target: { kind: 'duckdb', path: 'analytics.duckdb' },
        target_table: 'events',
      },
    ],
  };
}

const geminiAnswer = (spec: unknown) =>
  reply({
    candidates: [
      { content: { parts: [{ text: JSON.stringify(spec) }], role: 'model' }, finishReason: 'STOP', index: 0 },
    ],
    usageMetadata: { promptTokenCount: 1200, candidatesTokenCount: 150, totalTokenCount: 1350 },
    modelVersion: 'gemini-2.5-flash',
  });
const openAiAnswer = (spec: unknown) =>
  reply({
    id: 'chatcmpl-named',
    object: 'chat.completion',
    created: 1767225600,
    model: 'qwen2.5-coder:7b',
    choices: [{ index: 0, message: { role: 'assistant', content: JSON.stringify(spec) }, finish_reason: 'stop' }],
    usage: { prompt_tokens: 1100, completion_tokens: 140, total_tokens: 1240 },
  });

/**
 * A model-planned spec whose DAG id the request named is marked dagIdGiven, like a rule-planned one: the DAG-id rules
 * (ADR 0005) then answer CONFLICT (or replace with replace: true) instead of moving it to another id. A derived id is
 * not given. Through the planner router, against the local server speaking the Gemini and OpenAI wire formats.
 */
describe('model planners mark a DAG id the request names as given', () => {
  const suite = usePlannerSuite();
  const dataDir = suite.planning.dataDir;
  const context = (request: string): PlanningContext => ({
    request,
    language: 'en',
    tenant: `named-${Math.random().toString(36).slice(2)}`,
    hints: {},
    introspect: async (connection, table) =>
      connection.kind === 'sqlite'
        ? introspectSqlite(join(dataDir, connection.path.replace(/^.*\//, '')), table)
        : undefined,
    allowedDataDirs: [dataDir],
    knowledge: [],
    previousFailures: [],
  });
  const providers: { name: 'gemini' | 'openai'; model: () => SpecModel; answer: typeof geminiAnswer }[] = [
    {
      name: 'gemini',
      model: () =>
        createGeminiModel({
          apiKey: 'AIzaSyTestKey-0123456789abcdefghijklmnopq',
          baseUrl: suite.server.url,
          backoffMs: 1,
        }),
      answer: geminiAnswer,
    },
    {
      name: 'openai',
      model: () =>
        createOpenAiChatModel({ baseUrl: `${suite.server.url}/v1`, model: 'qwen2.5-coder:7b', backoffMs: 1 }),
      answer: openAiAnswer,
    },
  ];

  for (const provider of providers) {
    const router = () =>
      createPlannerRouter({
        mode: provider.name,
        rules: createRulePlanner(),
        [provider.name]: provider.model(),
        allowedDataDirs: [dataDir],
      });

    it(`${provider.name}: "dag id purchases_named" makes the answer's id given; a derived id is not`, async () => {
      suite.server.script(
        provider.answer(specWith('purchases_named')),
        provider.answer(specWith('sqlite_events_to_duckdb')),
      );
      const named = await router().plan(context(NAMED));
      expect(named.planner).toMatch(new RegExp(`^${provider.name} `));
      expect(named.spec.dag_id).toBe('purchases_named');
      expect(named.dagIdGiven).toBe(true);
      const derived = await router().plan(context(UNNAMED));
      expect(derived.spec.dag_id).toBe('sqlite_events_to_duckdb');
      expect(derived.dagIdGiven).toBe(false);
      expect(suite.server.requests).toHaveLength(2);
    });

    it(`${provider.name}: an answer that ignores the named id is sent back and repaired to it`, async () => {
      suite.server.script(
        provider.answer(specWith('sqlite_events_to_duckdb')),
        provider.answer(specWith('purchases_named')),
      );
      const plan = await router().plan(context(NAMED));
      expect(plan.attempts).toBe(2);
      expect(plan.spec.dag_id).toBe('purchases_named');
      expect(plan.dagIdGiven).toBe(true);
    });
  }
});
