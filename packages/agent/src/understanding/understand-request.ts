import { secretShapes } from '@airflow-mcp/core';
import type { Connection } from '@airflow-mcp/pipeline';
import type { PlanningContext } from '../planning/planner.js';
import { isFiller } from './lexicon.js';
import { nameForms, nearestName, type NameForm } from './name-forms.js';
import { notUnderstood, takeFillerPhrases } from './not-understood.js';
import { readChecks, type CheckReading } from './read-checks.js';
import { readBareLists, readColumns, type ColumnsReading } from './read-columns.js';
import { readConnections, takeConnectionUris, takeUnsupportedSystems } from './read-connections.js';
import { readFilters } from './read-filter.js';
import { readMode, type ModeReading } from './read-mode.js';
import { readAlert, readDagId, readTableTargets, readTargetTable } from './read-names.js';
import { readRetries } from './read-retries.js';
import { readSchedule } from './read-schedule.js';
import { readSteps } from './read-steps.js';
import { RequestText } from './request-text.js';
import { takeNarrative } from './take-narrative.js';
import { Vocabulary, type TableSchema } from './vocabulary.js';

/** A question for the user, in both languages. */
export interface Question {
  en: string;
  ko: string;
}

/** Everything the readers understood of a request, before it becomes a spec. */
export interface Understanding {
  source: Connection | undefined;
  target: Connection | undefined;
  /** The tables read, in the request's order, with their schemas when the source could be introspected. */
  tables: TableSchema[];
  targetTable: string | undefined;
  /** Targets named per table ("customers into dim_customer and orders into fact_orders"). */
  targetTables: Map<string, string>;
  dagId: string | undefined;
  schedule: string | null | undefined;
  retries: number | undefined;
  retryDelaySeconds: number | undefined;
  alertConnId: string | undefined;
  /** The request asks for extract >> transform >> load >> validate steps. */
  steps: boolean;
  mode: ModeReading;
  checks: CheckReading[];
  columns: ColumnsReading;
  filters: string[];
  /** The request carried credentials, which were ignored (connections come from Airflow only). */
  credentialsIgnored: boolean;
  /** Words read as a misspelt name: [as written, name]. */
  corrections: [string, string][];
  questions: Question[];
  /** Phrases of the request nobody understood, quoted as written. */
  notUnderstood: string[];
}

const KEYWORDS = new Set(
  'where with only just from into table tables column columns every daily hourly weekly monthly retry retries times and or not null unique upsert append replace merge incremental between over above under below than less more least most none each rows'.split(
    ' ',
  ),
);

/** Names of the source's tables, or undefined when it cannot be introspected from here. */
async function sourceTables(ctx: PlanningContext, source: Connection): Promise<TableSchema[] | undefined> {
  // An error reading the source (a wrong password, a missing file) is the answer: it names what to fix.
  const catalog = await ctx.introspect(source);
  if (!catalog) return undefined;
  return catalog.tables.slice(0, 200).map((name) => ({ name, columns: undefined, rowCount: undefined }));
}

/** A table with its columns, row count and few text values. */
async function describeTable(ctx: PlanningContext, source: Connection, table: TableSchema): Promise<TableSchema> {
  const t = await ctx.introspect(source, table.name);
  return { name: table.name, columns: t?.columns, rowCount: t?.rowCount, values: t?.values };
}

/** English words one edit away from common table names ("older" ~ orders): never read as typos. */
const COMMON_WORDS = new Set(
  'older order ordered orderly under other others after enter users user sales sale event events even every ever cancel cancelled model models total totals title price prices status statue state states stats list lists last lost post posts most must'.split(
    ' ',
  ),
);

/**
 * Credentials written into the request ("the password is …", "비밀번호는 … 이야", a token): taken, never used — the
 * pipeline reads its connections from Airflow only — and said in the notes.
 */
function takeCredentials(rt: RequestText): boolean {
  const ranges = secretShapes(rt.text);
  for (const [start, end] of ranges) {
    const before =
      /(?:\b(?:the|our|my)\s+)?(?:\b(?:password|passwd|pw|pass|secret|token|api[_\s-]?key|credentials?|key)\b|비밀번호|암호|토큰|패스워드)\s*(?:is|are|=|:|는|은|를|이)?\s*$/i.exec(
        rt.text.slice(Math.max(0, start - 40), start),
      );
    const from = before ? start - before[0].length : start;
    const after = /^\s*(?:이야|입니다|이에요|예요|야)?/.exec(rt.text.slice(end))?.[0] ?? '';
    rt.take(from, end + after.length);
  }
  return ranges.length > 0;
}

