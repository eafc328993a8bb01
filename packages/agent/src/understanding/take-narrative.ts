import { isFiller, KOREAN_NOUNS, stripKoreanSuffixes } from './lexicon.js';
import { nearestName } from './name-forms.js';
import type { RequestText } from './request-text.js';
import type { Vocabulary } from './vocabulary.js';

/** English words (as stems) that may carry pipeline meaning: a clause with one of them is never skipped. */
const MEANING =
  /^(?:not|no|non|nor|never|none|only|just|solely|except|exclud|without|skip|remov|delet|drop|truncat|filter|where|whose|every|each|daily|weekly|hourly|monthly|yearly|annual|nightly|morning|evening|night|noon|midnight|hour|minute|second|day|week|month|year|mon|tue|wed|thu|fri|sat|sun|weekday|weekend|today|yesterday|tomorrow|am|pm|retr|fail|alert|notif|check|verif|ensur|mak|uniq|null|empty|missing|blank|dupl|distinct|least|most|more|less|fewer|over|under|above|below|between|before|after|since|until|older|younger|newer|latest|new|recent|chang|increment|append|upsert|merg|replac|overwrit|renam|call|name|column|field|sum|total|count|averag|round|upper|lower|trim|cast|integer|decimal|text|date|time|sort|limit|top|first|last|group|join|split|key|id|all|both|either|neither|any|some|other|else|instead|also|plus|too|want|need|keep|ignor|leav|omit|hide|mask|hash|encrypt|secret|password|token|cron|schedul|run|trigger|stop|abort|must|should|shall|always|ever|empty|positive|negative|zero|one|two|three|four|five|six|seven|eight|nine|ten|hundred|thousand|dozen|half|double|twice|once|percent|per|price|amount|cost|cheap|expens|high|low|long|short|old|young|active|inactive|paid|pend|cancel|refund|ship|fail|succe|error|valid)/i;

/** Korean words that may carry pipeline meaning (conditions, schedules, checks, columns, modes). */
const KOREAN_MEANING =
  /만$|만\s|제외|빼|없|아닌|아니|않|이상|이하|초과|미만|보다|사이|매일|매주|매월|매달|매시|마다|주간|월간|일간|시간|분|초|요일|오전|오후|아침|저녁|새벽|밤|정오|자정|재시도|실패|알림|확인|검사|체크|검증|중복|고유|유니크|증분|기준|최소|최대|적어도|컬럼|칼럼|필드|이름|변경|바꿔|바꾸|합계|평균|반올림|대문자|소문자|상태|필터|조건|최근|신규|새로|기존|덮어|교체|추가|삭제|지워|비밀|암호|토큰|항상|절대|반드시|꼭|하나|둘|셋|한\s*번|두\s*번|세\s*번|번|개|건|행|원|달러|퍼센트|%/;

/** A Korean clause that tells (a polite statement: "찾으셔서요", "하셨어요", "필요해요"), as opposed to a bare connective. */
const KOREAN_STATEMENT = /(?:어요|아요|여요|해요|에요|예요|서요|대요|래요|거든요|네요|죠|습니다|니다)\s*[.!?~]*\s*$/;

/** A Korean clause that asks for something (an imperative or a request), as opposed to one that tells background. */
const KOREAN_REQUEST =
  /(?:주세요|주십시오|줘|줘요|줄래|줄래요|주실래요|주시겠어요|해|하세요|하십시오|바랍니다|부탁(?:해|합니다|드려요|드립니다)?|합시다|하자|하라|해라|옮겨|복사)\s*[.!?~]*\s*$/;

/** English openings of background sentences: who we are, what happened, why. */
const ENGLISH_NARRATIVE =
  /^(?:we|we're|we've|we'll|we\s+are|we\s+were|our|i'm|i\s+am|i've|i\s+was|my|it's|it\s+is|it\s+was|they|someone|somebody|everyone|people|the\s+\w+(?:\s+table)?\s+(?:is|are|was|were|keeps?|has|have|gets?|got))\b/i;

