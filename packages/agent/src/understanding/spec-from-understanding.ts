import { redactSecrets } from '@airflow-mcp/core';
import type { CheckSpec, ColumnSpec, Connection, PipelineSpecInput } from '@airflow-mcp/pipeline';
import type { Question, Understanding } from './understand-request.js';
import type { TableSchema } from './vocabulary.js';

type TaskInput = PipelineSpecInput['tasks'][number];

export interface SpecBuild {
  spec: PipelineSpecInput;
  notes: string[];
  questions: Question[];
  /** The request named the DAG id itself. */
  dagIdGiven: boolean;
}

function slug(s: string): string {
  return s
    .toLowerCase()
    .replace(/[^a-z0-9_]+/g, '_')
    .replace(/^_+|_+$/g, '');
}

/** The columns a table moves with, given the column clauses that concern it; [] = every column as is. */
function columnsFor(u: Understanding, table: TableSchema, questions: Question[]): ColumnSpec[] {
  const { list, exclude, renames, casts, computed } = u.columns;
  const own = (name: string) => !table.columns || table.columns.some((c) => c.name === name) || u.tables.length === 1;
  const mine = {
    // A list belongs to a table only when all of it does ("for customers only id, name and country").
    list: list && list.every(own) ? list : undefined,
    exclude: exclude.filter(own),
    renames: [...renames].filter(([from]) => own(from)),
    casts: [...casts].filter(([c]) => own(c)),
    computed: computed.filter((c) => !c.replaces || own(c.replaces)),
  };
  const touched =
    mine.list?.length || mine.exclude.length || mine.renames.length || mine.casts.length || mine.computed.length;
  if (!touched) return [];
  let base = mine.list?.length ? mine.list : table.columns?.map((c) => c.name);
  if (!base) {
    questions.push({
      en: `I cannot see the columns of ${table.name} from here: list the columns to move (for example "columns id, name, email").`,
      ko: `${table.name} 테이블의 컬럼을 여기서 볼 수 없습니다: 옮길 컬럼을 나열해 주세요 (예: "id, name, email 컬럼").`,
    });
    return [];
  }
  base = base.filter((c) => !mine.exclude.includes(c));
  const renamed = new Map(mine.renames);
  const cast = new Map(mine.casts);
  const out: ColumnSpec[] = base.map((name) => {
    const inPlace = mine.computed.find((c) => c.replaces === name);
    const targetName = renamed.get(name) ?? name;
    const type = cast.get(name);
    if (inPlace) return { name: targetName, expr: inPlace.expr, ...(type ? { cast: type } : {}) };
    return { name: targetName, ...(targetName !== name ? { source: name } : {}), ...(type ? { cast: type } : {}) };
  });
  for (const c of mine.computed) {
    if (c.replaces && base.includes(c.replaces)) continue;
    if (c.replaces) continue; // transforms a column that was excluded or not listed
    const at = out.findIndex((o) => o.name === c.name);
    const type = cast.get(c.name);
    const column = { name: c.name, expr: c.expr, ...(type ? { cast: type } : {}) };
    if (at >= 0) out[at] = column;
    else out.push(column);
  }
  for (const [column] of mine.casts) {
    if (!base.includes(column)) {
      questions.push({
        en: `"${column}" is cast but not among the columns moved (${base.join(', ')}).`,
        ko: `"${column}" 컬럼의 타입을 바꾸라고 했지만 옮기는 컬럼(${base.join(', ')})에 없습니다.`,
      });
    }
  }
  for (const [from] of mine.renames) {
    if (!base.includes(from)) {
      questions.push({
        en: `"${from}" is renamed but not among the columns moved (${base.join(', ')}).`,
        ko: `"${from}" 컬럼의 이름을 바꾸라고 했지만 옮기는 컬럼(${base.join(', ')})에 없습니다.`,
      });
    }
  }
  return out;
}

