import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createSampleDatabase, introspectSqlite, validateSpec, type Connection } from '@airflow-mcp/pipeline';
import { detectLanguage } from '../i18n/detect-language.js';
import type { PlanningContext } from '../planning/planner.js';
import { createRulePlanner } from '../planning/rule-planner.js';
import { unreflectedParts } from './check-faithfulness.js';
import { describeUnderstood } from './describe-understood.js';
import { readSteps } from './read-steps.js';
import { RequestText } from './request-text.js';
import { understandRequest } from './understand-request.js';
import { understandSpec } from './understood.js';

const dir = mkdtempSync(join(tmpdir(), 'steps-'));
createSampleDatabase(join(dir, 'sample.db'));

function context(request: string): PlanningContext {
  return {
    request,
    language: detectLanguage(request),
    hints: {},
    knowledge: [],
    previousFailures: [],
    introspect: async (c: Connection, table?: string) =>
      c.kind === 'sqlite' ? introspectSqlite(resolve(dir, c.path), table) : undefined,
  };
}

describe('readSteps', () => {
  it.each([
    ['extract, transform, then load and validate', ''],
    ['Extract -> transform -> load -> validate', ''],
    ['in separate steps: extract, transform, load and check', ''],
    ['extract/transform/load as separate steps', ''],
    ['as ETL steps', ''],
    ['추출 → 변환 → 적재 → 검증 단계로', ''],
    ['추출, 변환, 적재 단계로 나눠서', ''],
    ['추출 후 변환하고 적재', ''],
  ])('takes "%s"', (text, left) => {
    const rt = new RequestText(text);
    expect(readSteps(rt)).toBe(true);
    expect(
      rt
        .leftovers()
        .map((l) => l.text.trim())
        .join(''),
    ).toBe(left);
  });

  it.each(['extract the year of created_at', 'load the events', 'transform names to upper case', '검증해줘'])(
    'leaves "%s" to the other readers',
    (text) => expect(readSteps(new RequestText(text))).toBe(false),
  );
});

describe('the step shape through the rule planner', () => {
  it.each([
    'Move events from SQLite sample.db to DuckDB out.duckdb: extract, transform, then load and validate; only purchases, user_id must not be null',
    "sample.db의 events 테이블을 out.duckdb로 추출 → 변환 → 적재 → 검증 단계로 옮겨줘. event_type이 'purchase'인 것만, user_id는 null이면 안 돼",
  ])('plans staging, keeps every other clause: %s', async (request) => {
    const result = await createRulePlanner().plan(context(request));
    const spec = validateSpec(result.spec);
    expect(spec.staging).toEqual({ kind: 'duckdb', path: `${spec.dag_id}_staging.duckdb` });
    expect(spec.tasks[0]).toMatchObject({ type: 'transfer', id: 'load_events', filter: "event_type = 'purchase'" });
    expect(spec.tasks[1]).toMatchObject({ type: 'quality_check', id: 'validate_events' });
    const understood = understandSpec(spec);
    expect(understood.staging).toBe(`duckdb:${spec.dag_id}_staging.duckdb`);
    const sentence = describeUnderstood(understood, detectLanguage(request));
    expect(sentence).toMatch(/extract → transform → load → validate steps|추출 → 변환 → 적재 → 검증 단계로 실행/);
  });

  it('holds a spec without staging against a request for steps', async () => {
    const request = 'Copy events from sample.db to out.duckdb as extract, transform, load and validate steps';
    const u = await understandRequest(context(request));
    expect(u.steps).toBe(true);
    const spec = validateSpec((await createRulePlanner().plan(context(request))).spec);
    expect(unreflectedParts(u, spec)).toEqual([]);
    const { staging: _staging, ...withoutSteps } = spec;
    expect(unreflectedParts(u, withoutSteps)).toEqual([
      { asked: 'extract >> transform >> load >> validate steps', found: 'one task per transfer (no staging)' },
    ]);
  });
});
