import { isFiller } from './lexicon.js';
import type { RequestText } from './request-text.js';

/** Phrases that carry no pipeline meaning (courtesy, "when you copy it", "each time"), taken before the leftovers. */
const FILLER_PHRASES = new RegExp(
  [
    String.raw`\bif\s+you\s+(?:can|could|don'?t\s+mind|would|please)\b`,
    String.raw`\bwhen\s+you\s+(?:get|have)\s+(?:a\s+)?(?:chance|moment|minute|time)\b`,
    String.raw`\bwould\s+you\s+mind\b`,
    String.raw`\bsorry\s+to\s+bother(?:\s+you)?\b`,
    String.raw`\bi'?d\s+(?:really\s+)?(?:appreciate|love)\s+(?:it\s+)?(?:if)?\b`,
    String.raw`\b(?:much|really|greatly)\s+appreciated\b|\bappreciate\s+it\b`,
    String.raw`\bthank\s+you(?:\s+(?:so|very)\s+much)?(?:\s+in\s+advance)?\b|\bthanks?(?:\s+(?:a\s+lot|so\s+much|very\s+much|in\s+advance|a\s+bunch))?\b|\b(?:would|will|is)\s+it\s+be\s+possible\s+(?:for\s+you\s+)?to\b`,
    String.raw`\bgood\s+(?:morning|afternoon|evening|day)\b|\bcheers\b|\bhello\b|\bhi\b|\bhey(?:\s+there)?\b`,
    String.raw`\b(?:each|every)\s+(?:time|run)\b|\bevery\s+(?:single\s+)?(?:row|record)s?\s+(?:of|from|in)\b|\ball\s+(?:the\s+)?(?:rows|records|data|columns|fields)\s+(?:of|from|in)\b`,
    String.raw`\b(?:when|while)\s+(?:you\s+)?(?:copy|copying|move|moving|load|loading|migrate|migrating|transfer|transferring)(?:\s+(?:it|them|this|that|the\s+data))?\b`,
    String.raw`\bin\s+the\s+(?:target|destination|output|new\s+table)\b|\bfor\s+me\b|\bnothing\s+else\b|\b(?:and\s+)?that'?s\s+(?:it|all)\b|\b(?:is|would\s+be|will\s+be)\s+(?:plenty|enough|fine)\b|\bplease\b|\b(?:if|when|whenever|should)\s+(?:it|the\s+(?:run|job|task|dag|pipeline)|anything|something)\s+fails\b|\b(?:on|upon|after)\s+(?:a\s+)?failures?\b`,
    String.raw`(?:복사|이관|적재|이동|옮긴|옮기기|복사한|적재한)\s*(?:한\s*)?후(?:에)?|실패\s*(?:하면|시에?|할\s*경우)(?=[^.]*?(?:재시도|다시\s*시도|시도|retry|알림|알려))`,
    String.raw`(?:갱신|업데이트|새로\s*고침)?\s*(?:되면|해\s*주면|하면)\s*좋겠(?:고|어요|습니다|네요)|(?<=\S\s*)(?:있으면|되면|오면)\s*(?:됩니다|돼요|돼|충분해요)(?=\s*[.!]?\s*$)`,
    String.raw`주시면\s*(?:정말\s*)?(?:감사하겠습니다|감사해요|좋겠어요)|정말\s*감사(?:합니다|해요)|고맙습니다|실례지만|저기요|주시고|주세요~+|[:;]-?[)D]|~+`,
    String.raw`(?:하도록|되도록)\s*(?:설정|만들어|해)\s*(?:해\s*)?(?:주세요|줘)?|가져오되|옮기되|옮기는데|복사하는데|이관하는데|적재하는데|가져오는데|옮기는|복사하는|옮기고|넣고|바꾸고|하고(?=\s)`,
    String.raw`(?:주실|해\s*주실|해주실)\s*수\s*있(?:을까요|나요|으신가요)|주시겠어요|주실래요|바쁘시겠지만|번거로우시겠지만|죄송하지만|ㅎㅎ+|ㅋㅋ+|ㅠㅠ+|\^\^`,
    String.raw`(?:복사|이관|적재|이동)?\s*(?:할|옮길|가져올|넣을|복사할|이관할)\s*때(?:는)?|이렇게\s*(?:(?:두|세|네|다섯)\s*(?:개|컬럼)만?)?|나머지\s*(?:는\s*)?(?:다|전부|모두)?|(?:두|세|네|다섯)\s*(?:개|컬럼)만|처리해\s*줘|하게\s*해\s*(?:줘|주세요)|해\s*줘요?|해\s*주세요|해\s*줄래`,
  ].join('|'),
  'gi',
);

/** Takes the filler phrases still free, and "only"/"just"/"만" right beside a phrase a reader took. */
export function takeFillerPhrases(rt: RequestText): void {
  for (const m of rt.free(FILLER_PHRASES)) rt.takeMatch(m);
  for (const m of rt.free(
    /\b(?:only|just)\b|(?<=\S)만(?=\s|$|[,.])|(?<=\s|^)중(?:에서|에)?(?=\s)|(?:확인|검사|체크|검증|추가|허용|실패|처리|바꿔|변경)(?:해\s*(?:줘|주세요|줄래)|하기|해|하게|처리|해요|합니다)?(?:\s*(?:해\s*줘|해\s*주세요|해줘|처리해줘))?/gi,
  )) {
    let left = m.index - 1;
    while (left >= 0 && /\s/.test(rt.text[left] as string)) left--;
    let right = m.index + m[0].length;
    while (right < rt.text.length && /\s/.test(rt.text[right] as string)) right++;
    const besideTaken =
      (left >= 0 && !rt.isFree(left, left + 1)) || (right < rt.text.length && !rt.isFree(right, right + 1));
    if (besideTaken) rt.takeMatch(m);
  }
}

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
