// The planning evaluation: reads a request corpus, checks it is well formed against the fixture schema, runs every
// request through a planner and compares the `Understood` projection of its spec with the expectation.
// The planner and the pipeline functions are passed in, so the script (built dist) and the tests (src) share this.
import { readFileSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import { canonicalCondition, canonicalExpression, canonicalSchedule } from './canonical-expression.mjs';
import { FIXTURE_SCHEMA, fixtureColumns } from './create-fixtures.mjs';

const CHECK_KINDS = ['not_null', 'unique', 'row_count', 'accepted_values', 'range'];
const MODES = ['replace', 'append', 'upsert', 'incremental'];
const SQL_TYPES = ['integer', 'bigint', 'double', 'decimal', 'text', 'boolean', 'date', 'timestamp'];
const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;
/** Functions the corpus uses that the expression language is getting (issue 12): reported apart until it has them. */
const PENDING_FUNCTIONS = ['year', 'month', 'day', 'hour'];

/** Reads a JSONL corpus; throws naming the line of a line that is not JSON. */
export function loadCorpus(path) {
  return readFileSync(path, 'utf8')
    .split('\n')
    .map((line, i) => [line.trim(), i + 1])
    .filter(([line]) => line !== '')
    .map(([line, number]) => {
      try {
        return JSON.parse(line);
      } catch (error) {
        throw new Error(`${path}:${number}: not JSON (${error.message})`, { cause: error });
      }
    });
}

const lower = (s) => (typeof s === 'string' ? s.toLowerCase() : s);

function connectionOf(label) {
  const [kind, rest = ''] = label.split(/:(.*)/s);
  return { kind, rest };
}

/** The fixture file a "sqlite:<file>" label names, when it is one of ours. */
function fixtureFile(label) {
  const { kind, rest } = connectionOf(label);
  return kind === 'sqlite' && FIXTURE_SCHEMA[rest.replace(/^\.\//, '')] ? rest.replace(/^\.\//, '') : undefined;
}

function targetLabel(file) {
  return /\.(duckdb|ddb)$/i.test(file) ? `duckdb:${file}` : `sqlite:${file}`;
}

/** The expectation with every default filled in (an `Understood`, minus dag_id unless given), or {refuse}. */
export function expectedUnderstood(item) {
  const expect = item.expect;
  if (expect.refuse) return { refuse: true, words: expect.words ?? [] };
  const source = expect.source ?? (item.source_db ? `sqlite:${item.source_db}` : undefined);
  const target = expect.target ?? targetLabel(item.target_db ?? 'warehouse.duckdb');
  return {
    ...(expect.dag_id ? { dag_id: expect.dag_id } : {}),
    source,
    target,
    tables: (expect.tables ?? []).map((t) => ({
      source_table: t.source_table,
      target_table: t.target_table ?? t.source_table,
      columns: t.columns ?? 'all',
      ...(t.filter ? { filter: t.filter } : {}),
      mode: t.mode ?? 'replace',
      ...((t.mode ?? 'replace') === 'upsert' ? { keys: t.keys ?? [] } : {}),
      ...(t.watermark ? { watermark: t.watermark } : {}),
      checks: t.checks ?? [],
    })),
    schedule: expect.schedule ?? null,
    retries: expect.retries ?? 1,
    retry_delay_s: expect.retry_delay_s ?? 60,
    ...(expect.failure_alert ? { failure_alert: expect.failure_alert } : {}),
  };
}

function booleanColumnsOf(file, table) {
  const declared = FIXTURE_SCHEMA[file]?.[table] ?? [];
  return new Set(declared.filter((d) => /\bBOOLEAN\b/i.test(d)).map((d) => d.split(' ')[0].toLowerCase()));
}

/**
 * Validates a corpus against the fixture schema. Returns {problems, pending}: problems make the corpus malformed;
 * pending lists expressions that only fail because they use a function the expression language does not have yet.
 */
export function validateCorpus(items, { parseExpression }) {
  const problems = [];
  const pending = [];
  const ids = new Set();
  const parse = (where, text, columns) => {
    try {
      parseExpression(text, columns ? { columns } : {});
    } catch (error) {
      const fn = PENDING_FUNCTIONS.find((f) => new RegExp(`"${f}" is not on the allow-list`, 'i').test(error.message));
      if (fn) pending.push(`${where}: ${text} (needs ${fn}())`);
      else problems.push(`${where}: ${error.message}`);
    }
  };
  for (const item of items) {
    const at = `${item.id ?? '(no id)'}`;
    const bad = (what) => problems.push(`${at}: ${what}`);
    if (typeof item.id !== 'string' || item.id === '') bad('no id');
    else if (ids.has(item.id)) bad('duplicate id');
    ids.add(item.id);
    if (typeof item.family !== 'string' || item.family === '') bad('no family');
    if (item.lang !== 'en' && item.lang !== 'ko') bad(`lang "${item.lang}" is not en or ko`);
    if (typeof item.request !== 'string' || item.request.trim() === '') bad('no request');
    if (typeof item.expect !== 'object' || item.expect === null) {
      bad('no expect');
      continue;
    }
    if (item.expect.refuse !== undefined) {
      if (item.expect.refuse !== true) bad('refuse must be true when present');
      const words = item.expect.words ?? [];
      if (!Array.isArray(words) || !words.every((w) => typeof w === 'string' && w !== '')) bad('words: strings');
      continue;
    }
    const want = expectedUnderstood(item);
    if (!want.source) bad('no source: give source_db or expect.source');
    else if (!/^(sqlite|duckdb|postgres|mysql):\S+$/.test(want.source)) bad(`source "${want.source}"`);
    if (!/^(sqlite|duckdb|postgres|mysql):\S+$/.test(want.target)) bad(`target "${want.target}"`);
    if (!Array.isArray(item.expect.tables) || item.expect.tables.length === 0) bad('no tables');
    const file = want.source ? fixtureFile(want.source) : undefined;
    if (want.source?.startsWith('sqlite:') && !file) bad(`sqlite source ${want.source} is not a fixture file`);
    for (const table of want.tables) {
      const where = `${at} ${table.source_table}`;
      const sourceColumns = file ? fixtureColumns(file, table.source_table) : undefined;
      if (file && !sourceColumns) bad(`table ${table.source_table} is not in ${file}`);
      for (const name of [table.source_table, table.target_table])
        if (!IDENTIFIER.test(name ?? '')) bad(`table name "${name}"`);
      let targetColumns = sourceColumns;
      if (table.columns !== 'all') {
        if (!Array.isArray(table.columns) || table.columns.length === 0) bad(`${table.source_table}: columns`);
        else {
          targetColumns = [];
          for (const col of table.columns) {
            if (!IDENTIFIER.test(col.name ?? '')) bad(`column name "${col.name}"`);
            const extra = Object.keys(col).filter((k) => !['name', 'source', 'expr', 'cast'].includes(k));
            if (extra.length) bad(`column ${col.name}: unknown keys ${extra.join(', ')}`);
            if (col.source && col.expr) bad(`column ${col.name}: source and expr`);
            if (col.cast && !SQL_TYPES.includes(col.cast)) bad(`column ${col.name}: cast ${col.cast}`);
            if (col.expr) parse(`${where} column ${col.name}`, col.expr, sourceColumns);
            else if (sourceColumns && !sourceColumns.includes(col.source ?? col.name)) {
              bad(`column ${col.source ?? col.name} is not in ${table.source_table}`);
            }
            targetColumns.push(col.name);
          }
        }
      }
      if (table.filter) parse(`${where} filter`, table.filter, sourceColumns);
      if (!MODES.includes(table.mode)) bad(`mode ${table.mode}`);
      const inTarget = (name) => !targetColumns || targetColumns.some((c) => c.toLowerCase() === name.toLowerCase());
      if (table.mode === 'upsert' && !(table.keys.length && table.keys.every(inTarget))) bad('upsert keys');
      if (table.mode === 'incremental' && !(table.watermark && inTarget(table.watermark))) bad('incremental watermark');
      for (const check of table.checks) {
        if (!CHECK_KINDS.includes(check.kind)) {
          bad(`check kind ${check.kind}`);
          continue;
        }
        const named = check.kind === 'unique' ? (check.columns ?? []) : check.column ? [check.column] : [];
        if (check.kind === 'unique' && named.length === 0) bad('unique check without columns');
        if (['not_null', 'accepted_values', 'range'].includes(check.kind) && named.length === 0)
          bad(`${check.kind} without column`);
        for (const name of named) if (!inTarget(name)) bad(`check ${check.kind} on ${name}: not a target column`);
        if (check.kind === 'accepted_values' && !(Array.isArray(check.values) && check.values.length)) bad('values');
        if (
          (check.kind === 'range' || check.kind === 'row_count') &&
          check.min === undefined &&
          check.max === undefined
        ) {
          bad(`${check.kind} without min or max`);
        }
      }
    }
    if (want.schedule !== null && typeof want.schedule !== 'string') bad('schedule');
    if (!Number.isInteger(want.retries) || want.retries < 0 || want.retries > 10) bad('retries');
    if (!Number.isInteger(want.retry_delay_s) || want.retry_delay_s < 0) bad('retry_delay_s');
  }
  return { problems, pending };
}

/** Expression text -> canonical JSON, or a normalized string when it does not parse. */
function expressionKey(text, parseExpression, booleanColumns, canonical = canonicalExpression) {
  if (text === undefined) return undefined;
  try {
    return JSON.stringify(canonical(parseExpression(text), booleanColumns));
  } catch {
    return `unparsed:${text.replace(/\s+/g, ' ').trim().toLowerCase()}`;
  }
}

function isAutomaticRowCount(check) {
  return check.kind === 'row_count' && check.max === undefined && (check.min === undefined || check.min <= 1);
}

function checkKey(check) {
  const c = { ...check };
  if (c.column) c.column = lower(c.column);
  if (c.columns) c.columns = c.columns.map(lower).sort();
  if (c.values) c.values = [...c.values].map(String).sort();
  return JSON.stringify(Object.fromEntries(Object.entries(c).sort(([a], [b]) => a.localeCompare(b))));
}

function columnsKey(columns, sourceColumns, parseExpression, booleanColumns) {
  if (columns === 'all') return 'all';
  const list = columns.map((c) => ({
    name: lower(c.name),
    ...(c.expr
      ? { expr: expressionKey(c.expr, parseExpression, booleanColumns) }
      : c.source && lower(c.source) !== lower(c.name)
        ? { source: lower(c.source) }
        : {}),
    ...(c.cast ? { cast: c.cast } : {}),
  }));
  const plain = list.every((c) => Object.keys(c).length === 1);
  if (sourceColumns && plain && list.map((c) => c.name).join(',') === sourceColumns.map(lower).join(',')) return 'all';
  return JSON.stringify(list);
}

/** "name", "name <- source", "name = expr", with " :: cast": one column as the diff shows it. */
function columnText(c) {
  const how = c.expr ? ` = ${c.expr}` : c.source && lower(c.source) !== lower(c.name) ? ` <- ${c.source}` : '';
  return `${c.name}${how}${c.cast ? ` :: ${c.cast}` : ''}`;
}

/** What differs between two column lists ('all' read as the source's columns): missing, extra, changed, order. */
function columnsDifference(want, got, sourceColumns, keyOf) {
  const expand = (columns) =>
    columns === 'all' ? (sourceColumns ? sourceColumns.map((name) => ({ name })) : undefined) : columns;
  const [a, b] = [expand(want), expand(got)];
  if (!a || !b)
    return `expected ${show(want === 'all' ? 'all' : want.map(columnText).join(', '))}, got ${show(got === 'all' ? 'all' : got.map(columnText).join(', '))}`;
  const byName = (list) => new Map(list.map((c) => [lower(c.name), c]));
  const [wanted, given] = [byName(a), byName(b)];
  const parts = [];
  const missing = a.filter((c) => !given.has(lower(c.name))).map(columnText);
  const extra = b.filter((c) => !wanted.has(lower(c.name))).map(columnText);
  const changed = a
    .filter((c) => given.has(lower(c.name)) && keyOf(c) !== keyOf(given.get(lower(c.name))))
    .map((c) => `${columnText(c)} (got ${columnText(given.get(lower(c.name)))})`);
  if (missing.length) parts.push(`missing ${missing.join(', ')}`);
  if (extra.length) parts.push(`extra ${extra.join(', ')}`);
  if (changed.length) parts.push(`changed ${changed.join(', ')}`);
  if (!parts.length) parts.push(`same columns in another order: ${b.map((c) => c.name).join(', ')}`);
  return `${want === 'all' ? 'expected all; ' : ''}${parts.join('; ')}`;
}

const show = (value) => (value === undefined ? '(none)' : typeof value === 'string' ? value : JSON.stringify(value));

/** Differences between an expected and an actual Understood, one line per field ([] when they match). */
export function diffUnderstood(want, got, { parseExpression, sourceFile }) {
  const diffs = [];
  const same = (field, a, b, shownA = a, shownB = b) => {
    if (a !== b) diffs.push(`${field}: expected ${show(shownA)}, got ${show(shownB)}`);
  };
  if (want.dag_id !== undefined) same('dag_id', want.dag_id, got.dag_id);
  same('source', want.source, got.source);
  same('target', want.target, got.target);
  same('schedule', canonicalSchedule(want.schedule), canonicalSchedule(got.schedule), want.schedule, got.schedule);
  same('retries', want.retries, got.retries);
  same('retry_delay_s', want.retry_delay_s, got.retry_delay_s);
  same('failure_alert', want.failure_alert, got.failure_alert);
  if (got.steps?.length)
    diffs.push(`steps: expected none, got ${got.steps.map((s) => `${s.id}:${s.type}`).join(', ')}`);
  const unmatched = [...got.tables];
  for (const table of want.tables) {
    const at = unmatched.findIndex(
      (t) => lower(t.source_table) === lower(table.source_table) && lower(t.target_table) === lower(table.target_table),
    );
    const index = at >= 0 ? at : unmatched.findIndex((t) => lower(t.source_table) === lower(table.source_table));
    if (index < 0) {
      diffs.push(`tables: expected ${table.source_table} -> ${table.target_table}, not in the spec`);
      continue;
    }
    const [actual] = unmatched.splice(index, 1);
    const name = `tables[${table.source_table}]`;
    const sourceColumns = sourceFile ? fixtureColumns(sourceFile, table.source_table) : undefined;
    const booleans = sourceFile ? booleanColumnsOf(sourceFile, table.source_table) : new Set();
    same(
      `${name}.target_table`,
      lower(table.target_table),
      lower(actual.target_table),
      table.target_table,
      actual.target_table,
    );
    if (
      columnsKey(table.columns, sourceColumns, parseExpression, booleans) !==
      columnsKey(actual.columns, sourceColumns, parseExpression, booleans)
    ) {
      diffs.push(
        `${name}.columns: ${columnsDifference(table.columns, actual.columns, sourceColumns, (c) => columnsKey([c], undefined, parseExpression, booleans))}`,
      );
    }
    same(
      `${name}.filter`,
      expressionKey(table.filter, parseExpression, booleans, canonicalCondition),
      expressionKey(actual.filter, parseExpression, booleans, canonicalCondition),
      table.filter,
      actual.filter,
    );
    same(`${name}.mode`, table.mode, actual.mode);
    if (table.mode === 'upsert' || actual.mode === 'upsert') {
      same(
        `${name}.keys`,
        JSON.stringify((table.keys ?? []).map(lower)),
        JSON.stringify((actual.keys ?? []).map(lower)),
        table.keys,
        actual.keys,
      );
    }
    if (table.mode === 'incremental' || actual.mode === 'incremental') {
      same(`${name}.watermark`, lower(table.watermark), lower(actual.watermark), table.watermark, actual.watermark);
    }
    const wanted = table.checks.map(checkKey).sort();
    const automatic = new Map();
    for (const check of table.checks.filter(isAutomaticRowCount))
      automatic.set(checkKey(check), (automatic.get(checkKey(check)) ?? 0) + 1);
    const gotChecks = actual.checks
      .filter((check) => {
        if (!isAutomaticRowCount(check)) return true;
        const k = checkKey(check);
        const left = automatic.get(k) ?? 0;
        if (left > 0) automatic.set(k, left - 1);
        return left > 0;
      })
      .map(checkKey)
      .sort();
    same(
      `${name}.checks`,
      JSON.stringify(wanted),
      JSON.stringify(gotChecks),
      table.checks,
      actual.checks.filter((c) => !isAutomaticRowCount(c) || table.checks.some(isAutomaticRowCount)),
    );
  }
  for (const extra of unmatched) diffs.push(`tables: unexpected ${extra.source_table} -> ${extra.target_table}`);
  return diffs;
}

/** The introspection a PlanningContext gets: SQLite files resolved against the fixture folder, nothing else. */
export function fixtureIntrospector(fixtureDir, introspectSqlite) {
  return async (connection, table) => {
    if (connection.kind !== 'sqlite') return undefined;
    const path = isAbsolute(connection.path) ? connection.path : resolve(fixtureDir, connection.path);
    return introspectSqlite(path, table);
  };
}

/**
 * Runs every request through `planner` and scores it. `deps`: { createRulePlanner?, planner?, detectLanguage,
 * understandSpec, parseExpression, introspectSqlite }. Returns per-case outcomes and the summary.
 */
export async function evaluatePlanning(items, { fixtureDir, deps }) {
  const planner = deps.planner ?? deps.createRulePlanner();
  const introspect = fixtureIntrospector(fixtureDir, deps.introspectSqlite);
  const cases = [];
  for (const item of items) {
    const want = expectedUnderstood(item);
    const context = {
      request: item.request,
      language: deps.detectLanguage(item.request),
      hints: { sourceDb: item.source_db, targetDb: item.target_db },
      introspect,
      knowledge: [],
      previousFailures: [],
    };
    let outcome;
    try {
      const plan = await planner.plan(context);
      const got = deps.understandSpec(plan.spec);
      if (want.refuse) {
        outcome = { kind: 'spec', exact: false, silentDrop: true, diffs: ['expected a refusal, got a spec'], got };
      } else {
        const diffs = diffUnderstood(want, got, {
          parseExpression: deps.parseExpression,
          sourceFile: fixtureFile(want.source ?? ''),
        });
        outcome = { kind: 'spec', exact: diffs.length === 0, silentDrop: diffs.length > 0, diffs, got };
      }
    } catch (error) {
      const code = error?.code;
      const message = String(error?.message ?? error);
      if (code === 'NEEDS_CLARIFICATION') {
        const missing = want.refuse ? want.words.filter((w) => !message.toLowerCase().includes(w.toLowerCase())) : [];
        const diffs = want.refuse
          ? missing.map((w) => `refusal does not quote "${w}"`)
          : [`expected a spec, got a refusal: ${message.slice(0, 300)}`];
        outcome = { kind: 'refusal', exact: diffs.length === 0, silentDrop: false, diffs, message };
      } else {
        outcome = {
          kind: 'error',
          exact: false,
          silentDrop: false,
          diffs: [`error ${code ?? error?.name}: ${message.slice(0, 300)}`],
          message,
        };
      }
    }
    cases.push({
      id: item.id,
      family: item.family,
      lang: item.lang,
      request: item.request,
      expectRefusal: Boolean(want.refuse),
      ...outcome,
    });
  }
  return { cases, summary: summarize(cases) };
}

function rate(part, whole) {
  return whole === 0 ? null : part / whole;
}

function tally(cases, by) {
  const groups = {};
  for (const c of cases) {
    const g = (groups[c[by]] ??= { n: 0, exact: 0, silentDrops: 0 });
    g.n++;
    if (c.exact) g.exact++;
    if (c.silentDrop) g.silentDrops++;
  }
  for (const g of Object.values(groups)) g.accuracy = rate(g.exact, g.n);
  return Object.fromEntries(Object.entries(groups).sort(([a], [b]) => a.localeCompare(b)));
}

export function summarize(cases) {
  const refused = cases.filter((c) => c.kind === 'refusal');
  const expected = cases.filter((c) => c.expectRefusal);
  return {
    requests: cases.length,
    exact: cases.filter((c) => c.exact).length,
    accuracy: rate(cases.filter((c) => c.exact).length, cases.length),
    silentDrops: cases.filter((c) => c.silentDrop).length,
    errors: cases.filter((c) => c.kind === 'error').length,
    refusals: {
      expected: expected.length,
      given: refused.length,
      correct: refused.filter((c) => c.expectRefusal).length,
      precision: rate(refused.filter((c) => c.expectRefusal).length, refused.length),
      recall: rate(expected.filter((c) => c.kind === 'refusal').length, expected.length),
    },
    byLanguage: tally(cases, 'lang'),
    byFamily: tally(cases, 'family'),
  };
}
