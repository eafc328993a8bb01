import type { RequestText } from './request-text.js';
import type { Vocabulary } from './vocabulary.js';

export interface ModeReading {
  mode: 'replace' | 'append' | 'upsert' | 'incremental' | undefined;
  /** Key columns for upsert, the watermark for incremental (source names). */
  columns: string[];
  /** A mode was named but its column was not understood. */
  missing?: 'keys' | 'watermark';
}

const APPEND =
  /\b(?:append(?:ing|ed)?(?:\s+(?:mode|only|to\s+(?:the\s+)?(?:existing\s+)?(?:table|data|rows)))?|add\s+(?:the\s+)?(?:rows|them|it|data)\s+to\s+(?:the\s+)?(?:existing\s+)?(?:table|data|rows)|(?:without|don'?t|do\s+not|never|not)\s+(?:overwrit(?:e|ing)|replac(?:e|ing)|truncat(?:e|ing)|wip(?:e|ing))(?:\s+(?:the\s+)?(?:existing\s+)?(?:table|data|rows))?|keep(?:ing)?\s+(?:the\s+)?existing\s+(?:rows|data)|on\s+top\s+of\s+(?:the\s+)?existing\s+(?:rows|data)|(?:to|onto)\s+what(?:'?s|\s+is)\s+already\s+(?:there|in(?:\s+(?:it|the\s+table))?))\b|(?:기존\s*(?:데이터|행|테이블)\s*(?:은|는|를|을)?\s*(?:유지|두고|그대로\s*두고)\S*\s*)?(?:이어서|추가로|뒤에\s*(?:이어\s*)?붙여|이어\s*붙여|덧붙여|append)\s*(?:적재|저장|넣어|추가)?\S*|덮어쓰지\s*(?:말고|않고)\S*|(?<=(?:에|에다|에다가)\s*)추가\s*(?:로\s*)?(?:적재|저장)?\s*(?:해\s*(?:줘|주세요|줄래)|해요|합니다|하기|해)?|기존\s*(?:테이블|데이터)\s*(?:에|뒤에)\s*추가\s*(?:\(append\))?\S*|\(append\)/gi;

/**
 * The write mode: replace ("overwrite", "full refresh", "덮어쓰기"), append ("add to what is there", "이어서"), upsert on
 * keys ("upsert on id", "merge by order_id", "id 기준으로 upsert"), incremental by a growing column ("only new rows by
 * created_at", "updated_at 기준 증분").
 */
