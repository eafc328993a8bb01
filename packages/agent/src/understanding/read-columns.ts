import type { SqlType } from '@airflow-mcp/pipeline';
import { readComputed, type ComputedColumn } from './read-computed.js';
import { TYPE_WORD_PATTERN, TYPE_WORDS } from './lexicon.js';
import type { RequestText } from './request-text.js';
import type { Vocabulary } from './vocabulary.js';

export type { ComputedColumn };

export interface ColumnsReading {
  /** Columns to keep, in the request's order; undefined = all. */
  list: string[] | undefined;
  exclude: string[];
  renames: Map<string, string>;
  casts: Map<string, SqlType>;
  computed: ComputedColumn[];
  problems: string[];
}

const NEW_NAME = String.raw`[\`"']?([A-Za-z_][A-Za-z0-9_]*)[\`"']?`;

function typeOf(word: string): SqlType | undefined {
  return TYPE_WORDS[word.toLowerCase().replace(/^(?:an?|the)\s+/, '')];
}

/**
 * Columns: lists ("only name and email", "columns a, b, c", "a, b 컬럼만"), all but some ("everything except
 * phone", "without the notes column", "phone은 제외하고"), renames ("id as customer_id", "rename a to b", "a를 b로
 * 이름 변경"), casts ("cast amount to integer", "amount를 정수로"), and computed columns ("price times 1.1 as
 * price_net", "names in upper case", "가격에 1.1을 곱해서 net_price로", "round amount to 2 decimals").
 */
