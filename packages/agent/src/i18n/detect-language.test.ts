import { describe, expect, it } from 'vitest';
import { detectLanguage } from './detect-language.js';

describe('detectLanguage', () => {
  it('answers Korean for the owner request mixed with identifiers', () => {
    expect(
      detectLanguage(
        'SQLite의 events 테이블에서 event_id, user_id, event_type, timestamp 컬럼만 선택해서 DuckDB의 analytics.duckdb 파일로 옮겨줘',
      ),
    ).toBe('ko');
  });
  it('answers English for English requests, even with a stray Korean name', () => {
    expect(detectLanguage('move the events table from SQLite into DuckDB every day')).toBe('en');
    expect(
      detectLanguage('copy table users_한 from sqlite to duckdb with columns id, name, email, created_at daily'),
    ).toBe('en');
  });
  it('answers Korean for short Korean requests', () => {
    expect(detectLanguage('매일 실행해줘')).toBe('ko');
  });
});
