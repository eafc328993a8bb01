import type { CheckSpec, Connection, PipelineSpecInput } from '@airflow-mcp/pipeline';
import type { PlanningContext } from '../planning/planner.js';
import { understandRequest, type Understanding } from './understand-request.js';

type TaskInput = PipelineSpecInput['tasks'][number];
type TransferInput = Extract<TaskInput, { type: 'transfer' }>;
type QualityInput = Extract<TaskInput, { type: 'quality_check' }>;

/** A part of the request the spec does not reflect, as the user wrote it or as read. */
export interface Unreflected {
  /** What the request asked, in words ("retries: 3", "a not-null check on email", "the number 50"). */
  asked: string;
  /** What the spec has instead. */
  found: string;
}

const PRESETS: Record<string, string> = {
  '@hourly': '0 * * * *',
  '@daily': '0 0 * * *',
  '@weekly': '0 0 * * 0',
  '@monthly': '0 0 1 * *',
  '@yearly': '0 0 1 1 *',
};

function sameSchedule(a: string | null | undefined, b: string | null | undefined): boolean {
  const norm = (s: string | null | undefined) => (s ? (PRESETS[s] ?? s).replace(/\s+/g, ' ').trim() : null);
  return norm(a) === norm(b);
}

function sameConnection(read: Connection, spec: Connection): boolean {
  if (read.kind !== spec.kind) return false;
  if ('path' in read && 'path' in spec) {
    const base = (p: string) => p.split('/').pop()?.toLowerCase();
    return base(read.path) === base(spec.path) || read.path === 'warehouse.duckdb' || read.path === 'warehouse.db';
  }
  return 'conn_id' in read && 'conn_id' in spec ? read.conn_id === spec.conn_id : false;
}

function identifiers(text: string | undefined): Set<string> {
  const stripped = (text ?? '').replace(/'(?:[^']|'')*'/g, '');
  return new Set([...stripped.matchAll(/\b([A-Za-z_]\w*)\b/g)].map((m) => (m[1] as string).toLowerCase()));
}

function literalsOf(text: string | undefined): string[] {
  return [...(text ?? '').matchAll(/'((?:[^']|'')*)'|(-?\d+(?:\.\d+)?)/g)].map((m) =>
    (m[1] ?? m[2] ?? '').toLowerCase(),
  );
}

/** Whether a check the readers found is in the spec (on the same column, or on its target name). */
function hasCheck(checks: CheckSpec[], wanted: CheckSpec, targetNames: (c: string) => string[]): boolean {
  return checks.some((c) => {
    if (c.kind !== wanted.kind) return false;
    switch (wanted.kind) {
      case 'not_null':
      case 'accepted_values':
      case 'range': {
        const col = (c as { column: string }).column.toLowerCase();
        const ok = targetNames(wanted.column).includes(col);
        if (!ok) return false;
        if (wanted.kind === 'range') {
          const r = c as Extract<CheckSpec, { kind: 'range' }>;
          return r.min === wanted.min && r.max === wanted.max;
        }
        if (wanted.kind === 'accepted_values') {
          const v = (c as Extract<CheckSpec, { kind: 'accepted_values' }>).values.map((x) => String(x).toLowerCase());
          return wanted.values.every((x) => v.includes(String(x).toLowerCase()));
        }
        return true;
      }
      case 'unique':
        return wanted.columns.every((w) =>
          (c as Extract<CheckSpec, { kind: 'unique' }>).columns.some((x) => targetNames(w).includes(x.toLowerCase())),
        );
      case 'row_count': {
        const r = c as Extract<CheckSpec, { kind: 'row_count' }>;
        return (wanted.min === undefined || r.min === wanted.min) && (wanted.max === undefined || r.max === wanted.max);
      }
      case 'custom_sql':
        return true;
    }
  });
}

/**
 * Holds a spec (from any planner, or the caller's with its request) against what the readers understood of the
 * request: the source and target, every table, the target table, columns kept, dropped, renamed, cast and computed,
 * filters (their columns and values), checks, write mode and its columns, schedule, retries and delay, the failure
 * alert. Returns what the spec leaves out; empty when it reflects everything the readers understood.
 */
