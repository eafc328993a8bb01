export type Language = 'ko' | 'en';

const HANGUL = /[\u1100-\u11ff\u3130-\u318f\uac00-\ud7af]/g;
const LATIN_WORD = /[A-Za-z]{2,}/g;

/**
 * The language to answer in: Korean when Hangul carries a meaningful share of the words, else English.
 * Requests mix languages ("SQLite의 events 테이블을 DuckDB로"), so identifiers in Latin script are discounted.
 */
export function detectLanguage(text: string): Language {
  const hangul = text.match(HANGUL)?.length ?? 0;
  if (hangul === 0) return 'en';
  const latinWords = text.match(LATIN_WORD)?.length ?? 0;
  // A Hangul syllable is roughly a third of a word; any real Korean sentence has several.
  return hangul >= 2 && hangul / 3 >= latinWords * 0.25 ? 'ko' : 'en';
}
