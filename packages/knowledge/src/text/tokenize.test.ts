import { describe, expect, it } from 'vitest';
import { contentTerms, koreanStem, tokenize } from './tokenize.js';

describe('tokenize', () => {
  it('lowercases, splits Hangul from Latin and expands snake_case', () => {
    expect(tokenize('DuckDB로 task_id를 COPY')).toEqual(['duckdb', '로', 'task_id', 'task', 'id', '를', 'copy']);
  });

  it('stems Korean particles and endings but keeps two syllables at least', () => {
    expect(koreanStem('테이블을')).toBe('테이블');
    expect(koreanStem('이관하려면')).toBe('이관');
    expect(koreanStem('데이터에서')).toBe('데이터');
    expect(koreanStem('추가')).toBeUndefined();
    expect(koreanStem('table')).toBeUndefined();
  });

  it('drops stopwords and adds stems after their words', () => {
    expect(contentTerms('How do I load the users 테이블을 매일')).toEqual([
      'load',
      'users',
      'user',
      '테이블을',
      '테이블',
      '매일',
    ]);
  });
});
