import { TYPE_WORD_PATTERN } from './lexicon.js';
import type { RequestText } from './request-text.js';

const NAME = String.raw`[\`"']?([A-Za-z_][A-Za-z0-9_]*)[\`"']?`;

/**
 * The target table named in the request: "into a table named sales", "as table orders_copy", "target table: t",
 * "call the new table t", "t 테이블로", "t라는 테이블로", "대상 테이블은 t". Returns the name and where it was.
 */
export function readTargetTable(
  rt: RequestText,
  isSourceTable: (name: string) => boolean,
  tablePattern?: string,
): string | undefined {
  const patterns = [
    new RegExp(String.raw`(?<=\.(?:duckdb|ddb|db|sqlite3?))\s+as\s+(?:a\s+)?(?:table\s+)?${NAME}(?![\w.:])`, 'gi'),
    new RegExp(
      String.raw`\b(?:into|to|in|as|under)\s+(?:a\s+|the\s+|an?\s+new\s+|new\s+)?(?:target\s+|destination\s+|new\s+)?(?:(?:duckdb|sqlite|postgres(?:ql)?|mysql)\s+)?table\s+(?:named|called|with\s+the\s+name)?\s*:?\s*${NAME}`,
      'gi',
    ),
    new RegExp(
      String.raw`\b(?:target|destination|output)\s+table\s*(?:name)?\s*(?:is|should\s+be|=|:|named|called|은|는)?\s*${NAME}`,
      'gi',
    ),
    new RegExp(
      String.raw`\b(?:call|name)\s+(?:the\s+)?(?:new|target|destination|resulting|output)\s+table\s+${NAME}`,
      'gi',
    ),
    new RegExp(
      String.raw`\b(?:save|store|write|land|load|put)\s+(?:it|them|this|the\s+(?:result|rows|data))\s+(?:in|into|as|to)\s+(?:a\s+table\s+(?:named|called)\s+)?${NAME}(?=\s+(?:table|in|on)\b|\s*$|[,.])`,
      'gi',
    ),
    new RegExp(String.raw`\b(?:into|to)\s+${NAME}\s+table\b`, 'gi'),
    new RegExp(String.raw`(?:대상|타깃|타겟|목적지)\s*테이블\s*(?:이름)?\s*(?:은|는|:|을|를)?\s*${NAME}`, 'g'),
    new RegExp(
      String.raw`${NAME}\s*(?:이라는|라는|이란|란)\s*(?:이름의\s*|새\s*)?(?:새\s*)?테이블\s*(?:로|으로|에|을|를)?`,
      'g',
    ),
    new RegExp(String.raw`${NAME}\s*(?:테이블|table)\s*(?:로|으로|에)(?!서)`, 'g'),
    new RegExp(
      String.raw`(?<!(?:컬럼|칼럼|필드)\s*(?:은|는|을|를)?\s*|[A-Za-z0-9_]\s*(?:은|는)\s*)(?<![\w])${NAME}\s*(?:이라는|라는)\s*이름으로`,
      'g',
    ),
    new RegExp(
      // ("customers into dim_customer and orders into fact_orders": a target right after a table is that table's,
      // read with the others by readTableTargets)
      String.raw`${tablePattern ? `(?<!(?:${tablePattern})\\s+)` : ''}(?<!\b(?:rename[sd]?|renaming|cast|convert(?:ed)?|change[sd]?|turn(?:ed)?|set|call(?:ed)?|name[sd]?|round(?:ed)?|default(?:ed|ing|s)?|coalesce)\s+(?:the\s+)?(?:[\w]+\s+)?(?:(?:column|field)\s+)?|\bname\s+of\s+(?:the\s+)?\w+(?:\s+(?:column|field))?\s+|\brenam(?:e[sd]?|ing)\s+(?:the\s+)?\w+\s+(?:to|as)\s+\w+(?:(?:\s*,\s*(?:and\s+)?|\s+and\s+)\w+\s+(?:to|as)\s+\w+)*(?:\s*,\s*(?:and\s+)?|\s+and\s+)\w+\s+|\b(?:renamed|converted|cast|rounded|defaulting|defaults|up|decimals?)\s+)\b(?:into|onto|to(?=\s+[\\\`"']?[A-Za-z_]*(?:_|\d)))\s+(?!(?:a|an|the|it|them|be|do|have|make|get|keep|run|include|duckdb|sqlite|postgres|postgresql|mysql|warehouse|analytics|${TYPE_WORD_PATTERN})\b)${NAME}(?![\w.:])(?!\s+(?:table|column|database|db|file|connection|conn)\b)`,
      'gi',
    ),
    new RegExp(String.raw`테이블\s*(?:이름|명)\s*(?:은|는|을|를)?\s*${NAME}\s*(?:으로|로|이라고|라고)?`, 'g'),
  ];
  // "customers -> dim_customer", "load products as product_catalog": a table of the source, then its new name.
  if (tablePattern) {
    // The table itself stays for the table readers: only the arrow and the new name are taken (lookbehind).
    patterns.unshift(
      new RegExp(String.raw`(?<=(?:${tablePattern})\s*)(?:->|→|=>|\bas\b)\s*${NAME}(?![\w.:])(?!\s*,)`, 'gi'),
    );
  }
  for (const p of patterns) {
    for (const m of rt.free(p)) {
      const name = m[1] as string;
      // "into <a source table>" names what is read, not a new target.
      if (p.flags.includes('i') && /\binto|\bto|\bonto/i.test(m[0]) && !/table/i.test(m[0]) && isSourceTable(name))
        continue;
      if (/^(the|a|an|it|them|new|table|named|called|duckdb|sqlite|postgres|mysql|warehouse)$/i.test(name)) continue;
      // "X 테이블로" names the target only when X is not the table being read.
      if (p.source.includes('(?!서)') && isSourceTable(name)) continue;
      rt.takeMatch(m);
      return name;
    }
  }
  return undefined;
}

