import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createRulePlanner, detectLanguage, understandSpec, type Understood } from '@airflow-mcp/agent';
import { columnsOf, introspectSqlite, parseExpression } from '@airflow-mcp/pipeline';
import { canonicalSchedule } from '../../packages/agent/eval/planning/canonical-expression.mjs';
import { fixtureColumns, random } from '../../packages/agent/eval/planning/create-fixtures.mjs';
import {
  expectedUnderstood,
  fixtureIntrospector,
  loadCorpus,
  type CorpusItem,
  type ExpectedUnderstood,
} from '../../packages/agent/eval/planning/evaluate-planning.mjs';

import { usePlanningFixtures } from './use-planning-fixtures.js';
/**
 * Property: a request the planner should understand, with one more clause appended (a filter, a check, retries with
 * a delay, a column list, a schedule, a target table, a sentence of nonsense), is either refused
 * (NEEDS_CLARIFICATION) or planned into a spec that reflects the clause. Never the base spec with the clause
 * ignored. Seeded, so a failure names a combination that can be replayed.
 */
const SEED = 20261206;
const COMBINATIONS = 240;
const corpus = loadCorpus(
  join(import.meta.dirname, '..', '..', 'packages', 'agent', 'eval', 'planning', 'corpus.jsonl'),
);

interface Base {
  item: CorpusItem;
  want: ExpectedUnderstood;
  file: string;
  table: string;
  columns: string[];
}

/** Single-table requests over a fixture, all columns as they are, no schedule, retries, checks or renamed target. */
const bases: Base[] = corpus.flatMap((item) => {
  const want = expectedUnderstood(item);
  if ('refuse' in want) return [];
  const t = want.tables[0];
  const file = want.source?.startsWith('sqlite:') ? want.source.slice('sqlite:'.length) : undefined;
  const columns = file && t ? fixtureColumns(file, t.source_table) : undefined;
  const simple =
    want.tables.length === 1 &&
    t !== undefined &&
    t.columns === 'all' &&
    t.target_table === t.source_table &&
    (t.mode === 'replace' || t.mode === 'append') &&
    t.checks.length === 0 &&
    want.schedule === null &&
    want.retries === 1 &&
    want.retry_delay_s === 60 &&
    want.dag_id === undefined;
  return simple && file && columns && t ? [{ item, want, file, table: t.source_table, columns }] : [];
});

type Verdict = string | undefined;
interface Clause {
  name: string;
  text: (lang: 'en' | 'ko', column: string, other: string) => string;
  /** undefined when the Understood reflects the clause, else what is missing. A clause with no `reflected` must be refused. */
  reflected?: (got: Understood, column: string, other: string) => Verdict;
}

const lower = (s: string | undefined) => (s ?? '').toLowerCase();
const table0 = (got: Understood) => got.tables[0];
const reads = (expression: string | undefined, column: string) =>
  expression !== undefined && [...columnsOf(parseExpression(expression))].some((c) => lower(c) === lower(column));

