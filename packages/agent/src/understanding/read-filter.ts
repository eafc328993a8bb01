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

/** "not cancelled", "pending", "Korean", "from Korea", "active": a value standing for a comparison. */
function valueAtom(text: string, vocab: Vocabulary): string | undefined {
  const m = /^(?:(not|non|un)[\s-]?)?(?:from\s+|in\s+)?([\w.-]+|[\uac00-\ud7af]+)$/i.exec(text.trim());
  if (!m) return undefined;
  const word = m[2] as string;
  const hit = vocab.valueOf(word);
  if (hit) return `${hit.column} ${m[1] ? '!=' : '='} '${hit.value.replace(/'/g, "''")}'`;
  // "active customers": a boolean column named after the word.
  const flag = vocab
    .columnNames()
    .find((c) => c.toLowerCase() === `is_${word.toLowerCase()}` || c.toLowerCase() === word.toLowerCase());
  if (flag && vocab.typeOf(flag) === 'boolean') return `${flag} = ${m[1] ? 'false' : 'true'}`;
  if (flag && /^is_/.test(flag)) return `${flag} = ${m[1] ? '0' : '1'}`;
  return undefined;
}

/** "over 100" / "under 50" with no column: the table's one money column. */
function amountAtom(text: string, vocab: Vocabulary): string | undefined {
  const amount = vocab.amountColumn();
  if (!amount) return undefined;
  const m = new RegExp(
    `^(over|above|more\\s+than|greater\\s+than|at\\s+least|under|below|less\\s+than|at\\s+most|worth\\s+more\\s+than|worth\\s+less\\s+than|costing\\s+more\\s+than|costing\\s+less\\s+than)\\s+(${VALUE})$`,
    'i',
  ).exec(text.trim());
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

function anyCondition(text: string, vocab: Vocabulary): string | undefined {
  return parseCondition(text, vocab) ?? valueAtom(text, vocab) ?? amountAtom(text, vocab);
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
    const hit = longestCondition(run, vocab, anyCondition);
    if (!hit) continue;
    rt.take(m.index, start + hit.length);
    out.push(hit.expr);
  }

  // 2. "only/just <noun>? <condition>", "only <value> <noun>", "<value> <noun> only".
  const only = new RegExp(String.raw`\b(?:only|just|solely|exclusively)\s+(?:the\s+)?`, 'gi');
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

  // 4. "<noun> over 100" / "customers from Korea" / "users in Seoul" / "orders with amount over 100".
  for (const m of rt.free(
    new RegExp(String.raw`(?<![\w])(${table})\s+(?!from\s+(?:the\s+)?(?:sqlite|duckdb|postgres|mysql))`, 'gi'),
  )) {
    const start = m.index + m[0].length;
    const run = freeRun(rt, start);
    const hit = longestCondition(run, vocab, (t, v) =>
      /^(?:from|in)\s+/i.test(t) ? valueAtom(t, v) : amountAtom(t, v),
    );
    if (!hit) continue;
    rt.take(start, start + hit.length);
    out.push(hit.expr);
  }

  // 5. Korean: "<condition>인 <noun>만", "<value>되지 않은 주문만", "한국 고객만".
  const koOnly = new RegExp(String.raw`(?:(${table})|것|건|행|데이터|레코드|내역|항목)?(?:들)?\s*만`, 'g');
  for (const m of rt.free(koOnly)) {
    if (m.index === 0) continue;
    // The condition ends right before the noun; it starts after the last taken span or punctuation.
    let from = m.index;
    while (from > 0 && rt.isFree(from - 1, from) && !/[,.;!?\n]/.test(rt.text[from - 1] as string)) from--;
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

/** A Korean condition ending in an adnominal form: "금액이 100 이상인", "취소되지 않은", "한국", "pending인". */
function koreanCondition(text: string, vocab: Vocabulary): string | undefined {
  const t = text.trim();
  if (!t) return undefined;
  const direct = parseCondition(t.replace(/(이상|이하|초과|미만)인$/, '$1'), vocab);
  if (direct) return direct;
  const neg = /^(.+?)(?:이|가)?\s*(?:되지|하지)\s*않은$|^(.+?)(?:이|가)\s*아닌$|^(.+?)\s*아닌$/.exec(t);
  if (neg) {
    const e = valueAtom((neg[1] ?? neg[2] ?? neg[3]) as string, vocab);
    if (e) return e.replace(' = ', ' != ');
  }
  const pos = /^(.+?)(?:인|된|한|중인|상태인)?$/.exec(t);
  if (pos) {
    const word = (pos[1] as string).replace(/(?:에서|의)$/, '');
    if (!/\s/.test(word)) return valueAtom(word, vocab);
  }
  return parseAtom(t, vocab);
}
