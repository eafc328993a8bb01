import type { Engine } from '@airflow-mcp/pipeline';

/** Facts the rule planner reads out of an English or Korean request. Pure text work; no schema knowledge. */
export interface ParsedRequest {
  engines: { engine: Engine; index: number; role: 'source' | 'target' | undefined }[];
  files: { path: string; engine: Engine; index: number; role: 'source' | 'target' | undefined }[];
  connIds: string[];
  table: string | undefined;
  targetTable: string | undefined;
  identifierRuns: { names: string[]; index: number }[];
  columnsKeywordIndex: number | undefined;
  renames: Map<string, string>;
  casts: Map<string, string>;
  filter: string | undefined;
  schedule: string | null | undefined;
  mode: 'replace' | 'append' | 'upsert' | 'incremental' | undefined;
  modeColumns: string[];
  notNull: string[];
  unique: string[];
  retries: number | undefined;
  dagId: string | undefined;
  validate: boolean;
}

const ENGINE_PATTERNS: [Engine, RegExp][] = [
  ['sqlite', /sqlite3?/gi],
  ['duckdb', /duck\s?db/gi],
  ['postgres', /postgres(?:ql)?|\bpg\b|포스트그레스/gi],
  ['mysql', /mysql|maria\s?db/gi],
];

const STOP = new Set([
  'and',
  'or',
  'the',
  'a',
  'an',
  'to',
  'into',
  'from',
  'table',
  'tables',
  'column',
  'columns',
  'only',
  'as',
  'with',
  'select',
  'sqlite',
  'duckdb',
  'postgres',
  'postgresql',
  'mysql',
  'file',
  'db',
  'every',
  'day',
  'daily',
  'hourly',
]);

/** Which way a mention points: "from X"/"X에서" is the source, "to X"/"into X"/"X로" the target. */
function roleAt(text: string, index: number, length: number): 'source' | 'target' | undefined {
  const before = text.slice(Math.max(0, index - 14), index).toLowerCase();
  const after = text.slice(index + length, index + length + 40);
  if (/\bfrom\s+(?:the\s+|a\s+)?$/.test(before)) return 'source';
  if (/\b(?:to|into|in)\s+(?:the\s+|a\s+)?$/.test(before)) return 'target';
  const ko = /^[^\s,.]*?(에서|로|으로)(?:\s|$|[,.])/.exec(after);
  if (ko) return ko[1] === '에서' ? 'source' : 'target';
  // "SQLite의 events 테이블에서" / "DuckDB의 analytics.duckdb 파일로": look one phrase further.
  const phrase = /^의\s+\S+\s*(?:테이블|파일|데이터베이스|db)?\s*(에서|로|으로)/i.exec(after);
  if (phrase) return phrase[1] === '에서' ? 'source' : 'target';
  return undefined;
}

