import { join } from 'node:path';
import { createPlannerRouter, createRulePlanner, type PlanningContext } from '@airflow-mcp/agent';
import { createGeminiModel, createOpenAiChatModel, type SpecModel } from '@airflow-mcp/llm';
import { introspectSqlite } from '@airflow-mcp/pipeline';
import { reply } from './fake-model-server.js';

/** A Gemini generateContent response carrying a spec as its text, as the API sends it. */
export const geminiAnswer = (spec: unknown) =>
  reply({
    candidates: [
      { content: { parts: [{ text: JSON.stringify(spec) }], role: 'model' }, finishReason: 'STOP', index: 0 },
    ],
    usageMetadata: { promptTokenCount: 1500, candidatesTokenCount: 200, totalTokenCount: 1700 },
    modelVersion: 'gemini-2.5-flash',
  });

/** An OpenAI chat completion carrying a spec as its content. */
export const openAiAnswer = (spec: unknown) =>
  reply({
    id: 'chatcmpl-ff',
    object: 'chat.completion',
    created: 1767225600,
    model: 'qwen2.5-coder:7b',
    choices: [{ index: 0, message: { role: 'assistant', content: JSON.stringify(spec) }, finish_reason: 'stop' }],
    usage: { prompt_tokens: 1400, completion_tokens: 180, total_tokens: 1580 },
  });

export interface WireProvider {
  name: 'gemini' | 'openai';
  model: () => SpecModel;
  answer: typeof geminiAnswer;
}

/** The two wire formats, each a model against the local fake server at `url()`, and an answer in its format. */
export function wireProviders(url: () => string): WireProvider[] {
  return [
    {
      name: 'gemini',
      model: () =>
        createGeminiModel({ apiKey: 'AIzaSyTestKey-0123456789abcdefghijklmnopq', baseUrl: url(), backoffMs: 1 }),
      answer: geminiAnswer,
    },
    {
      name: 'openai',
      model: () => createOpenAiChatModel({ baseUrl: `${url()}/v1`, model: 'qwen2.5-coder:7b', backoffMs: 1 }),
      answer: openAiAnswer,
    },
  ];
}

/** The planner router the service builds, with only this provider's model. */
export function routerFor(provider: WireProvider, dataDir: string) {
  return createPlannerRouter({
    mode: provider.name,
    rules: createRulePlanner(),
    [provider.name]: provider.model(),
    allowedDataDirs: [dataDir],
  });
}

/**
 * The planning context of an English request over the SQLite files of `dataDir`, with a tenant of its own per call:
 * the router's plan cache must not answer from an earlier test's plan.
 */
export function sqliteContext(dataDir: string, request: string): PlanningContext {
  return {
    request,
    language: 'en',
    tenant: `wire-${Math.random().toString(36).slice(2)}`,
    hints: {},
    introspect: async (connection, table) =>
      connection.kind === 'sqlite'
        ? introspectSqlite(join(dataDir, connection.path.replace(/^.*\//, '')), table)
        : undefined,
    allowedDataDirs: [dataDir],
    knowledge: [],
    previousFailures: [],
  };
}
