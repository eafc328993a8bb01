import { numberOf } from './lexicon.js';
import type { Vocabulary } from './vocabulary.js';

/** An expression as text, with how tightly it binds (3 an operand or call, 2 a product, 1 a sum). */
interface Part {
  text: string;
  level: 1 | 2 | 3;
}

const END = String.raw`(?![A-Za-z0-9_])`;
const NUMBER_WORD = String.raw`(?:\d+(?:\.\d+)?|zero|one|two|three|four|five|six|seven|eight|nine|ten)`;
const ORDINALS: Readonly<Record<string, number>> = { 첫째: 1, 첫: 1, 둘째: 2, 두: 2, 셋째: 3, 세: 3, 넷째: 4, 네: 4 };
const KO_NUMBER = String.raw`(?:\d+|첫째|첫|둘째|두|셋째|세|넷째|네)`;
const DECIMALS = String.raw`(?:decimal\s+places?|decimals?|digits?|places?)`;
const EN_PARTS: Readonly<Record<string, string>> = { year: 'year', month: 'month', day: 'day', hour: 'hour' };
const KO_PARTS: Readonly<Record<string, string>> = {
  연도: 'year',
  년도: 'year',
  년: 'year',
  월: 'month',
  일: 'day',
  시간: 'hour',
  시: 'hour',
  // "시(hour)" reaches the readers as "hour": RequestText reads a Korean word with a name in parentheses as the name.
  year: 'year',
  month: 'month',
  day: 'day',
  hour: 'hour',
};
const EMPTY = String.raw`(?:empty|null|missing|blank|not\s+set)`;
const SEPARATORS: Readonly<Record<string, string>> = {
  space: "' '",
  comma: "', '",
  dash: "'-'",
  hyphen: "'-'",
  underscore: "'_'",
  slash: "'/'",
};

/** The expression language's functions as a request may write them: name -> [function, least, most arguments]. */
const CALLS: Readonly<Record<string, readonly [string, number, number]>> = {
  lower: ['lower', 1, 1],
  upper: ['upper', 1, 1],
  trim: ['trim', 1, 1],
  length: ['length', 1, 1],
  round: ['round', 1, 2],
  abs: ['abs', 1, 1],
  coalesce: ['coalesce', 1, 10],
  concat: ['concat', 1, 10],
  substring: ['substr', 2, 3],
  substr: ['substr', 2, 3],
  nullif: ['nullif', 2, 2],
  year: ['year', 1, 1],
  month: ['month', 1, 1],
  day: ['day', 1, 1],
  hour: ['hour', 1, 1],
  date: ['date', 1, 1],
};
const decimalsOf = (word: string) => ORDINALS[word] ?? numberOf(word);
const wrap = (p: Part, level: number) => (p.level < level ? `(${p.text})` : p.text);

/**
 * An expression in words, English or Korean, read as a whole: columns, numbers and quoted strings joined by operators
 * in words or symbols ("quantity times unit_price", "amount minus discount", "quantity 곱하기 unit_price",
 * "price에 1.1을 곱한", "duration_ms를 1000으로 나눈"), function phrases ("the year of created_at", "the first 3
 * characters of sku", "city and country joined with ', '", "created_at의 연도", "sku 앞 3글자", "path를 대문자로
 * 바꾼") and postfixes ("..., rounded to 1 decimal"). Returns the expression in the expression language, or undefined
 * when any word of the text is not understood: a part is never guessed.
 */
export function parseWordsExpression(text: string, vocab: Vocabulary): string | undefined {
  const parser = new WordsParser(text.trim(), vocab);
  const part = parser.whole();
  return part?.text;
}

class WordsParser {
  private pos = 0;
  private readonly column: RegExp;

  constructor(
    private readonly s: string,
    private readonly vocab: Vocabulary,
  ) {
    // A Korean gloss before a column in parentheses ("수수료(fee)") names the column too.
    this.column = new RegExp(
      String.raw`(?:the\s+)?(?:[\uac00-\ud7af]+\s*\(\s*(${vocab.col})\s*\)|(${vocab.col})${END})`,
      'iy',
    );
  }

  whole(): Part | undefined {
    const e = this.expr();
    this.skip();
    return e && this.pos === this.s.length ? e : undefined;
  }

  private skip(): void {
    while (/\s/.test(this.s[this.pos] ?? '')) this.pos++;
  }

  private eat(pattern: string): RegExpExecArray | undefined {
    this.skip();
    const re = new RegExp(pattern, 'iy');
    re.lastIndex = this.pos;
    const m = re.exec(this.s);
    if (!m || m[0].length === 0) return undefined;
    this.pos += m[0].length;
    return m;
  }

