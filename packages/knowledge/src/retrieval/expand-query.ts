import { isHangul, tokenize } from '../text/tokenize.js';
import { LEXICON, type LexiconEntry } from './lexicon.js';

const PARTICLES = new Set(['은', '는', '이', '가', '을', '를', '에', '의', '로', '도', '만', '와', '과']);

/**
 * The query followed by the English terms of every Korean lexicon form it contains, each term once:
 * "users 테이블을 매일 이관" -> "users 테이블을 매일 이관 table tables daily schedule @daily migrate ...".
 * An English query comes back unchanged.
 */
export function expandQuery(query: string, lexicon: readonly LexiconEntry[] = LEXICON): string {
  const terms = englishTermsFor(query, lexicon);
  return terms.length === 0 ? query : `${query} ${terms.join(' ')}`;
}

/**
 * What an English-only model is given for a text: the text with the lexicon's English for its Korean words, the
 * Hangul then left out ("매시간 실행되는 DAG" -> "DAG hourly run ..."). Queries and Korean documents alike, so both
 * meet on the same English terms. A text without Hangul comes back unchanged; one the lexicon cannot translate at
 * all comes back as it was.
 */
export function englishModelText(text: string, lexicon: readonly LexiconEntry[] = LEXICON): string {
  if (!/\p{Script=Hangul}/u.test(text)) return text;
  const english = expandQuery(text, lexicon)
    .replace(/\p{Script=Hangul}+/gu, ' ')
    .replace(/[ \t]+/g, ' ')
    .trim();
  return /[\p{L}\p{N}]/u.test(english) ? english : text;
}

/** The English terms the lexicon gives for the Korean words of a text, in lexicon order, without repeats. */
export function englishTermsFor(text: string, lexicon: readonly LexiconEntry[] = LEXICON): string[] {
  const hangulTokens = tokenize(text).filter(isHangul);
  if (hangulTokens.length === 0) return [];
  const joined = hangulTokens.join(' ');
  const present = new Set(tokenize(text));
  const out = new Set<string>();
  for (const { ko, en } of lexicon) {
    if (!ko.some((form) => containsForm(form, joined, hangulTokens))) continue;
    for (const term of en) if (!present.has(term)) out.add(term);
  }
  return [...out];
}

function containsForm(form: string, joined: string, tokens: readonly string[]): boolean {
  if (form.length > 1) return joined.includes(form);
  return tokens.some((t) => t === form || (t.length === 2 && t.startsWith(form) && PARTICLES.has(t.slice(1))));
}
