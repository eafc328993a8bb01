import type { CheckSpec, ColumnSpec, PipelineSpecInput } from '@airflow-mcp/pipeline';
import type { Language } from '../i18n/detect-language.js';
import { readChecks } from '../understanding/read-checks.js';
import { readColumns } from '../understanding/read-columns.js';
import { readFilters } from '../understanding/read-filter.js';
import { readMode } from '../understanding/read-mode.js';
import { readAlert, readTargetTable } from '../understanding/read-names.js';
import { readRetries } from '../understanding/read-retries.js';
import { readSchedule } from '../understanding/read-schedule.js';
import { notUnderstood, takeFillerPhrases } from '../understanding/not-understood.js';
import { RequestText } from '../understanding/request-text.js';
import { Vocabulary, type TableSchema } from '../understanding/vocabulary.js';
import type { PlanningContext } from './planner.js';
import { clarify } from './rule-planner.js';

type TaskInput = PipelineSpecInput['tasks'][number];
type TransferInput = Extract<TaskInput, { type: 'transfer' }>;
type QualityInput = Extract<TaskInput, { type: 'quality_check' }>;

/** What update_dag can change, with examples: the answer to a change request it could not read. */
const CHANGE_HELP = {
  en: 'I could not tell what to change. I can change the schedule ("run it hourly", "every weekday at 9"), retries ("retry 3 times, 5 minutes apart"), the filter ("only where amount > 10", "remove the filter"), columns ("add phone", "drop notes", "rename id to customer_id"), the write mode ("upsert on id") and checks ("add a not-null check on user_id", "remove the unique check").',
  ko: '무엇을 바꿀지 알 수 없습니다. 스케줄("매시간 실행", "평일 오전 9시"), 재시도("5분 간격으로 3번 재시도"), 필터("금액이 10 이상인 것만", "필터 제거"), 컬럼("phone 추가", "notes 제외", "id를 customer_id로 이름 변경"), 적재 방식("id 기준 upsert"), 검사("user_id 널 체크 추가", "중복 체크 삭제")를 바꿀 수 있습니다.',
};

const CHECK_WORDS: Record<string, CheckSpec['kind']> = {
  'not null': 'not_null',
  'not-null': 'not_null',
  notnull: 'not_null',
  null: 'not_null',
  unique: 'unique',
  uniqueness: 'unique',
  duplicate: 'unique',
  'row count': 'row_count',
  'row-count': 'row_count',
  'accepted values': 'accepted_values',
  range: 'range',
  널: 'not_null',
  중복: 'unique',
  행수: 'row_count',
  건수: 'row_count',
};

function columnsOfCheck(c: CheckSpec): string[] {
  return c.kind === 'unique' ? c.columns : 'column' in c ? [c.column] : [];
}

/**
 * update_dag's reading of a change request, with the same readers as create_dag: schedule, retries and delay, a
 * filter added, replaced or removed, checks added or removed, columns added, dropped, renamed, cast or computed,
 * the write mode, the target table, the failure alert. Whatever is left over is refused with the words quoted.
 */
