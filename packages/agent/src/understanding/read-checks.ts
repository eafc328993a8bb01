import type { CheckSpec } from '@airflow-mcp/pipeline';
import { NUMBER, numberOf } from './lexicon.js';
import { literal, parseCondition, VALUE } from './parse-condition.js';
import { freeRun } from './read-filter.js';
import type { RequestText } from './request-text.js';
import type { Vocabulary } from './vocabulary.js';

/** A quality check and the column it concerns (for choosing the table in multi-table requests). */
export interface CheckReading {
  check: CheckSpec;
  column: string | undefined;
  index: number;
  /** The table the request named with the column ("users.email"), when it did. */
  table?: string;
}

const MUST = String.raw`(?:must|should|shall|has\s+to|have\s+to|needs?\s+to|is\s+expected\s+to|are\s+expected\s+to|may|can|is\s+required\s+to|are\s+required\s+to)`;
const ENSURE = String.raw`(?:make\s+sure|ensure|ensuring|verify|verifying|check|checking|validate|validating|confirm|assert|guarantee|test|(?:we\s+)?expect)(?:\s+that)?(?:\s+(?:the|every|all|each))?`;
const ROWS = String.raw`(?:rows?|records?|lines?|entries|items|results?)`;

/** Column lists: "a, b and c". */
function columnsOf(text: string, vocab: Vocabulary): string[] | undefined {
  const parts = text.split(/\s*(?:,|\band\b|\bor\b|&|및|와|과|하고|랑)\s*/i).filter(Boolean);
  const cols = parts.map((p) =>
    vocab.column(p.replace(/^(?:the|both)\s+|\s+(?:columns?|fields?|values?|pair|combination)$/gi, '')),
  );
  return cols.length && cols.every(Boolean) ? (cols as string[]) : undefined;
}

/**
 * Data quality checks in words: not null ("make sure email is never empty", "email은 null이면 안 돼"), unique ("no
 * duplicate ids", "id는 중복되면 안 됨"), row counts ("stop if fewer than 50 rows come through", "최소 100건"),
 * accepted values ("status must be one of paid, shipped"), ranges ("price must be between 0 and 1000", "amount는
 * 0 이상이어야"). Column names are the ones the source has; the planner maps them through renames.
 */