export function readMode(rt: RequestText, vocab: Vocabulary): ModeReading {
  const col = `(${vocab.col})`;
  const cols = `(${vocab.col}(?:\\s*(?:,|and|&|및|와|과)\\s*${vocab.col})*)`;
  const names = (s: string) =>
    s
      .split(/\s*(?:,|\band\b|&|및|와|과)\s*/i)
      .map((x) => vocab.column(x))
      .filter((x): x is string => Boolean(x));

  const upsert = [
    new RegExp(
      String.raw`\b(?:upsert|merge|update\s+(?:existing|matching)\s+rows|insert\s+or\s+update|update\s+or\s+insert)\b(?:\s+(?:the\s+)?(?:${vocab.tablePattern}|rows|records|them|it|data))?(?:\s+(?:on|by|using|keyed\s+(?:on|by)|matching\s+on|based\s+on|with\s+(?:the\s+)?key|where)\s+(?:the\s+)?${cols}(?:\s+(?:as\s+(?:the\s+)?)?(?:keys?|columns?))?)?`,
      'gi',
    ),
    new RegExp(
      String.raw`${cols}\s*(?:컬럼|칼럼|키)?\s*(?:을|를)?\s*(?:기준|키)\s*(?:으로|로)?\s*(?:upsert|업서트|병합|머지|merge|갱신|업데이트)\S*`,
      'gi',
    ),
    new RegExp(String.raw`(?:upsert|업서트|병합|머지)\S*\s*(?:하되|하고|해서)?\s*(?:키는|기준은)\s*${cols}`, 'gi'),
  ];
  for (const p of upsert) {
    for (const m of rt.free(p)) {
      const keys = m[1] ? names(m[1]) : [];
      if (!keys.length) continue;
      rt.takeMatch(m);
      return { mode: 'upsert', columns: keys };
    }
  }
  // ("나머지" is "the rest", not 머지)
  const bareUpsert = rt.first(/\b(?:upsert|merge)\b|업서트|upsert|병합|(?<![가-힣])머지/gi);
  if (bareUpsert) {
    rt.takeMatch(bareUpsert);
    return { mode: 'upsert', columns: [], missing: 'keys' };
  }
  const incremental = [
    new RegExp(
      String.raw`\b(?:incremental(?:ly)?|only\s+(?:the\s+)?new(?:er)?\s+(?:rows|records|data|ones|entries)(?:\s+since\s+(?:the\s+)?last\s+(?:run|time|load))?|(?:new|changed)\s+rows\s+since\s+(?:the\s+)?last\s+(?:run|load|time))(?:\s+(?:load(?:ing)?|loads?|sync|copy))?(?:\s+(?:each|every)\s+(?:time|run))?(?:\s*,?\s*(?:by|on|using|based\s+on|keyed\s+on|tracked\s+by|with|according\s+to|watermark(?:ed)?\s+(?:by|on))\s+(?:the\s+)?${col}(?:\s+(?:column|as\s+(?:the\s+)?watermark))?)?`,
      'gi',
    ),
    new RegExp(
      String.raw`${col}\s*(?:컬럼|칼럼)?\s*(?:을|를)?\s*기준\s*(?:으로|로)?\s*(?:증분|새로(?:운|\s*(?:들어온|추가된|생긴|쌓인))?\s*(?:것|데이터|행|건)(?:들)?만|신규\s*(?:데이터|건)만|추가된\s*(?:것|데이터|행)만|변경분만)\S*`,
      'g',
    ),
    new RegExp(
      String.raw`(?:증분|incremental)\S*\s*(?:적재|로드|방식)?\S*\s*(?:으로|로)?\s*(?:하되|하고|해서)?\s*(?:,\s*)?(?:기준은|기준\s*컬럼은|워터마크는)?\s*${col}?`,
      'gi',
    ),
  ];
  for (const p of incremental) {
    const m = rt.first(p);
    if (!m) continue;
    const watermark = m[1] ? vocab.column(m[1]) : undefined;
    rt.takeMatch(m);
    const columns = watermark ? [watermark] : [];
    // Several tables, each with its own column: "events는 occurred_at 기준 증분, page_views는 ts 기준 증분",
    // "both incrementally (events by occurred_at, page_views by ts)". The planner gives each table the one it has.
    if (vocab.playing.length > 1) {
      if (watermark) {
        for (const more of rt.free(p)) {
          const c = more[1] ? vocab.column(more[1]) : undefined;
          if (!c) break;
          rt.takeMatch(more);
          columns.push(c);
        }
      } else {
        for (const pair of rt.free(
          new RegExp(String.raw`(?<![\w])(${vocab.tablePattern})\s+(?:by|on|using)\s+(?:the\s+)?${col}`, 'gi'),
        )) {
          const table = vocab.tableOf(pair[1] as string);
          const c = vocab.column(pair[2] as string);
          // The column must be the named table's own.
          if (!table || !c || !vocab.tablesWith(c).includes(table)) continue;
          rt.takeMatch(pair);
          columns.push(c);
        }
      }
    }
    return columns.length
      ? { mode: 'incremental', columns }
      : { mode: 'incremental', columns: [], missing: 'watermark' };
  }
  const append = rt.first(APPEND);
  if (append) {
    rt.takeMatch(append);
    // "append, don't replace": every phrase that says the same is part of it.
    for (const m of rt.free(APPEND)) rt.takeMatch(m);
    return { mode: 'append', columns: [] };
  }
  const replace = rt.first(
    /\b(?:replace(?!\s+(?:the\s+)?(?:missing|null|nulls|empty|blank))|replacing|overwrite|overwriting|over-write|truncate\s+and\s+(?:re)?load|full\s+(?:refresh|reload|load)|(?:drop\s+and\s+)?recreate|wipe\s+and\s+(?:re)?load|replace\s+the\s+(?:existing\s+)?(?:table|data|contents))\b|덮어\s*(?:쓰기|써|쓰고|씌워|쓰는)\S*|(?:통째로\s*|전부\s*|싹\s*)?교체\S*|전체\s*(?:새로|갱신|재적재)\S*|새로\s*(?:덮어|교체)\S*/gi,
  );
  if (replace) {
    rt.takeMatch(replace);
    return { mode: 'replace', columns: [] };
  }
  return { mode: undefined, columns: [] };
}
