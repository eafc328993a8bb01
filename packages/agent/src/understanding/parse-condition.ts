import { NUMBER_WORDS } from './lexicon.js';
import { nearestName } from './name-forms.js';
import type { Vocabulary } from './vocabulary.js';

/** A value as written: a quoted string, a number (with currency signs), a date, or a bare word. */
export const VALUE = String.raw`'(?:[^']|'')*'|an?\s+(?:hundred|thousand)\b|"[^"]*"|[$₩€£]?-?\d[\d,]*(?:\.\d+)?(?:\s*(?:천|만|억))?(?:\s*(?:원|달러|dollars?|won|usd|krw))?(?:\s*%)?|\d{4}-\d{2}-\d{2}(?:[ T]\d{2}:\d{2}(?::\d{2})?)?|[A-Za-z_][\w.-]*|[\uac00-\ud7af]+`;

const DATE = /^\d{4}-\d{2}-\d{2}(?:[ T]\d{2}:\d{2}(?::\d{2})?)?$/;

/** A value in the expression language, checked against the column it is compared with. */
export function literal(
  raw: string,
  vocab: Vocabulary,
  column: string | undefined,
  { asWritten = false }: { asWritten?: boolean } = {},
): string | undefined {
  const v = raw.trim();
  // A quoted value is taken as written; so is any value of a check (which exists to find values that are not there).
  if (/^'(?:[^']|'')*'$/.test(v))
    return asWritten ? v : checkValue(v.slice(1, -1).replace(/''/g, "'"), vocab, column, true);
  if (/^"[^"]*"$/.test(v)) return asWritten ? quote(v.slice(1, -1)) : checkValue(v.slice(1, -1), vocab, column, true);
  if (DATE.test(v)) return quote(v);
  const n = /^[$₩€£]?(-?\d[\d,]*(?:\.\d+)?)\s*(천|만|억)?/.exec(v);
  // "discount over 10%": whether the column holds 10 or 0.1 for ten percent is not known, unless its name says so.
  if (n && /%$/.test(v) && !/(?:pct|percent|percentage)$/i.test(column ?? '')) return undefined;
  // A number is the whole value, with at most a unit after it: "10 미만이거나 100" is not 10.
  if (n && /^[$₩€£]?-?\d/.test(v) && !WHOLE_NUMBER.test(v)) return undefined;
  if (n && /^[$₩€£]?-?\d/.test(v)) {
    const unit = n[2] === '천' ? 1_000 : n[2] === '만' ? 10_000 : n[2] === '억' ? 100_000_000 : 1;
    const value = Number((n[1] as string).replace(/,/g, '')) * unit;
    return Number.isFinite(value) ? String(value) : undefined;
  }
  const word = v.toLowerCase().replace(/^an?\s+(?=hundred|thousand)/, '');
  if (NUMBER_WORDS[word] !== undefined && column && vocab.typeOf(column) !== 'text') return String(NUMBER_WORDS[word]);
  if (/^(true|yes|참)$/i.test(v)) return 'true';
  if (/^(false|no|거짓)$/i.test(v)) return 'false';
  const other = vocab.columnByName(v);
  if (other && other !== column) return other;
  // "orders with the name of the product": an article or preposition is never a value, unless the column holds it.
  if (FUNCTION_WORD.test(v) && !knownValues(vocab, column)?.some((k) => k.toLowerCase() === v.toLowerCase()))
    return undefined;
  // "orders created in March": a word is not a date, a time or a boolean (created_at IN ('March') matched nothing).
  if (column && WORDLESS_TYPES.includes(vocab.typeOf(column))) return undefined;
  return asWritten ? quote(v) : checkValue(v, vocab, column);
}

const WHOLE_NUMBER =
  /^[$₩€£]?-?\d[\d,]*(?:\.\d+)?(?:\s*(?:천|만|억))?(?:\s*(?:원|달러|dollars?|won|usd|krw|세|살|개|건|명|점))?(?:\s*%)?$/i;

const FUNCTION_WORD =
  /^(?:the|a|an|of|to|in|on|at|by|for|from|with|into|and|or|its|their|his|her|our|my|your|this|that|these|those|it|them)$/i;

