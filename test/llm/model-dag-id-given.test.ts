import { describe, expect, it } from 'vitest';
import { usePlannerSuite } from './use-planner-suite.js';
import { routerFor, sqliteContext, wireProviders } from './wire-planners.js';

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

/**
 * A model-planned spec whose DAG id the request named is marked dagIdGiven, like a rule-planned one: the DAG-id rules
 * (ADR 0005) then answer CONFLICT (or replace with replace: true) instead of moving it to another id. A derived id is
 * not given. Through the planner router, against the local server speaking the Gemini and OpenAI wire formats.
 */
describe('model planners mark a DAG id the request names as given', () => {
  const suite = usePlannerSuite();
  const dataDir = suite.planning.dataDir;
  const context = (request: string) => sqliteContext(dataDir, request);
  const providers = wireProviders(() => suite.server.url);

  for (const provider of providers) {
    const router = () => routerFor(provider, dataDir);

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
