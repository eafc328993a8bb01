import { NUMBER, numberOf } from './lexicon.js';
import type { RequestText } from './request-text.js';

export interface RetriesReading {
  retries?: number;
  retryDelaySeconds?: number;
  /** Readable problems ("retry 50 times": more than the 10 allowed). */
  problems: string[];
}

const UNIT_SECONDS: Record<string, number> = {
  s: 1,
  sec: 1,
  secs: 1,
  second: 1,
  seconds: 1,
  초: 1,
  m: 60,
  min: 60,
  mins: 60,
  minute: 60,
  minutes: 60,
  분: 60,
  h: 3600,
  hr: 3600,
  hrs: 3600,
  hour: 3600,
  hours: 3600,
  시간: 3600,
};

const DURATION_EN = String.raw`(${NUMBER}|a|an)\s*-?\s*(seconds?|secs?|s|minutes?|mins?|m|hours?|hrs?|h)\b`;
const DURATION_KO = String.raw`(\d+|한|두|세|네|다섯|열)\s*(초|분|시간)`;

function seconds(amount: string, unit: string): number {
  const n = /^an?$/i.test(amount) ? 1 : numberOf(amount);
  return Math.round(n * (UNIT_SECONDS[unit.toLowerCase()] ?? UNIT_SECONDS[unit.toLowerCase().replace(/s$/, '')] ?? 1));
}

/**
 * Retries and the delay between them: "retry 3 times, 5 minutes apart", "with 2 retries every 30 seconds",
 * "no retries", "5분 간격으로 3번 재시도", "재시도는 3회, 간격은 10분". The count is the number next to the retry
 * word, never the minutes beside it.
 */
export function readRetries(rt: RequestText): RetriesReading {
  const problems: string[] = [];
  const out: RetriesReading = { problems };
  const none = rt.first(
    /\b(?:no\s+retr(?:y|ies)|(?:do\s+not|don'?t|never)\s+retry|without\s+(?:any\s+)?retr(?:y|ies)|zero\s+retries)\b|재시도\s*(?:는|를)?\s*(?:하지\s*(?:마|말고|않|말아)\S*|없이|안\s*함|0\s*(?:번|회))/gi,
  );
  if (none) {
    rt.takeMatch(none);
    out.retries = 0;
    return out;
  }
  const count = [
    new RegExp(
      String.raw`\b(?:retry|re-?try|retries|try\s+again|rerun|re-?run)\s*(?:it|them|the\s+tasks?|failed\s+tasks?|each\s+task)?\s*(?:up\s+to|at\s+most|max(?:imum)?(?:\s+of)?|:|=)?\s*(${NUMBER}|once|twice|thrice)\s*(?:times?|x)?(?:\s+(?:on|upon|after|if\s+it|when\s+it)\s+fail(?:ure|s|ed)?)?`,
      'gi',
    ),
    new RegExp(
      String.raw`\b(?:with\s+|allow\s+|and\s+)?(?:up\s+to\s+|at\s+most\s+)?(${NUMBER})\s+(?:retries|retry|re-?tries|attempts\s+to\s+retry|retry\s+attempts)\b(?:\s+(?:on|upon)\s+failure)?`,
      'gi',
    ),
    /(?:실패\s*(?:하면|시|할\s*경우)\s*)?(?:최대\s*)?(\d+|한|두|세|네|다섯)\s*(?:번|회)(?:\s*까지)?\s*(?:더\s*)?(?:재시도|다시\s*시도|시도|리트라이|재실행)|(?:재시도|리트라이|재실행)\s*(?:는|은|를|횟수는?)?\s*(?:최대\s*)?(\d+|한|두|세|네|다섯)\s*(?:번|회)(?:\s*까지)?/g,
  ];
  let where: { start: number; end: number } | undefined;
  for (const pattern of count) {
    const m = rt.first(pattern);
    if (!m) continue;
    const raw = m[1] ?? m[2] ?? '';
    const n = /^once$/i.test(raw) ? 1 : /^twice$/i.test(raw) ? 2 : /^thrice$/i.test(raw) ? 3 : numberOf(raw);
    if (!Number.isInteger(n)) continue;
    rt.takeMatch(m);
    where = { start: m.index, end: m.index + m[0].length };
    if (n > 10) problems.push(`"${m[0].trim()}": at most 10 retries`);
    else out.retries = n;
    break;
  }
  // The delay: named as the delay between retries anywhere, or a bare duration right beside the retry phrase.
  const named = [
    new RegExp(String.raw`\b(?:delay|interval|wait|backoff)\s*(?:은|는|:|=|of)?\s*${DURATION_KO}`, 'gi'),
    new RegExp(
      String.raw`\b(?:with\s+)?(?:a\s+)?(?:retry\s+)?(?:delay|wait|interval|pause|gap|backoff)\s*(?:of|:|=|between\s+(?:retries|attempts|tries))?\s*(?:of\s+)?${DURATION_EN}(?:\s+between\s+(?:retries|attempts|tries|them))?`,
      'gi',
    ),
    new RegExp(
      String.raw`\b(?:wait(?:ing)?\s+)?${DURATION_EN}\s+(?:apart|between\s+(?:each\s+)?(?:retries|retry|attempts|tries|them)|(?:retry\s+)?delay|in\s+between|after\s+(?:a|each)\s+failure)`,
      'gi',
    ),
    new RegExp(
      String.raw`(?:재시도\s*)?(?:간격(?:은|는|을)?|딜레이(?:는)?|대기\s*시간(?:은)?)\s*${DURATION_KO}(?:\s*(?:으로|로|씩))?|${DURATION_KO}\s*(?:간격(?:으로|을\s*두고)?|마다(?=\s*(?:\S+\s*(?:번|회)\s*)?(?:재시도|다시)))`,
      'g',
    ),
  ];
  const beside = [
    new RegExp(String.raw`\b(?:wait(?:ing)?|after|every|each|spaced)\s+${DURATION_EN}(?:\s+(?:apart|later))?`, 'gi'),
    new RegExp(String.raw`${DURATION_KO}\s*(?:뒤에?|후에?|기다렸다가|기다린\s*(?:뒤|후)(?:에)?|씩)`, 'g'),
  ];
  const take = (m: RegExpExecArray): boolean => {
    const amount = m[1] ?? m[3] ?? '';
    const unit = m[2] ?? m[4] ?? '';
    if (!amount || !unit) return false;
    const s = seconds(amount, unit);
    if (!Number.isFinite(s)) return false;
    rt.takeMatch(m);
    if (s > 86_400) problems.push(`"${m[0].trim()}": a retry delay is at most one day`);
    else out.retryDelaySeconds = s;
    return true;
  };
  for (const pattern of named) for (const m of rt.free(pattern)) if (take(m)) return out;
  if (!where) return out;
  const at = where;
  for (const pattern of beside) {
    for (const m of rt.free(pattern)) {
      const after = m.index >= at.end && m.index - at.end <= 25;
      const before = m.index + m[0].length <= at.start && at.start - (m.index + m[0].length) <= 12;
      if ((after || before) && take(m)) return out;
    }
  }
  return out;
}
