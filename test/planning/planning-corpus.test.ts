import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { describe, expect, it } from 'vitest';
import { createRulePlanner, detectLanguage, understandSpec } from '@airflow-mcp/agent';
import { introspectSqlite, parseExpression } from '@airflow-mcp/pipeline';
import { canonicalCondition, canonicalSchedule } from '../../packages/agent/eval/planning/canonical-expression.mjs';
import { createPlanningFixtures, FIXTURE_SCHEMA } from '../../packages/agent/eval/planning/create-fixtures.mjs';
import {
  diffUnderstood,
  evaluatePlanning,
  expectedUnderstood,
  loadCorpus,
  validateCorpus,
  type CorpusItem,
  type ExpectedUnderstood,
} from '../../packages/agent/eval/planning/evaluate-planning.mjs';

import { usePlanningFixtures } from './use-planning-fixtures.js';
/**
 * The planning corpus of issue 12 (written from the user's side) and the evaluation over it: the corpus is large,
 * bilingual, varied and well formed against the fixture schema, and the rule planner returns no spec that differs
 * from what was asked (a refusal is allowed; a silently different pipeline is not).
 */
const corpusDir = join(import.meta.dirname, '..', '..', 'packages', 'agent', 'eval', 'planning');
const corpus = loadCorpus(join(corpusDir, 'corpus.jsonl'));
const holdout = loadCorpus(join(corpusDir, 'corpus-holdout.jsonl'));

describe('the planning corpus', () => {
  it('has at least 420 requests, 40% Korean, 30 phrasing families and 15% expected refusals', () => {
    expect(corpus.length).toBeGreaterThanOrEqual(420);
    expect(corpus.filter((c) => c.lang === 'ko').length / corpus.length).toBeGreaterThanOrEqual(0.4);
    expect(new Set(corpus.map((c) => c.family)).size).toBeGreaterThanOrEqual(30);
    expect(corpus.filter((c) => c.expect.refuse).length / corpus.length).toBeGreaterThanOrEqual(0.15);
    expect(holdout.length).toBeGreaterThanOrEqual(80);
  });

  it('has no request twice, and no held-out request that is also in the main corpus', () => {
    const requests = corpus.map((c) => c.request.trim().toLowerCase());
    expect(requests.filter((r, i) => requests.indexOf(r) !== i)).toEqual([]);
    expect(holdout.filter((h) => requests.includes(h.request.trim().toLowerCase())).map((h) => h.id)).toEqual([]);
    const ids = new Set(corpus.map((c) => c.id));
    expect(holdout.filter((h) => ids.has(h.id)).map((h) => h.id)).toEqual([]);
  });

  it('has well-formed expectations: expressions parse, columns and tables exist in the fixture schema', () => {
    for (const items of [corpus, holdout]) {
      const { problems, pending } = validateCorpus(items, { parseExpression });
      expect(problems).toEqual([]);
      // year(), month(), day(), hour() are part of issue 12; until the expression language has them, listed here.
      expect(pending).toEqual([]);
    }
  });

  it('finds malformed expectations (the validation can fail)', () => {
    const broken: CorpusItem[] = [
      {
        id: 'x1',
        family: 'f',
        lang: 'en',
        request: 'copy orders',
        source_db: 'shop.db',
        expect: { tables: [{ source_table: 'orders', filter: 'colour = 1' }] },
      },
      {
        id: 'x1',
        family: 'f',
        lang: 'en',
        request: 'copy orders',
        source_db: 'shop.db',
        expect: { tables: [{ source_table: 'orders', checks: [{ kind: 'not_null', column: 'nope' }] }] },
      },
      {
        id: 'x3',
        family: 'f',
        lang: 'en',
        request: 'x',
        source_db: 'shop.db',
        expect: { tables: [{ source_table: 'x' }] },
      },
    ];
    const { problems } = validateCorpus(broken, { parseExpression });
    expect(problems.join('\n')).toMatch(/unknown column "colour"/);
    expect(problems.join('\n')).toMatch(/duplicate id/);
    expect(problems.join('\n')).toMatch(/not_null on nope/);
    expect(problems.join('\n')).toMatch(/table x is not in shop.db/);
  });
});