export function readColumns(rt: RequestText, vocab: Vocabulary): ColumnsReading {
  const col = `(${vocab.col})`;
  const out: ColumnsReading = {
    list: undefined,
    exclude: [],
    renames: new Map(),
    casts: new Map(),
    computed: [],
    problems: [],
  };
  const c = (s: string | undefined) => (s === undefined ? undefined : vocab.column(s));

  out.computed.push(...readComputed(rt, vocab));

  // Casts: "cast amount to integer", "amount as an integer", "store amount as text", "amount를 정수로 (변환)".
  const type = `(${TYPE_WORD_PATTERN})`;
  for (const m of rt.free(
    new RegExp(
      String.raw`\b(?:the\s+)?${col}\s+(?:cast|converted|changed|turned|stored|typed)\s+(?:to|as|into)\s+(?:an?\s+)?${type}s?\b|\bmake\s+(?:the\s+)?${col}\s+(?:an?\s+)?${type}\s+(?:column|field|type|value)s?|${col}\s*(?:컬럼|칼럼)?\s*(?:은|는|을|를)\s*${type}\s*(?:타입|형)?\s*(?:으로|로)\s*(?:해|해줘|해\s*주세요|바꿔|변환|저장|맞춰)\S*`,
      'gi',
    ),
  )) {
    const column = c((m[1] ?? m[3] ?? m[5] ?? m[7]) as string);
    const t = typeOf((m[2] ?? m[4] ?? m[6] ?? m[8]) as string);
    if (!column || !t) continue;
    rt.takeMatch(m);
    out.casts.set(column, t);
  }
  for (const m of rt.free(
    new RegExp(
      String.raw`\b(?:cast|convert|store|keep|save|change|turn|make)\s+(?:the\s+)?${col}(?:\s+(?:column|field))?\s+(?:to|as|into)\s+(?:an?\s+)?${type}s?\b(?:\s+(?:type|values?))?|\b(?:the\s+)?${col}\s+(?:as|to)\s+(?:an?\s+)?${type}s?\b(?!\s*(?:column|field))|\b(?:the\s+)?${col}\s+(?:should|must|needs\s+to)\s+be\s+(?:an?\s+)?${type}s?\b|${col}\s*(?:을|를|은|는|컬럼은|컬럼을)?\s*${type}\s*(?:타입|형|형식|자료형)?\s*(?:으로|로)\s*(?:변환|바꿔|캐스팅|캐스트|저장|변경)?\S*`,
      'gi',
    ),
  )) {
    const column = c((m[1] ?? m[3] ?? m[5] ?? m[7]) as string);
    const t = typeOf((m[2] ?? m[4] ?? m[6] ?? m[8]) as string);
    if (!column || !t) continue;
    rt.takeMatch(m);
    out.casts.set(column, t);
  }

  // Exclusions: "all but phone", "everything except a and b", "without the notes column", "phone은 제외하고".
  const list = String.raw`((?:${vocab.col})(?:\s*(?:,|and|&|or|및|와|과|하고|이랑|랑)\s*(?:the\s+)?(?:${vocab.col}))*)`;
  const excludes = [
    new RegExp(
      // ("Copy users, but the username column should …": "but" means "except" only after "all"/"everything")
      String.raw`\b(?:(?:all|every(?:thing)?|each)\s+(?:the\s+)?(?:columns?|fields?)?\s*but|(?:all|every|each)?\s*(?:the\s+)?(?:columns?|fields?)?\s*(?:except(?:\s+for)?|other\s+than|besides|apart\s+from|excluding|minus))\s+(?:the\s+)?${list}(?:\s+(?:columns?|fields?))?`,
      'gi',
    ),
    new RegExp(
      String.raw`\b(?:without|drop|dropping|leave\s+out|leaving\s+out|omit|omitting|skip|skipping|exclude|excluding|remove|removing|ignore|ignoring|don'?t\s+(?:copy|include|bring|move|need))\s+(?:the\s+)?${list}(?:\s+(?:columns?|fields?))?`,
      'gi',
    ),
    new RegExp(
      String.raw`${list}\s*(?:컬럼|칼럼|열|필드|columns?|fields?)?\s*(?:은|는|을|를|만)?\s*(?:제외|빼고|빼서|빼줘|빼|없이|말고|제거|안\s*옮기|옮기지\s*말)\S*`,
      'g',
    ),
  ];
  for (const pattern of excludes) {
    for (const m of rt.free(pattern)) {
      const names = (m[1] as string)
        .split(/\s*(?:,|\band\b|&|\bor\b|및|와|과|하고|이랑|랑)\s*(?:the\s+)?/i)
        .map((s) => c(s));
      if (names.some((n) => !n)) continue;
      rt.takeMatch(m);
      out.exclude.push(...(names as string[]));
    }
  }

  // Renames that name the column as a column ("call the price column unit_price", "price 컬럼은 unit_price라는
  // 이름으로"), before the lists would read "price column" as a list of one.
  takeRenames(rt, vocab, out, [
    new RegExp(
      String.raw`\b(?:change|set)\s+the\s+name\s+of\s+(?:the\s+)?${col}(?:\s+(?:column|field))?\s+to\s+${NEW_NAME}|\blet\s+(?:the\s+)?${col}(?:\s+(?:column|field))?\s+be\s+(?:named|called|renamed(?:\s+to)?)\s+${NEW_NAME}`,
      'gi',
    ),
    new RegExp(
      String.raw`\b(?:call|name)\s+(?:the\s+)?${col}\s+(?:column|field)\s+${NEW_NAME}(?:\s+(?:instead|in\s+the\s+(?:target|output|destination)))?`,
      'gi',
    ),
    new RegExp(
      String.raw`${col}\s*(?:컬럼|칼럼)\s*(?:명은|명을|이름은|이름을|은|는)\s*${NEW_NAME}\s*(?:이라는\s*이름으로|라는\s*이름으로|으로|로)\s*(?:해|해줘|해\s*주세요|바꿔|변경|저장|넣어)?\S*`,
      'g',
    ),
  ]);
  // Lists: "only name and email", "columns a, b, c", "a, b, c 컬럼만", "keep just id and email".
  const run = listRun(vocab);
  takeLists(rt, vocab, out, [
    new RegExp(
      String.raw`\b(?:(?:only|just|keep(?:ing)?(?:\s+only|\s+just)?|select(?:ing)?|pick|with|take|copy(?:ing)?|move|bring|include|want|need)\s+)?(?:the\s+)?(?:(?:following\s+)?(?:columns?|fields?)\s*(?:[:=]|named|called)?\s*)${run}`,
      'gi',
    ),
    new RegExp(
      // (not "only quantity of 2 or more": a column with a comparison after it is a filter)
      String.raw`\b(?:(?:only|just)\s+(?:need|want|care\s+about|keep)|only|just|keep(?:ing)?(?:\s+only|\s+just)?|select(?:ing)?|pick)\s+(?:the\s+)?${run}(?:\s+(?:columns?|fields?))?(?:\s+only)?(?!\s+(?:of\s+[-\d$₩€£]|is|are|over|above|under|below|between|at\s+least|at\s+most|more|less|greater|fewer|equals?|>|<|=|!)(?:\s|$))`,
      'gi',
    ),
    // (not "the email column must never be empty": a column the sentence says something about is not a list)
    new RegExp(
      String.raw`(?<![\w])${run}\s*(?:columns?|fields?)(?:\s+only)?\b(?!\s+(?:must|should|shall|can'?t|cannot|may|is|are|has|have|needs?|will|won'?t|mustn'?t|shouldn'?t)\b)`,
      'gi',
    ),
    new RegExp(String.raw`${run}\s*(?:컬럼|칼럼|열|필드|항목)?\s*(?:만|들만)`, 'g'),
    new RegExp(String.raw`(?:컬럼|칼럼|필드)\s*(?:은|는|:)\s*${run}`, 'g'),
  ]);
  // Renames: "rename a to b", "a renamed to b", "a as b", "a -> b", "call a b", "a를 b로 이름 변경".
  const renamePatterns = [
    new RegExp(String.raw`\b(?:call|name)\s+(?:the\s+)?${col}\s+(?:column|field)\s+${NEW_NAME}`, 'gi'),
    new RegExp(
      String.raw`${col}\s*\(\s*(?:이름은\s*|as\s+|renamed\s+(?:to\s+)?)?${NEW_NAME}\s*(?:으로|로)?\s*\)`,
      'gi',
    ),
    new RegExp(
      String.raw`${col}\s*(?:컬럼|칼럼)?\s*(?:명을|이름을|은|는)\s*${NEW_NAME}\s*(?:이라는\s*이름으로|라는\s*이름으로|으로|로)\s*(?:해|해줘|해\s*주세요|바꿔|변경|저장|넣어)?\S*`,
      'g',
    ),
    new RegExp(String.raw`\brename\s+(?:the\s+)?${col}(?:\s+(?:column|field))?\s+(?:to|as|into)\s+${NEW_NAME}`, 'gi'),
    new RegExp(
      String.raw`\b(?:the\s+)?${col}(?:\s+(?:column|field))?\s+(?:renamed|named|called|re-?labell?ed|relabel(?:l)?ed)\s+(?:to\s+|as\s+)?${NEW_NAME}`,
      'gi',
    ),
    new RegExp(
      String.raw`\b(?:the\s+)?${col}(?:\s+(?:column|field))?\s+(?:(?:should|must|will|shall)\s+(?:be\s+(?:renamed\s+(?:to\s+)?|called\s+|named\s+)|become\s+)|becomes\s+)${NEW_NAME}`,
      'gi',
    ),
    new RegExp(
      String.raw`\bcall\s+(?:the\s+)?${col}(?:\s+(?:column|field))?\s+${NEW_NAME}(?:\s+(?:instead|in\s+the\s+target))?`,
      'gi',
    ),
    new RegExp(String.raw`${col}\s*(?:->|→|=>|⇒)\s*${NEW_NAME}`, 'gi'),
    new RegExp(
      String.raw`${col}\s*(?:컬럼|칼럼|필드)?\s*(?:을|를|은|는|의\s*이름을|이름을|명을)\s*${NEW_NAME}\s*(?:으로|로|이라고|라고|이라는\s*이름으로|라는\s*이름으로)\s*(?:이름\s*)?(?:을\s*)?(?:변경|바꿔|바꾸|고쳐|수정|리네임|rename)\S*`,
      'g',
    ),
    new RegExp(
      String.raw`${col}\s*(?:컬럼|칼럼)?\s*(?:은|는)\s*${NEW_NAME}\s*(?:으로|로|이라고|라고)\s*(?:부르|불러|이름\s*붙|저장)\S*`,
      'g',
    ),
  ];
  takeRenames(rt, vocab, out, renamePatterns);
  // "a as b" inside a list ("id as customer_id, name, email"): only where b is not a column of the table.
  for (const m of rt.free(
    new RegExp(String.raw`(?<!(?:,|\band)\s*)${col}\s+as\s+${NEW_NAME}(?!\s*\()(?!\s*,)`, 'gi'),
  )) {
    const from = c(m[1] as string);
    const to = m[2] as string;
    if (!from || typeOf(to) || /^(table|column|a|an|the|well)$/i.test(to)) continue;
    rt.takeMatch(m);
    out.renames.set(from, to);
  }

  return out;
}