/** The few values the source lists for a column, when it does. */
function knownValues(vocab: Vocabulary, column: string | undefined): string[] | undefined {
  return column === undefined ? undefined : vocab.playing.map((t) => t.values?.[column]).find((v) => v !== undefined);
}

/** Column types no bare word is a value of (dates and booleans are read above, as dates and true/false). */
const WORDLESS_TYPES: readonly (string | undefined)[] = ['date', 'timestamp', 'boolean'];

const NUMERIC_TYPES: readonly (string | undefined)[] = ['integer', 'bigint', 'double', 'decimal'];

/**
 * "no paid_at", "without an email", "이메일이 없는": the column is empty (NULL). Not for a number: "products with no
 * stock", "할인이 없는 주문" mean 0 as often as NULL, so they are not understood (say "stock = 0" or "stock is
 * missing"); "missing", "is null", "has no value", "값이 없는" name the empty value and are read for every column.
 */
function absentValue(column: string | undefined, vocab: Vocabulary, saysEmpty = false): string | undefined {
  if (column === undefined) return undefined;
  if (!saysEmpty && NUMERIC_TYPES.includes(vocab.typeOf(column))) return undefined;
  return `${column} IS NULL`;
}

function quote(s: string): string {
  return `'${s.replace(/'/g, "''")}'`;
}

/**
 * A text value for a column: when the source lists the column's few values, the value must be one of them (a word
 * for it, "취소" -> 'cancelled', or its nearest spelling); otherwise it is taken as written.
 */
function checkValue(value: string, vocab: Vocabulary, column: string | undefined, quoted = false): string | undefined {
  if (!column) return quote(value);
  // A bare word is never a number: "stock of at" is not stock = 'at'.
  if (!quoted && /^(?:integer|bigint|smallint|double|real|float|decimal|numeric)$/i.test(vocab.typeOf(column) ?? ''))
    return undefined;
  const known = knownValues(vocab, column);
  if (!known) return /[\uac00-\ud7af]/.test(value) ? undefined : quote(value);
  const exact = known.find((k) => k === value) ?? known.find((k) => k.toLowerCase() === value.toLowerCase());
  if (exact) return quote(exact);
  const word = vocab.valueOf(value);
  if (word && word.column === column) return quote(word.value);
  if (quoted) return quote(value);
  const near = nearestName(value, known);
  return near ? quote(near) : undefined;
}

