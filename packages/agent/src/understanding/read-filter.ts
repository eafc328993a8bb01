import { parseAtom, parseCondition, VALUE, literal } from './parse-condition.js';
import type { RequestText } from './request-text.js';
import type { Vocabulary } from './vocabulary.js';

export interface FilterReading {
  filter: string;
  /** The tables the filter's columns belong to (for requests that move several tables). */
  index: number;
}

/** The free text from `start` up to the next taken span or the end of the sentence. */
export function freeRun(rt: RequestText, start: number): string {
  let end = start;
  while (end < rt.text.length && rt.isFree(end, end + 1) && !/[.;!?\n]/.test(rt.text[end] as string)) end++;
  // A decimal point is not the end of a sentence.
  if (rt.text[end] === '.' && /\d/.test(rt.text[end + 1] ?? '') && /\d/.test(rt.text[end - 1] ?? ''))
    return rt.text.slice(start, end) + '.' + freeRun(rt, end + 1);
  return rt.text.slice(start, end);
}

/** Word boundaries of a text where a condition may end: before ",", " and ", " then " or at the end. */
function cuts(text: string): number[] {
  const out = new Set<number>([text.length]);
  for (const m of text.matchAll(/\s*,\s*|\s+(?:and|then|but|so|also|plus)\s+|\s+(?:그리고|그다음|하고)\s+/gi))
    out.add(m.index);
  for (const m of text.matchAll(/\s+/g)) out.add(m.index);
  return [...out].filter((i) => i > 0).sort((a, b) => b - a);
}

/** The longest start of `text` that is a whole condition. */
function longestCondition(
  text: string,
  vocab: Vocabulary,
  parse = parseCondition,
): { expr: string; length: number } | undefined {
  for (const cut of cuts(text)) {
    const piece = text.slice(0, cut);
    const expr = parse(piece, vocab);
    if (expr) return { expr, length: cut };
  }
  return undefined;
}

/** "an email", "a referrer" after "that have"/"with" (a bare name only after "have"): the column is set. */
function presentColumn(text: string, vocab: Vocabulary, bare: boolean): string | undefined {
  const m = new RegExp(`^(?:an?\\s+|some\\s+)${bare ? '?' : ''}(${vocab.col})$`, 'i').exec(text.trim());
  const c = m ? vocab.column(m[1] as string) : undefined;
  return c ? `${c} IS NOT NULL` : undefined;
}

/** "not cancelled", "pending", "Korean", "from Korea", "active", "paid 상태": one value standing for a comparison. */
function oneValue(word: string, vocab: Vocabulary): { column: string; value: string; flag?: boolean } | undefined {
  const w = word
    .replace(
      /\s*(?:상태|유형|타입|종류|카테고리|분류|브랜드|채널|국가|고객|사용자|회원|주문|이벤트|기기|디바이스)$/,
      '',
    )
    .trim();
  for (const candidate of [w, w.replace(/s$/i, ''), w.replace(/es$/i, '')]) {
    if (!candidate) continue;
    const hit = vocab.valueOf(candidate);
    if (hit) return hit;
  }
  // "active customers": a boolean column named after the word.
  const flag = vocab
    .columnNames()
    .find((c) => c.toLowerCase() === `is_${w.toLowerCase()}` || c.toLowerCase() === w.toLowerCase());
  if (flag && (vocab.typeOf(flag) === 'boolean' || /^is_/.test(flag))) return { column: flag, value: '', flag: true };
  const korean = { 활성: 'is_active', 활성화된: 'is_active', 활성화: 'is_active' }[w];
  if (korean && vocab.columnNames().includes(korean)) return { column: korean, value: '', flag: true };
  return undefined;
}