export async function editSpec(
  current: PipelineSpecInput,
  change: string,
  language: Language,
  introspect?: PlanningContext['introspect'],
): Promise<{ spec: PipelineSpecInput; changes: string[] }> {
  const spec: PipelineSpecInput = structuredClone(current);
  const changes: string[] = [];
  const transfers = spec.tasks.filter((t): t is TransferInput => t.type === 'transfer');
  const first = transfers[0];
  const rt = new RequestText(change);

  // The tables the DAG moves, with their source columns when the source can be read from here.
  const tables: TableSchema[] = [];
  for (const t of transfers) {
    const info = introspect ? await introspect(t.source, t.source_table).catch(() => undefined) : undefined;
    const known =
      info?.columns ??
      (t.columns ?? []).map((c) => ({
        name: c.source ?? c.name,
        type: undefined,
        declared: '',
        nullable: true,
        primaryKey: false,
      }));
    tables.push({ name: t.source_table, columns: known, rowCount: info?.rowCount, values: info?.values });
  }
  const vocab = new Vocabulary(tables);
  const targetNames = transfers.flatMap((t) => (t.columns ?? []).map((c) => c.name));
  vocab.play(
    tables,
    targetNames.map((n) => ({ form: n.toLowerCase(), name: n, via: 'name' as const })),
  );
  const checkTask = (t: TransferInput): QualityInput => {
    let q = spec.tasks.find((x): x is QualityInput => x.type === 'quality_check' && x.table === t.target_table);
    if (!q) {
      q = {
        type: 'quality_check',
        id: `validate_${t.target_table}`.slice(0, 63),
        connection: t.target,
        table: t.target_table,
        checks: [],
      };
      spec.tasks.push(q);
      spec.dependencies = [...(spec.dependencies ?? []), [t.id, q.id]];
    }
    return q;
  };

  // Removals first: "remove the filter", "drop the not-null check on email", "필터 제거", "email 널 체크 삭제".
  const removeFilter = rt.first(
    /\b(?:remove|drop|delete|clear|get\s+rid\s+of|no\s+longer\s+(?:use|apply))\s+(?:the\s+|any\s+)?(?:row\s+)?filters?\b|\b(?:no|without\s+(?:a|any|the))\s+filter\b|필터\s*(?:를|는)?\s*(?:제거|삭제|없애|빼|해제)\S*|조건\s*(?:을|은)?\s*(?:제거|삭제|없애|빼)\S*/gi,
  );
  if (removeFilter && first) {
    rt.takeMatch(removeFilter);
    for (const t of transfers) delete t.filter;
    changes.push(`${first.id}: filter removed`);
  }
  for (const m of rt.free(
    new RegExp(
      String.raw`\b(?:remove|drop|delete|disable|get\s+rid\s+of)\s+(?:the\s+)?(not[\s-]?null|null|unique(?:ness)?|duplicate|row[\s-]count|accepted\s+values|range)\s+(?:check|test|constraint)s?(?:\s+(?:on|for|of)\s+(?:the\s+)?(${vocab.col}))?|(${vocab.col})?\s*(?:의|에\s*대한)?\s*(널|null|중복|행수|건수)\s*(?:체크|검사)\s*(?:를|을)?\s*(?:제거|삭제|빼|없애)\S*`,
      'gi',
    ),
  )) {
    const kind =
      CHECK_WORDS[((m[1] ?? m[4]) as string).toLowerCase().replace(/\s+/, ' ')] ??
      CHECK_WORDS[((m[1] ?? m[4]) as string).toLowerCase()];
    const column = (m[2] ?? m[3]) ? vocab.column((m[2] ?? m[3]) as string) : undefined;
    if (!kind) continue;
    let removed = 0;
    for (const q of spec.tasks.filter((x): x is QualityInput => x.type === 'quality_check')) {
      const before = q.checks.length;
      q.checks = q.checks.filter((c) => !(c.kind === kind && (!column || columnsOfCheck(c).includes(column))));
      removed += before - q.checks.length;
    }
    if (removed === 0) continue;
    rt.takeMatch(m);
    changes.push(`removed ${removed} ${kind} check${removed > 1 ? 's' : ''}${column ? ` on ${column}` : ''}`);
  }
  // "add the column phone", "also copy phone", "phone 컬럼도 추가"
  const added: string[] = [];
  for (const m of rt.free(
    new RegExp(
      String.raw`\b(?:add|include|also\s+(?:copy|include|bring|move|keep)|bring\s+back|keep)\s+(?:the\s+)?(?:columns?\s+)?((?:${vocab.col})(?:\s*(?:,|and)\s*(?:${vocab.col}))*)(?:\s+columns?)?(?:\s+(?:back|too|as\s+well))?(?!\s+(?:check|test))|((?:${vocab.col})(?:\s*(?:,|와|과|및)\s*(?:${vocab.col}))*)\s*(?:컬럼|칼럼)?\s*(?:도|을|를)?\s*(?:추가|포함|넣어)\S*`,
      'gi',
    ),
  )) {
    const names = ((m[1] ?? m[2]) as string).split(/\s*(?:,|\band\b|와|과|및)\s*/i).map((x) => vocab.column(x));
    if (names.some((n) => !n)) continue;
    rt.takeMatch(m);
    added.push(...(names as string[]));
  }

  const retries = readRetries(rt);
  const schedule = readSchedule(rt);
  const alert = readAlert(rt);
  const mode = readMode(rt, vocab);
  const targetTable = readTargetTable(rt, () => false);
  const columns = readColumns(rt, vocab);
  const checks = readChecks(rt, vocab);
  const filters = readFilters(rt, vocab);
  takeFillerPhrases(rt);
  const left = notUnderstood(rt);
  const problems = [...retries.problems, ...columns.problems];
  if (left.length || problems.length) {
    // A leftover that looks like a column name: say which columns there are.
    const known = vocab.columnNames();
    const unknownColumns = [...new Set(left.flatMap((p) => p.split(/[\s,]+/)))].filter(
      (w) => /^[a-z_][a-z0-9_]*$/i.test(w) && /_|\d/.test(w) && !known.some((k) => k.toLowerCase() === w.toLowerCase()),
    );
    throw clarify(language, {
      notUnderstood: left,
      questions: [
        ...problems.map((p) => ({ en: p, ko: p })),
        ...unknownColumns.map((w) => ({
          en: `There is no column "${w}" (columns: ${known.join(', ')}).`,
          ko: `"${w}" 컬럼이 없습니다 (컬럼 목록: ${known.join(', ')}).`,
        })),
        ...(changes.length === 0 && unknownColumns.length === 0 ? [CHANGE_HELP] : []),
      ],
    });
  }

  if (schedule.schedule !== undefined && schedule.schedule !== (spec.schedule ?? null)) {
    spec.schedule = schedule.schedule;
    changes.push(`schedule: ${schedule.schedule ?? 'manual only'}`);
  }
  if (retries.retries !== undefined) {
    spec.retries = retries.retries;
    changes.push(`retries: ${retries.retries}`);
  }
  if (retries.retryDelaySeconds !== undefined) {
    spec.retry_delay_s = retries.retryDelaySeconds;
    changes.push(`retry delay: ${retries.retryDelaySeconds} s`);
  }
  if (alert.connId) {
    spec.failure_webhook_conn_id = alert.connId;
    changes.push(`failure alert: ${alert.connId}`);
  }
  for (const t of transfers) {
    const own = (c: string) =>
      tables.find((x) => x.name === t.source_table)?.columns?.some((k) => k.name === c) ?? true;
    if (filters.length) {
      const f = filters.length > 1 ? filters.map((x) => `(${x})`).join(' AND ') : (filters[0] as string);
      const also = /\b(?:also|additionally|too|as\s+well)\b|도\s|추가로/i.test(change);
      t.filter = also && t.filter ? `(${t.filter}) AND (${f})` : f;
      changes.push(`${t.id}: filter ${t.filter}`);
    }
    if (mode.mode && mode.mode !== (t.mode ?? 'replace')) {
      t.mode = mode.mode;
      if (mode.mode === 'upsert') t.keys = mode.columns;
      if (mode.mode === 'incremental' && mode.columns[0]) t.watermark_column = mode.columns[0];
      changes.push(`${t.id}: mode ${mode.mode}${mode.columns.length ? ` (${mode.columns.join(', ')})` : ''}`);
    }
    if (targetTable && transfers.length === 1) {
      for (const q of spec.tasks.filter(
        (x): x is QualityInput => x.type === 'quality_check' && x.table === t.target_table,
      ))
        q.table = targetTable;
      t.target_table = targetTable;
      changes.push(`${t.id}: target table ${targetTable}`);
    }
    const cols = editColumns(
      t,
      tables.find((x) => x.name === t.source_table),
      { ...columns, added: added.filter(own) },
    );
    if (cols.changed) {
      t.columns = cols.columns;
      changes.push(...cols.changes.map((c) => `${t.id}: ${c}`));
    }
    const q = checkTask(t);
    for (const r of checks) {
      if (r.column && !own(r.column) && !(t.columns ?? []).some((c) => c.name === r.column)) continue;
      const key = JSON.stringify(r.check);
      if (!q.checks.some((c) => JSON.stringify(c) === key)) {
        q.checks.push(r.check);
        changes.push(
          `${q.id}: ${r.check.kind}${columnsOfCheck(r.check).length ? ` ${columnsOfCheck(r.check).join(', ')}` : ''}`,
        );
      }
    }
    if (q.checks.length === 0) q.checks.push({ kind: 'row_count', min: 0 });
  }
  if (changes.length === 0) throw clarify(language, { notUnderstood: [], questions: [CHANGE_HELP] });
  return { spec, changes };
}