/** Takes the renames the patterns match: group 1 a column, group 2 its new name. */
function takeRenames(rt: RequestText, vocab: Vocabulary, out: ColumnsReading, patterns: RegExp[]): void {
  for (const pattern of patterns) {
    for (const m of rt.free(pattern)) {
      const from = vocab.column((m[1] ?? m[3]) as string);
      const to = (m[2] ?? m[4]) as string;
      if (!from || typeOf(to) || /^(table|column|the|a|an|it)$/i.test(to)) continue;
      rt.takeMatch(m);
      out.renames.set(from, to);
      // "rename sku to product_code and brand to maker": more pairs in the same phrasing.
      const more = new RegExp(
        String.raw`(?:\s*,\s*(?:and\s+)?|\s+and\s+)(?:the\s+)?(${vocab.col})\s+(?:to|as|->|→)\s+${NEW_NAME}(?![\w.])`,
        'iy',
      );
      for (let at = m.index + m[0].length; ;) {
        more.lastIndex = at;
        const next = more.exec(rt.text);
        const nextFrom = next ? vocab.column(next[1] as string) : undefined;
        if (!next || !nextFrom || !rt.isFree(at, more.lastIndex) || typeOf(next[2] as string)) break;
        rt.take(at, more.lastIndex);
        out.renames.set(nextFrom, next[2] as string);
        at = more.lastIndex;
      }
    }
  }
}