/** A source column name as the target calls it (through renames); undefined when it does not reach the target. */
function targetName(columns: ColumnSpec[], table: TableSchema, source: string): string | undefined {
  if (columns.length === 0) return table.columns && !table.columns.some((c) => c.name === source) ? undefined : source;
  const hit =
    columns.find((c) => (c.source ?? (c.expr ? undefined : c.name)) === source) ??
    columns.find((c) => c.name === source);
  return hit?.name;
}

function mapCheck(check: CheckSpec, map: (c: string) => string | undefined): CheckSpec | undefined {
  switch (check.kind) {
    case 'not_null':
    case 'accepted_values':
    case 'range': {
      const column = map(check.column);
      return column ? { ...check, column } : undefined;
    }
    case 'unique': {
      const columns = check.columns.map(map);
      return columns.every(Boolean) ? { ...check, columns: columns as string[] } : undefined;
    }
    case 'row_count':
    case 'custom_sql':
      return check;
  }
}

/**
 * The incremental column of a table: the one named, or, when each table named its own ("events by occurred_at,
 * page_views by ts"), the one column of the list this table has (none or several: undefined, and the planner asks).
 */
function watermarkOf(u: Understanding, table: TableSchema): string | undefined {
  const named = u.mode.columns;
  if (named.length <= 1) return named[0];
  const own = named.filter((c) => table.columns?.some((x) => x.name === c));
  return own.length === 1 ? own[0] : undefined;
}

/** The tables a column-bound clause belongs to: those that have all its columns (all tables when unknown). */
function owners(u: Understanding, columnsUsed: string[]): TableSchema[] {
  if (u.tables.length <= 1) return u.tables;
  const hits = u.tables.filter((t) => columnsUsed.every((c) => t.columns?.some((x) => x.name === c)));
  return hits;
}

/** The column names an expression mentions (identifiers that are not keywords or functions). */
function identifiersOf(expr: string): string[] {
  const stripped = expr.replace(/'(?:[^']|'')*'/g, '');
  return [...stripped.matchAll(/\b([A-Za-z_]\w*)\b(?!\s*\()/g)]
    .map((m) => m[1] as string)
    .filter((w) => !/^(and|or|not|is|null|in|like|between|true|false|case|when|then|else|end)$/i.test(w));
}

/**
 * The spec of an understood request: one transfer per table (in parallel) and its quality checks after it, the
 * target table, columns with renames, casts and computed ones, the filter, write mode, schedule, retries and delay,
 * failure alert. Questions for whatever cannot be placed (a filter whose columns belong to no table moved, a check on a
 * column that does not reach the target).
 */
