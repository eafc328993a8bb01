import { describe, expect, it } from 'vitest';
import { englishModelText, expandQuery, englishTermsFor } from './expand-query.js';
import { LEXICON } from './lexicon.js';

describe('expandQuery', () => {
  it('has a lexicon of at least 80 entries, each with Korean and English forms', () => {
    expect(LEXICON.length).toBeGreaterThanOrEqual(80);
    for (const { ko, en } of LEXICON) {
      expect(ko.length).toBeGreaterThan(0);
      expect(en.length).toBeGreaterThan(0);
      expect(ko.every((form) => /\p{Script=Hangul}/u.test(form))).toBe(true);
    }
  });

  it('appends English terms for Korean words, with particles attached', () => {
    const expanded = expandQuery('users 테이블을 매일 DuckDB로 이관하려면?');
    expect(expanded.startsWith('users 테이블을 매일 DuckDB로 이관하려면?')).toBe(true);
    for (const term of ['table', 'daily', 'migrate', 'transfer']) expect(expanded.split(' ')).toContain(term);
  });

  it('covers the request vocabulary: retries, nulls, duplicates, failure alerts, watermark', () => {
    const terms = englishTermsFor('실패 알림과 재시도, 널 값과 중복 제거, 워터마크 기반 증분 업서트, 연결 비밀');
    for (const term of [
      'failure',
      'alert',
      'retry',
      'null',
      'duplicate',
      'watermark',
      'incremental',
      'upsert',
      'connection',
      'secret',
    ]) {
      expect(terms).toContain(term);
    }
  });

  it('matches one-syllable forms only as whole words', () => {
    expect(englishTermsFor('열을 추가')).toContain('column');
    expect(englishTermsFor('파일을 열람')).not.toContain('column');
    expect(englishTermsFor('문제를 풀다')).not.toContain('pool');
  });

  it('leaves English queries unchanged', () => {
    expect(expandQuery('retry a failed task')).toBe('retry a failed task');
  });
});

describe('englishModelText', () => {
  it('gives an English-only model the English of a Korean text, Hangul left out, line breaks kept', () => {
    const text = englishModelText('매일 실행되는 DAG\n\nusers 테이블을 이관');
    expect(text).not.toMatch(/\p{Script=Hangul}/u);
    expect(text.split('\n')[0]).toBe('DAG');
    for (const term of ['daily', 'table', 'migrate']) expect(text.split(/\s+/)).toContain(term);
  });

  it('leaves English alone, and a Korean text the lexicon cannot translate as it was', () => {
    expect(englishModelText('Retries  and\tretry_delay')).toBe('Retries  and\tretry_delay');
    expect(englishModelText('안녕하세요')).toBe('안녕하세요');
  });
});