describe('the fixture databases', () => {
  const dump = (path: string) => {
    const db = new DatabaseSync(path, { readOnly: true });
    try {
      const tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").all() as {
        name: string;
      }[];
      return Object.fromEntries(tables.map(({ name }) => [name, db.prepare(`SELECT * FROM ${name}`).all()]));
    } finally {
      db.close();
    }
  };

  it('are the same rows every time, hundreds per table, with NULLs in the nullable columns', () => {
    const [a, b] = [
      mkdtempSync(join(tmpdir(), 'planning-fixtures-')),
      mkdtempSync(join(tmpdir(), 'planning-fixtures-')),
    ];
    try {
      const first = createPlanningFixtures(a);
      const second = createPlanningFixtures(b);
      for (const file of ['shop', 'events'] as const) {
        const rows = dump(first[file]);
        expect(rows).toEqual(dump(second[file]));
        expect(Object.keys(rows).sort()).toEqual(Object.keys(FIXTURE_SCHEMA[`${file}.db`] ?? {}).sort());
        for (const [table, list] of Object.entries(rows)) {
          expect(list.length, table).toBeGreaterThanOrEqual(200);
        }
      }
      const shop = dump(first.shop);
      for (const [table, column] of [
        ['customers', 'email'],
        ['orders', 'shipped_at'],
        ['products', 'brand'],
        ['payments', 'paid_at'],
        ['users', 'age'],
        ['order_items', 'discount'],
      ] as const) {
        expect(
          shop[table]?.some((row) => (row as Record<string, unknown>)[column] === null),
          `${table}.${column}`,
        ).toBe(true);
      }
    } finally {
      rmSync(a, { recursive: true, force: true });
      rmSync(b, { recursive: true, force: true });
    }
  });
});

describe('comparing an expectation with a spec', () => {
  const key = (text: string) => JSON.stringify(canonicalCondition(parseExpression(text), new Set(['is_active'])));

  it('treats equivalent spellings of a filter and a schedule as equal, and different meanings as different', () => {
    expect(key('age >= 20 AND age <= 30')).toBe(key('age BETWEEN 20 AND 30'));
    expect(key("status = 'pending' OR status = 'paid'")).toBe(key("status IN ('paid', 'pending')"));
    expect(key("NOT (status = 'cancelled')")).toBe(key("status <> 'cancelled'"));
    expect(key('is_active')).toBe(key('is_active = 1'));
    expect(key('b = 2 AND a = 1')).toBe(key('a = 1 AND b = 2'));
    expect(key('quantity * unit_price * 0.9 > 10')).toBe(key('0.9 * (unit_price * quantity) > 10'));
    expect(key('amount - discount > 0')).not.toBe(key('discount - amount > 0'));
    expect(key('age > 20')).not.toBe(key('age >= 20'));
    expect(key("status = 'a' OR amount > 1")).not.toBe(key("status = 'a' AND amount > 1"));
    expect(canonicalSchedule('@daily')).toBe(canonicalSchedule('0 0 * * *'));
    expect(canonicalSchedule('0 9 * * 1-5')).not.toBe(canonicalSchedule('0 9 * * *'));
  });

  it('reports a spec that drops a filter, a check or a retry delay as a difference', () => {
    const item = corpus.find((c) => c.id === 'clause-01') as CorpusItem;
    const want = expectedUnderstood(item) as ExpectedUnderstood;
    const table = want.tables[0] as ExpectedUnderstood['tables'][number];
    const got = {
      ...want,
      dag_id: 'x',
      retry_delay_s: 60,
      tables: [{ ...table, filter: undefined, checks: [{ kind: 'row_count', min: 1 }] }],
    };
    const diffs = diffUnderstood(want, got, { parseExpression, sourceFile: 'shop.db' });
    expect(diffs.map((d) => d.split(':')[0])).toEqual([
      'retry_delay_s',
      'tables[orders].filter',
      'tables[orders].checks',
    ]);
    expect(diffUnderstood(want, { ...want, dag_id: 'x' }, { parseExpression, sourceFile: 'shop.db' })).toEqual([]);
    const columns = table.columns === 'all' ? [] : table.columns;
    const renamedBack = columns
      .map((c) => (c.name === 'total' ? { name: 'amount' } : c))
      .filter((c) => c.name !== 'note');
    expect(
      diffUnderstood(
        want,
        { ...want, tables: [{ ...table, columns: renamedBack }] },
        { parseExpression, sourceFile: 'shop.db' },
      ),
    ).toEqual(['tables[orders].columns: missing total <- amount, note; extra amount']);
  });
});

describe('the rule planner over the corpus', () => {
  const fixtureDir = usePlanningFixtures('planning-corpus-');

  it('never returns a spec that differs from the request (zero silent drops)', { timeout: 900_000 }, async () => {
    const { cases, summary } = await evaluatePlanning(corpus, {
      fixtureDir: fixtureDir(),
      deps: { createRulePlanner, detectLanguage, understandSpec, parseExpression, introspectSqlite },
    });
    expect(summary.requests).toBe(corpus.length);
    const drops = cases.filter((c) => c.silentDrop).map((c) => `${c.id} ${c.request}: ${c.diffs.join('; ')}`);
    expect(drops).toEqual([]);
  });
});