export function unreflectedParts(u: Understanding, spec: PipelineSpecInput): Unreflected[] {
  const out: Unreflected[] = [];
  const transfers = spec.tasks.filter((t): t is TransferInput => t.type === 'transfer');
  const quality = spec.tasks.filter((t): t is QualityInput => t.type === 'quality_check');
  const allChecks = quality.flatMap((q) => q.checks);
  const first = transfers[0];
  if (!first) return [{ asked: 'a transfer of data', found: 'no transfer task' }];
  if (u.source && !transfers.some((t) => sameConnection(u.source as Connection, t.source)))
    out.push({ asked: `source ${describe(u.source)}`, found: describe(first.source) });
  if (u.target && !transfers.some((t) => sameConnection(u.target as Connection, t.target)))
    out.push({ asked: `target ${describe(u.target)}`, found: describe(first.target) });
  for (const table of u.tables) {
    if (!transfers.some((t) => t.source_table.toLowerCase() === table.name.toLowerCase()))
      out.push({ asked: `table ${table.name}`, found: transfers.map((t) => t.source_table).join(', ') });
  }
  if (u.targetTable && !transfers.some((t) => t.target_table.toLowerCase() === u.targetTable?.toLowerCase()))
    out.push({ asked: `target table ${u.targetTable}`, found: transfers.map((t) => t.target_table).join(', ') });

  const columns = transfers.flatMap((t) => t.columns ?? []);
  const targetNames = (source: string): string[] => {
    const names = new Set([source.toLowerCase()]);
    for (const c of columns)
      if ((c.source ?? '').toLowerCase() === source.toLowerCase()) names.add(c.name.toLowerCase());
    const renamed = u.columns.renames.get(source);
    if (renamed) names.add(renamed.toLowerCase());
    return [...names];
  };
  const everyColumn = transfers.some((t) => (t.columns ?? []).length === 0);
  for (const name of u.columns.list ?? []) {
    if (
      !everyColumn &&
      !columns.some((c) => (c.source ?? c.name).toLowerCase() === name.toLowerCase() || (c.expr ?? '').includes(name))
    )
      out.push({ asked: `column ${name}`, found: columns.map((c) => c.name).join(', ') });
  }
  if (u.columns.list?.length && everyColumn)
    out.push({ asked: `only the columns ${u.columns.list.join(', ')}`, found: 'every column' });
  for (const name of u.columns.exclude) {
    if (everyColumn || columns.some((c) => (c.source ?? (c.expr ? '' : c.name)).toLowerCase() === name.toLowerCase()))
      out.push({ asked: `without the column ${name}`, found: everyColumn ? 'every column' : `${name} kept` });
  }
  for (const [from, to] of u.columns.renames) {
    const ok = columns.some(
      (c) =>
        c.name.toLowerCase() === to.toLowerCase() &&
        ((c.source ?? '').toLowerCase() === from.toLowerCase() ||
          (c.expr ?? '').toLowerCase().includes(from.toLowerCase())),
    );
    if (!ok)
      out.push({
        asked: `${from} renamed to ${to}`,
        found: columns.map((c) => (c.source ? `${c.source} as ${c.name}` : c.name)).join(', ') || 'every column as is',
      });
  }
  for (const [column, type] of u.columns.casts) {
    if (!columns.some((c) => targetNames(column).includes(c.name.toLowerCase()) && c.cast === type))
      out.push({ asked: `${column} as ${type}`, found: 'no such cast' });
  }
  for (const c of u.columns.computed) {
    const hit = columns.find((x) => x.name.toLowerCase() === c.name.toLowerCase());
    const fn = /^([a-z]+)\(/.exec(c.expr)?.[1];
    const ok =
      hit?.expr &&
      [...identifiers(c.expr)].every((w) => identifiers(hit.expr).has(w) || w === fn) &&
      (!fn || hit.expr.toLowerCase().includes(`${fn}(`));
    if (!ok)
      out.push({
        asked: `${c.name} = ${c.expr}`,
        found: hit ? (hit.expr ?? hit.source ?? hit.name) : 'no such column',
      });
  }
  for (const f of u.filters) {
    const specFilters = transfers.map((t) => t.filter ?? '').join(' ');
    const need = [...identifiers(f)].filter((w) => !/^(and|or|not|is|null|in|like|between|true|false)$/.test(w));
    const values = literalsOf(f);
    const haveIds = identifiers(specFilters);
    const haveValues = literalsOf(specFilters);
    if (!need.every((w) => haveIds.has(w)) || !values.every((v) => haveValues.includes(v)))
      out.push({ asked: `filter ${f}`, found: specFilters.trim() || 'no filter' });
  }
  for (const r of u.checks) {
    if (!hasCheck(allChecks, r.check, targetNames))
      out.push({ asked: `check ${JSON.stringify(r.check)}`, found: JSON.stringify(allChecks) });
  }
  if (u.mode.mode && !transfers.every((t) => (t.mode ?? 'replace') === u.mode.mode))
    out.push({ asked: `write mode ${u.mode.mode}`, found: transfers.map((t) => t.mode ?? 'replace').join(', ') });
  if (u.mode.mode === 'upsert') {
    for (const k of u.mode.columns)
      if (!transfers.some((t) => (t.keys ?? []).some((x) => targetNames(k).includes(x.toLowerCase()))))
        out.push({ asked: `upsert key ${k}`, found: transfers.flatMap((t) => t.keys ?? []).join(', ') || 'no keys' });
  }
  if (u.mode.mode === 'incremental' && u.mode.columns[0]) {
    const w = u.mode.columns[0];
    if (!transfers.some((t) => t.watermark_column && targetNames(w).includes(t.watermark_column.toLowerCase())))
      out.push({ asked: `incremental by ${w}`, found: transfers.map((t) => t.watermark_column ?? 'none').join(', ') });
  }
  if (u.schedule !== undefined && !sameSchedule(u.schedule, spec.schedule ?? null))
    out.push({ asked: `schedule ${u.schedule ?? 'manual'}`, found: String(spec.schedule ?? 'manual') });
  if (u.retries !== undefined && (spec.retries ?? 1) !== u.retries)
    out.push({ asked: `retries ${u.retries}`, found: String(spec.retries ?? 1) });
  if (u.retryDelaySeconds !== undefined && (spec.retry_delay_s ?? 60) !== u.retryDelaySeconds)
    out.push({ asked: `retry delay ${u.retryDelaySeconds} s`, found: `${spec.retry_delay_s ?? 60} s` });
  if (u.alertConnId && spec.failure_webhook_conn_id !== u.alertConnId)
    out.push({ asked: `failure alert to ${u.alertConnId}`, found: spec.failure_webhook_conn_id ?? 'none' });
  if (u.steps && !spec.staging)
    out.push({ asked: 'extract >> transform >> load >> validate steps', found: 'one task per transfer (no staging)' });
  if (u.dagId && spec.dag_id !== u.dagId && !spec.dag_id.endsWith(`_${u.dagId}`))
    out.push({ asked: `dag id ${u.dagId}`, found: spec.dag_id });
  return out;
}

function describe(c: Connection): string {
  return 'path' in c ? `${c.kind}:${c.path}` : `${c.kind}:${c.conn_id}`;
}

/**
 * The words of the request no reader understood, that the spec does not visibly carry either: numbers and quoted
 * values absent from the spec, and words that name nothing in it. A model may understand more than the readers; what
 * it understood must show in the spec.
 */
export function unaccountedWords(u: Understanding, spec: PipelineSpecInput): string[] {
  const json = JSON.stringify(spec).toLowerCase();
  const numbers = new Set<string>();
  for (const m of JSON.stringify(spec).matchAll(/-?\d+(?:\.\d+)?/g)) {
    const n = Number(m[0]);
    numbers.add(String(n));
    if (n % 60 === 0) numbers.add(String(n / 60));
    if (n % 3600 === 0) numbers.add(String(n / 3600));
  }
  const out: string[] = [];
  for (const phrase of u.notUnderstood) {
    const words = phrase.split(/[\s,]+/).filter(Boolean);
    const missing = words.filter((w) => {
      const quoted = /^['"](.*)['"]$/.exec(w);
      if (quoted) return !json.includes((quoted[1] ?? '').toLowerCase());
      const number = /^[$₩]?(\d[\d,]*(?:\.\d+)?)/.exec(w);
      if (number) return !numbers.has(String(Number((number[1] ?? '').replace(/,/g, ''))));
      if (/^[A-Za-z_][\w]*$/.test(w) && /_/.test(w)) return !json.includes(w.toLowerCase());
      return false;
    });
    if (missing.length) out.push(phrase);
  }
  return out;
}

const readings = new WeakMap<PlanningContext, Promise<Understanding>>();

/** Both checks for a model's (or a caller's) spec against its request. */
export async function checkFaithfulness(
  ctx: PlanningContext,
  spec: PipelineSpecInput,
): Promise<{ unreflected: Unreflected[]; unaccounted: string[]; understanding: Understanding }> {
  // The request does not change between a model's repair attempts: read it (and introspect its source) once.
  let pending = readings.get(ctx);
  if (!pending) readings.set(ctx, (pending = understandRequest(ctx)));
  const understanding = await pending;
  return {
    unreflected: unreflectedParts(understanding, spec),
    unaccounted: unaccountedWords(understanding, spec),
    understanding,
  };
}
