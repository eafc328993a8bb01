import { isFiller } from './lexicon.js';
import type { RequestText } from './request-text.js';

/**
 * The phrases of the request nobody understood, as the user wrote them: each run of text left over by the readers,
 * trimmed of filler at both ends; runs of filler alone are dropped ("please", "copy", "해 주세요").
 */
export function notUnderstood(rt: RequestText): string[] {
  const out: string[] = [];
  for (const piece of rt.leftovers()) {
    const words = piece.text.split(/[\s,;:!?()[\]{}]+|(?<!\d)\.(?!\d)/).filter(Boolean);
    let start = 0;
    let end = words.length;
    while (start < end && isFiller(words[start] as string)) start++;
    while (end > start && isFiller(words[end - 1] as string)) end--;
    if (start >= end) continue;
    // Filler inside a phrase stays, so the quote reads as written; a phrase of two meaningful runs splits at filler.
    let phrase: string[] = [];
    for (const w of words.slice(start, end)) {
      if (
        isFiller(w) &&
        phrase.length &&
        phrase.every((p) => isFiller(p) === false) &&
        /^(and|then|also|그리고)$/i.test(w)
      ) {
        out.push(phrase.join(' '));
        phrase = [];
        continue;
      }
      phrase.push(w);
    }
    if (phrase.length) out.push(phrase.join(' ').slice(0, 80));
  }
  return out;
}
