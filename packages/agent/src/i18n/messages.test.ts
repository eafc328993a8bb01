import { describe, expect, it } from 'vitest';
import { runMessage } from './messages.js';

const base = {
  dagId: 'events_to_duckdb',
  runId: 'mcp__1',
  state: 'success',
  durationS: 6.44,
  rows: 2000,
  target: 'analytics.duckdb',
};

describe('runMessage', () => {
  it('reports a success in English with grouped rows and the target', () => {
    expect(runMessage(base, 'en')).toBe(
      'Migration completed: dag_id=events_to_duckdb, run_id=mcp__1, duration 6.4 s, rows migrated: 2,000, target: analytics.duckdb',
    );
  });
  it('reports a success in Korean', () => {
    expect(runMessage(base, 'ko')).toBe(
      '마이그레이션 완료: dag_id=events_to_duckdb, run_id=mcp__1, 소요 시간 6.4초, 이관된 행: 2,000, 대상: analytics.duckdb',
    );
  });
  it('names the failing task of a failed run', () => {
    expect(runMessage({ ...base, state: 'failed', failedTask: 'check_not_null' }, 'en')).toContain(
      'failed task: check_not_null',
    );
  });
});