function isContent(word: string, vocab: Vocabulary, values: readonly string[]): boolean {
  const w = word.toLowerCase().replace(/^['"`(]+|['"`),:;]+$/g, '');
  if (!w) return false;
  if (/\d|["`]|[_/]|\.\w/.test(w)) return true;
  if (/[\uac00-\ud7af]/.test(w)) {
    const stem = stripKoreanSuffixes(w);
    return (
      KOREAN_MEANING.test(w) ||
      KOREAN_NOUNS[stem] !== undefined ||
      Boolean(vocab.column(stem) ?? vocab.tableOf(stem) ?? vocab.valueOf(stem))
    );
  }
  if (isFiller(w) && !MEANING.test(w)) return false;
  if (MEANING.test(w)) return true;
  const bare = w.replace(/'s$/, '');
  if (vocab.column(bare) ?? vocab.tableOf(bare) ?? vocab.valueOf(bare)) return true;
  const names = [...vocab.columnNames(), ...vocab.tables.map((t) => t.name), ...values];
  // A word near a name or a value ("refunds" ~ refunded) may mean it: not background.
  return (
    nearestName(bare, names) !== undefined ||
    names.some((n) => n.length >= 5 && bare.length >= 5 && n.toLowerCase().slice(0, 5) === bare.slice(0, 5))
  );
}

/**
 * Background the request opens with ("We're building a dashboard for the marketing team, so …", "재무팀에서 환불
 * 데이터를 자꾸 찾으셔서요."): a clause that tells (it opens like a statement in English, it does not end in a
 * request in Korean) and none of whose words could mean anything to a pipeline — no table or column other than the
 * tables the request moves, no value, number, quote, schedule, condition or check word — is taken as read. Anything
 * doubtful stays for the leftover check, which refuses it.
 */
export function takeNarrative(
  rt: RequestText,
  vocab: Vocabulary,
  tableMentions: readonly { start: number; end: number }[],
): void {
  const values = [...new Set(vocab.playing.flatMap((t) => Object.values(t.values ?? {}).flat()))];
  const boundary =
    /[.!?;\n]+(?=\s|$)\s*|,\s*(?:so|and\s+so|and|because|since)\s+|,\s*(?=but\s)|(?<=서요|는데요|어요|아요|해요),\s*/gi;
  let start = 0;
  const clauses: [number, number][] = [];
  for (const m of rt.text.matchAll(boundary)) {
    clauses.push([start, m.index]);
    start = m.index + m[0].length;
  }
  clauses.push([start, rt.text.length]);
  for (const [from, to] of clauses) {
    const clause = rt.text.slice(from, to).trim();
    if (!clause || rt.leftovers().every((l) => l.end <= from || l.start >= to)) continue;
    const korean = /[\uac00-\ud7af]/.test(clause);
    const telling = korean
      ? KOREAN_STATEMENT.test(clause) && !KOREAN_REQUEST.test(clause)
      : ENGLISH_NARRATIVE.test(clause);
    if (!telling) continue;
    let content = false;
    for (const w of rt.text.slice(from, to).matchAll(/\S+/g)) {
      const at = from + w.index;
      if (tableMentions.some((t) => at < t.end && at + w[0].length > t.start)) continue;
      // Database files and engines (taken as connections) are where the data is or goes.
      if (/\.(?:db|duckdb|ddb|sqlite3?)(?:[^\w.]|$)|^(?:duckdb|sqlite|postgres(?:ql)?|mysql)/i.test(w[0])) continue;
      if (isContent(w[0], vocab, values)) {
        content = true;
        break;
      }
    }
    if (content) continue;
    for (const l of rt.leftovers()) {
      const a = Math.max(l.start, from);
      const b = Math.min(l.end, to);
      if (a < b) rt.take(a, b);
    }
  }
}