  private attempt<T>(read: () => T | undefined): T | undefined {
    const at = this.pos;
    const out = read();
    if (out === undefined) this.pos = at;
    return out;
  }

  private expr(): Part | undefined {
    let e = this.attempt(() => this.joined()) ?? this.attempt(() => this.korean()) ?? this.sum();
    if (!e) return undefined;
    for (let more = true; more;) {
      const base: Part = e;
      const next = this.attempt(() => this.postfix(base));
      more = next !== undefined;
      if (next) e = next;
    }
    return e;
  }

  /** "x, rounded to 1 decimal", "x upper-cased", "x, but 0 where it's empty", "x를 대문자로 바꾼". */
  private postfix(e: Part): Part | undefined {
    const x = e.text;
    let m = this.eat(String.raw`,?\s*(?:and\s+)?(?:then\s+)?rounded(?:\s+off)?${END}`);
    if (m) {
      const to = this.eat(
        String.raw`(?:to|at)\s+(?:(${NUMBER_WORD})\s+${DECIMALS}|(?:the\s+nearest\s+)?(?:whole\s+numbers?|integers?|whole\s+number))${END}`,
      );
      return { text: `round(${x}, ${to?.[1] ? numberOf(to[1]) : 0})`, level: 3 };
    }
    m = this.eat(
      String.raw`,?\s*(?:(?:in|to|as)\s+(upper|lower)\s*-?\s*case(?:\s+letters)?|(upper|lower)\s*-?\s*cased)${END}`,
    );
    if (m) return { text: `${(m[1] ?? m[2] ?? '').toLowerCase()}(${x})`, level: 3 };
    if (this.eat(String.raw`,?\s*(?:trimmed|stripped)${END}`)) return { text: `trim(${x})`, level: 3 };
    m = this.eat(
      String.raw`,?\s*(?:but|or)\s+('(?:[^']|'')*'|-?\d+(?:\.\d+)?)\s+(?:where|when|if)\s+(?:it'?s|it\s+is|they'?re|they\s+are|that'?s)\s+${EMPTY}|,?\s*(?:defaulting|defaults?)\s+to\s+('(?:[^']|'')*'|-?\d+(?:\.\d+)?)(?:\s+(?:when|if)\s+(?:it'?s\s+|it\s+is\s+)?${EMPTY})?`,
    );
    if (m) return { text: `coalesce(${x}, ${m[1] ?? m[2]})`, level: 3 };
    // Korean: "path를 대문자로 바꾼", "amount를 소수점 둘째 자리까지 반올림한"
    m = this.eat(
      String.raw`(?:을|를|은|는|도)?\s*(?:모두\s*|전부\s*)?(대문자|소문자)\s*(?:로|으로)\s*(?:바꾸|바꿔|바꾼|변환|만들|만든)[\uac00-\ud7af]*`,
    );
    if (m) return { text: `${m[1] === '대문자' ? 'upper' : 'lower'}(${x})`, level: 3 };
    m = this.eat(
      String.raw`(?:을|를|은|는)?\s*(?:소수\s*점?\s*(?:아래\s*)?(?:(${KO_NUMBER})\s*(?:번째\s*|째\s*)?자리\s*(?:까지|로|에서)?|없이)|정수로)?\s*반올림[\uac00-\ud7af]*`,
    );
    if (m) return { text: `round(${x}, ${m[1] ? decimalsOf(m[1]) : 0})`, level: 3 };
    // "discount가 비어 있으면 0으로 채운", "fee가 null이면 0으로 바꿔서"
    m = this.eat(
      String.raw`(?:이|가|값이|은|는)?\s*(?:null|널|비어\s*있|비|없)(?:이면|으면|면|일\s*때|인\s*경우)\s*('(?:[^']|'')*'|-?\d+(?:\.\d+)?)\s*(?:으로|로)\s*(?:(?:채우|채워|채운|바꾸|바꿔|바꾼|대체|넣)[\uac00-\ud7af]*)?`,
    );
    if (m) return { text: `coalesce(${x}, ${m[1]})`, level: 3 };
    return undefined;
  }

  /** "city and country joined with ', '", "name, ' - ' and segment concatenated". */
  private joined(): Part | undefined {
    const items = this.list();
    if (!items || items.length < 2) return undefined;
    const m = this.eat(
      String.raw`(?:joined|concatenated|combined|glued)(?:\s+together)?(?:\s+(?:with|by|using)\s+(?:an?\s+)?(?:('(?:[^']|'')*')|(space|comma|dash|hyphen|underscore|slash))|(?:\s+(?:with|by)\s+nothing)?)${END}`,
    );
    if (!m) return undefined;
    const sep = m[1] ?? (m[2] ? SEPARATORS[m[2].toLowerCase()] : undefined);
    const args = sep ? items.flatMap((item, i) => (i === 0 ? [item] : [sep, item])) : items;
    return { text: `concat(${args.join(', ')})`, level: 3 };
  }