function valueAtom(text: string, vocab: Vocabulary): string | undefined {
  const m =
    /^(?:(not|non|un|in(?=active))[\s-]?)?(?:(?:from|in|on|at|by|via|using|of\s+type|of\s+category|with\s+status|with\s+type|with\s+method)\s+)?(?:the\s+)?(.+?)(?:\s+(?:devices?|categor(?:y|ies)|status(?:es)?|types?|methods?|countr(?:y|ies)|ones|state|channels?|brands?|roles?|segments?|cit(?:y|ies)|currenc(?:y|ies)))?$/i.exec(
      text.trim(),
    );
  if (!m) return undefined;
  const words = (m[2] as string)
    .split(/\s*(?:,\s*(?:or|and)?|\bor\b|\band\b|또는|이나|혹은|및|(?<=[A-Za-z0-9_'])(?:이랑|랑|와|과|하고)(?=\s))\s*/i)
    .filter(Boolean);
  if (words.length === 0 || words.some((w) => /\s/.test(w.trim()) && !/[\uac00-\ud7af]/.test(w))) return undefined;
  const hits = words.map((w) => oneValue(w.trim(), vocab));
  if (hits.some((h) => !h)) return undefined;
  const first = hits[0] as NonNullable<(typeof hits)[number]>;
  if (hits.some((h) => h?.column !== first.column)) return undefined;
  const negated = Boolean(m[1]);
  if (first.flag) {
    if (hits.length > 1) return undefined;
    return vocab.typeOf(first.column) === 'boolean'
      ? `${first.column} = ${negated ? 'false' : 'true'}`
      : `${first.column} = ${negated ? '0' : '1'}`;
  }
  const quoted = hits.map((h) => `'${(h?.value ?? '').replace(/'/g, "''")}'`);
  if (quoted.length === 1) return `${first.column} ${negated ? '!=' : '='} ${quoted[0]}`;
  return `${first.column} ${negated ? 'NOT IN' : 'IN'} (${quoted.join(', ')})`;
}

/** "over 100" / "under 50" with no column: the table's one money column. */
function amountAtom(text: string, vocab: Vocabulary): string | undefined {
  const amount = vocab.amountColumn();
  if (!amount) return undefined;
  const m = new RegExp(
    `^(?:of\\s+|worth\\s+|with\\s+(?:an?\\s+)?(?:amount|total)\\s+(?:of\\s+)?)?(over|above|more\\s+than|greater\\s+than|at\\s+least|under|below|less\\s+than|at\\s+most|worth\\s+more\\s+than|worth\\s+less\\s+than|costing\\s+more\\s+than|costing\\s+less\\s+than)\\s+(${VALUE})$`,
    'i',
  ).exec(text.trim());
  // "of 1,500 or more", "worth 100 or less"
  const orMore = new RegExp(
    `^(?:of\\s+|worth\\s+)?(${VALUE})\\s*(?:\\+|or\\s+(more|above|higher|greater|over|less|below|lower|under))$`,
    'i',
  ).exec(text.trim());
  if (!m && orMore) {
    const v = literal(orMore[1] as string, vocab, amount);
    const op = orMore[2] && /less|below|lower|under/i.test(orMore[2]) ? '<=' : '>=';
    return v && /^-?\d/.test(v) ? `${amount} ${op} ${v}` : undefined;
  }
  if (!m) return undefined;
  const op = /over|above|more|greater/i.test(m[1] as string)
    ? '>'
    : /at\s+least/i.test(m[1] as string)
      ? '>='
      : /at\s+most/i.test(m[1] as string)
        ? '<='
        : '<';
  const v = literal(m[2] as string, vocab, amount);
  return v && /^-?\d/.test(v) ? `${amount} ${op} ${v}` : undefined;
}

/** An atom of a condition that names no column: a value ("paid", "한국"), an amount ("over 100"), a date ("since"). */
function valueOrAmount(text: string, vocab: Vocabulary): string | undefined {
  return valueAtom(text, vocab) ?? amountAtom(text, vocab) ?? dateAtom(text, vocab);
}

function anyCondition(text: string, vocab: Vocabulary): string | undefined {
  return parseCondition(text, vocab, valueOrAmount) ?? valueOrAmount(text, vocab);
}

/** "since 2026-02-01", "created after 2026-03-01", "placed between A and B", "2026-01-01부터 2026-03-31까지 생성된". */
function dateAtom(text: string, vocab: Vocabulary): string | undefined {
  const column = vocab.dateColumn();
  if (!column) return undefined;
  const D = String.raw`(\d{4}-\d{2}-\d{2})`;
  const t = text
    .trim()
    .replace(
      /^(?:created|placed|made|ordered|registered|signed\s+up|joined|occurred|happened|recorded|that\s+(?:were|was)\s+(?:created|placed|made))\s+/i,
      '',
    );
  let m: RegExpExecArray | null;
  if ((m = new RegExp(`^(?:since|after|from|on\\s+or\\s+after)\\s+${D}$`, 'i').exec(t)))
    return `${column} ${/after/i.test(t) && !/on\s+or/i.test(t) ? '>' : '>='} '${m[1]}'`;
  if ((m = new RegExp(`^(?:before|until|up\\s+to|prior\\s+to)\\s+${D}$`, 'i').exec(t)))
    return `${column} ${/until|up\s+to/i.test(t) ? '<=' : '<'} '${m[1]}'`;
  if ((m = new RegExp(`^(?:between|from)\\s+${D}\\s+(?:and|to|until)\\s+${D}$`, 'i').exec(t)))
    return `${column} BETWEEN '${m[1]}' AND '${m[2]}'`;
  if (
    (m = new RegExp(`^${D}\\s*부터\\s*${D}\\s*까지(?:\\s*(?:생성된|만들어진|주문된|발생한|가입한|등록된))?$`).exec(t))
  )
    return `${column} BETWEEN '${m[1]}' AND '${m[2]}'`;
  if (
    (m = new RegExp(
      `^${D}\\s*(이후|이전|부터|까지)(?:에)?(?:\\s*(?:생성된|만들어진|주문된|발생한|가입한|등록된))?$`,
    ).exec(t))
  )
    return `${column} ${m[2] === '이후' ? '>' : m[2] === '부터' ? '>=' : m[2] === '이전' ? '<' : '<='} '${m[1]}'`;
  return undefined;
}

/**
 * The row filter, in words or as an expression: "where status is pending", "only orders over 100", "only customers
 * from Korea", "excluding cancelled orders", "금액이 100 이상인 주문만", "취소되지 않은 주문만". Several filters are
 * joined with AND. Takes what it understood; leaves the rest for the leftover check.
 */
export function readFilters(rt: RequestText, vocab: Vocabulary): string[] {
  const out: string[] = [];
  const table = `(?:${vocab.tablePattern})`;
  const noun = String.raw`(?:${table}|rows?|records?|ones?|entries|those|lines?|data)`;

  // 1. Explicit triggers followed by a condition.
  const trigger = new RegExp(
    String.raw`\b(?:(?:only|just)\s+(?:the\s+)?(?:rows?|records?|ones?|entries|those|data)?\s*)?(?:where|whose|if|when|having|filter(?:ed|ing)?(?:\s+(?:by|on|to|for))?|(?:that|which|who)\s+(?:are|is|have|has)|(?:that|which|who)|with)\s+|(?:조건|필터|filter)\s*(?:은|는|:)\s*`,
    'gi',
  );
  for (const m of rt.free(trigger)) {
    const start = m.index + m[0].length;
    const run = freeRun(rt, start);
    // "that have an email", "with a referrer": the trigger's verb belongs to the condition.
    const having = /(?:have|has|with)\s+$/i.test(m[0]);
    const hit = longestCondition(
      run,
      vocab,
      (t, v) => anyCondition(t, v) ?? (having ? presentColumn(t, v, /ha(?:ve|s)\s+$/i.test(m[0])) : undefined),
    );
    if (!hit) continue;
    rt.take(m.index, start + hit.length);
    out.push(hit.expr);
  }

  // 2. "only/just <noun>? <condition>", "only <value> <noun>", "<value> <noun> only".
  // ("I only care about the electronics category", "we just want the paid ones")
  const only = new RegExp(
    String.raw`\b(?:only|just|solely|exclusively)\s+(?:(?:care\s+about|want|need|look\s+at|am\s+interested\s+in)\s+)?(?:the\s+)?`,
    'gi',
  );
  for (const m of rt.free(only)) {
    const start = m.index + m[0].length;
    const run = freeRun(rt, start);
    // "only orders over 100" / "only rows where ..." : skip the noun.
    const nounFirst = new RegExp(
      `^(${noun})\\s+(?:(?:that|which)\\s+(?:are|is|have|has)\\s+|with\\s+|whose\\s+|where\\s+)?`,
      'i',
    ).exec(run);
    if (nounFirst) {
      const rest = run.slice(nounFirst[0].length);
      const hit = longestCondition(rest, vocab, anyCondition);
      if (hit) {
        rt.take(m.index, start + nounFirst[0].length + hit.length);
        out.push(hit.expr);
        continue;
      }
    }
    // "only pending orders" / "only Korean customers" / "only the non-cancelled ones"
    const valueFirst = new RegExp(`^((?:not|non|un)?[\\s-]?[\\w.-]+)\\s+(${noun})\\b`, 'i').exec(run);
    if (valueFirst) {
      const e = valueAtom(valueFirst[1] as string, vocab);
      if (e) {
        // "only purchase events over 100": a condition may follow the noun.
        const after = run.slice(valueFirst[0].length);
        const lead =
          /^\s+(?:(?:that|which)\s+(?:are|is|have|has)\s+|with\s+|whose\s+|where\s+)?/i.exec(after)?.[0] ?? '';
        const more = lead ? longestCondition(after.slice(lead.length), vocab, anyCondition) : undefined;
        rt.take(m.index, start + valueFirst[0].length + (more ? lead.length + more.length : 0));
        out.push(more ? `${e} AND ${more.expr}` : e);
        continue;
      }
    }
    const hit = longestCondition(run, vocab, anyCondition);
    if (hit) {
      rt.take(m.index, start + hit.length);
      out.push(hit.expr);
    }
  }
  for (const m of rt.free(new RegExp(String.raw`\b((?:not|non|un)?[\s-]?[\w.-]+)\s+(${noun})\s+only\b`, 'gi'))) {
    const e = valueAtom(m[1] as string, vocab);
    if (e) {
      rt.takeMatch(m);
      out.push(e);
    }
  }

  // 3. "excluding cancelled orders", "except the refunded ones", "but not cancelled", "leave out cancelled orders".
  for (const m of rt.free(
    new RegExp(
      String.raw`\b(?:excluding|except(?:\s+for)?|but\s+not|other\s+than|leave\s+out|leaving\s+out|skip(?:ping)?|ignore|ignoring|without)\s+(?:the\s+|any\s+)?((?:[\w.-]+)(?:\s+(?:or|and)\s+[\w.-]+)*)(?:\s+(${noun}))?`,
      'gi',
    ),
  )) {
    const words = (m[1] as string).split(/\s+(?:or|and)\s+/i);
    const atoms = words.map((w) => valueAtom(w, vocab));
    if (atoms.some((a) => a === undefined)) continue;
    rt.takeMatch(m);
    out.push(atoms.map((a) => `NOT (${a})`).join(' AND '));
  }

  // 3b. Korean: "failed 결제는 제외하고", "한국 고객은 빼고", "cancelled, refunded 주문은 빼 주세요".
  for (const m of rt.free(
    new RegExp(
      String.raw`((?:[\w.'-]+|[\uac00-\ud7af]+)(?:\s*(?:,|또는|이나|및|(?<=[A-Za-z0-9_])(?:이랑|랑|와|과))\s*[\w.'-]+)*)\s*(?:상태(?:인|의)?\s*)?(?:${table}|건|것|데이터|행)?(?:들)?\s*(?:은|는|을|를)?\s*(?:제외(?:하고|해\s*(?:줘|주세요)|시켜\s*(?:줘|주세요))?|빼고|빼\s*(?:줘|주세요)|빼줘)`,
      'g',
    ),
  )) {
    const e = valueAtom(m[1] as string, vocab);
    if (!e) continue;
    rt.takeMatch(m);
    out.push(negateSimple(e));
  }

  // 4. "<values> <noun> <chain>": "paid orders over 200", "purchase or refund events on mobile devices",
  //    "customers from KR, JP and US", "sessions from KR on desktop with duration_ms above 60000".
  for (const m of rt.free(new RegExp(String.raw`(?<![\w])(${noun})(?![\w])`, 'gi'))) {
    const nounStart = m.index;
    const nounEnd = m.index + m[0].length;
    // "… purchase 이벤트만": a Korean condition before 만 is read whole by the Korean reader below.
    if (/^(?:들)?만(?!\s*(?:허용|가능))/.test(rt.text.slice(nounEnd))) continue;
    // values right before the noun
    let from = nounStart;
    let pre: string | undefined;
    const before = rt.text.slice(0, nounStart);
    const lead = /((?:(?:not|non|un)[\s-]?)?[\w.'-]+(?:\s*(?:,\s*(?:or|and)?|\bor\b|\band\b)\s*[\w.'-]+)*)\s+$/i.exec(
      before,
    );
    if (lead && rt.isFree(lead.index, nounStart)) {
      // the longest run of words ending at the noun that is a value list
      const words = lead[1] as string;
      const starts = [0, ...[...words.matchAll(/\s+/g)].map((x) => x.index + x[0].length)];
      for (const s0 of starts) {
        const e = valueAtom(words.slice(s0), vocab);
        if (e) {
          pre = e;
          from = lead.index + s0;
          break;
        }
      }
    }
    const chain = readChain(rt.text.slice(nounEnd, nounEnd + freeRun(rt, nounEnd).length), vocab);
    if (!pre && !chain) continue;
    const parts = [pre, chain?.expr].filter((x): x is string => Boolean(x));
    if (pre) rt.take(from, nounStart);
    if (chain) rt.take(nounEnd, nounEnd + chain.length);
    out.push(parts.join(' AND '));
  }

  // 4b. A condition with its marker after it: "status pending only", "status = 'paid' 조건으로".
  for (const m of rt.free(
    /\s+only\b(?=\s*(?:[,.;!?]|$))|\s*(?:조건|필터)\s*(?:으로|로|에서|에|만|을\s*걸어서|을)?(?=\s|$|[,.])/gi,
  )) {
    const found = conditionBefore(rt, m.index, (t) => anyCondition(t, vocab) ?? koreanCondition(t, vocab));
    if (!found) continue;
    rt.take(found.start, m.index + m[0].length);
    out.push(found.expr);
  }

  // 5. Korean: "<condition>인 <noun>만", "<value>되지 않은 주문만", "한국 고객만".
  // ("만 허용" is an allowed-values check, not a filter)
  const koOnly = new RegExp(
    String.raw`(?:(${table})|것|건|행|데이터|레코드|내역|항목)?(?:들)?\s*(?<!\d)만(?!\s*(?:허용|가능|들어와야|있어야))`,
    'g',
  );
  for (const m of rt.free(koOnly)) {
    if (m.index === 0) continue;
    // The condition ends right before the noun; it starts after the last taken span or punctuation.
    let from = m.index;
    // Korean lists use commas ("pending, paid, shipped 중 하나인"): only a sentence end stops the condition.
    while (from > 0 && rt.isFree(from - 1, from) && !/[.;!?\n]/.test(rt.text[from - 1] as string)) from--;
    const before = rt.text.slice(from, m.index).trimEnd();
    let found: { expr: string; start: number } | undefined;
    for (const s of [...before.matchAll(/(?:^|\s)(?=\S)/g)].map((x) => x.index + (x[0].length ? 1 : 0))) {
      const piece = before.slice(s);
      const expr = koreanCondition(piece, vocab);
      if (expr) {
        found = { expr, start: from + s };
        break;
      }
    }
    if (!found) continue;
    rt.take(found.start, m.index + m[0].length);
    out.push(found.expr);
  }
  // Korean conditions without 만: "금액이 100 이상인 주문을", "조건 없이" handled above; "상태가 paid인 것".
  for (const m of rt.free(new RegExp(String.raw`(?:(${table})|것|건|행|데이터)(?:들)?(?:을|를|은|는)?(?=\s|$)`, 'g'))) {
    let from = m.index;
    while (from > 0 && rt.isFree(from - 1, from) && !/[,.;!?\n]/.test(rt.text[from - 1] as string)) from--;
    const before = rt.text.slice(from, m.index).trimEnd();
    if (!/(?:인|된|한|않은|아닌|큰|작은|많은|적은|넘는|높은|낮은|있는|없는)$/.test(before)) continue;
    for (const s of [...before.matchAll(/(?:^|\s)(?=\S)/g)].map((x) => x.index + (x[0].length ? 1 : 0))) {
      const expr = koreanCondition(before.slice(s), vocab);
      if (expr) {
        rt.take(from + s, from + before.length);
        out.push(expr);
        break;
      }
    }
  }
  return out;
}

/** The longest condition that ends at `end` and starts after the last taken span or sentence end. */
function conditionBefore(
  rt: RequestText,
  end: number,
  parse: (text: string) => string | undefined,
): { expr: string; start: number } | undefined {
  let from = end;
  while (from > 0 && rt.isFree(from - 1, from) && !/[.;!?\n,]/.test(rt.text[from - 1] as string)) from--;
  const before = rt.text.slice(from, end);
  for (const s of [...before.matchAll(/(?:^|\s)(?=\S)/g)].map((x) => x.index + (x[0].length ? 1 : 0))) {
    const expr = parse(before.slice(s).trim());
    if (expr) return { expr, start: from + s };
  }
  return undefined;
}

/** A Korean condition ending in an adnominal form: "금액이 100 이상인", "취소되지 않은", "한국", "pending인". */
function koreanCondition(text: string, vocab: Vocabulary): string | undefined {
  const t = text
    .trim()
    .replace(/^[,\s]+/, '')
    // "pending 상태인", "electronics 카테고리인", "kakao_pay로 결제된", "mobile 기기에서 발생한"
    .replace(/\s*(?:상태|유형|타입|카테고리|종류|분류)(?=(?:인|이고|가\s*아닌|이\s*아닌|가|이)?$)/, '')
    .replace(/(?:으로|로)\s*(?:결제|주문|가입|접속|유입)된$/, '')
    .replace(/\s*(?:기기|디바이스|브라우저)에서\s*(?:발생|생성|일어)한$/, '');
  // "mobile 기기에서 발생한 purchase": where it happened, then what.
  const where = /^(.+?)\s*(?:기기|디바이스|브라우저)에서\s*(?:발생|생성|일어)한\s+(.+)$/.exec(t);
  if (where) {
    const a = koreanCondition(where[1] as string, vocab);
    const b = koreanCondition(where[2] as string, vocab);
    return a && b ? `${a} AND ${b}` : undefined;
  }
  if (/^비활성(?:화된|인)?$/.test(t)) {
    const flag = vocab.columnNames().find((c) => /^is_active$|^active$/i.test(c));
    if (flag) return vocab.typeOf(flag) === 'boolean' ? `${flag} = false` : `${flag} = 0`;
  }
  if (!t) return undefined;
  const direct = parseCondition(t.replace(/(이상|이하|초과|미만)인$/, '$1'), vocab, valueOrAmount);
  if (direct) return direct;
  const neg = /^(.+?)(?:이|가)?\s*(?:되지|하지)\s*않은$|^(.+?)(?:이|가)\s*아닌$|^(.+?)\s*아닌$/.exec(t);
  if (neg) {
    const e = valueAtom((neg[1] ?? neg[2] ?? neg[3]) as string, vocab);
    if (e) return negateSimple(e);
  }
  const pos = /^(.+?)(?:인|된|한|중인|상태인)?$/.exec(t);
  if (pos) {
    const word = (pos[1] as string).replace(/(?:에서|의)$/, '');
    if (!/\s/.test(word)) return valueAtom(word, vocab);
  }
  return parseAtom(t, vocab);
}

/**
 * Conditions that follow a noun one after another: "from KR", "on desktop", "with duration_ms above 60000",
 * "that are pending, paid or shipped", "over 200", "where ...", joined by "and" or nothing.
 */
function readChain(text: string, vocab: Vocabulary): { expr: string; length: number } | undefined {
  const parts: string[] = [];
  let at = 0;
  for (;;) {
    const rest = text.slice(at);
    const gap = /^\s*(?:,\s*)?(?:and\s+)?/i.exec(rest)?.[0] ?? '';
    const body = rest.slice(gap.length);
    let hit: { expr: string; length: number } | undefined;
    const prep =
      /^(?:(?:that|which|who)\s+(?:are|is|were|was|aren'?t|isn'?t|weren'?t|wasn'?t)\s+(?:not\s+)?|(?:not\s+)?(?:from|in|on|at|by|via|using|of\s+type|of\s+category|with\s+(?:status|type|method)|(?:made|paid|placed)\s+(?:by|with|via)|(?:that\s+)?(?:came|come|coming)\s+(?:through|from|via))\s+)/i.exec(
        body,
      );
    if (prep)
      hit = longestCondition(body, vocab, (t, v) =>
        valueAtom(
          t
            .replace(/^(?:that|which|who)\s+(?:are|is|were|was|aren'?t|isn'?t|weren'?t|wasn'?t)\s+(not\s+)?/i, (x) =>
              /not\s+$|n'?t\s+$/i.test(x) ? 'not ' : '',
            )
            .replace(
              /^(not\s+)?(?:(?:made|paid|placed)\s+(?:by|with|via)|(?:that\s+)?(?:came|come|coming)\s+(?:through|from|via))\s+(?:the\s+)?/i,
              '$1',
            ),
          v,
        ),
      );
    if (!hit) {
      const cond = /^(?:with|where|whose|that\s+have|which\s+have|having|that\s+has)\s+/i.exec(body);
      if (cond) {
        const inner = longestCondition(body.slice(cond[0].length), vocab, (t, v) =>
          parseCondition(t, v, valueOrAmount),
        );
        if (inner) hit = { expr: inner.expr, length: cond[0].length + inner.length };
      }
    }
    if (!hit) hit = longestCondition(body, vocab, (t, v) => amountAtom(t, v) ?? dateAtom(t, v));
    if (!hit && /^(?:[a-z]+(?:ed|ing)|aged|priced|older|younger|longer|shorter|cheaper|of|with|between)\b/i.test(body))
      hit = longestCondition(body, vocab, anyCondition);
    if (!hit) break;
    parts.push(hit.expr);
    at += gap.length + hit.length;
  }
  return parts.length ? { expr: parts.join(' AND '), length: at } : undefined;
}

/** The negation of a simple comparison: = to !=, IN to NOT IN, a true flag to false. */
function negateSimple(e: string): string {
  if (/ NOT IN \(/.test(e)) return e.replace(' NOT IN (', ' IN (');
  if (/ IN \(/.test(e)) return e.replace(' IN (', ' NOT IN (');
  if (/ = true$/.test(e)) return e.replace(/ = true$/, ' = false');
  if (/ = 1$/.test(e)) return e.replace(/ = 1$/, ' = 0');
  if (/ != /.test(e)) return e.replace(' != ', ' = ');
  return e.replace(' = ', ' != ');
}