/** Misspelt table or column names in the free text: words one or two edits from exactly one name. */
function typos(rt: RequestText, names: readonly string[], known: readonly NameForm[]): NameForm[] {
  const forms = new Set(known.map((f) => f.form));
  const out: NameForm[] = [];
  for (const m of rt.free(/[A-Za-z_][A-Za-z0-9_]{3,}/g)) {
    const word = m[0].toLowerCase();
    if (forms.has(word) || isFiller(word) || KEYWORDS.has(word) || COMMON_WORDS.has(word)) continue;
    // "page_view" beside a table page_views is a value more often than a misspelt table.
    if (names.some((n) => n.toLowerCase() === `${word}s` || `${n.toLowerCase()}s` === word)) continue;
    // A snake_case word is a name someone typed on purpose: only one edit from a real name is a typo.
    const name = /_/.test(word) ? nearestName(word, names, 1) : nearestName(word, names);
    if (name && !out.some((o) => o.form === word)) out.push({ form: word, name, via: 'typo' });
  }
  return out;
}

/**
 * Reads a request with every reader, in an order where the more specific phrases are taken first (connections, the
 * DAG id, retries before schedules so "5 minutes apart" is a delay, checks before filters so "must not be null" is a
 * check), then lists what nobody understood. Pure reading: it builds no spec and asks nothing itself.
 */