const NOT_NULL = String.raw`(?:is\s+not|isn'?t|are\s+not|aren'?t)\s+(?:null|empty|missing|blank)|is\s+(?:set|present|filled(?:\s+in)?|not\s+null)|(?:has|have)\s+(?:a\s+)?(?:value|values)|exists?`;
const IS_NULL = String.raw`(?:is|are)\s+(?:null|empty|missing|blank|unset|not\s+set)|(?:has|have)\s+no\s+(?:value|values)|is\s+absent`;
const OPS: [RegExp, string][] = [
  [
    /^(?:>=|=>|is\s+at\s+least|(?:of\s+)?at\s+least|no\s+less\s+than|not\s+less\s+than|is\s+not\s+below|minimum(?:\s+of)?|from)$/i,
    '>=',
  ],
  [
    /^(?:<=|=<|is\s+at\s+most|(?:of\s+)?at\s+most|no\s+more\s+than|not\s+more\s+than|up\s+to|is\s+not\s+above|maximum(?:\s+of)?)$/i,
    '<=',
  ],
  [
    /^(?:>|is\s+(?:over|above|greater\s+than|more\s+than|higher\s+than|bigger\s+than|larger\s+than|after|later\s+than)|over|above|greater\s+than|more\s+than|higher\s+than|bigger\s+than|larger\s+than|exceeds?|exceeding|after|later\s+than|newer\s+than|since)$/i,
    '>',
  ],
  [
    /^(?:<|is\s+(?:under|below|less\s+than|lower\s+than|smaller\s+than|before|earlier\s+than)|under|below|less\s+than|lower\s+than|smaller\s+than|fewer\s+than|before|earlier\s+than|older\s+than|until)$/i,
    '<',
  ],
  [
    /^(?:!=|<>|is\s+not|isn'?t|are\s+not|aren'?t|not\s+equal\s+to|does\s+not\s+equal|doesn'?t\s+equal|other\s+than|is\s+anything\s+but|not)$/i,
    '!=',
  ],
  [/^(?:=|==|is|are|equals?|is\s+equal\s+to|equal\s+to|of|being|set\s+to|matches)$/i, '='],
];
const OP_WORDS = String.raw`>=|=>|<=|=<|!=|<>|==|=|>|<|of\s+at\s+least|of\s+at\s+most|is\s+at\s+least|at\s+least|no\s+less\s+than|not\s+less\s+than|is\s+not\s+below|is\s+at\s+most|at\s+most|no\s+more\s+than|not\s+more\s+than|up\s+to|is\s+not\s+above|minimum(?:\s+of)?|maximum(?:\s+of)?|is\s+(?:over|above|greater\s+than|more\s+than|higher\s+than|bigger\s+than|larger\s+than|after|later\s+than|under|below|less\s+than|lower\s+than|smaller\s+than|before|earlier\s+than)|over|above|greater\s+than|more\s+than|higher\s+than|bigger\s+than|larger\s+than|exceeds?|exceeding|after|later\s+than|newer\s+than|since|under|below|less\s+than|lower\s+than|smaller\s+than|fewer\s+than|before|earlier\s+than|older\s+than|until|is\s+not|isn'?t|are\s+not|aren'?t|not\s+equal\s+to|does\s+not\s+equal|doesn'?t\s+equal|other\s+than|is\s+anything\s+but|is\s+equal\s+to|equal\s+to|equals?|is|are|of|set\s+to|matches|not`;

function opOf(words: string): string | undefined {
  const w = words.trim().replace(/\s+/g, ' ');
  for (const [pattern, op] of OPS) if (pattern.test(w)) return op;
  return undefined;
}

/** "a, b or c" / "a and b" / "(a, b)" -> the items. */
function listItems(text: string): string[] {
  return text
    .replace(/^\(|\)$/g, '')
    .split(/\s*(?:,|\bor\b|\band\b|또는|이나|나|및|와|과)\s*/i)
    .map((s) => s.trim())
    .filter(Boolean);
}

const KO_PARTICLE = String.raw`(?:이|가|은|는|의|에|에서)?`;

const COMPARATIVES: [RegExp, string[], string][] = [
  [/^(?:(?:that|which|who)\s+(?:are|is)\s+)?older\s+than\s+/i, ['age'], '>'],
  [/^(?:(?:that|which|who)\s+(?:are|is)\s+)?younger\s+than\s+/i, ['age'], '<'],
  [/^(?:(?:that|which|who)\s+(?:are|is|last|lasted)\s+)?longer\s+than\s+/i, ['duration_ms', 'duration'], '>'],
  [/^(?:(?:that|which|who)\s+(?:are|is|last|lasted)\s+)?shorter\s+than\s+/i, ['duration_ms', 'duration'], '<'],
  [/^(?:(?:that|which)\s+(?:are|is)\s+)?(?:more\s+expensive|pricier)\s+than\s+/i, ['price', 'unit_price'], '>'],
  [/^(?:(?:that|which)\s+(?:are|is)\s+)?cheaper\s+than\s+/i, ['price', 'unit_price'], '<'],
];

/** One comparison in words, English or Korean, as an expression; undefined when any part of it is not understood. */
export function parseAtom(atom: string, vocab: Vocabulary): string | undefined {
  const a = atom
    .trim()
    .replace(/^(?:the|a|an|whose|which|that|with|where|having|has|have|if|when)\s+/i, '')
    .replace(/\s+(?:ones?|rows?|records?|entries)$/i, '')
    .trim();
  if (!a) return undefined;
  const col = `(${vocab.col})`;
  // Comparatives that name their column: "older than 60" (age), "longer than 1000 ms" (duration), "cheaper than 5".
  for (const [pattern, names, op] of COMPARATIVES) {
    const hit = pattern.exec(a);
    const column = hit ? vocab.columnNames().find((c) => names.includes(c.toLowerCase())) : undefined;
    if (hit && column)
      return parseAtom(a.replace(pattern, `${column} ${op} `).replace(/\s*(?:ms|milliseconds)$/i, ''), vocab);
  }
  // "no paid_at" (after "have"): the column is empty, not a negated comparison.
  const absent = new RegExp(`^no\\s+${col}$`, 'i').exec(a);
  if (absent) return absentValue(vocab.column(absent[1] as string), vocab);
  const negate = /^(?:not|no)\s+/i.test(a) && !/^no\s+more|^not\s+(?:less|more)/i.test(a);
  const body = negate ? a.replace(/^(?:not|no)\s+/i, '') : a;
  const wrap = (e: string | undefined) => (e === undefined ? undefined : negate ? `NOT (${e})` : e);
  let m: RegExpExecArray | null;

  // Explicit expression syntax: leave it to the expression parser (the spec check validates it).
  if ((m = new RegExp(`^${col}\\s*(>=|<=|!=|<>|==|=|>|<)\\s*(${VALUE})$`, 'i').exec(body))) {
    const c = vocab.column(m[1] as string);
    const v = literal(m[3] as string, vocab, c);
    return c && v ? wrap(`${c} ${m[2] === '==' ? '=' : m[2]} ${v}`) : undefined;
  }
  if (
    (m = new RegExp(
      `^(?:with\\s+)?(?:an?\\s+)?${col}\\s+(?:of\\s+)?from\\s+(${VALUE})\\s+(?:to|until)\\s+(${VALUE})$`,
      'i',
    ).exec(body))
  ) {
    const c = vocab.column(m[1] as string);
    const lo = literal(m[2] as string, vocab, c);
    const hi = literal(m[3] as string, vocab, c);
    return c && lo && hi ? wrap(`${c} BETWEEN ${lo} AND ${hi}`) : undefined;
  }
  if ((m = /^between\s+(\d+)\s+and\s+(\d+)\s+years?\s+old$/i.exec(body))) {
    const age = vocab.columnNames().find((c) => c.toLowerCase() === 'age');
    return age ? wrap(`${age} BETWEEN ${m[1]} AND ${m[2]}`) : undefined;
  }
  if (
    (m = new RegExp(`^${col}\\s+(?:is\\s+|are\\s+)?(not\\s+)?between\\s+(${VALUE})\\s+and\\s+(${VALUE})$`, 'i').exec(
      body,
    ))
  ) {
    const c = vocab.column(m[1] as string);
    const lo = literal(m[3] as string, vocab, c);
    const hi = literal(m[4] as string, vocab, c);
    return c && lo && hi ? wrap(`${c} ${m[2] ? 'NOT ' : ''}BETWEEN ${lo} AND ${hi}`) : undefined;
  }
  if ((m = new RegExp(`^${col}\\s+(${NOT_NULL})$`, 'i').exec(body))) {
    const c = vocab.column(m[1] as string);
    return c ? wrap(`${c} IS NOT NULL`) : undefined;
  }
  if ((m = new RegExp(`^${col}\\s+(${IS_NULL})$`, 'i').exec(body))) {
    const c = vocab.column(m[1] as string);
    return c ? wrap(`${c} IS NULL`) : undefined;
  }
  if (
    (m = new RegExp(
      `^(?:(?:that|which|who)\\s+)?(?:have|has|with|having)\\s+(?:an?\\s+|some\\s+)?${col}(?:\\s+(?:set|value|filled\\s+in))?$`,
      'i',
    ).exec(body))
  ) {
    const c = vocab.column(m[1] as string);
    return c ? wrap(`${c} IS NOT NULL`) : undefined;
  }
  if (
    (m = new RegExp(
      `^(?:(?:that|which|who)\\s+(?:are\\s+|is\\s+)?)?(missing|lacking|without)\\s+(?:an?\\s+|the\\s+)?${col}$`,
      'i',
    ).exec(body))
  ) {
    return wrap(absentValue(vocab.column(m[2] as string), vocab, /^missing$/i.test(m[1] as string)));
  }
  if ((m = new RegExp(`^(no|missing|without\\s+(?:an?\\s+)?)\\s*${col}$`, 'i').exec(body))) {
    return absentValue(vocab.column(m[2] as string), vocab, /^missing$/i.test(m[1] as string));
  }
  if (
    (m = new RegExp(
      `^${col}\\s+(not\\s+in|is\\s+not\\s+(?:one\\s+of|in|among)|is\\s+none\\s+of|in|is\\s+in|is\\s+one\\s+of|are\\s+in|among|is\\s+either|either|one\\s+of)\\s+(.+)$`,
      'i',
    ).exec(body))
  ) {
    const c = vocab.column(m[1] as string);
    const items = listItems(m[3] as string).map((i) => literal(i, vocab, c));
    if (!c || items.length === 0 || items.some((i) => i === undefined)) return undefined;
    return wrap(`${c} ${/not|none/i.test(m[2] as string) ? 'NOT IN' : 'IN'} (${items.join(', ')})`);
  }
  if (
    (m = new RegExp(
      `^${col}\\s+(?:(does\\s+not|doesn'?t)\\s+)?(contains?|includes?|has|starts?\\s+with|begins?\\s+with|ends?\\s+with|like)\\s+(${VALUE})$`,
      'i',
    ).exec(body))
  ) {
    const c = vocab.column(m[1] as string);
    const raw = (m[4] as string).replace(/^['"]|['"]$/g, '');
    if (!c) return undefined;
    const verb = (m[3] as string).toLowerCase();
    const pattern = verb.startsWith('like')
      ? raw
      : /^(starts?|begins?)/.test(verb)
        ? `${raw}%`
        : /^ends?/.test(verb)
          ? `%${raw}`
          : `%${raw}%`;
    return wrap(`${c} ${m[2] ? 'NOT ' : ''}LIKE ${quote(pattern)}`);
  }
  if (
    (m = new RegExp(
      `^${col}\\s+(${OP_WORDS})\\s+(.+?)(?:\\s+or\\s+(more|above|higher|greater|less|below|lower|fewer|older|younger|later|earlier|newer|over|under))?$`,
      'i',
    ).exec(body))
  ) {
    const c = vocab.column(m[1] as string);
    let op = opOf(m[2] as string);
    const rest = m[3] as string;
    if (m[4]) op = /more|above|higher|greater|older|later|newer|over/i.test(m[4]) ? '>=' : '<=';
    if (!c || !op) return undefined;
    const items = listItems(rest);
    if ((op === '=' || op === '!=') && items.length > 1 && /\bor\b|,/.test(rest)) {
      const values = items.map((i) => literal(i, vocab, c));
      if (values.some((v) => v === undefined)) return undefined;
      return wrap(`${c} ${op === '=' ? 'IN' : 'NOT IN'} (${values.join(', ')})`);
    }
    // "city is Sao Paulo": a value of several words, when the column holds it.
    const known = vocab.playing.map((t) => t.values?.[c]).find((v) => v !== undefined);
    const spaced = known?.find((k) => /\s/.test(k) && k.toLowerCase() === rest.trim().toLowerCase());
    if (spaced && (op === '=' || op === '!=')) return wrap(`${c} ${op} ${quote(spaced)}`);
    if (!new RegExp(`^(?:${VALUE})$`, 'i').test(rest.trim())) return undefined;
    if (/^(null|empty|missing|blank)$/i.test(rest.trim()))
      return op === '=' ? wrap(`${c} IS NULL`) : op === '!=' ? wrap(`${c} IS NOT NULL`) : undefined;
    const v = literal(rest, vocab, c);
    return v ? wrap(`${c} ${op} ${v}`) : undefined;
  }
  // "amount of 100 or more" / "with amount 100+"
  if (
    (m = new RegExp(
      `^${col}\\s+(?:of\\s+)?(${VALUE})\\s*(?:\\+|or\\s+(more|above|higher|greater|older|later|less|below|lower|fewer|younger|earlier))$`,
      'i',
    ).exec(body))
  ) {
    const c = vocab.column(m[1] as string);
    const v = literal(m[2] as string, vocab, c);
    return c && v
      ? wrap(`${c} ${m[3] && /less|below|lower|fewer|younger|earlier/i.test(m[3]) ? '<=' : '>='} ${v}`)
      : undefined;
  }
  // Korean: 금액이 100 이상, 상태가 pending인, 국가가 한국이 아닌, 이메일이 비어 있지 않은, 가격이 10에서 20 사이
  if (
    (m = new RegExp(
      `^${col}${KO_PARTICLE}\\s*(${VALUE})\\s*(?:에서|부터|~|-)\\s*(${VALUE})\\s*(?:까지|사이)(?:인|의|에\\s*있는)?$`,
    ).exec(body))
  ) {
    const c = vocab.column(m[1] as string);
    const lo = literal(stripKo(m[2] as string), vocab, c);
    const hi = literal(stripKo(m[3] as string), vocab, c);
    return c && lo && hi ? wrap(`${c} BETWEEN ${lo} AND ${hi}`) : undefined;
  }
  // "status pending", "stauts shipped": a column and one of its own values, side by side.
  if ((m = new RegExp(`^${col}\\s+([A-Za-z_][\\w.-]*)$`, 'i').exec(body))) {
    const c = vocab.column(m[1] as string);
    const known = c ? vocab.playing.map((t) => t.values?.[c]).find((v) => v !== undefined) : undefined;
    const value = known?.find((k) => k.toLowerCase() === (m?.[2] as string).toLowerCase());
    if (c && value) return wrap(`${c} = '${value.replace(/'/g, "''")}'`);
  }
  // "email이 있는", "이메일이 없는"
  if ((m = new RegExp(`^${col}(?:이|가)\\s*(있는|없는)$`).exec(body))) {
    const c = vocab.column(m[1] as string);
    if (m[2] === '없는') return wrap(absentValue(c, vocab));
    return c ? wrap(`${c} IS NOT NULL`) : undefined;
  }
  // Korean equality with no ending, inside a longer condition: "status가 paid" (이고 ...), "role이 admin" (이거나 ...)
  if ((m = new RegExp(`^${col}(?:이|가|은|는)\\s*(${VALUE})$`).exec(body))) {
    const c = vocab.column(m[1] as string);
    const v = literal(stripKo(m[2] as string), vocab, c);
    return c && v ? wrap(`${c} = ${v}`) : undefined;
  }
  // 나이가 20세 이상 30세 이하, 금액이 100 초과 500 미만
  if (
    (m = new RegExp(
      `^${col}${KO_PARTICLE}\\s*(${VALUE})\\s*(?:세|살|원|개|건|명|점)?\\s*(이상|초과)\\s*(?:이고|이면서|,)?\\s*(${VALUE})\\s*(?:세|살|원|개|건|명|점)?\\s*(이하|미만)(?:인|의)?$`,
    ).exec(body))
  ) {
    const c = vocab.column(m[1] as string);
    const lo = literal(stripKo(m[2] as string), vocab, c);
    const hi = literal(stripKo(m[4] as string), vocab, c);
    if (!c || !lo || !hi) return undefined;
    return wrap(`${c} ${m[3] === '이상' ? '>=' : '>'} ${lo} AND ${c} ${m[5] === '이하' ? '<=' : '<'} ${hi}`);
  }
  // status가 pending, paid, shipped 중 하나인
  if ((m = new RegExp(`^${col}${KO_PARTICLE}\\s*(.+?)\\s*중\\s*(?:하나|에\\s*속하는|에\\s*있는)(?:인)?$`).exec(body))) {
    const c = vocab.column(m[1] as string);
    const items = (m[2] as string).split(/\s*(?:,|또는|이나|혹은|및|와|과)\s*/).filter(Boolean);
    const values = items.map((i) => literal(stripKo(i), vocab, c));
    if (!c || values.some((v) => v === undefined)) return undefined;
    return wrap(`${c} IN (${values.join(', ')})`);
  }
  if (
    (m = new RegExp(
      `^${col}${KO_PARTICLE}\\s*(?:null|NULL|널|빈\\s*값|비어\\s*있|없)(?:이|가)?\\s*(?:아닌|아니|않은|않|있지\\s*않은)`,
    ).exec(body)) ||
    (m = new RegExp(`^${col}${KO_PARTICLE}\\s*(?:있는|존재하는|채워진|비어\\s*있지\\s*않은)$`).exec(body))
  ) {
    const c = vocab.column(m[1] as string);
    return c ? wrap(`${c} IS NOT NULL`) : undefined;
  }
  if (
    (m = new RegExp(`^${col}${KO_PARTICLE}\\s*(값이\\s*)?(null|NULL|널|빈\\s*값|비어\\s*있는|없는)(?:인)?$`).exec(body))
  ) {
    return wrap(absentValue(vocab.column(m[1] as string), vocab, Boolean(m[2]) || m[3] !== '없는'));
  }
  if (
    (m = new RegExp(
      `^${col}${KO_PARTICLE}\\s*(.+?)\\s*(이상|이하|초과|미만|보다\\s*(?:크|큰|많|높|작|적|낮|이후|이전|늦|빠)\\S*|넘는|넘게|넘|이후|이전|부터|까지|인|이\\s*아닌|가\\s*아닌|아닌|이\\s*아니|가\\s*아니|과\\s*같은|와\\s*같은|이고|이며|이면서|인\\s*것)\\s*(?:인|것|경우|값)?$`,
    ).exec(body))
  ) {
    const c = vocab.column(m[1] as string);
    const word = (m[3] as string).replace(/\s+/g, '');
    const op = /^이상|^부터/.test(word)
      ? '>='
      : /^이하|^까지/.test(word)
        ? '<='
        : /^초과|^넘|^보다(크|큰|많|높|이후|늦)|^이후/.test(word)
          ? '>'
          : /^미만|^보다(작|적|낮|이전|빠)|^이전/.test(word)
            ? '<'
            : /아닌|아니/.test(word)
              ? '!='
              : '=';
    if (!c) return undefined;
    const raw = stripKo(m[2] as string);
    const items = raw.split(/\s*(?:,|또는|이나|나|혹은)\s*/).filter(Boolean);
    if (items.length > 1 && (op === '=' || op === '!=')) {
      const values = items.map((i) => literal(stripKo(i), vocab, c));
      if (values.some((v) => v === undefined)) return undefined;
      return wrap(`${c} ${op === '=' ? 'IN' : 'NOT IN'} (${values.join(', ')})`);
    }
    const v = literal(raw, vocab, c);
    return v ? wrap(`${c} ${op} ${v}`) : undefined;
  }
  return undefined;
}

/** A Korean value without the particle glued to it ("pending이" -> "pending", "100원" stays a number). */
function stripKo(v: string): string {
  const t = v.trim();
  if (/^'.*'$|^".*"$/.test(t)) return t;
  const quoted = /^('(?:[^']|'')*'|"[^"]*")(?:이|가|은|는|을|를|과|와|로|으로)?$/.exec(t);
  if (quoted) return quoted[1] as string;
  return t
    .replace(
      /(?<=\d|^(?:한|두|세|네|다섯|여섯|일곱|여덟|아홉|열))\s*(?:세|살|원|개|건|명|점)(?=$|[이가은는을를인])/,
      '',
    )
    .replace(/(?<=[A-Za-z0-9_%)'"])(?:이|가|은|는|을|를|과|와|로|으로|인)$/, '');
}

/**
 * A condition in words: comparisons joined by and/or ("country is KR and amount over 100", "금액이 100 이상이고
 * 상태가 paid인"). Returns the expression, or undefined when any piece is not understood.
 */
export function parseCondition(
  text: string,
  vocab: Vocabulary,
  fallback?: (atom: string, vocab: Vocabulary) => string | undefined,
): string | undefined {
  const t = text.trim().replace(/\s*[.,;!?]+$/, '');
  if (!t) return undefined;
  // Protect "between A and B" and lists in "in (a, b)" from the split on and/or.
  // ... and "2 or more", "18 or older".
  const guarded = t
    .replace(/(between\s+\S+)\s+and\s+/gi, '$1 \ue001 ')
    .replace(
      /(\S)\s+or\s+(?=(?:more|less|above|below|higher|lower|greater|fewer|older|younger|later|earlier|over|under)\b(?!\s+than))/gi,
      '$1 \ue004 ',
    )
    .replace(/\(([^)]*)\)/g, (p) =>
      p
        .replace(/\s+and\s+/gi, ' \ue002 ')
        .replace(/\s+or\s+/gi, ' \ue004 ')
        .replace(/,/g, '\ue003'),
    );
  const pieces = guarded.split(
    /\s*(?:,\s*)?\b(and|or|but)\b\s*|\s*(그리고|이고|이면서|이며|면서|또는|이거나|거나|\s중(?:에서|에)?\s)\s*/i,
  );
  const parts: { text: string; join: string }[] = [];
  let join = '';
  for (let i = 0; i < pieces.length; i++) {
    const p = pieces[i];
    if (p === undefined) continue;
    if (i % 3 === 0) {
      parts.push({
        text: p
          .replace(/\ue001|\ue002/g, 'and')
          .replace(/\ue004/g, 'or')
          .replace(/\ue003/g, ','),
        join,
      });
    } else if (p) join = /^(or|또는|이거나|거나)$/i.test(p) ? 'OR' : 'AND';
  }
  // "status is pending or shipped": a bare value after "or" continues the list of the comparison before it.
  const merged: { text: string; join: string }[] = [];
  for (const part of parts) {
    const prev = merged.at(-1);
    if (
      prev &&
      !new RegExp(`^\\s*(?:not\\s+)?(?:the\\s+)?(?:${vocab.col})`, 'i').test(part.text) &&
      /^\s*(?:'[^']*'|"[^"]*"|[\w.-]+)\s*$/.test(part.text) &&
      / (?:is|=|are|equals?|is not|isn't|!=)\s+\S+$/i.test(prev.text)
    ) {
      prev.text = `${prev.text} ${part.join === 'OR' ? 'or' : 'and'} ${part.text}`;
      continue;
    }
    // "not paid or shipped", "not paid and shipped": the negation covers the list (neither), as in "isn't USD or
    // EUR" and in a value list before a noun; the first was read as status != 'paid' OR status = 'shipped'.
    if (
      prev &&
      /^\s*(?:not|non)[\s-]+(?:'[^']*'|"[^"]*"|[\w.-]+)(?:\s+or\s+(?:'[^']*'|"[^"]*"|[\w.-]+))*\s*$/i.test(prev.text) &&
      /^\s*(?:'[^']*'|"[^"]*"|[\w.-]+)\s*$/.test(part.text) &&
      !new RegExp(`^\\s*(?:${vocab.col})\\s*$`, 'i').test(part.text)
    ) {
      prev.text = `${prev.text} or ${part.text}`;
      continue;
    }
    merged.push({ ...part });
  }
  const out: string[] = [];
  for (const part of merged) {
    const e = parseAtom(part.text, vocab) ?? fallback?.(part.text.trim(), vocab);
    if (e === undefined) return undefined;
    out.push(out.length ? `${part.join} ${e}` : e);
  }
  if (out.length > 1 && out.some((o) => o.startsWith('OR ')) && out.some((o) => o.startsWith('AND '))) return undefined; // mixing and/or without parentheses is ambiguous in words
  // "desktop and mobile sessions": one column equal to two values at once means either of them.
  const equal = out.map((o) => /^(?:AND )?([A-Za-z_]\w*) = ('(?:[^']|'')*')$/.exec(o));
  const column = equal[0]?.[1];
  if (out.length > 1 && equal.every((e) => e && e[1] === column && /^AND |^[^AO]/.test(e[0])))
    return `${column} IN (${equal.map((e) => e?.[2]).join(', ')})`;
  return out.join(' ');
}
