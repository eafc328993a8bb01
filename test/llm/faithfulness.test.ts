import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { isAppError } from '@airflow-mcp/core';
import { createSampleDatabase } from '@airflow-mcp/pipeline';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { ToolResult } from '../support/mcp-tool-calls.js';
import { startServiceApp, type ServiceApp } from '../support/start-service-app.js';
import type { RecordedRequest } from './fake-model-server.js';
import { usePlannerSuite } from './use-planner-suite.js';
import { routerFor, sqliteContext, wireProviders } from './wire-planners.js';

const REQUEST = 'copy events from sample.db to DuckDB analytics.duckdb, only purchases, retry 3 times';

/** The spec the request asks for; `change` drops or alters one part of it (what a model answer might do). */
function specFor(change: { filter?: string | null; retries?: number } = {}) {
  const filter = change.filter === undefined ? "event_type = 'purchase'" : change.filter;
  return {
    dag_id: 'purchases_to_duckdb',
    description: 'Copy purchase events from the SQLite sample into DuckDB.',
    retries: change.retries ?? 3,
    tasks: [
      {
        type: 'transfer',
        id: 'load_events',
        source: { kind: 'sqlite', path: 'sample.db' },
        source_table: 'events',
        ...(filter === null ? {} : { filter }),
        target: { kind: 'duckdb', path: 'analytics.duckdb' },
        target_table: 'events',
        mode: 'replace',
      },
    ],
  };
}

/** The prompt text of a recorded request, for either wire format. */
function promptOf(request: RecordedRequest | undefined): string {
  const body = (request?.body ?? {}) as {
    contents?: { parts: { text: string }[] }[];
    messages?: { content: string }[];
  };
  if (body.contents) return body.contents.flatMap((c) => c.parts.map((p) => p.text)).join('\n');
  return (body.messages ?? []).map((m) => m.content).join('\n');
}

/**
 * A model answer that drops a clause of the request (the filter, the retry count) does not become a pipeline: through
 * the planner router the service uses, against the local server speaking the Gemini and OpenAI wire formats, the
 * faithfulness check sends it back for repair with the missing part named, and when the model keeps dropping it the
 * user gets NEEDS_CLARIFICATION. A caller's own spec that contradicts its request is refused the same way.
 */
describe('faithfulness of model planners over the wire', () => {
  const suite = usePlannerSuite();
  const dataDir = suite.planning.dataDir;
  const context = () => sqliteContext(dataDir, REQUEST);
  const providers = wireProviders(() => suite.server.url);

  for (const provider of providers) {
    it(`${provider.name}: an answer without the filter is repaired on the second attempt, the repair prompt naming the filter`, async () => {
      suite.server.script(provider.answer(specFor({ filter: null })), provider.answer(specFor()));
      const plan = await routerFor(provider, dataDir).plan(context());
      expect(plan.attempts).toBe(2);
      expect(plan.planner).toMatch(new RegExp(`^${provider.name} `));
      const transfer = plan.spec.tasks[0];
      expect(transfer?.type === 'transfer' && transfer.filter).toBe("event_type = 'purchase'");
      expect(plan.spec.retries).toBe(3);
      expect(plan.notes.join(' ')).toMatch(/repaired after: .*purchase/);
      expect(suite.server.requests).toHaveLength(2);
      const repair = promptOf(suite.server.requests[1]);
      expect(repair).toContain('The spec does not do what the request asks');
      expect(repair).toContain("filter event_type = 'purchase' (the spec has no filter)");
      expect(promptOf(suite.server.requests[0])).not.toContain('The spec does not do what the request asks');
    });

    it(`${provider.name}: an answer with retries 1 for "retry 3 times" is repaired to retries 3, the repair prompt naming retries`, async () => {
      suite.server.script(provider.answer(specFor({ retries: 1 })), provider.answer(specFor()));
      const plan = await routerFor(provider, dataDir).plan(context());
      expect(plan.attempts).toBe(2);
      expect(plan.spec.retries).toBe(3);
      const transfer = plan.spec.tasks[0];
      expect(transfer?.type === 'transfer' && transfer.filter).toBe("event_type = 'purchase'");
      const repair = promptOf(suite.server.requests[1]);
      expect(repair).toContain('retries 3 (the spec has 1)');
      expect(repair).not.toContain('filter event_type');
    });

    it(`${provider.name}: when every answer drops the filter, the user gets NEEDS_CLARIFICATION naming it, not a pipeline`, async () => {
      const dropped = specFor({ filter: null });
      suite.server.script(provider.answer(dropped), provider.answer(dropped), provider.answer(dropped));
      const error = await routerFor(provider, dataDir)
        .plan(context())
        .then(
          () => undefined,
          (e: unknown) => e,
        );
      expect(isAppError(error), String(error)).toBe(true);
      expect(error).toMatchObject({ code: 'NEEDS_CLARIFICATION' });
      expect((error as Error).message).toContain("filter event_type = 'purchase' (the spec has no filter)");
      expect((error as Error).message).toContain(`The ${provider.name} planner could not produce a pipeline`);
      // Each answer was sent back once: 1 + 2 repairs, then the question to the user.
      expect(suite.server.requests).toHaveLength(3);
      expect(suite.server.pending()).toBe(0);
    });
  }
});

describe("a caller's spec that contradicts its request, through create_dag over MCP", () => {
  const airflow = inject('airflow');
  const warehouse = join(airflow.dataDir, `warehouse-ff-llm-${Date.now().toString(36)}`);
  let app: ServiceApp;
  let client: Client;

  beforeAll(async () => {
    mkdirSync(warehouse, { recursive: true });
    createSampleDatabase(join(warehouse, 'sample.db'));
    app = await startServiceApp(airflow, { ALLOWED_DATA_DIRS: warehouse, PLANNER: 'rules' });
    client = await app.connect();
  });
  afterAll(async () => {
    await app?.close();
  });
  const create = async (spec: unknown) =>
    (await client.callTool(
      { name: 'create_dag', arguments: { task_description: REQUEST, spec, deploy: false } },
      undefined,
      { timeout: 300_000 },
    )) as ToolResult;

  it('refuses retries 1 under "retry 3 times" with NEEDS_CLARIFICATION naming retries, and previews the faithful spec', async () => {
    const refused = await create({ ...specFor({ retries: 1 }), dag_id: `ff_caller_${Date.now().toString(36)}` });
    expect(refused.isError).toBe(true);
    const text = refused.content[0]?.text ?? '';
    expect(text).toContain('NEEDS_CLARIFICATION');
    expect(text).toContain('The request asks for retries 3, but the spec has 1.');

    const dropped = await create({ ...specFor({ filter: null }), dag_id: `ff_caller_${Date.now().toString(36)}` });
    expect(dropped.isError).toBe(true);
    expect(dropped.content[0]?.text).toContain('NEEDS_CLARIFICATION');
    expect(dropped.content[0]?.text).toContain(
      "The request asks for filter event_type = 'purchase', but the spec has no filter.",
    );

    const faithful = await create({ ...specFor(), dag_id: `ff_caller_${Date.now().toString(36)}` });
    expect(faithful.isError, faithful.content[0]?.text).toBeFalsy();
    const out = faithful.structuredContent as {
      planner: string;
      deployed: boolean;
      understood: { retries: number; tables: { filter?: string }[] };
    };
    expect(out).toMatchObject({ planner: 'caller', deployed: false });
    expect(out.understood.retries).toBe(3);
    expect(out.understood.tables[0]?.filter).toBe("event_type = 'purchase'");
  });
});