/** The DAG id the request asks for: "dag id sales_daily", "name the dag x", "DAG 이름은 x". */
export function readDagId(rt: RequestText): string | undefined {
  const m = rt.first(
    new RegExp(
      String.raw`\b(?:dag[_\s-]?id|dag\s+(?:named|called|name)|(?:name|call)\s+(?:the\s+|this\s+|it\s+)?(?:dag|pipeline|job)|(?:dag|pipeline)\s+should\s+be\s+(?:called|named))\s*(?:is|=|:|as|은|는)?\s*[\`"']?([a-z][a-z0-9_]{2,})[\`"']?(?:\s*(?:으로|로)(?:\s*(?:하고|해|해줘|지정))?)?|(?:dag|DAG|대그|파이프라인)\s*(?:의\s*)?(?:이름|아이디|id|ID)\s*(?:은|는|:|을|를)?\s*[\`"']?([a-z][a-z0-9_]{2,})[\`"']?(?:\s*(?:으로|로|이라고|라고))?|[\`"']?([a-z][a-z0-9_]{2,})[\`"']?\s*(?:이라는|라는)\s*(?:이름의\s*)?(?:dag|DAG|대그|파이프라인)`,
      'gi',
    ),
  );
  if (m) {
    rt.takeMatch(m);
    return (m[1] ?? m[2] ?? m[3]) as string;
  }
  // "…옮겨줘. 이름은 orders_daily": a sentence that only names the pipeline (not "이름은 대문자로", a column).
  const named = rt.first(
    /(?:^|(?<=[.!?]\s*))이름은\s+[`"']?([a-z][a-z0-9_]{2,})[`"']?(?!\s*(?:으로|로|이라는|라는))\s*(?:이야|입니다|이에요|으로\s*해\s*줘|로\s*해\s*줘)?\s*[.!]?\s*$/gim,
  );
  if (!named) return undefined;
  rt.takeMatch(named);
  return named[1] as string;
}

/** A person, not a connection: "alert me if it fails". */
const PERSON = /^(?:me|us|you|him|her|them|everyone|everybody|someone|somebody)$/i;

/** A failure alert through an Airflow HTTP connection: "alert slack_alerts on failure", "실패하면 ops_hook으로 알림". */
export function readAlert(rt: RequestText): { connId?: string; asked: boolean } {
  const m = rt.first(
    /\b(?:(?:alert|notify|ping|page|message|post\s+to)\s+(?:me\s+|us\s+|the\s+team\s+)?(?:via\s+|through\s+|on\s+|using\s+|to\s+)?(?:the\s+)?(?:connection\s+)?[`"']?([A-Za-z_]\w*)[`"']?(?:\s+connection)?\s+(?:on|if\s+it|when\s+it|if\s+the\s+run|if\s+anything|upon)\s+fail(?:s|ure|ed)?|(?:on|upon)\s+failure\s*,?\s*(?:alert|notify|post\s+to|call)\s+(?:via\s+|through\s+|using\s+)?(?:the\s+)?(?:connection\s+)?[`"']?([A-Za-z_]\w*)[`"']?)|(?:실패\s*(?:하면|시|할\s*경우))\s*[`"']?([A-Za-z_]\w*)[`"']?\s*(?:연결)?\s*(?:으로|로|에)\s*(?:알림|알려|통보|웹훅)\S*/gi,
  );
  // "alert me if it fails" names a person, not a connection: asked, with no connection (the request is refused).
  if (m && !PERSON.test((m[1] ?? m[2] ?? m[3]) as string)) {
    rt.takeMatch(m);
    return { connId: (m[1] ?? m[2] ?? m[3]) as string, asked: true };
  }
  if (m) return { asked: true };
  const vague = rt.first(
    /\b(?:alert|notify|email|e-mail|slack|page|text)\b[^.]*?\bfail|\bfail\w*[^.]*?\b(?:alert|notify|email|slack)\b|실패\S*\s*(?:하면|시)?\s*(?:알림|알려|메일|슬랙)\S*/gi,
  );
  return { asked: Boolean(vague) };
}

/**
 * Targets named per table, read once the columns are known: "customers into dim_customer and orders into
 * fact_orders", "customers는 dim_customer로, orders는 fact_orders로", and a late Korean "fact_payments로" for the one
 * table. Only the arrow/particle and the new name are taken; the table names stay for the table readers.
 */
export function readTableTargets(
  rt: RequestText,
  vocab: {
    tablePattern: string;
    tableOf(text: string): string | undefined;
    column(text: string): string | undefined;
    valueOf(word: string): { column: string; value: string } | undefined;
  },
): { perTable: Map<string, string>; single: string | undefined } {
  const perTable = new Map<string, string>();
  const pairs = [
    // ("page_views into raw_page_views, both …": a comma may follow a target named with "into")
    new RegExp(String.raw`(${vocab.tablePattern})\s*into\s+${NAME}(?![\w.:])`, 'dgi'),
    new RegExp(String.raw`(${vocab.tablePattern})\s*(?:into|to|->|→|=>|as)\s+${NAME}(?![\w.:])(?!\s*,)`, 'dgi'),
    new RegExp(String.raw`(${vocab.tablePattern})\s*(?:은|는|을|를)?\s*${NAME}\s*(?:으로|로)(?=\s|$|[,.])`, 'dg'),
  ];
  for (const p of pairs) {
    for (const m of rt.free(p)) {
      const table = vocab.tableOf(m[1] as string);
      const name = m[2] as string;
      if (
        !table ||
        vocab.tableOf(name) ||
        /^(duckdb|sqlite|postgres|postgresql|mysql|warehouse|the|a|an|it|them|existing|new|same|target|table|what|which|whatever|where|there|here|this|that|these|those|all|each|every|both)$/i.test(
          name,
        )
      )
        continue;
      const after = m.indices?.[1]?.[1] ?? m.index;
      rt.take(after, m.index + m[0].length);
      perTable.set(table, name);
    }
  }
  let single: string | undefined;
  if (perTable.size === 0) {
    const late = rt.first(
      new RegExp(String.raw`(?<![\w.])${NAME}\s*(?:으로|로|에)(?=\s|$|[,.])(?:\s*(?:넣|옮|적재|저장|복사)\S*)?`, 'g'),
    );
    const name = late?.[1];
    // "kakao_pay로 결제된": a value of a column is what the rows hold, not a target.
    if (late && name && /_/.test(name) && !vocab.column(name) && !vocab.tableOf(name) && !vocab.valueOf(name)) {
      rt.takeMatch(late);
      single = name;
    }
  }
  return { perTable, single };
}