export function specFromUnderstanding(u: Understanding, request: string): SpecBuild {
  const questions: Question[] = [...u.questions];
  const notes: string[] = [];
  const source = u.source as Connection;
  const target = u.target as Connection;
  if (u.tables.length > 1 && u.targetTable) {
    questions.push({
      en: `"${u.targetTable}" is one target table, but the request moves ${u.tables.map((t) => t.name).join(', ')}: name one target per table or move one table.`,
      ko: `대상 테이블 "${u.targetTable}"은 하나인데 옮길 테이블은 ${u.tables.map((t) => t.name).join(', ')}입니다: 테이블마다 대상을 정하거나 한 테이블만 옮겨 주세요.`,
    });
  }
  const tasks: TaskInput[] = [];
  const dependencies: [string, string][] = [];
  const filterFor = new Map<string, string[]>();
  for (const f of u.filters) {
    const cols = identifiersOf(f);
    const to = owners(u, cols);
    if (to.length !== 1 && u.tables.length > 1) {
      questions.push({
        en: `Which table does the filter "${f}" apply to?`,
        ko: `필터 "${f}"는 어느 테이블에 적용할까요?`,
      });
      continue;
    }
    for (const t of to) filterFor.set(t.name, [...(filterFor.get(t.name) ?? []), f]);
  }
  for (const table of u.tables) {
    const targetTable =
      u.targetTables.get(table.name) ?? (u.tables.length === 1 && u.targetTable ? u.targetTable : table.name);
    const columns = columnsFor(u, table, questions);
    const filters = filterFor.get(table.name) ?? [];
    const filter = filters.length > 1 ? filters.map((f) => `(${f})`).join(' AND ') : filters[0];
    const toTarget = (c: string) => targetName(columns, table, c);
    const keys = u.mode.mode === 'upsert' ? u.mode.columns.map(toTarget) : [];
    const watermark = u.mode.mode === 'incremental' ? toTarget(watermarkOf(u, table) ?? '') : undefined;
    if (keys.some((k) => !k) || (u.mode.mode === 'incremental' && !watermark)) {
      questions.push({
        en: `The ${u.mode.mode} column ${u.mode.columns.join(', ')} is not among the columns written to ${targetTable}.`,
        ko: `${u.mode.mode} 기준 컬럼 ${u.mode.columns.join(', ')}이(가) ${targetTable}에 쓰는 컬럼에 없습니다.`,
      });
    }
    const checks: CheckSpec[] = [];
    for (const r of u.checks) {
      if (r.column && !owners(u, [r.column]).includes(table)) continue;
      if (r.table && r.table !== table.name) continue;
      const mapped = mapCheck(r.check, toTarget);
      if (!mapped) {
        questions.push({
          en: `The check on ${r.column} cannot run: that column is not written to ${targetTable}.`,
          ko: `${r.column} 검사를 할 수 없습니다: 그 컬럼은 ${targetTable}에 쓰지 않습니다.`,
        });
        continue;
      }
      if (!checks.some((c) => JSON.stringify(c) === JSON.stringify(mapped))) checks.push(mapped);
    }
    if (!checks.some((c) => c.kind === 'row_count')) {
      checks.unshift({ kind: 'row_count', min: (table.rowCount ?? 0) > 0 && !filter ? 1 : 0 });
    }
    const loadId = `load_${slug(targetTable)}`.slice(0, 63);
    const checkId = `validate_${slug(targetTable)}`.slice(0, 63);
    tasks.push({
      type: 'transfer',
      id: loadId,
      source,
      source_table: table.name,
      columns,
      ...(filter ? { filter } : {}),
      target,
      target_table: targetTable,
      mode: u.mode.mode ?? 'replace',
      keys: keys.filter((k): k is string => Boolean(k)),
      ...(watermark ? { watermark_column: watermark } : {}),
    });
    tasks.push({ type: 'quality_check', id: checkId, connection: target, table: targetTable, checks });
    dependencies.push([loadId, checkId]);
  }
  for (const [typo, name] of u.corrections) notes.push(`read "${typo}" as ${name}`);
  if (u.credentialsIgnored)
    notes.push('credentials written in the request were ignored: connections come from Airflow connections only');
  if (u.schedule === undefined) notes.push('no schedule mentioned: runs only when triggered');
  const tableSlug = u.tables.map((t) => slug(t.name)).join('_');
  const dagId = slug(u.dagId ?? `${source?.kind ?? 'source'}_${tableSlug}_to_${target?.kind ?? 'target'}`).slice(
    0,
    100,
  );
  const spec: PipelineSpecInput = {
    dag_id: dagId,
    // The request may carry a password or a connection URI: never let it into the DAG file.
    description: redactSecrets(request).slice(0, 2000),
    tags: [...new Set([source?.kind ?? 'source', target?.kind ?? 'target'])],
    schedule: u.schedule === undefined ? null : u.schedule,
    ...(u.retries !== undefined ? { retries: u.retries } : {}),
    ...(u.retryDelaySeconds !== undefined ? { retry_delay_s: u.retryDelaySeconds } : {}),
    ...(u.alertConnId ? { failure_webhook_conn_id: u.alertConnId } : {}),
    // The steps hand rows through a DuckDB file of their own, in the (tenant's) first data folder.
    ...(u.steps ? { staging: { kind: 'duckdb' as const, path: `${dagId}_staging.duckdb` } } : {}),
    tasks,
    dependencies,
  };
  return { spec, notes, questions, dagIdGiven: u.dagId !== undefined };
}