export function readChecks(rt: RequestText, vocab: Vocabulary): CheckReading[] {
  const out: CheckReading[] = [];
  const col = `(${vocab.col}(?:\\s*(?:,|and|&)\\s*${vocab.col})*)`;
  // "users.email": the check belongs to the table named with its column.
  const tableIn = (text: string) => {
    const named = /\b([A-Za-z_]\w*)\.[A-Za-z_]/.exec(text)?.[1]?.toLowerCase();
    const hit = named ? vocab.playing.find((t) => t.name.toLowerCase() === named) : undefined;
    return hit ? { table: hit.name } : {};
  };
  const add = (m: RegExpExecArray, check: CheckSpec, column?: string) => {
    rt.takeMatch(m);
    out.push({ check, column, index: m.index, ...tableIn(m[0]) });
  };
  const EMPTY = String.raw`(?:null|nulls|empty|missing|blank|nul|absent|unset)`;

  // Not null
  const notNull = [
    new RegExp(
      String.raw`\b(?:${ENSURE}\s+)?(?:(?:there\s+are|there\s+is)\s+)?no\s+${EMPTY}\s+(?:values?\s+)?(?:in|for|on)\s+(?:the\s+)?${col}(?:\s+(?:column|field))?`,
      'gi',
    ),
    new RegExp(
      String.raw`\b(?:${ENSURE}\s+)?(?:the\s+)?${col}(?:\s+(?:column|field|values?))?\s+(?:(?:${MUST}\s+)?(?:never|not)\s+(?:be\s+)?|(?:is|are)\s+(?:never|not)\s+|(?:can'?t|cannot|can\s+not|mustn'?t|shouldn'?t|may\s+not|won'?t)\s+(?:ever\s+)?(?:be\s+)?)${EMPTY}(?:\s+(?:check|test|constraint))?`,
      'gi',
    ),
    new RegExp(
      String.raw`\b(?:${ENSURE}\s+)?(?:the\s+)?${col}\s+(?:is|are)\s+(?:always\s+)?(?:required|mandatory)\b|\b${ENSURE}\s+(?:the\s+)?${col}\s+(?:is|are)\s+(?:always\s+)?(?:present|filled(?:\s+in)?|set)\b|\b(?:${ENSURE}\s+)?(?:the\s+)?${col}\s+${MUST}\s+(?:always\s+)?be\s+(?:filled(?:\s+in)?|present|provided|populated)\b`,
      'gi',
    ),
    new RegExp(String.raw`\b(?:${ENSURE}\s+)?(?:the\s+)?${col}\s+(?:has|have|contains?)\s+no\s+${EMPTY}`, 'gi'),
    new RegExp(
      String.raw`\b(?:fail|stop|abort|error(?:\s+out)?|halt|reject)\s+(?:the\s+(?:run|dag|pipeline|job|load|batch)\s+)?(?:if|when)\s+(?:any|a|an|the|some)?\s*${col}(?:\s+(?:column|field|value))?\s+(?:is|are|comes?\s+through|turns?\s+up)\s+(?:${EMPTY})`,
      'gi',
    ),
    new RegExp(
      String.raw`${col}\s*(?:컬럼|칼럼|값)?\s*(?:이|가|은|는|에)?\s*(?:null|NULL|널|빈\s*값)\s*(?:이면|이\s*있으면|가\s*있으면|있으면|이\s*나오면)\s*(?:실패|중단|에러|멈춰)\S*(?:\s*(?:처리|하게)\s*\S*)?`,
      'g',
    ),
    new RegExp(
      String.raw`\bnot[\s-]?null\s+(?:check|constraint|test)?\s*(?:on|for)?\s*(?:the\s+)?${col}|\b(?:null|not[\s-]?null)\s+checks?\s+(?:on|for)\s+(?:the\s+)?${col}`,
      'gi',
    ),
    new RegExp(
      String.raw`\b${col}\s+(?:(?:is|are|must\s+be|should\s+be)\s+)?not[\s-]null\b(?:\s+(?:check|test|constraint))?`,
      'gi',
    ),
    new RegExp(
      String.raw`\b(?:${ENSURE}\s+)?(?:every|each|all)\s+(?:${ROWS}|${vocab.tablePattern})\s+(?:has|have|gets?)\s+(?:an?\s+)?${col}`,
      'gi',
    ),
    new RegExp(
      String.raw`${col}\s*(?:컬럼|칼럼|값|필드)?\s*(?:에|의|은|는|이|가)?\s*(?:not[\s-]?)?(?:null|NULL|널|빈\s*값|공백|결측치?)\s*(?:이|가|은|는)?\s*(?:있으면|이면|나오면|들어가면|있어서는|가\s*있으면|이\s*있으면)?\s*(?:안\s*(?:돼|됨|되|된다|됩니다|되요|돼요)|없어야|없도록|금지|체크|검사|확인|없는지)\S*`,
      'g',
    ),
    new RegExp(
      String.raw`${col}\s*(?:컬럼|칼럼|값|필드)?\s*(?:은|는|이|가)?\s*(?:절대(?:로)?\s*|반드시\s*|꼭\s*)?(?:비어\s*있으면|비면|빠지면|누락되면|없으면)\s*(?:안\s*(?:돼|됨|되|된다|됩니다|돼요|된대요|된대|되요)|실패|중단|멈춰)\S*`,
      'g',
    ),
    new RegExp(
      String.raw`${col}\s*(?:컬럼|칼럼|값)?\s*(?:은|는|이|가)?\s*(?:반드시|꼭|항상)?\s*(?:있어야|채워져\s*있어야|값이\s*있어야|필수)\S*`,
      'g',
    ),
  ];
  for (const pattern of notNull) {
    for (const m of rt.free(pattern)) {
      const cols = columnsOf((m[1] ?? m[2] ?? m[3] ?? '') as string, vocab);
      if (!cols) continue;
      rt.takeMatch(m);
      for (const c of cols)
        out.push({ check: { kind: 'not_null', column: c }, column: c, index: m.index, ...tableIn(m[0]) });
    }
  }

  // Unique
  const unique = [
    new RegExp(
      String.raw`\b(?:${ENSURE}\s+)?(?:there\s+are\s+)?no\s+(?:duplicate[sd]?|repeated|dupes?)\s+(?:values?\s+)?(?:(?:in|of|for|on)\s+)?(?:the\s+)?${col}`,
      'gi',
    ),
    new RegExp(
      String.raw`\b(?:${ENSURE}\s+)?(?:the\s+|every\s+|each\s+)?${col}(?:\s+(?:column|field|values?))?(?:\s+(?:together|as\s+a\s+(?:pair|combination)))?\s+(?:${MUST}\s+be|(?:is|are)(?:\s+always)?|stays?|remains?)\s+(?:unique|distinct|one\s+per\s+row)`,
      'gi',
    ),
    new RegExp(
      String.raw`\bunique(?:ness)?\s+(?:check|constraint|test)?\s*(?:on|for|of)?\s*(?:the\s+)?${col}|\b(?:check|test)\s+(?:for\s+)?(?:duplicates|uniqueness)\s+(?:in|on|of)\s+(?:the\s+)?${col}`,
      'gi',
    ),
    new RegExp(
      String.raw`\b${col}\s+(?:(?:${MUST}\s+)?(?:not|never)\s+(?:be\s+)?|(?:can'?t|cannot|shouldn'?t|mustn'?t)\s+(?:be\s+)?)(?:duplicated?|repeated)`,
      'gi',
    ),
    new RegExp(
      String.raw`${col}\s*(?:컬럼|칼럼|값)?\s*(?:조합|쌍)?\s*(?:은|는|이|가|에)?\s*(?:(?:유니크|unique|고유값?|중복)\s*(?:체크|검사|확인|제약)|(?:중복되지|겹치지)\s*않(?:는지|아야|도록|게)\s*(?:확인|검사|체크)?|겹치면\s*안(?:\s*(?:돼|됨|되|된다|됩니다|돼요))?|중복(?:이|은|된\s*값이)?\s*(?:없어야|없도록|없는지|되면\s*안(?:\s*(?:돼|됨|되|된다|됩니다|돼요))?|되지\s*않아야|있으면\s*안|금지|체크|검사|확인)|유일해야|고유해야|유니크해야|unique(?:해야|\s*체크)?)\S*`,
      'gi',
    ),
  ];
  unique.push(
    new RegExp(
      String.raw`\b(?:${ENSURE}\s+)?(?:the\s+|every\s+|each\s+)?${col}\s+(?:(?:${MUST}\s+)?(?:appears?|occurs?|shows?\s+up|exists?)\s+(?:only\s+|just\s+)?once|(?:has|have|contains?)\s+no\s+(?:duplicates?|dupes?|repeated\s+values?|repeats))\b`,
      'gi',
    ),
  );
  for (const pattern of unique) {
    for (const m of rt.free(pattern)) {
      const cols = columnsOf((m[1] ?? m[2] ?? m[3] ?? '') as string, vocab);
      if (!cols) continue;
      const together =
        /combination|pair|together|조합|쌍/i.test(m[0]) ||
        /\bcombination\b|\bpair\b|together/i.test(freeRun(rt, m.index + m[0].length).slice(0, 20));
      rt.takeMatch(m);
      if (together || cols.length === 1)
        out.push({ check: { kind: 'unique', columns: cols }, column: cols[0], index: m.index, ...tableIn(m[0]) });
      else
        for (const c of cols)
          out.push({ check: { kind: 'unique', columns: [c] }, column: c, index: m.index, ...tableIn(m[0]) });
    }
  }

  // Row counts
  const n = `(${NUMBER})`;
  const rowCount: [RegExp, (k: number) => CheckSpec][] = [
    [
      new RegExp(
        String.raw`\b(?:fail|stop|abort|error(?:\s+out)?|halt|alert|raise|break)\s+(?:the\s+(?:run|dag|pipeline|job)\s+)?(?:if|when|should)\s+(?:there\s+are\s+|we\s+get\s+|it\s+(?:copies|moves|loads|gets)\s+|the\s+(?:table|target|result|output)\s+(?:has|contains)\s+)?(?:fewer|less)\s+than\s+${n}\s*${ROWS}?(?:\s+(?:come|comes|came|arrive|land|are\s+(?:copied|loaded|moved))(?:\s+through)?)?`,
        'gi',
      ),
      (k) => ({ kind: 'row_count', min: k }),
    ],
    [
      new RegExp(
        String.raw`\b(?:fail|stop|abort|error(?:\s+out)?|halt|alert|raise)\s+(?:the\s+(?:run|dag|pipeline|job)\s+)?(?:if|when|should)\s+(?:there\s+are\s+|we\s+get\s+|it\s+(?:copies|moves|loads|gets)\s+|the\s+(?:table|target)\s+has\s+)?more\s+than\s+${n}\s*${ROWS}?(?:\s+(?:come|comes|came|arrive|land)(?:\s+through)?)?`,
        'gi',
      ),
      (k) => ({ kind: 'row_count', max: k }),
    ],
    [
      new RegExp(
        String.raw`\b(?:fail|stop|abort|error(?:\s+out)?)\s+(?:if|when)\s+(?:the\s+(?:result|table|target|output)\s+is\s+|it\s+is\s+|nothing\s+(?:comes|came)\s+through|no\s+${ROWS}\s+(?:come|came|arrive|are\s+copied|land))(?:empty)?`,
        'gi',
      ),
      () => ({ kind: 'row_count', min: 1 }),
    ],
    [
      new RegExp(
        String.raw`\b(?:${ENSURE}\s+)?(?:(?:we|it|there|the\s+(?:table|target|result|output))\s+)?(?:(?:has|have|get|gets|copies|moves|loads|contains?|are|is)\s+)?(?:at\s+least|a\s+minimum\s+of|no\s+fewer\s+than|no\s+less\s+than|min(?:imum)?)\s+${n}\s*${ROWS}(?:\s+(?:come|comes|came)\s+through|\s+(?:arrive|arrives|land|lands)|\s+(?:are\s+)?expected)?`,
        'gi',
      ),
      (k) => ({ kind: 'row_count', min: k }),
    ],
    [
      new RegExp(
        String.raw`\b(?:${ENSURE}\s+)?(?:(?:we|it|there|the\s+(?:table|target|result|output))\s+)?(?:(?:has|have|get|gets|copies|moves|loads|contains?|are|is)\s+)?(?:at\s+most|a\s+maximum\s+of|no\s+more\s+than|max(?:imum)?)\s+${n}\s*${ROWS}`,
        'gi',
      ),
      (k) => ({ kind: 'row_count', max: k }),
    ],
    [
      new RegExp(
        String.raw`\b(?:${ENSURE}\s+)?(?:the\s+(?:table|target|result|output)\s+)?(?:is\s+not|isn'?t|(?:${MUST}\s+)?(?:not|never)\s+(?:be|end\s+up|come\s+out))\s+empty`,
        'gi',
      ),
      () => ({ kind: 'row_count', min: 1 }),
    ],
    [
      new RegExp(
        String.raw`(?:최소|적어도|최소한)\s*${n}\s*(?:건|행|개|줄|로우|row)\s*(?:이상)?(?:\s*(?:인지|이어야|여야|이\s*되어야|(?:은|이)?\s*(?:있어야|들어와야|와야|넘어야))\S*)?(?:\s*(?:확인|검사|체크|검증)\S*)?|${n}\s*(?:건|행|개|줄|로우|rows?)\s*이상(?:이어야|이\s*되어야|은\s*있어야|인지|되는지|확인|이\s*아니면)?|${n}\s*(?:건|행|개|줄|rows?)\s*(?:보다\s*적으면|미만이면|이하로\s*(?:오면|들어오면)|도\s*안\s*되면|안\s*되면|밑이면)`,
        'g',
      ),
      (k) => ({ kind: 'row_count', min: k }),
    ],
    [
      new RegExp(
        String.raw`(?:최대|많아야)\s*${n}\s*(?:건|행|개|줄|row)\s*(?:이하|까지)?|${n}\s*(?:건|행|개|줄|rows?)\s*(?:을|를)?\s*(?:넘으면|초과하면|보다\s*많으면)`,
        'g',
      ),
      (k) => ({ kind: 'row_count', max: k }),
    ],
    [
      new RegExp(
        String.raw`(?:결과|대상|테이블|데이터)?\s*(?:가|이)?\s*(?:비어\s*있으면|비면|0\s*건이면|하나도\s*없으면)\s*(?:실패|중단|안\s*돼|안\s*됨|멈춰)\S*`,
        'g',
      ),
      () => ({ kind: 'row_count', min: 1 }),
    ],
  ];
  rowCount.unshift(
    [
      new RegExp(
        String.raw`\b(?:${ENSURE}\s+)?(?:there\s+(?:should|must)\s+be|(?:we\s+)?expect)\s+(?:at\s+least|a\s+minimum\s+of)\s+${n}\s*${ROWS}|\b(?:${ENSURE}\s+)?at\s+least\s+${n}\s*${ROWS}\s+(?:expected|should\s+(?:arrive|land|be\s+there)|(?:must|should)\s+(?:come\s+through|arrive)|arrives?|come\s+through)`,
        'gi',
      ),
      (k) => ({ kind: 'row_count', min: k }),
    ],
    [
      new RegExp(
        String.raw`(?:행\s*수|건수|row\s*수|로우\s*수)\s*(?:가|는|이)?\s*(?:최소\s*)?${n}\s*(?:개|건|행)?\s*이상(?:인지|이어야|여야|이\s*되어야)?\s*(?:확인|검사|체크)?\S*|(?:최소|적어도|최소한)?\s*${n}\s*(?:건|행|개|줄)\s*(?:은|이)?\s*(?:있어야|들어와야|와야|넘어야)\S*(?:\s*(?:해|합니다|돼|됩니다))?`,
        'g',
      ),
      (k) => ({ kind: 'row_count', min: k }),
    ],
    [
      new RegExp(
        String.raw`${n}\s*(?:건|행|개|줄|rows?)\s*(?:을|를|이)?\s*(?:넘으면|초과하면|보다\s*많으면)\s*(?:실패|중단|에러|멈춰)\S*(?:\s*(?:처리|하게)\s*\S*)?`,
        'g',
      ),
      (k) => ({ kind: 'row_count', max: k }),
    ],
    [
      new RegExp(
        String.raw`(?:(?:행|건|로우)(?:\s*수)?\s*(?:이|가|는)?\s*)?${n}\s*(?:건|행|개|줄|rows?)\s*(?:미만|보다\s*적으면|이하)\s*(?:이면|면)?\s*(?:실패|중단|에러|멈춰)\S*(?:\s*(?:처리|하게)\s*\S*)?`,
        'g',
      ),
      (k) => ({ kind: 'row_count', min: k }),
    ],
  );
  rowCount.unshift(
    [
      new RegExp(
        String.raw`\b(?:${ENSURE}\s+)?(?:that\s+)?(?:the\s+)?row[\s-]?count\s+(?:is\s+|must\s+be\s+|should\s+be\s+)?(?:at\s+least|>=|no\s+less\s+than|no\s+fewer\s+than|not\s+below)\s+${n}`,
        'gi',
      ),
      (k) => ({ kind: 'row_count', min: k }),
    ],
    [
      new RegExp(
        String.raw`\b(?:${ENSURE}\s+)?(?:that\s+)?(?:the\s+)?row[\s-]?count\s+(?:is\s+|must\s+be\s+|should\s+be\s+)?(?:at\s+most|<=|no\s+more\s+than|not\s+above)\s+${n}`,
        'gi',
      ),
      (k) => ({ kind: 'row_count', max: k }),
    ],
  );
  for (const [pattern, make] of rowCount) {
    for (const m of rt.free(pattern)) {
      const raw = m[1] ?? m[2] ?? m[3] ?? m[4];
      const k = raw === undefined ? 1 : numberOf(raw);
      if (!Number.isInteger(k) || k < 0) continue;
      // "fail if fewer than 50" -> at least 50; "fail if fewer than or equal" is not said this way.
      add(m, make(k));
    }
  }
  // "between 10 and 1000 rows", "a row count between 100 and 1000", "행 수는 100에서 1000 사이여야"
  for (const m of rt.free(
    new RegExp(
      String.raw`\b(?:${ENSURE}\s+)?(?:(?:we|it)\s+(?:get|gets|copies|moves|loads)\s+)?between\s+${n}\s+and\s+${n}\s*${ROWS}|(?:with\s+)?(?:a\s+|the\s+)?row[\s-]count\s+(?:is\s+|of\s+|must\s+be\s+|should\s+be\s+)?between\s+${n}\s+and\s+${n}|(?:행\s*수|건수|row\s*수)\s*(?:는|가|이)?\s*${n}\s*(?:에서|~|-|부터)\s*${n}\s*(?:사이|까지)\S*`,
      'gi',
    ),
  )) {
    add(m, {
      kind: 'row_count',
      min: numberOf((m[1] ?? m[3] ?? m[5]) as string),
      max: numberOf((m[2] ?? m[4] ?? m[6]) as string),
    });
  }

  // Accepted values
  for (const m of rt.free(
    new RegExp(
      String.raw`\b(?:${ENSURE}\s+)?(?:the\s+)?(${vocab.col})(?:\s+(?:column|field|values?))?\s+(?:${MUST}\s+(?:only\s+)?be|(?:is|are)\s+(?:always|only))\s+(?:one\s+of|either|in|among)?\s*:?\s*(\(?(?:${VALUE})(?:\s*(?:,|or|and)\s*(?:${VALUE}))+\)?)`,
      'gi',
    ),
  )) {
    const c = vocab.column(m[1] as string);
    const values = (m[2] as string)
      .replace(/^\(|\)$/g, '')
      .split(/\s*(?:,|\bor\b|\band\b)\s*/i)
      .filter(Boolean);
    const parsed = values.map((v) => literal(v, vocab, c, { asWritten: true }));
    if (!c || parsed.some((p) => p === undefined || !/^'|^-?\d/.test(p))) continue;
    add(
      m,
      {
        kind: 'accepted_values',
        column: c,
        values: parsed.map((p) => (p?.startsWith("'") ? p.slice(1, -1).replace(/''/g, "'") : Number(p))),
      },
      c,
    );
  }
  for (const m of rt.free(
    new RegExp(
      String.raw`(${vocab.col})\s*(?:컬럼|칼럼)?\s*(?:값)?\s*(?:은|는|이|가)?\s*(?:반드시\s*)?((?:${VALUE})(?:\s*(?:,|또는|이나|나|및|와|과)\s*(?:${VALUE}))+)\s*(?:중\s*(?:하나|에서)\s*(?:여야|이어야|만\s*(?:허용|가능)|인지\s*(?:확인|검사|체크))|만\s*(?:허용|가능))\S*`,
      'g',
    ),
  )) {
    const c = vocab.column(m[1] as string);
    const values = (m[2] as string)
      .split(/\s*(?:,|또는|이나|및|와|과)\s*/)
      .map((v) => v.replace(/(?:이|가)$/, ''))
      .filter(Boolean);
    const parsed = values.map((v) => literal(v, vocab, c, { asWritten: true }));
    if (!c || parsed.some((p) => p === undefined || !/^'|^-?\d/.test(p))) continue;
    add(
      m,
      {
        kind: 'accepted_values',
        column: c,
        values: parsed.map((p) => (p?.startsWith("'") ? p.slice(1, -1).replace(/''/g, "'") : Number(p))),
      },
      c,
    );
  }

  // "check that <condition>", "<condition>인지 확인": a condition every row must meet, as the check it is.
  for (const m of rt.free(
    /\b(?:check|verify|ensure|make\s+sure|validate|assert|confirm|test)\s+(?:that\s+)?(?:the\s+|every\s+|all\s+)?(.+?)(?=$|[.;!?]|,\s|\s+(?:and\s+)?(?:then|also|every|daily|retry)\b)|(?:^|(?<=[\s,]))([^.;!?]+?)\s*(?:인지|한지|는지|지)\s*(?:확인|검사|체크|검증)\S*|(?:^|(?<=[\s,]))([^.;!?,]+?)\s*(?:여야|이어야)\s*(?:해|함|합니다|해요|돼|됩니다)?\b/gi,
  )) {
    const text = (m[1] ?? m[2] ?? m[3]) as string;
    // A Korean condition starts after the words before it ("customers를 옮기고 email이 null이 아닌지 확인"): the
    // longest tail of the text that is a condition.
    const starts = m[1] === undefined ? [0, ...[...text.matchAll(/\s+/g)].map((x) => x.index + x[0].length)] : [0];
    for (const start of starts) {
      const check = conditionAsCheck(text.slice(start).trim(), vocab);
      if (!check) continue;
      const from = start === 0 ? m.index : m.index + m[0].indexOf(text) + start;
      rt.take(from, m.index + m[0].length);
      out.push({
        check,
        column: 'column' in check ? check.column : check.kind === 'unique' ? check.columns[0] : undefined,
        index: from,
        ...tableIn(m[0]),
      });
      break;
    }
  }

  // Ranges
  const rangeChecks: [RegExp, (m: RegExpExecArray) => { column: string; min?: number; max?: number } | undefined][] = [
    [
      new RegExp(
        String.raw`\b(?:${ENSURE}\s+)?(?:the\s+)?(${vocab.col})(?:\s+(?:values?|column))?\s+(?:${MUST}\s+(?:always\s+)?(?:be|stay|lie)|(?:is|are)\s+always)\s+(?:between|from|within)\s+(${NUMBER})\s+(?:and|to|-)\s+(${NUMBER})`,
        'gi',
      ),
      (m) => ({ column: m[1] as string, min: numberOf(m[2] as string), max: numberOf(m[3] as string) }),
    ],
    [
      new RegExp(
        String.raw`\b(?:${ENSURE}\s+)?(?:the\s+)?(${vocab.col})(?:\s+(?:values?|column))?\s+(?:${MUST}\s+(?:always\s+)?(?:be|stay)|(?:is|are)\s+(?:always|never)|(?:can'?t|cannot|mustn'?t|shouldn'?t|may\s+not|must\s+not|should\s+not|must\s+never|should\s+never)\s+(?:ever\s+)?(?:be|go|become))\s+(positive|non-?negative|not\s+negative|negative|zero\s+or\s+more|(?:at\s+least|>=|no\s+less\s+than|at\s+most|<=|no\s+more\s+than|under|below|over|above)\s+(${NUMBER}))`,
        'gi',
      ),
      (m) => {
        const w = (m[2] as string).toLowerCase();
        const k = m[3] === undefined ? undefined : numberOf(m[3]);
        if (/^positive$/.test(w)) return { column: m[1] as string, min: 0 };
        if (/non-?negative|not\s+negative|zero\s+or\s+more/.test(w)) return { column: m[1] as string, min: 0 };
        if (/never|n'?t\s|not\s/i.test(m[0]) && /negative/.test(w)) return { column: m[1] as string, min: 0 };
        if (k === undefined) return undefined;
        if (/at\s+least|>=|no\s+less/.test(w)) return { column: m[1] as string, min: k };
        if (/at\s+most|<=|no\s+more/.test(w)) return { column: m[1] as string, max: k };
        return undefined;
      },
    ],
    [
      new RegExp(
        String.raw`(${vocab.col})\s*(?:컬럼|칼럼)?\s*(?:값)?\s*(?:은|는|이|가)?\s*(?:반드시\s*)?(${NUMBER})\s*(?:이상|부터)\s*(?:(${NUMBER})\s*(?:이하|까지)\s*)?(?:이어야|여야|인지|만\s*허용|이\s*되어야|확인|체크|검사)\S*`,
        'g',
      ),
      (m) => ({ column: m[1] as string, min: numberOf(m[2] as string), ...(m[3] ? { max: numberOf(m[3]) } : {}) }),
    ],
    [
      new RegExp(
        String.raw`(${vocab.col})\s*(?:컬럼|칼럼)?\s*(?:값)?\s*(?:은|는|이|가)?\s*(?:반드시\s*)?(${NUMBER})\s*(?:이하|까지)\s*(?:이어야|여야|인지|만\s*허용|확인|체크|검사)\S*`,
        'g',
      ),
      (m) => ({ column: m[1] as string, max: numberOf(m[2] as string) }),
    ],
    [
      new RegExp(
        String.raw`(${vocab.col})\s*(?:컬럼|칼럼)?\s*(?:값)?\s*(?:은|는|이|가)?\s*(?:음수(?:이면|면|가\s*있으면|가\s*나오면|가\s*되면|로\s*되면)\s*(?:안\s*(?:돼|됨|되|된다|돼요)|실패|중단)|음수가\s*(?:없어야|아니어야)|0\s*이상이어야|양수여야)\S*`,
        'g',
      ),
      (m) => ({ column: m[1] as string, min: 0 }),
    ],
  ];
  for (const [pattern, read] of rangeChecks) {
    for (const m of rt.free(pattern)) {
      const r = read(m);
      const c = r ? vocab.column(r.column) : undefined;
      if (!r || !c) continue;
      add(
        m,
        {
          kind: 'range',
          column: c,
          ...(r.min !== undefined ? { min: r.min } : {}),
          ...(r.max !== undefined ? { max: r.max } : {}),
        },
        c,
      );
    }
  }
  return out;
}

/**
 * A condition every row must meet as a check: "email is not null" -> not_null, "quantity >= 1" -> range,
 * "age between 0 and 120" -> range, "role in (a, b)" -> accepted_values. Anything else is not a check we have.
 */
function conditionAsCheck(text: string, vocab: Vocabulary): CheckSpec | undefined {
  const t = text
    .replace(/\bnever\s+(below|under|less\s+than)\b/i, 'at least')
    .replace(/\bnever\s+(above|over|more\s+than)\b/i, 'at most')
    .replace(/\bis\s+never\s+(?:null|empty|missing)\b/i, 'is not null');
  const e = parseCondition(t, vocab) ?? parseCondition(t.replace(/(이상|이하|초과|미만)(?:인)?$/, '$1'), vocab);
  if (!e || / OR /.test(e)) return undefined;
  let m: RegExpExecArray | null;
  if ((m = /^([A-Za-z_]\w*) IS NOT NULL$/.exec(e))) return { kind: 'not_null', column: m[1] as string };
  if ((m = /^([A-Za-z_]\w*) (>=|>|<=|<) (-?\d+(?:\.\d+)?)$/.exec(e))) {
    const n = Number(m[3]);
    if ((m[2] === '>' || m[2] === '<') && !Number.isInteger(n)) return undefined;
    const bound = m[2] === '>' ? n + 1 : m[2] === '<' ? n - 1 : n;
    if (
      (m[2] === '>' || m[2] === '<') &&
      vocab.typeOf(m[1] as string) !== 'bigint' &&
      vocab.typeOf(m[1] as string) !== 'integer'
    )
      return undefined;
    return (m[2] as string).startsWith('>')
      ? { kind: 'range', column: m[1] as string, min: bound }
      : { kind: 'range', column: m[1] as string, max: bound };
  }
  if ((m = /^([A-Za-z_]\w*) BETWEEN (-?\d+(?:\.\d+)?) AND (-?\d+(?:\.\d+)?)$/.exec(e)))
    return { kind: 'range', column: m[1] as string, min: Number(m[2]), max: Number(m[3]) };
  if ((m = /^([A-Za-z_]\w*) >= (-?\d+(?:\.\d+)?) AND \1 <= (-?\d+(?:\.\d+)?)$/.exec(e)))
    return { kind: 'range', column: m[1] as string, min: Number(m[2]), max: Number(m[3]) };
  if ((m = /^([A-Za-z_]\w*) IN \((.+)\)$/.exec(e))) {
    const values = (m[2] as string)
      .split(/,\s*/)
      .map((v) => (/^'/.test(v) ? v.slice(1, -1).replace(/''/g, "'") : Number(v)));
    return { kind: 'accepted_values', column: m[1] as string, values };
  }
  return undefined;
}