const CLAUSES: Clause[] = [
  {
    name: 'filter is not null',
    text: (lang, c) =>
      lang === 'en' ? `only rows where ${c} is not null` : `${c} 값이 비어 있지 않은 행만 옮겨 주세요`,
    reflected: (got, c) => (reads(table0(got)?.filter, c) ? undefined : `the filter does not read ${c}`),
  },
  {
    name: 'filter equals',
    text: (lang, c) => (lang === 'en' ? `only where ${c} equals 'zzz'` : `${c} 값이 'zzz'인 것만`),
    reflected: (got, c) =>
      reads(table0(got)?.filter, c) && /zzz/.test(table0(got)?.filter ?? '') ? undefined : `no filter on ${c} = 'zzz'`,
  },
  {
    name: 'not_null check',
    text: (lang, c) => (lang === 'en' ? `make sure ${c} is never null` : `${c} 컬럼에 null이 없는지 검사해 주세요`),
    reflected: (got, c) =>
      table0(got)?.checks.some((k) => k.kind === 'not_null' && lower(k.column) === lower(c))
        ? undefined
        : `no not_null check on ${c}`,
  },
  {
    name: 'unique check',
    text: (lang, c) => (lang === 'en' ? `check that ${c} is unique` : `${c} 값에 중복이 없는지 확인해 주세요`),
    reflected: (got, c) =>
      table0(got)?.checks.some((k) => k.kind === 'unique' && k.columns.map(lower).includes(lower(c)))
        ? undefined
        : `no unique check on ${c}`,
  },
  {
    name: 'row count',
    text: (lang) => (lang === 'en' ? 'fail if fewer than 25 rows arrive' : '25건보다 적으면 실패하게 해 주세요'),
    reflected: (got) =>
      table0(got)?.checks.some((k) => k.kind === 'row_count' && k.min === 25) ? undefined : 'no row_count min 25',
  },
  {
    name: 'retries with a delay',
    text: (lang) =>
      lang === 'en' ? 'retry 4 times with a 2 minute delay' : '실패하면 2분 간격으로 4번 재시도해 주세요',
    reflected: (got) =>
      got.retries === 4 && got.retry_delay_s === 120 ? undefined : `retries ${got.retries}/${got.retry_delay_s}s`,
  },
  {
    name: 'column list',
    text: (lang, c, o) => (lang === 'en' ? `keep only the ${c} and ${o} columns` : `${c}, ${o} 컬럼만 남겨 주세요`),
    reflected: (got, c, o) => {
      const columns = table0(got)?.columns;
      const names = columns === 'all' || !columns ? [] : columns.map((x) => lower(x.name));
      return names.length === 2 && names.includes(lower(c)) && names.includes(lower(o))
        ? undefined
        : `columns ${JSON.stringify(columns)}`;
    },
  },
  {
    name: 'schedule',
    text: (lang) => (lang === 'en' ? 'run it every 6 hours' : '6시간마다 실행해 주세요'),
    reflected: (got) =>
      canonicalSchedule(got.schedule) === canonicalSchedule('0 */6 * * *') ? undefined : `schedule ${got.schedule}`,
  },
  {
    name: 'target table',
    text: (lang) =>
      lang === 'en' ? 'put it into a table named extra_target' : '대상 테이블 이름은 extra_target으로 해 주세요',
    reflected: (got) =>
      lower(table0(got)?.target_table) === 'extra_target' ? undefined : 'target table not extra_target',
  },
  {
    name: 'nonsense',
    text: (lang) => (lang === 'en' ? 'and paint the servers purple' : '그리고 서버를 보라색으로 칠해 주세요'),
  },
];

const JOINERS = { en: [', and ', '. Also, ', '; '], ko: [' ', '. 그리고 ', ', '] } as const;

function combinations() {
  const next = random(SEED);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(next() * list.length)] as T;
  // ~60 bases (a seeded Fisher-Yates shuffle), each with several clauses.
  const shuffled = [...bases];
  for (let i = shuffled.length - 1; i > 0; i--) {
    const j = Math.floor(next() * (i + 1));
    [shuffled[i], shuffled[j]] = [shuffled[j] as Base, shuffled[i] as Base];
  }
  const chosen = shuffled.slice(0, 60);
  return Array.from({ length: COMBINATIONS }, (_, i) => {
    const base = chosen[i % chosen.length] as Base;
    const clause = pick(CLAUSES);
    // A column the base request does not already filter on, so an ignored filter clause cannot pass.
    const column = pick(base.columns.filter((c) => !reads(base.want.tables[0]?.filter, c)));
    const other = pick(base.columns.filter((c) => c !== column));
    const lang = base.item.lang;
    const request = `${base.item.request.replace(/[.!?。]+\s*$/, '')}${pick(JOINERS[lang])}${clause.text(lang, column, other)}`;
    return { base, clause, column, other, request };
  });
}

describe('an extra clause is reflected in the spec or refused, never ignored', () => {
  const fixtureDir = usePlanningFixtures('planning-extra-clause-');

  it('has enough simple requests to build on', () => {
    expect(bases.length).toBeGreaterThanOrEqual(60);
  });

  it(`${COMBINATIONS} seeded combinations (seed ${SEED})`, { timeout: 900_000 }, async () => {
    const planner = createRulePlanner();
    const introspect = fixtureIntrospector(fixtureDir(), introspectSqlite);
    const failures: string[] = [];
    for (const { base, clause, column, other, request } of combinations()) {
      let got: Understood | undefined;
      try {
        const plan = await planner.plan({
          request,
          language: detectLanguage(request),
          hints: { sourceDb: base.item.source_db, targetDb: base.item.target_db },
          introspect,
          knowledge: [],
          previousFailures: [],
        });
        got = understandSpec(plan.spec);
      } catch (error) {
        if ((error as { code?: string }).code === 'NEEDS_CLARIFICATION') continue;
        failures.push(
          `${base.item.id} + ${clause.name}: ${request} -> error ${(error as Error).message.slice(0, 200)}`,
        );
        continue;
      }
      const missing = clause.reflected
        ? lower(table0(got)?.source_table) === lower(base.table)
          ? clause.reflected(got, column, other)
          : `source table ${table0(got)?.source_table}`
        : 'a spec for a request with nonsense in it';
      if (missing) failures.push(`${base.item.id} + ${clause.name}: ${JSON.stringify(request)} -> ${missing}`);
    }
    expect(failures).toEqual([]);
  });
});
