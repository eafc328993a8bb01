import { ENGLISH_FILLER, NUMBER, numberOf } from './lexicon.js';
import { koreanPartFirst, parseWordsExpression } from './parse-words-expression.js';
import { literal, VALUE } from './parse-condition.js';
import type { RequestText } from './request-text.js';
import type { Vocabulary } from './vocabulary.js';

export interface ComputedColumn {
  name: string;
  expr: string;
  /** The source column it transforms in place ("names in upper case" keeps the column name). */
  replaces?: string;
}

const NEW_NAME = String.raw`[\`"']?([A-Za-z_][A-Za-z0-9_]*)[\`"']?`;
const AS = String.raw`(?:as|named|called|into|in(?:to)?\s+(?:a\s+)?(?:new\s+)?(?:column|field)(?:\s+(?:named|called))?|(?:and\s+)?(?:call|name|save|store|put)\s+(?:it|that|the\s+result)\s+(?:as\s+)?|=)`;

/**
 * Computed columns: expressions ("price * 1.1 as price_net", "net = amount - discount"), arithmetic in words
 * ("price times 1.1 as price_net", "가격에 1.1을 곱해서 net_price로"), functions in words ("names in upper case",
 * "round amount to 2 decimals", "the year of created_at as order_year", "replace missing discounts with 0").
 * A transform of a column in place keeps its name (`replaces`).
 */