/** A transfer's columns after an edit: added, dropped, renamed, cast or computed. */
function editColumns(
  t: TransferInput,
  table: TableSchema | undefined,
  c: ReturnType<typeof readColumns> & { added: string[] },
): { columns: ColumnSpec[]; changed: boolean; changes: string[] } {
  const changes: string[] = [];
  const touched = c.added.length || c.exclude.length || c.renames.size || c.casts.size || c.computed.length || c.list;
  if (!touched) return { columns: t.columns ?? [], changed: false, changes };
  let columns: ColumnSpec[] = (t.columns ?? []).length
    ? structuredClone(t.columns ?? [])
    : (table?.columns ?? []).map((x) => ({ name: x.name }));
  const sourceOf = (x: ColumnSpec) => x.source ?? (x.expr ? undefined : x.name);
  if (c.list) {
    columns = c.list.map((n) => columns.find((x) => sourceOf(x) === n) ?? { name: n });
    changes.push(`columns ${c.list.join(', ')}`);
  }
  for (const n of c.added) {
    if (!columns.some((x) => sourceOf(x) === n)) {
      columns.push({ name: n });
      changes.push(`column ${n} added`);
    }
  }
  for (const n of c.exclude) {
    const before = columns.length;
    columns = columns.filter((x) => sourceOf(x) !== n && x.name !== n);
    if (columns.length < before) changes.push(`column ${n} dropped`);
  }
  for (const [from, to] of c.renames) {
    const x = columns.find((y) => sourceOf(y) === from || y.name === from);
    if (!x) continue;
    if (!x.expr) x.source = sourceOf(x) ?? from;
    x.name = to;
    changes.push(`${from} renamed to ${to}`);
  }
  for (const [name, type] of c.casts) {
    const x = columns.find((y) => sourceOf(y) === name || y.name === name);
    if (!x) continue;
    x.cast = type;
    changes.push(`${name} cast to ${type}`);
  }
  for (const k of c.computed) {
    const existing = columns.find((y) => y.name === (k.replaces ?? k.name));
    if (existing) {
      delete existing.source;
      existing.expr = k.expr;
    } else columns.push({ name: k.name, expr: k.expr });
    changes.push(`${k.name} = ${k.expr}`);
  }
  for (const x of columns) if (x.source === x.name) delete x.source;
  return { columns, changed: changes.length > 0, changes };
}
