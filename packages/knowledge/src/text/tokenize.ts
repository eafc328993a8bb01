import { porterStem } from './porter-stem.js';

/**
 * Word tokenisation shared by the local embedder, the full-text index and query building, so that all three
 * see the same words. Hangul runs are split from Latin ones ("DuckDB로" -> "duckdb", "로"), and Korean words
 * also yield a stem without the trailing particle or verb ending ("테이블을" -> "테이블", "이관하려면" -> "이관").
 */
const TOKEN = /\p{Script=Hangul}+|(?:(?!\p{Script=Hangul})[\p{L}\p{N}_])+/gu;
const HANGUL = /^\p{Script=Hangul}+$/u;

const ENGLISH_STOPWORDS = new Set(
  (
    'a an the and or but of to in on at by for with from into onto over as is are was were be been being it its ' +
    'this that these those there here how what which who whom whose when where why do does did done i me my we our ' +
    'you your he she they them their can could should would will shall may might must not no so if then than ' +
    'also just about some any all each every more most very too up out off again own same such only both other ' +
    'please want need like get got make let s t'
  ).split(' '),
);
const KOREAN_STOPWORDS = new Set(
  (
    '어떻게 어떤 무엇 뭐 뭔가 방법 방법은 방법을 하는 하고 해줘 해 주세요 알려줘 알려 주세요 있는 있나요 있어 수 것 ' +
    '좀 그리고 또는 및 이 그 저 할 한 합니다 하나요 되나요 돼 되는 ' +
    // particles left on their own when a Latin word carries them ("PostgreSQL에서" -> "postgresql", "에서")
    '에서 에서는 으로 로 를 을 가 은 는 에 의 와 과 도 만 까지 부터 에게 으로는 로는 에는 에도 이나 나 랑 처럼 보다 마다 이랑'
  ).split(' '),
);

/** Longest first: particles and endings stripped from the end of a Hangul word to get its stem. */
const KOREAN_SUFFIXES = [
  '하려면',
  '시키려면',
  '으로부터',
  '에서부터',
  '에서는',
  '으로는',
  '에게서',
  '하도록',
  '합니다',
  '하세요',
  '해주세요',
  '해줘',
  '되도록',
  '되는',
  '하는',
  '하기',
  '하고',
  '해서',
  '하면',
  '하여',
  '했을',
  '할때',
  '까지',
  '부터',
  '에서',
  '에게',
  '으로',
  '처럼',
  '보다',
  '마다',
  '이라는',
  '라는',
  '이나',
  '에는',
  '에도',
  '만큼',
  '이고',
  '된',
  '될',
  '한',
  '할',
  '은',
  '는',
  '이',
  '가',
  '을',
  '를',
  '에',
  '의',
  '와',
  '과',
  '도',
  '만',
  '로',
  '나',
  '랑',
];

export function normalizeText(text: string): string {
  return text.normalize('NFKC').toLowerCase();
}

/** Lowercased word tokens in order; snake_case identifiers also yield their parts. */
export function tokenize(text: string): string[] {
  const out: string[] = [];
  for (const match of normalizeText(text).matchAll(TOKEN)) {
    const token = match[0];
    out.push(token);
    if (token.includes('_')) out.push(...token.split('_').filter((part) => part.length > 0));
  }
  return out;
}

export function isHangul(token: string): boolean {
  return HANGUL.test(token);
}

export function isStopword(token: string): boolean {
  return ENGLISH_STOPWORDS.has(token) || KOREAN_STOPWORDS.has(token);
}

/** The Korean word without its particle or ending, when what is left is at least two syllables; else undefined. */
export function koreanStem(token: string): string | undefined {
  if (!isHangul(token)) return undefined;
  for (const suffix of KOREAN_SUFFIXES) {
    if (token.endsWith(suffix) && token.length - suffix.length >= 2) return token.slice(0, -suffix.length);
  }
  return undefined;
}

/**
 * Content words for full-text matching: stopwords dropped, and after each word its stem when it differs
 * (Korean without particle or ending, English by Porter: "validation" -> "valid").
 */
export function contentTerms(text: string): string[] {
  const out: string[] = [];
  for (const token of tokenize(text)) {
    if (isStopword(token)) continue;
    out.push(token);
    const stem = koreanStem(token) ?? porterStem(token);
    if (stem !== token && !isStopword(stem)) out.push(stem);
  }
  return out;
}