export function readComputed(rt: RequestText, vocab: Vocabulary): ComputedColumn[] {
  const col = `(${vocab.col})`;
  const out = { computed: [] as ComputedColumn[] };
  const c = (s: string | undefined) => (s === undefined ? undefined : vocab.column(s));
  out.computed.push(...readNamedExpressions(rt, vocab));
  // Functions in words.
  const inPlace = (column: string, expr: string, name?: string) =>
    out.computed.push(name ? { name, expr } : { name: column, expr, replaces: column });
  const fnWords: [
    RegExp,
    (m: RegExpExecArray) => { column: string; expr: (c: string) => string; name?: string } | undefined,
  ][] = [
    [
      new RegExp(
        String.raw`\b(?:the\s+)?${col}\s+(?:in|to|as|converted\s+to)\s+(upper|lower)\s*-?\s*case(?:\s+letters)?(?:\s*${AS}\s*${NEW_NAME})?`,
        'gi',
      ),
      (m) => ({
        column: m[1] as string,
        expr: (x) => `${(m[2] as string).toLowerCase()}(${x})`,
        ...(m[3] ? { name: m[3] } : {}),
      }),
    ],
    [
      new RegExp(
        String.raw`\b(upper|lower)\s*-?\s*case\s+(?:the\s+|all\s+(?:the\s+)?)?${col}(?:\s*${AS}\s*${NEW_NAME})?`,
        'gi',
      ),
      (m) => ({
        column: m[2] as string,
        expr: (x) => `${(m[1] as string).toLowerCase()}(${x})`,
        ...(m[3] ? { name: m[3] } : {}),
      }),
    ],
    [
      new RegExp(
        String.raw`\b(?:convert|make|turn|change|put)\s+(?:the\s+|all\s+(?:the\s+)?)?${col}\s+(?:to|into|in)\s+(upper|lower)\s*-?\s*case(?:\s*${AS}\s*${NEW_NAME})?`,
        'gi',
      ),
      (m) => ({
        column: m[1] as string,
        expr: (x) => `${(m[2] as string).toLowerCase()}(${x})`,
        ...(m[3] ? { name: m[3] } : {}),
      }),
    ],
    [
      new RegExp(String.raw`\b(?:capitali[sz]e|uppercase)\s+(?:the\s+|all\s+(?:the\s+)?)?${col}`, 'gi'),
      (m) => ({ column: m[1] as string, expr: (x) => `upper(${x})` }),
    ],
    [
      new RegExp(String.raw`\b(?:lowercase)\s+(?:the\s+|all\s+(?:the\s+)?)?${col}`, 'gi'),
      (m) => ({ column: m[1] as string, expr: (x) => `lower(${x})` }),
    ],
    [
      new RegExp(
        String.raw`\b(?:trim|strip)\s+(?:the\s+)?(?:(?:white)?spaces?\s+(?:from|of|in|around)\s+(?:the\s+)?)?${col}(?:\s*${AS}\s*${NEW_NAME})?`,
        'gi',
      ),
      (m) => ({ column: m[1] as string, expr: (x) => `trim(${x})`, ...(m[2] ? { name: m[2] } : {}) }),
    ],
    [
      new RegExp(
        String.raw`\b(?:the\s+)?${col}\s+(?:trimmed|stripped|without\s+(?:leading\s+(?:or|and)\s+trailing\s+)?(?:white)?spaces?)(?:\s*${AS}\s*${NEW_NAME})?`,
        'gi',
      ),
      (m) => ({ column: m[1] as string, expr: (x) => `trim(${x})`, ...(m[2] ? { name: m[2] } : {}) }),
    ],
    [
      new RegExp(
        String.raw`\bround\s+(?:the\s+)?${col}(?:\s+(?:to|at)\s+(${NUMBER})\s+(?:decimals?|decimal\s+places?|places?|digits?))?(?:\s*${AS}\s*${NEW_NAME})?`,
        'gi',
      ),
      (m) => ({
        column: m[1] as string,
        expr: (x) => (m[2] ? `round(${x}, ${numberOf(m[2])})` : `round(${x})`),
        ...(m[3] ? { name: m[3] } : {}),
      }),
    ],
    [
      new RegExp(
        String.raw`\b(?:the\s+)?${col}\s+rounded(?:\s+(?:to|at)\s+(${NUMBER})\s+(?:decimals?|decimal\s+places?|places?|digits?))?(?:\s*${AS}\s*${NEW_NAME})?`,
        'gi',
      ),
      (m) => ({
        column: m[1] as string,
        expr: (x) => (m[2] ? `round(${x}, ${numberOf(m[2])})` : `round(${x})`),
        ...(m[3] ? { name: m[3] } : {}),
      }),
    ],
    [
      new RegExp(
        String.raw`\b(?:the\s+)?(length|year|month|day|hour|absolute\s+value)\s+(?:of|from)\s+(?:the\s+)?${col}(?:\s*${AS}\s*${NEW_NAME})?`,
        'gi',
      ),
      (m) => {
        const fn = /absolute/i.test(m[1] as string) ? 'abs' : (m[1] as string).toLowerCase();
        return {
          column: m[2] as string,
          expr: (x) => `${fn}(${x})`,
          name: m[3] ?? `${(m[2] as string).toLowerCase()}_${fn}`,
        };
      },
    ],
    [
      new RegExp(
        String.raw`\bextract\s+(?:the\s+)?(year|month|day|hour)\s+(?:of|from)\s+(?:the\s+)?${col}(?:\s*${AS}\s*${NEW_NAME})?`,
        'gi',
      ),
      (m) => ({
        column: m[2] as string,
        expr: (x) => `${(m[1] as string).toLowerCase()}(${x})`,
        name: m[3] ?? `${(m[2] as string).toLowerCase()}_${(m[1] as string).toLowerCase()}`,
      }),
    ],
    [
      new RegExp(
        String.raw`\b(?:replace|fill)\s+(?:null|empty|missing|blank)\s+${col}(?:\s+values?)?\s+with\s+(${VALUE})|\b(?:replace|fill)\s+(?:the\s+)?(?:nulls?|empty|missing|blank)(?:\s+values?)?\s+(?:in|of)\s+(?:the\s+)?${col}\s+with\s+(${VALUE})|\b(?:default|coalesce)\s+(?:the\s+)?${col}\s+to\s+(${VALUE})|\b(?:the\s+)?${col}\s+(?:defaulting|defaults)\s+to\s+(${VALUE})(?:\s+when\s+(?:null|missing|empty))?|\b(?:if|when)\s+(?:the\s+)?${col}\s+is\s+(?:null|missing|empty)\s*,?\s*(?:use|put|set\s+it\s+to|make\s+it)\s+(${VALUE})`,
        'gi',
      ),
      (m) => {
        const column = (m[1] ?? m[3] ?? m[5] ?? m[7] ?? m[9]) as string;
        const value = (m[2] ?? m[4] ?? m[6] ?? m[8] ?? m[10]) as string;
        const v = literal(value, vocab, undefined);
        return v ? { column, expr: (x) => `coalesce(${x}, ${v})` } : undefined;
      },
    ],
    [
      new RegExp(
        String.raw`\b(?:concat(?:enate)?|combine|join|merge)\s+(?:the\s+)?${col}\s+(?:and|with|,)\s+(?:the\s+)?${col}(?:\s+(?:with|separated\s+by)\s+(?:a\s+)?(space|comma|dash|hyphen|'[^']*'))?\s*(?:,\s*)?${AS}\s*${NEW_NAME}`,
        'gi',
      ),
      (m) => {
        const sepWord = (m[3] ?? '').toLowerCase();
        const sep =
          sepWord === 'space'
            ? "' '"
            : sepWord === 'comma'
              ? "', '"
              : sepWord === 'dash' || sepWord === 'hyphen'
                ? "'-'"
                : sepWord || undefined;
        const b = c(m[2] as string);
        return b
          ? {
              column: m[1] as string,
              expr: (x) => (sep ? `concat(${x}, ${sep}, ${b})` : `concat(${x}, ${b})`),
              name: m[4] as string,
            }
          : undefined;
      },
    ],
    [
      new RegExp(
        String.raw`\b(?:the\s+)?first\s+(${NUMBER})\s+(?:characters?|chars?|letters?)\s+of\s+(?:the\s+)?${col}(?:\s*${AS}\s*${NEW_NAME})?`,
        'gi',
      ),
      (m) => ({
        column: m[2] as string,
        expr: (x) => `substr(${x}, 1, ${numberOf(m[1] as string)})`,
        ...(m[3] ? { name: m[3] } : {}),
      }),
    ],
    // Korean
    [
      new RegExp(
        String.raw`${col}\s*(?:을|를|은|는|의\s*값을)?\s*(?:모두\s*|전부\s*)?(대문자|소문자)\s*(?:로|으로)\s*(?:바꿔|변환|변경|만들어|바꾸|처리)?\S*(?:\s*${NEW_NAME}\s*(?:으로|로|이라는|라는))?`,
        'g',
      ),
      (m) => ({
        column: m[1] as string,
        expr: (x) => `${m[2] === '대문자' ? 'upper' : 'lower'}(${x})`,
        ...(m[3] ? { name: m[3] } : {}),
      }),
    ],
    [
      new RegExp(
        String.raw`${col}\s*(?:의|에서)?\s*(?:앞뒤\s*)?(?:공백|빈칸|스페이스)\s*(?:을|를)?\s*(?:제거|없애|지워|빼|trim)\S*`,
        'g',
      ),
      (m) => ({ column: m[1] as string, expr: (x) => `trim(${x})` }),
    ],
    [
      new RegExp(
        String.raw`${col}\s*(?:을|를|은|는)?\s*(?:소수점\s*(?:아래\s*)?(${NUMBER})\s*(?:자리|째\s*자리)\s*(?:까지|로|에서)?\s*)?(?:반올림)\S*(?:\s*(?:해서|하여|한\s*값을)\s*${NEW_NAME}\s*(?:으로|로))?`,
        'g',
      ),
      (m) => ({
        column: m[1] as string,
        expr: (x) => (m[2] ? `round(${x}, ${numberOf(m[2])})` : `round(${x})`),
        ...(m[3] ? { name: m[3] } : {}),
      }),
    ],
    [
      new RegExp(
        String.raw`${col}\s*(?:에서|의)\s*(연도|년도|월|일|시간)\s*(?:만)?\s*(?:을|를)?\s*(?:뽑아|추출|꺼내|빼)\S*\s*(?:서)?\s*(?:${NEW_NAME}\s*(?:이라는|라는)?\s*(?:컬럼|칼럼)?\s*(?:으로|로))?`,
        'g',
      ),
      (m) => {
        const fn = { 연도: 'year', 년도: 'year', 월: 'month', 일: 'day', 시간: 'hour' }[m[2] as string] as string;
        return {
          column: m[1] as string,
          expr: (x) => `${fn}(${x})`,
          name: m[3] ?? `${(m[1] as string).toLowerCase()}_${fn}`,
        };
      },
    ],
    [
      new RegExp(String.raw`${col}\s*(?:의)?\s*(?:길이|글자\s*수)\s*(?:를|을)?\s*(?:${NEW_NAME}\s*(?:으로|로))?`, 'g'),
      (m) => ({
        column: m[1] as string,
        expr: (x) => `length(${x})`,
        name: m[2] ?? `${(m[1] as string).toLowerCase()}_length`,
      }),
    ],
    [
      new RegExp(
        String.raw`${col}\s*(?:이|가|값이)?\s*(?:null|NULL|널|비어\s*있|없)\S*\s*(?:이면|면|경우(?:에는)?)\s*(${VALUE})\s*(?:으로|로)\s*(?:채워|바꿔|대체|넣어|처리)?\S*`,
        'g',
      ),
      (m) => {
        const v = literal((m[2] as string).replace(/(?:을|를)$/, ''), vocab, undefined);
        return v ? { column: m[1] as string, expr: (x) => `coalesce(${x}, ${v})` } : undefined;
      },
    ],
    [
      new RegExp(
        String.raw`${col}\s*(?:와|과|하고|랑)\s*${col}\s*(?:을|를)?\s*(?:공백으로\s*)?(?:합쳐|이어\s*붙여|연결|붙여)\S*\s*(?:서)?\s*${NEW_NAME}\s*(?:이라는|라는)?\s*(?:컬럼|칼럼)?\s*(?:으로|로)`,
        'g',
      ),
      (m) => {
        const b = c(m[2] as string);
        const spaced = /공백으로/.test(m[0]);
        return b
          ? {
              column: m[1] as string,
              expr: (x) => (spaced ? `concat(${x}, ' ', ${b})` : `concat(${x}, ${b})`),
              name: m[3] as string,
            }
          : undefined;
      },
    ],
  ];
  for (const [pattern, read] of fnWords) {
    for (const m of rt.free(pattern)) {
      const r = read(m);
      const column = r ? c(r.column) : undefined;
      if (!r || !column) continue;
      rt.takeMatch(m);
      inPlace(column, r.expr(column), r.name);
    }
  }

  return out.computed;
}