export async function understandRequest(ctx: PlanningContext): Promise<Understanding> {
  const rt = new RequestText(ctx.request);
  const questions: Question[] = [];
  questions.push(...takeConnectionUris(rt));
  const credentials = takeCredentials(rt);
  // Before the connections: "then load into x.duckdb" is a step name, then the target.
  const steps = readSteps(rt);
  // The alert first: "alert the ops_webhook connection" names an HTTP connection, not a database.
  const alert = readAlert(rt);
  const connections = readConnections(rt, ctx.hints);
  questions.push(...connections.questions);
  const dagId = readDagId(rt);
  const retries = readRetries(rt);
  for (const p of retries.problems) questions.push({ en: `${p}.`, ko: `${p}.` });
  const schedule = readSchedule(rt);

  const schemas = connections.source ? await sourceTables(ctx, connections.source) : undefined;
  const allTables = schemas ?? [];
  const tableTypos = typos(
    rt,
    allTables.map((t) => t.name),
    nameForms(allTables.map((t) => t.name)),
  );
  const vocab = new Vocabulary(allTables, tableTypos);
  const corrections: [string, string][] = tableTypos.map((t) => [t.form, t.name]);

  const isSourceTable = (name: string) => allTables.some((t) => t.name.toLowerCase() === name.toLowerCase());
  // "to Snowflake": a system this service does not reach is named as such, never a target table of that name.
  questions.push(...takeUnsupportedSystems(rt, isSourceTable));
  const targetTable = readTargetTable(rt, isSourceTable, vocab.tablePattern);

  // The tables the request moves: every free mention of a source table, in order.
  const mentioned: { table: TableSchema; start: number; end: number }[] = [];
  for (const m of rt.free(new RegExp(vocab.tablePattern, 'gi'))) {
    const name = vocab.tableOf(m[0]);
    const table = allTables.find((t) => t.name === name);
    if (table) mentioned.push({ table, start: m.index, end: m.index + m[0].length });
  }
  let tables = [...new Map(mentioned.map((m) => [m.table.name, m.table])).values()];
  if (!schemas) {
    // No catalog (PostgreSQL/MySQL from here): the table is the one named as a table.
    const named =
      rt.first(/\b(?:the\s+)?[`"']?([A-Za-z_]\w*(?:\.[A-Za-z_]\w*)?)[`"']?\s+table\b/gi) ??
      rt.first(/\btable\s+[`"']?([A-Za-z_]\w*(?:\.[A-Za-z_]\w*)?)[`"']?/gi) ??
      rt.first(/([A-Za-z_]\w*)\s*테이블/g);
    if (named && !/^(the|a|an|new|target|source|that|this)$/i.test(named[1] as string)) {
      rt.takeMatch(named);
      tables = [{ name: named[1] as string, columns: undefined, rowCount: undefined }];
    }
  } else if (tables.length === 0 && allTables.length === 1) {
    tables = [allTables[0] as TableSchema];
  }
  const unknownTable =
    tables.length === 0
      ? rt.first(/\b(?:the\s+)?[`"']?([A-Za-z_]\w*)[`"']?\s+table\b|([A-Za-z_]\w*)\s*테이블/gi)
      : undefined;
  const unknownName = unknownTable ? ((unknownTable[1] ?? unknownTable[2]) as string) : undefined;
  if (tables.length === 0 && schemas && unknownName && !/^(the|a|an|new|target|source|that|this)$/i.test(unknownName)) {
    questions.push({
      en: `The source has no table "${unknownName}". Its tables: ${allTables.map((t) => t.name).join(', ')}. Which one?`,
      ko: `원본에 "${unknownName}" 테이블이 없습니다. 테이블 목록: ${allTables.map((t) => t.name).join(', ')}. 어느 테이블인가요?`,
    });
  } else if (tables.length === 0) {
    questions.push({
      en: `Which table should I move?${schemas ? ` The source has: ${allTables.map((t) => t.name).join(', ')}.` : ''}`,
      ko: `어느 테이블을 옮길까요?${schemas ? ` 원본 테이블: ${allTables.map((t) => t.name).join(', ')}.` : ''}`,
    });
  }
  if (schemas && connections.source) {
    const source = connections.source;
    tables = await Promise.all(tables.map((t) => describeTable(ctx, source, t)));
  }
  const columnNames = [...new Set(tables.flatMap((t) => (t.columns ?? []).map((c) => c.name)))];
  // A table's name is never a misspelt column ("customers" is not customer_id).
  const columnTypos = typos(rt, columnNames, [...nameForms(columnNames), ...vocab.tableForms]).filter(
    (t) => !tableTypos.some((x) => x.form === t.form),
  );
  corrections.push(...columnTypos.map((t): [string, string] => [t.form, t.name]));
  vocab.play(tables, columnTypos);

  const mode = readMode(rt, vocab);
  const columns = readColumns(rt, vocab);
  questions.push(...columns.problems.map((p) => ({ en: p, ko: p })));
  const lateTargets = readTableTargets(rt, vocab);
  // Checks may name the target's columns: renamed and computed ones too.
  const targetNames = [...columns.renames.values(), ...columns.computed.map((c) => c.name)];
  vocab.play(tables, [
    ...columnTypos,
    ...targetNames.map((n): NameForm => ({ form: n.toLowerCase(), name: n, via: 'name' })),
  ]);
  const checks = readChecks(rt, vocab);
  vocab.play(tables, columnTypos);
  const filters = readFilters(rt, vocab);
  readBareLists(rt, vocab, columns);
  // Table mentions the clauses did not use are the tables themselves.
  for (const m of mentioned) if (rt.isFree(m.start, m.end)) rt.take(m.start, m.end);
  for (const m of rt.free(/\b(?:the\s+)?(?:tables?|테이블)\b/gi)) rt.takeMatch(m);

  if (!connections.source && !ctx.hints.sourceDb) {
    questions.push({
      en: 'Where is the data now? Name the source database (a SQLite or DuckDB file, or "postgres:<conn_id>" / "mysql:<conn_id>").',
      ko: '데이터가 지금 어디에 있나요? 원본 데이터베이스(SQLite/DuckDB 파일, 또는 "postgres:<연결 ID>" / "mysql:<연결 ID>")를 알려주세요.',
    });
  }
  if (!connections.target && !ctx.hints.targetDb) {
    questions.push({
      en: 'Where should the data go? Name the target database (for example DuckDB, or a DuckDB file).',
      ko: '데이터를 어디로 옮길까요? 대상 데이터베이스(예: DuckDB 또는 DuckDB 파일)를 알려주세요.',
    });
  }
  if (mode.missing === 'keys') {
    questions.push({
      en: 'Upsert on which key columns? For example "upsert on order_id".',
      ko: '어떤 키 컬럼 기준으로 upsert 할까요? 예: "order_id 기준 upsert".',
    });
  }
  if (mode.missing === 'watermark') {
    questions.push({
      en: 'Incremental by which column? It must only grow, for example "incremental by created_at".',
      ko: '어떤 컬럼 기준으로 증분 적재할까요? 계속 증가하는 컬럼이어야 합니다 (예: "created_at 기준 증분").',
    });
  }
  if (alert.asked && !alert.connId) {
    questions.push({
      en: 'Alerts on failure go to an Airflow HTTP connection: name it, e.g. "alert slack_alerts on failure".',
      ko: '실패 알림은 Airflow HTTP 연결로 보냅니다: 연결 ID를 알려주세요 (예: "실패하면 slack_alerts로 알림").',
    });
  }
  takeFillerPhrases(rt);
  takeNarrative(rt, vocab, mentioned);
  const leftover = notUnderstood(rt);
  // A leftover that looks like a column name: say which columns there are.
  const leftWords = new Set(leftover.flatMap((p) => p.split(/[\s,]+/)));
  for (const word of leftWords) {
    const table = tables[0];
    const looksLikeColumn =
      /_|\d/.test(word) || leftover.some((p) => p.includes(word) && /column|field|컬럼|칼럼/i.test(p));
    if (!table?.columns || !looksLikeColumn || !/^[a-z_][a-z0-9_]*$/i.test(word) || isFiller(word)) continue;
    if (table.columns.some((c) => c.name.toLowerCase() === word.toLowerCase())) continue;
    const names = table.columns.map((c) => c.name).join(', ');
    questions.push({
      en: `Table ${table.name} has no column "${word}". Its columns: ${names}.`,
      ko: `${table.name} 테이블에 "${word}" 컬럼이 없습니다. 컬럼 목록: ${names}.`,
    });
  }
  return {
    source: connections.source,
    target: connections.target,
    tables,
    targetTable: targetTable ?? lateTargets.single,
    targetTables: lateTargets.perTable,
    dagId,
    schedule: schedule.schedule,
    retries: retries.retries,
    retryDelaySeconds: retries.retryDelaySeconds,
    alertConnId: alert.connId,
    steps,
    mode,
    checks,
    columns,
    filters,
    corrections,
    credentialsIgnored: credentials,
    questions,
    notUnderstood: leftover,
  };
}