/** A run of column names with optional renames ("x as y") and casts ("x (as double)"); group 1. */
function listRun(vocab: Vocabulary): string {
  const item = String.raw`(?:${vocab.col})(?:\s+as\s+[A-Za-z_]\w*|\s*\(\s*(?:as\s+|이름은\s*)?[A-Za-z_]\w*\s*(?:으로|로)?\s*\))?`;
  return String.raw`((?:${item})(?:\s*(?:,\s*and|,|and|&|및|와|과|하고|이랑|랑|그리고)\s*(?:the\s+)?(?:${item}))*)`;
}

/** Takes the column lists the patterns match (group 1 a run), when every item is a column. */
function takeLists(rt: RequestText, vocab: Vocabulary, out: ColumnsReading, patterns: RegExp[], minItems = 1): void {
  for (const pattern of patterns) {
    for (const m of rt.free(pattern)) {
      const items = (m[1] as string)
        .split(/\s*(?:,\s*and|,|\band\b|&|및|와|과|하고|이랑|랑|그리고)\s*(?:the\s+)?/i)
        .filter(Boolean);
      if (items.length < minItems) continue;
      const names: string[] = [];
      const renames: [string, string][] = [];
      const casts: [string, SqlType][] = [];
      let ok = true;
      for (const i of items) {
        const parts =
          /^(.+?)(?:\s+as\s+([A-Za-z_]\w*)|\s*\(\s*(?:as\s+|이름은\s*)?([A-Za-z_]\w*)\s*(?:으로|로)?\s*\))?$/i.exec(
            i.trim(),
          );
        const column = vocab.column(parts?.[1] ?? '');
        const alias = parts?.[2] ?? parts?.[3];
        if (!column) {
          ok = false;
          break;
        }
        names.push(column);
        if (alias && typeOf(alias)) casts.push([column, typeOf(alias) as SqlType]);
        else if (alias) renames.push([column, alias]);
      }
      if (!ok || names.length === 0) continue;
      rt.takeMatch(m);
      for (const [a, b] of renames) out.renames.set(a, b);
      for (const [a, b] of casts) out.casts.set(a, b);
      out.list = [...(out.list ?? []), ...names.filter((n) => !(out.list ?? []).includes(n))];
    }
  }
}

/**
 * Bare column lists, read after checks and filters: "Copy id, name and email from customers", "orders: id,
 * customer_id as buyer_id, amount". Two columns or more, nothing else around them.
 */
export function readBareLists(rt: RequestText, vocab: Vocabulary, out: ColumnsReading): void {
  takeLists(rt, vocab, out, [new RegExp(String.raw`(?<![\w])${listRun(vocab)}(?![\w])`, 'gi')], 2);
}