  /** Operands separated by commas and "and": "name, ' - ' and segment". */
  private list(): string[] | undefined {
    const first = this.sum();
    if (!first) return undefined;
    const items = [first.text];
    for (;;) {
      const item = this.attempt(() => (this.eat(String.raw`,\s*and${END}|,|and${END}|&`) ? this.sum() : undefined));
      if (!item) break;
      items.push(item.text);
    }
    return items;
  }

  /**
   * Korean arithmetic in verbs: "price에 1.1을 곱한", "amount에서 discount를 뺀", "duration_ms를 1000으로 나눈",
   * "amount에 fee를 더한", "quantity와 unit_price를 곱해서".
   */
  private korean(): Part | undefined {
    const a = this.sum();
    if (!a) return undefined;
    const p1 = this.eat(String.raw`(?:에서|에(?:다가?)?|와|과|하고|랑|이랑|을|를)`);
    if (!p1) return undefined;
    const b = this.sum();
    if (!b) return undefined;
    this.eat(String.raw`(?:을|를|으로|로|만큼)`);
    const verb = this.eat(String.raw`(곱하|곱한|곱해|더하|더한|더해|빼|뺀|나누|나눈|나눠)[\uac00-\ud7af]*`);
    if (!verb && /^(?:와|과|하고|랑|이랑)$/.test(p1[0])) {
      // "name과 city를 ', '로 이어 붙여서", "name과 city를 공백으로 합쳐서"
      const join = this.eat(
        String.raw`(?:('(?:[^']|'')*')\s*(?:으로|로)\s*|(공백|띄어쓰기|빈칸)\s*(?:으로|로)\s*)?(?:합치|합쳐|합친|이어\s*붙|연결|붙여|붙인|붙이)[\uac00-\ud7af]*`,
      );
      if (!join) return undefined;
      const sep = join[1] ?? (join[2] ? "' '" : undefined);
      const args = sep ? [a.text, sep, b.text] : [a.text, b.text];
      return { text: `concat(${args.join(', ')})`, level: 3 };
    }
    if (!verb) return undefined;
    const v = (verb[1] as string)[0];
    const op = v === '곱' ? '*' : v === '더' ? '+' : v === '나' ? '/' : '-';
    const level = op === '*' || op === '/' ? 2 : 1;
    return { text: `${wrap(a, level)} ${op} ${wrap(b, level + 1)}`, level };
  }

  private sum(): Part | undefined {
    let left = this.product();
    if (!left) return undefined;
    for (;;) {
      const base: Part = left;
      const next = this.attempt(() => {
        const m = this.eat(String.raw`(plus|minus|less|더하기|빼기)${END}|(\|\||\+|-(?!\d))`);
        if (!m) return undefined;
        const right = this.product();
        if (!right) return undefined;
        const word = (m[1] ?? m[2]) as string;
        const op = word === '||' ? '||' : /^(?:plus|더하기|\+)$/i.test(word) ? '+' : '-';
        return { text: `${wrap(base, 1)} ${op} ${wrap(right, 2)}`, level: 1 } as Part;
      });
      if (!next) return left;
      left = next;
    }
  }

  private product(): Part | undefined {
    let left = this.operand();
    if (!left) return undefined;
    for (;;) {
      const base: Part = left;
      const next = this.attempt(() => {
        const m = this.eat(String.raw`(times|multiplied\s+by|divided\s+by|x|곱하기|나누기)${END}|(\*|\/)`);
        if (!m) return undefined;
        const right = this.operand();
        if (!right) return undefined;
        const op = /^(?:divided\s+by|나누기|\/)$/i.test((m[1] ?? m[2]) as string) ? '/' : '*';
        return { text: `${wrap(base, 2)} ${op} ${wrap(right, 3)}`, level: 2 } as Part;
      });
      if (!next) return left;
      left = next;
    }
  }

  private operand(): Part | undefined {
    return (
      this.attempt(() => this.parenthesised()) ??
      this.attempt(() => this.phrase()) ??
      this.attempt(() => this.koreanPhrase()) ??
      this.attempt(() => this.atom())
    );
  }