/** The free stretch of the request around a position: [start, end). */
function freeStretch(rt: RequestText, at: number): [number, number] {
  let start = at;
  while (start > 0 && rt.isFree(start - 1, start)) start--;
  let end = at;
  while (end < rt.text.length && rt.isFree(end, end + 1)) end++;
  return [start, end];
}

/** An expression that computes something (not a bare column, which is a rename, nor a bare literal). */
function computing(text: string, vocab: Vocabulary): string | undefined {
  const expr = parseWordsExpression(text, vocab);
  if (!expr || /^(?:[A-Za-z_]\w*|-?\d+(?:\.\d+)?|'(?:[^']|'')*')$/.test(expr)) return undefined;
  return expr;
}

/** The longest text from `start` that is an expression, ending at a word's end within [start, limit). */
function longestFrom(rt: RequestText, vocab: Vocabulary, start: number, limit: number) {
  for (let end = limit; end > start; end--) {
    if (end < limit && !/[\s,.;!?)]/.test(rt.text[end] as string)) continue;
    if (/\s/.test(rt.text[end - 1] as string)) continue;
    const expr = computing(rt.text.slice(start, end), vocab);
    if (expr) return { expr, end };
  }
  return undefined;
}

/** The longest text ending at `end` that is an expression, starting at a word's start within [from, end). */
function longestUntil(rt: RequestText, vocab: Vocabulary, from: number, end: number, korean = false) {
  for (let start = from; start < end; start++) {
    if (start > from && !/[\s,(:]/.test(rt.text[start - 1] as string)) continue;
    if (/\s/.test(rt.text[start] as string)) continue;
    let text = rt.text.slice(start, end);
    // "quantity * unit_price를 line_total로", "0.9 값을 discounted_total로": the object particle is the sentence's.
    if (korean) text = text.replace(/\s*(?:(?:그\s*)?(?:값|결과\s*값?|결과)\s*)?(?:을|를|은|는)?\s*$/, '');
    const expr = computing(text, vocab) ?? (korean ? koreanPartFirst(text, vocab) : undefined);
    if (expr) return { expr, start };
  }
  return undefined;
}

const NAMED = String.raw`(?!(?:add|adding|with|plus|and|also|include|including|create|compute|an?|the|new|column|field|as|named|called|into)\b)[\`"']?([A-Za-z_][A-Za-z0-9_]*)[\`"']?`;

/**
 * Computed columns that name the new column around an expression in words: "add line_total: quantity times
 * unit_price", "plus a net_amount column that is amount minus discount", "sku_prefix = the first 3 characters of sku",
 * "signup_month (month of created_at)", "price*1.1 as price_net", "duration_ms divided by 60000, rounded to 1
 * decimal, as duration_min", "price에 1.1을 곱한 price_with_tax 컬럼", "quantity * unit_price를 line_total로".
 * A phrase is taken only when every word of its expression is understood.
 */
function readNamedExpressions(rt: RequestText, vocab: Vocabulary): ComputedColumn[] {
  const out: ComputedColumn[] = [];
  // A typo form of a column is not the column here: "duration_min" is a new name beside duration_ms.
  const existing = new Set(vocab.columnNames().map((n) => n.toLowerCase()));
  const isNewName = (name: string) => !ENGLISH_FILLER.has(name.toLowerCase()) && !existing.has(name.toLowerCase());

  // NAME (EXPR), with an optional description: "plus signup_month (month of created_at)", "with duration in
  // seconds as duration_s (duration_ms / 1000)".
  for (const m of rt.free(
    new RegExp(
      String.raw`\b(?:with|plus|and|add|adding|including|include)\s+(?:(?:an?|the)\s+)?(?:new\s+)?(?:(?:column|field)\s+)?(?:((?:[A-Za-z]+\s+){1,4}?)(?:as|named|called)\s+)?${NAMED}(?:\s+(?:column|field))?\s*\(([^()]*(?:\([^()]*\)[^()]*)*)\)`,
      'gi',
    ),
  )) {
    const name = m[2] as string;
    const expr = computing(m[3] as string, vocab);
    if (!expr || !isNewName(name)) continue;
    rt.takeMatch(m);
    out.push({ name, expr });
  }

  // NAME first: "add order_year, the year of created_at", "a line_total column: quantity times unit_price".
  const head = new RegExp(
    String.raw`(?:\b(?:add|adding|with|plus|and|include|including|also|create|compute)\s+(?:(?:an?|the)\s+)?(?:new\s+)?(?:(?:computed|derived|calculated|extra)\s+)?(?:(?:column|field)\s+(?:(?:named|called)\s+)?)?${NAMED}|\b(?:(?:an?|the)\s+)?(?:new\s+)?(?:(?:computed|derived|calculated|extra)\s+)?(?:column|field)\s+(?:(?:named|called)\s+)?${NAMED}|(?<![\w.])${NAMED}(?=\s*:?=))(?:\s+(?:column|field))?`,
    'gi',
  );
  const connector =
    /\s*(?:,\s*(?:(?:which|that)\s+is|that'?s|i\.e\.)?|:|:?=|(?:which|that)\s+is|that'?s|equal\s+to|(?:computed|calculated|defined|derived)\s+(?:as|from)|as|with|from|being|that(?=\s+(?:concat|join|combin)))\s*/iy;
  for (const m of rt.free(head)) {
    const name = (m[1] ?? m[2] ?? m[3]) as string;
    let at = m.index + m[0].length;
    // A table named between ("add duration_s to sessions, that's ...") was read already.
    const skipFrom = at;
    const preposition = /\s*(?:to|in|into|for|on)\s+/iy;
    preposition.lastIndex = at;
    const before = preposition.exec(rt.text);
    if (before && !rt.isFree(at + before[0].length, at + before[0].length + 1)) at += before[0].length;
    // The table it goes to may come between, left to the table readers: "add duration_s to sessions, that's ...".
    const table = new RegExp(
      String.raw`\s+(?:to|in|into|for|on)\s+(?:the\s+)?(?:${vocab.tablePattern})(?:\s+table)?(?![\w])`,
      'iy',
    );
    table.lastIndex = at;
    const between = table.exec(rt.text);
    if (between) at += between[0].length;
    while (at < rt.text.length && at - skipFrom < 40 && (/\s/.test(rt.text[at] as string) || !rt.isFree(at, at + 1)))
      at++;
    if (!rt.isFree(at, at + 1)) continue;
    connector.lastIndex = at;
    const link = connector.exec(rt.text);
    if (!link || !/[,:=]|\w/.test(link[0])) continue;
    // A column of the source is not redefined here: "orders where amount = discount * 2" is a filter.
    if (!isNewName(name)) continue;
    const start = at + link[0].length;
    const [, limit] = freeStretch(rt, start);
    const found = longestFrom(rt, vocab, start, limit);
    if (!found) continue;
    rt.take(m.index, skipFrom);
    rt.take(between ? skipFrom + between[0].length : skipFrom, found.end);
    out.push({ name, expr: found.expr });
  }

  // EXPR first: "price*1.1 as price_net", "the day of ts as view_day", "..., rounded to 1 decimal, as duration_min".
  for (const m of rt.free(
    new RegExp(
      String.raw`,?\s+(?:as|named|called|into|(?:and\s+)?(?:call|name|save|store|put)\s+(?:it|that|the\s+result)(?:\s+(?:as|in|into))?)\s+(?:(?:an?\s+)?(?:new\s+)?(?:column|field)\s+(?:(?:named|called)\s+)?)?${NAMED}(?![\w])`,
      'gi',
    ),
  )) {
    const name = m[1] as string;
    if (!isNewName(name)) continue;
    const [from] = freeStretch(rt, m.index);
    const found = longestUntil(rt, vocab, from, m.index);
    if (!found) continue;
    rt.take(found.start, m.index + m[0].length);
    out.push({ name, expr: found.expr });
  }

  // Korean, EXPR first: "price에 1.1을 곱한 price_with_tax 컬럼을 추가", "quantity * unit_price를 line_total로 계산해서".
  for (const m of rt.free(
    new RegExp(
      String.raw`(?<![\w])${NAMED}\s*(?:(?:이라는|라는)\s*)?(?:새\s*)?(?:(?:컬럼|칼럼|열|필드)\s*(?:을|를|으로|로|에|도)?|(?:으로|로)(?![\uac00-\ud7af]))(?:\s*(?:추가|만들|생성|계산|넣|저장|add|create)[\uac00-\ud7af]*)*`,
      'g',
    ),
  )) {
    const name = m[1] as string;
    if (!isNewName(name)) continue;
    const [from] = freeStretch(rt, m.index);
    const found = longestUntil(rt, vocab, from, m.index, true);
    if (!found) continue;
    rt.take(found.start, m.index + m[0].length);
    out.push({ name, expr: found.expr });
  }
  // In place, no new name: "device upper-cased", "fee, but 0 where it's empty", "가격을 소수점 둘째 자리까지 반올림해서".
  for (const m of rt.free(
    new RegExp(
      String.raw`(?<![\w])(?:(?:round|replace|fill|trim|strip|lowercase|uppercase|capitali[sz]e)\b|(?:the\s+)?(?:[\uac00-\ud7af]+\s*\(\s*)?(?:${vocab.col}))`,
      'gi',
    ),
  )) {
    if (!rt.isFree(m.index, m.index + m[0].length)) continue;
    const [, limit] = freeStretch(rt, m.index);
    const found = longestFrom(rt, vocab, m.index, limit);
    const columns = found ? columnsIn(found.expr) : [];
    if (!found || !/^[a-z]+\(.*\)$/.test(found.expr) || columns.length !== 1) continue;
    if (/[-+*/]/.test(found.expr.replace(/'(?:[^']|'')*'/g, ''))) continue;
    const column = columns[0] as string;
    rt.take(m.index, found.end);
    out.push({ name: column, expr: found.expr, replaces: column });
  }
  return out;
}

/** The columns an expression of ours reads (names not followed by "("). */
function columnsIn(expr: string): string[] {
  const names = expr.replace(/'(?:[^']|'')*'/g, '').match(/[A-Za-z_]\w*(?!\w|\s*\()/g) ?? [];
  return [...new Set(names)];
}