export function parseRequest(text: string): ParsedRequest {
  const engines: ParsedRequest['engines'] = [];
  for (const [engine, pattern] of ENGINE_PATTERNS) {
    for (const m of text.matchAll(pattern)) {
      // Skip the engine word inside a file name such as analytics.duckdb.
      if (text[m.index - 1] === '.') continue;
      engines.push({ engine, index: m.index, role: roleAt(text, m.index, m[0].length) });
    }
  }
  engines.sort((a, b) => a.index - b.index);
  const files: ParsedRequest['files'] = [];
  for (const m of text.matchAll(/(?:[\w~.-]*\/)*[\w.-]+\.(duckdb|ddb|db|sqlite3?)\b/gi)) {
    const ext = (m[1] as string).toLowerCase();
    files.push({
      path: m[0],
      engine: ext === 'duckdb' || ext === 'ddb' ? 'duckdb' : 'sqlite',
      index: m.index,
      role: roleAt(text, m.index, m[0].length),
    });
  }
  const connIds = [
    ...text.matchAll(/(?:conn(?:ection)?(?:[ _]id)?|연결(?:\s*id)?)\s*[:=]?\s*[`"']?([A-Za-z_]\w*)/gi),
  ].map((m) => m[1] as string);

  const tableMatch =
    /([A-Za-z_]\w*)\s*테이블/.exec(text) ??
    /(?:the\s+)?[`"']?([A-Za-z_]\w*)[`"']?\s+table\b/i.exec(text) ??
    /\btable\s+[`"']?([A-Za-z_]\w*)/i.exec(text);
  let table = tableMatch?.[1];
  if (table && STOP.has(table.toLowerCase())) table = undefined;
  const targetTable =
    /(?:into|to|as)\s+(?:a\s+|the\s+)?(?:new\s+)?table\s+[`"']?([A-Za-z_]\w*)/i.exec(text)?.[1] ??
    /대상\s*테이블\s*(?:은|는|:)?\s*([A-Za-z_]\w*)/.exec(text)?.[1];

  const renames = new Map<string, string>();
  for (const m of text.matchAll(/\b([A-Za-z_]\w*)\s*(?:\bas\b|->|→|=>)\s*([A-Za-z_]\w*)/gi)) {
    if (!STOP.has((m[1] as string).toLowerCase()) && (m[2] as string).toLowerCase() !== 'table')
      renames.set(m[1] as string, m[2] as string);
  }
  for (const m of text.matchAll(/rename\s+([A-Za-z_]\w*)\s+(?:to|as)\s+([A-Za-z_]\w*)/gi))
    renames.set(m[1] as string, m[2] as string);
  for (const m of text.matchAll(
    /([A-Za-z_]\w*)\s*(?:을|를)\s*([A-Za-z_]\w*)\s*(?:으로|로)\s*(?:이름\s*)?(?:변경|바꿔|바꾸)/g,
  )) {
    renames.set(m[1] as string, m[2] as string);
  }
  const casts = new Map<string, string>();
  for (const m of text.matchAll(/cast\s+([A-Za-z_]\w*)\s+(?:to|as)\s+([A-Za-z]+)/gi))
    casts.set(m[1] as string, (m[2] as string).toLowerCase());

  const identifierRuns: ParsedRequest['identifierRuns'] = [];
  const runPattern =
    /[A-Za-z_]\w*(?:\s*(?:->|→|=>|\bas\b)\s*[A-Za-z_]\w*)?(?:\s*(?:,|\band\b|및|와|과)\s*[A-Za-z_]\w*(?:\s*(?:->|→|=>|\bas\b)\s*[A-Za-z_]\w*)?)+/gi;
  for (const m of text.matchAll(runPattern)) {
    const names = m[0]
      .split(/\s*(?:,|\band\b|및|와|과)\s*/i)
      .map((part) => (part.split(/\s*(?:->|→|=>|\bas\b)\s*/i)[0] as string).trim())
      .filter((n) => n && !STOP.has(n.toLowerCase()));
    if (names.length >= 2) identifierRuns.push({ names, index: m.index });
  }
  const kw = /컬럼|칼럼|열만|필드|\bcolumns?\b|\bfields?\b/i.exec(text);

  const whereAt = /\bwhere\s+|(?:조건|필터)\s*[:：]\s*/i.exec(text);
  const filter = whereAt ? cutExpression(text.slice(whereAt.index + whereAt[0].length)) : undefined;

  let schedule: string | null | undefined;
  const at = /\bat\s+(\d{1,2})(?::(\d{2}))?\s*(am|pm)?/i.exec(text);
  const koAt = /(오전|오후|새벽|밤)?\s*(\d{1,2})\s*시(?:\s*(\d{1,2})\s*분)?/.exec(text);
  let hour: number | undefined;
  let minute = 0;
  if (at) {
    const n = Number(at[1]);
    hour = at[3] ? (n % 12) + (at[3].toLowerCase() === 'pm' ? 12 : 0) : n;
    minute = Number(at[2] ?? 0);
  } else if (koAt) {
    hour = Number(koAt[2]) + ((koAt[1] === '오후' || koAt[1] === '밤') && Number(koAt[2]) < 12 ? 12 : 0);
    minute = Number(koAt[3] ?? 0);
  }
  const cron = /cron\s*[:=]?\s*["'`]?((?:[\d*/,-]+\s+){4}[\d*/,-]+)/i.exec(text)?.[1];
  if (cron) schedule = cron.trim();
  else if (/\bhourly\b|every hour|매\s*시간|시간마다/i.test(text)) schedule = '@hourly';
  else if (/\bdaily\b|every day|each day|매일|하루에 한 번|날마다/i.test(text))
    schedule = hour !== undefined && hour < 24 && minute < 60 ? `${minute} ${hour} * * *` : '@daily';
  else if (/\bweekly\b|every week|매주/i.test(text)) schedule = '@weekly';
  else if (/\bmonthly\b|every month|매월|매달/i.test(text)) schedule = '@monthly';
  else if (/\bonce\b|한 번만|한번만/i.test(text)) schedule = '@once';
  else if (/manual(?:ly)?|on demand|수동/i.test(text)) schedule = null;

  let mode: ParsedRequest['mode'];
  let modeColumns: string[] = [];
  const upsert =
    /\b(?:upsert|merge)\b(?:\s+(?:on|by|using|keyed by)\s+([A-Za-z_]\w*(?:\s*(?:,|\band\b)\s*[A-Za-z_]\w*)*))?|([\w, ]+?)\s*기준\s*(?:으로\s*)?(?:upsert|업서트|병합)/i.exec(
      text,
    );
  const incremental =
    /\bincremental(?:ly)?\b(?:\s+(?:by|on|using)\s+(\w+))?|(\w+)\s*기준\s*(?:으로\s*)?증분|증분/i.exec(text);
  if (upsert) {
    mode = 'upsert';
    modeColumns = (upsert[1] ?? upsert[2] ?? '')
      .split(/\s*,\s*|\s+and\s+/)
      .map((s) => s.trim())
      .filter(Boolean);
  } else if (incremental) {
    mode = 'incremental';
    modeColumns = [incremental[1] ?? incremental[2]].filter((s): s is string => Boolean(s));
  } else if (/\bappend\b|추가\s*(?:로)?\s*(?:적재|저장)|이어서/i.test(text)) mode = 'append';
  else if (/\breplace\b|overwrite|덮어/i.test(text)) mode = 'replace';

  const notNull = [
    ...[...text.matchAll(/not[\s-]?null\s+(?:check\s+)?(?:on\s+|for\s+)?[`"']?([A-Za-z_]\w*)/gi)].map(
      (m) => m[1] as string,
    ),
    ...[...text.matchAll(/([A-Za-z_]\w*)\s*(?:에|의)?\s*(?:널|null|NULL)\s*(?:체크|검사|확인|없)/g)].map(
      (m) => m[1] as string,
    ),
  ];
  const unique = [
    ...[...text.matchAll(/unique(?:ness)?\s+(?:check\s+)?(?:on\s+|for\s+)?[`"']?([A-Za-z_]\w*)/gi)].map(
      (m) => m[1] as string,
    ),
    ...[...text.matchAll(/([A-Za-z_]\w*)\s*(?:이|가)?\s*(?:중복\s*(?:없|체크|검사)|유일|고유)/g)].map(
      (m) => m[1] as string,
    ),
  ];
  const retryMatch = /(?:retry|retries|재시도)\D{0,12}(\d{1,2})|(\d{1,2})\s*(?:times|번|회)\s*(?:retry|재시도)/i.exec(
    text,
  );
  const dagId = /(?:dag[_\s]?id|named|이름은?)\s*[:=]?\s*[`"']?([a-z][a-z0-9_]{2,})/i.exec(text)?.[1];

  return {
    engines,
    files,
    connIds,
    table,
    targetTable,
    identifierRuns,
    columnsKeywordIndex: kw?.index,
    renames,
    casts,
    filter: filter?.trim(),
    schedule,
    mode,
    modeColumns,
    notNull,
    unique,
    retries: retryMatch ? Number(retryMatch[1] ?? retryMatch[2]) : undefined,
    dagId,
    validate: true,
  };
}

/**
 * The filter expression that starts a piece of text: up to the first comma, period or semicolon outside quotes and
 * parentheses, or a word that starts the next clause (every, daily, with, retry, ...).
 */
function cutExpression(rest: string): string | undefined {
  let depth = 0;
  let quote = false;
  for (let i = 0; i < rest.length; i++) {
    const c = rest[i] as string;
    if (c === "'") quote = !quote;
    if (quote) continue;
    if (c === '(') depth++;
    else if (c === ')') depth--;
    else if (depth === 0 && (c === ',' || c === ';' || c === '。' || (c === '.' && !/\d/.test(rest[i + 1] ?? '')))) {
      return rest.slice(0, i).trim() || undefined;
    } else if (depth === 0 && /\s/.test(c)) {
      if (/^\s+(?:every|daily|hourly|weekly|monthly|with|retry|then|schedule|into|to the)\b/i.test(rest.slice(i))) {
        return rest.slice(0, i).trim() || undefined;
      }
    }
  }
  return rest.trim() || undefined;
}