  private parenthesised(): Part | undefined {
    if (!this.eat(String.raw`\(`)) return undefined;
    const e = this.expr();
    if (!e || !this.eat(String.raw`\)`)) return undefined;
    return e;
  }

  private atom(): Part | undefined {
    // "상품명", "고객명": the name of the table's rows.
    const named = this.eat(String.raw`(?:${this.vocab.tablePattern})\s?명(?=\s|을|를|은|는|이|가|의|$)`);
    if (named && this.vocab.columnNames().includes('name')) return { text: 'name', level: 3 };
    if (named) return undefined;
    const m = this.eat(this.column.source);
    if (m) {
      const name = this.vocab.column((m[1] ?? m[2]) as string);
      return name ? { text: name, level: 3 } : undefined;
    }
    const n = this.eat(String.raw`(-?\d+(?:\.\d+)?)(?![\d.])`);
    if (n) return { text: n[1] as string, level: 3 };
    const q = this.eat(String.raw`'(?:[^']|'')*'`);
    return q ? { text: q[0], level: 3 } : undefined;
  }

  /** English function phrases, and the functions of the expression language as written ("lower(email)"). */
  private phrase(): Part | undefined {
    let m = this.eat(String.raw`(${Object.keys(CALLS).join('|')})\s*\(`);
    if (m) {
      const args: string[] = [];
      do {
        const arg = this.expr();
        if (!arg) return undefined;
        args.push(arg.text);
      } while (this.eat(','));
      const [fn, min, max] = CALLS[(m[1] as string).toLowerCase()] as readonly [string, number, number];
      if (!this.eat(String.raw`\)`) || args.length < min || args.length > max) return undefined;
      return { text: `${fn}(${args.join(', ')})`, level: 3 };
    }
    // "multiply price by 1.1", "subtract discount from amount", "the sum of amount and fee"
    m = this.eat(
      String.raw`(multiply|divide|subtract|(?:the\s+)?(?:sum|total|product|difference)\s+(?:of|between))\s+(?:the\s+)?`,
    );
    if (m) {
      const a = this.product();
      const link = a && this.eat(String.raw`(by|from|and)${END}`);
      const b = link && this.product();
      if (!a || !link || !b) return undefined;
      const verb = (m[1] as string).toLowerCase();
      const [op, x, y, joint] = verb.startsWith('multiply')
        ? ['*', a, b, 'by']
        : verb.startsWith('divide')
          ? ['/', a, b, 'by']
          : verb.startsWith('subtract')
            ? ['-', b, a, 'from']
            : verb.includes('product')
              ? ['*', a, b, 'and']
              : verb.includes('difference')
                ? ['-', a, b, 'and']
                : ['+', a, b, 'and'];
      if ((link[1] as string).toLowerCase() !== joint) return undefined;
      const level = op === '*' || op === '/' ? 2 : 1;
      return { text: `${wrap(x, level)} ${op} ${wrap(y, level + 1)}`, level } as Part;
    }
    m = this.eat(
      String.raw`(?:just\s+|only\s+)?(?:the\s+)?(?:(year|month|day|hour)(?:\s+part)?|(date)(?:\s+part)?|(length)|(?:number\s+of\s+characters)|(absolute\s+value)|(upper|lower)\s*-?\s*case(?:d)?(?:\s+version)?)\s+(?:of|from|in)${END}`,
    );
    if (m) {
      const arg = this.operand();
      if (!arg) return undefined;
      const fn = m[1]
        ? EN_PARTS[m[1].toLowerCase()]
        : m[2]
          ? 'date'
          : m[4]
            ? 'abs'
            : m[5]
              ? m[5].toLowerCase()
              : 'length';
      return { text: `${fn}(${arg.text})`, level: 3 };
    }
    m = this.eat(
      String.raw`(?:the\s+)?first\s+(${NUMBER_WORD})\s+(?:characters?|chars?|letters?)\s+(?:of|from|in)${END}`,
    );
    if (m) {
      const arg = this.operand();
      return arg ? { text: `substr(${arg.text}, 1, ${numberOf(m[1] as string)})`, level: 3 } : undefined;
    }
    m = this.eat(
      String.raw`(?:that\s+)?(?:concatenat(?:es|e|ing)|concat|combin(?:es|e|ing)|joins?|joining)(?:\s+of)?${END}`,
    );
    if (m) {
      const items = this.list();
      if (!items || items.length < 2) return undefined;
      return { text: `concat(${items.join(', ')})`, level: 3 };
    }
    m = this.eat(String.raw`(?:the\s+)?(?:round(?:ed)?|rounding)\s+(?:value\s+)?(?:of\s+)?`);
    if (m) {
      const arg = this.sum();
      if (!arg) return undefined;
      const to = this.eat(
        String.raw`(?:to|at)\s+(?:(${NUMBER_WORD})\s+${DECIMALS}|(?:the\s+nearest\s+)?(?:whole\s+numbers?|integers?|whole\s+number))${END}`,
      );
      return { text: `round(${arg.text}, ${to?.[1] ? numberOf(to[1]) : 0})`, level: 3 };
    }
    m = this.eat(
      String.raw`(?:replace|fill)\s+(?:the\s+)?(?:(?:null|empty|missing|blank)\s+(?=\S+\s+(?:values?\s+)?with)|(?:nulls?|empty|missing|blank)(?:\s+values?)?\s+(?:in|of)\s+)`,
    );
    if (m) {
      const arg = this.atom();
      if (!arg) return undefined;
      const v = this.eat(String.raw`(?:values?\s+)?with\s+('(?:[^']|'')*'|-?\d+(?:\.\d+)?)`);
      return v ? { text: `coalesce(${arg.text}, ${v[1]})`, level: 3 } : undefined;
    }
    m = this.eat(String.raw`(trim|strip|lowercase|uppercase|capitali[sz]e)\s+(?:the\s+|all\s+(?:the\s+)?)?`);
    if (m) {
      const arg = this.atom();
      const verb = (m[1] as string).toLowerCase();
      const fn = verb === 'lowercase' ? 'lower' : verb === 'trim' || verb === 'strip' ? 'trim' : 'upper';
      return arg ? { text: `${fn}(${arg.text})`, level: 3 } : undefined;
    }
    return undefined;
  }

