import { describe, expect, it } from 'vitest';
import { basicTokens, createWordPieceTokenizer } from './wordpiece-tokenizer.js';

const VOCAB = [
  '[PAD]',
  '[UNK]',
  '[CLS]',
  '[SEP]',
  'run',
  '##s',
  '##ning',
  'dag',
  '-',
  'cafe',
  ',',
  '!',
  '中',
  'x',
].join('\n');

describe('createWordPieceTokenizer', () => {
  const tokenizer = createWordPieceTokenizer(VOCAB);
  const pieces = (text: string, max = 32) => {
    const vocab = VOCAB.split('\n');
    return tokenizer.encode(text, max).ids.map((id) => vocab[id]);
  };

  it('splits words into the longest known pieces with ## continuations', () => {
    expect(pieces('Runs running')).toEqual(['[CLS]', 'run', '##s', 'run', '##ning', '[SEP]']);
  });

  it('lowercases, strips accents and splits punctuation and CJK ideographs', () => {
    expect(pieces('DAG-runs, Café!中')).toEqual(['[CLS]', 'dag', '-', 'run', '##s', ',', 'cafe', '!', '中', '[SEP]']);
  });

  it('turns a word without a split into [UNK] and cuts at the maximum length, keeping [SEP]', () => {
    expect(pieces('runz dag')).toEqual(['[CLS]', '[UNK]', 'dag', '[SEP]']);
    expect(pieces('run run run run run', 4)).toEqual(['[CLS]', 'run', 'run', '[SEP]']);
    expect(tokenizer.padId).toBe(0);
  });

  it('refuses a vocabulary without the special pieces', () => {
    expect(() => createWordPieceTokenizer('a\nb')).toThrow(/no \[CLS\]/);
  });
});

describe('basicTokens', () => {
  it('drops control characters and splits on any whitespace', () => {
    expect(basicTokens('a\u0000b\tc\u200bd\ne')).toEqual(['ab', 'cd', 'e']);
  });
});
