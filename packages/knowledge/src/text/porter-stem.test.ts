import { describe, expect, it } from 'vitest';
import { porterStem } from './porter-stem.js';

describe('porterStem', () => {
  it('follows the reference examples of the algorithm', () => {
    const cases: Record<string, string> = {
      caresses: 'caress',
      ponies: 'poni',
      caress: 'caress',
      cats: 'cat',
      feed: 'feed',
      agreed: 'agre',
      plastered: 'plaster',
      motoring: 'motor',
      sing: 'sing',
      conflated: 'conflat',
      troubled: 'troubl',
      sized: 'size',
      hopping: 'hop',
      falling: 'fall',
      hissing: 'hiss',
      failing: 'fail',
      filing: 'file',
      happy: 'happi',
      relational: 'relat',
      conditional: 'condit',
      generalization: 'gener',
      adjustable: 'adjust',
      controll: 'control',
      rate: 'rate',
      probate: 'probat',
    };
    for (const [word, stem] of Object.entries(cases)) expect([word, porterStem(word)]).toEqual([word, stem]);
  });

  it('conflates the word families retrieval needs', () => {
    const family = (words: string[]) => new Set(words.map(porterStem)).size;
    expect(family(['validate', 'validation', 'validating', 'validator', 'validated'])).toBe(1);
    expect(family(['decorate', 'decorators', 'decorator'])).toBe(1);
    expect(family(['load', 'loads', 'loading', 'loaded'])).toBe(1);
    expect(family(['retry', 'retries'])).toBe(1);
    expect(family(['schedule', 'scheduling', 'scheduled'])).toBe(1);
  });

  it('leaves short words, identifiers and non-English alone', () => {
    expect(porterStem('dag')).toBe('dag');
    expect(porterStem('task_id')).toBe('task_id');
    expect(porterStem('테이블')).toBe('테이블');
    expect(porterStem('v5')).toBe('v5');
  });
});