  /** Korean function phrases: "created_at의 연도", "paid_at의 날짜 부분만", "sku 앞 3글자", "이름 길이". */
  private koreanPhrase(): Part | undefined {
    const arg = this.atom();
    if (!arg || arg.level !== 3 || !/^[A-Za-z_]/.test(arg.text)) return undefined;
    const x = arg.text;
    if (
      this.eat(
        String.raw`(?:의|에서)\s*(?:날짜|date(?=[\s(]|을|를|만|부분|$))(?:\s*\(\s*date\s*\))?\s*(?:부분|값)?\s*(?:만)?`,
      )
    )
      return { text: `date(${x})`, level: 3 };
    let m = this.eat(
      String.raw`(?:의|에서)?\s*(연도|년도|년|월|일|시간|시|year|month|day|hour)(?=[\s(]|을|를|만|은|는|이|가|부분|으로|로|$)(?:\s*\(\s*(?:year|month|day|hour)\s*\))?\s*(?:만|부분만?)?(?:\s*(?:을|를)?\s*(?:뽑아서|뽑아|뽑은|추출한|추출해서|추출해|꺼내서|꺼낸))?`,
    );
    if (m) {
      const fn = KO_PARTS[(m[1] as string).toLowerCase()] as string;
      return this.partMatchesGloss(m[0], fn) ? { text: `${fn}(${x})`, level: 3 } : undefined;
    }
    if (this.eat(String.raw`(?:의\s*)?(?:길이|글자\s*수|문자\s*수)`)) return { text: `length(${x})`, level: 3 };
    m = this.eat(String.raw`(?:의\s*)?앞\s*(?:(\d+)|(한|두|세|네|다섯))\s*(?:글자|자리|문자|자)`);
    if (m) {
      const n = m[1] ? Number(m[1]) : { 한: 1, 두: 2, 세: 3, 네: 4, 다섯: 5 }[m[2] as '한'];
      return { text: `substr(${x}, 1, ${n})`, level: 3 };
    }
    return undefined;
  }

  /** "시(hour)": an English gloss must say the same part. */
  private partMatchesGloss(text: string, fn: string): boolean {
    const gloss = /\(\s*(year|month|day|hour)\s*\)/i.exec(text);
    return !gloss || (gloss[1] as string).toLowerCase() === fn;
  }
}

/** Korean "월을 created_at에서 뽑아": the part first, then the column. */
export function koreanPartFirst(text: string, vocab: Vocabulary): string | undefined {
  const m = new RegExp(
    String.raw`^(?:[\uac00-\ud7af]+\s+)?(연도|년도|월|일|시간|시)\s*(?:을|를)\s*(${vocab.col})\s*에서\s*(?:뽑아서|뽑아|뽑은|추출한|추출해서|추출해|꺼내서|꺼낸)$`,
    'i',
  ).exec(text.trim());
  const column = m ? vocab.column(m[2] as string) : undefined;
  return m && column ? `${KO_PARTS[m[1] as string] as string}(${column})` : undefined;
}
