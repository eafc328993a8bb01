import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { compileDag, introspectDuckdb, serverTypeOf, validateSpec, type SourceColumn } from '@airflow-mcp/pipeline';

/**
 * Issue 16: transfers into PostgreSQL from DuckDB and from PostgreSQL take one COPY stream, and land the same types
 * and values as the streaming path. Each task runs twice in the Airflow virtualenv with the real airflow.sdk and the
 * connection from AIRFLOW_CONN_* (as Airflow passes it), against the test PostgreSQL: once as compiled (the COPY
 * path), once as an upsert into a new table (the same DDL; upserts always stream), and both results are read back
 * as PostgreSQL's own text. Sessions run in Asia/Seoul (TZ for DuckDB, PGTZ for PostgreSQL), so a time zone that is
 * not UTC is applied on both paths.
 */
const fixture = join(import.meta.dirname, 'fixtures', 'copy_fidelity.py');
const TABLE = 'h16_copy_src';
const SOURCES = ['pg', 'duck'] as const;
const SHAPES = ['full', 'empty', 'shaped'] as const;
// pg_late: the same PostgreSQL transfers compiled without the source's columns (as the service compiles them: it
// reads no PostgreSQL schema first), typed at run time.
const TASKS = [...SOURCES, 'pglate'].flatMap((s) => SHAPES.map((shape) => `${s}_${shape}`));

interface Dumped {
  types: Record<string, string>;
  rows: (string | null)[][];
}

describe('COPY paths into PostgreSQL: type fidelity against the streaming path', () => {
  const { python, env: airflowEnv } = inject('airflow');
  const postgres = inject('postgres');
  const work = mkdtempSync(join(tmpdir(), 'h16-copy-'));
  const duckdbPath = join(work, 'source.duckdb');
  const pool = new pg.Pool({ ...postgres, max: 1 });
  const env = (extra: Record<string, string> = {}) => ({
    ...process.env,
    ...airflowEnv,
    AIRFLOW_CONN_H16_COPY_PG: postgres.url,
    PYTHONDONTWRITEBYTECODE: '1',
    TZ: 'Asia/Seoul',
    PGTZ: 'Asia/Seoul',
    ...extra,
  });
  const py = (args: string[]) => {
    const r = spawnSync(python, [fixture, ...args], { encoding: 'utf8', env: env(), maxBuffer: 1 << 26 });
    if (r.status !== 0) throw new Error(`copy_fidelity.py ${args[0]} failed:\n${r.stderr.slice(-4000)}`);
    return { result: JSON.parse(r.stdout.trim().split('\n').pop() as string) as unknown, stdout: r.stdout };
  };
  let results: Record<string, { rows: number; path: string }> = {};
  let output = '';
  let dumps: Record<string, Dumped> = {};
  let paths: Record<string, string> = {};

  beforeAll(async () => {
    const made = py(['sources', duckdbPath, postgres.url, TABLE]).result as {
      postgres_columns: { name: string; declared: string }[];
    };
    const pgColumns: SourceColumn[] = made.postgres_columns.map((c) => ({ ...c, type: serverTypeOf(c.declared) }));
    const duckColumns = (await introspectDuckdb(duckdbPath, python, TABLE)).columns as SourceColumn[];
    const bcColumns = (await introspectDuckdb(duckdbPath, python, `${TABLE}_bc`)).columns as SourceColumn[];
    const source = {
      pg: { kind: 'postgres', conn_id: 'h16_copy_pg' },
      duck: { kind: 'duckdb', path: duckdbPath },
    } as const;
    const target = { kind: 'postgres', conn_id: 'h16_copy_pg' } as const;
    // Renames, casts, a computed column and a filter, evaluated by the source on both paths.
    const shaped = {
      columns: [
        { name: 'id' },
        { name: 'amount', source: 'dec' },
        { name: 'txt_len', expr: 'length(txt)', cast: 'integer' },
        { name: 'i32_text', source: 'i32', cast: 'text' },
        { name: 'day', source: 'ts', cast: 'date' },
        { name: 'flag' },
        { name: 'stamp', source: 'tstz' },
      ],
      filter: 'id <> 3 and (flag or flag is null)',
    };
    const transfers = ([...SOURCES, 'pglate'] as const).flatMap((s) =>
      SHAPES.flatMap((shape) => {
        const base = {
          type: 'transfer',
          source: source[s === 'pglate' ? 'pg' : s],
          source_table: shape === 'empty' ? `${TABLE}_empty` : TABLE,
          target,
          ...(shape === 'shaped' ? shaped : {}),
        };
        return [
          { ...base, id: `${s}_${shape}`, target_table: `h16_copy_${s}_${shape}` },
          {
            ...base,
            id: `${s}_${shape}_ref`,
            target_table: `h16_copy_${s}_${shape}_ref`,
            mode: 'upsert',
            keys: ['id'],
          },
        ];
      }),
    );
    // Fallbacks: a DuckDB date before the year 1 (PostgreSQL refuses Arrow's text for it mid-COPY), and an append
    // into a table whose column type differs from the spec's (binary COPY would not convert it).
    const fallbacks = [
      {
        type: 'transfer',
        id: 'duck_bc',
        source: source.duck,
        source_table: `${TABLE}_bc`,
        target,
        target_table: 'h16_copy_bc',
      },
      {
        type: 'transfer',
        id: 'pg_append',
        source: source.pg,
        source_table: TABLE,
        columns: [{ name: 'id' }, { name: 'dbl' }],
        target,
        target_table: 'h16_copy_append',
        mode: 'append',
      },
      {
        type: 'transfer',
        id: 'pg_real',
        source: source.pg,
        source_table: `${TABLE}_real`,
        target,
        target_table: 'h16_copy_real',
      },
    ];
    const spec = validateSpec({ dag_id: 'h16_copy_fidelity', tasks: [...transfers, ...fallbacks] });
    const sourceColumns = Object.fromEntries([
      ...transfers
        .filter((t) => !t.id.startsWith('pglate'))
        .map((t) => [t.id, t.source.kind === 'postgres' ? pgColumns : duckColumns] as const),
      ['duck_bc', bcColumns],
      ['pg_append', pgColumns],
    ]);
    const compiled = compileDag(spec, { airflowMajor: 3, sourceColumns });
    paths = Object.fromEntries(compiled.transferPaths.map((p) => [p.task, p.path.path]));
    const module = join(work, 'dag_copy.py');
    writeFileSync(module, compiled.code);

    await pool.query('DROP TABLE IF EXISTS h16_copy_bc, h16_copy_append');
    await pool.query('CREATE TABLE h16_copy_bc (id integer, d date)');
    await pool.query("INSERT INTO h16_copy_bc VALUES (99, '2000-01-01')");
    await pool.query('CREATE TABLE h16_copy_append (id integer, dbl numeric)');
    await pool.query('INSERT INTO h16_copy_append VALUES (0, 0.5)');
    const ids = [...transfers.map((t) => t.id), 'duck_bc', 'pg_append', 'pg_real'];
    const run = py(['run', module, ids.join(',')]);
    results = run.result as typeof results;
    output = run.stdout;
    const tables = [...transfers.map((t) => t.target_table), 'h16_copy_bc', 'h16_copy_append', 'h16_copy_real'];
    dumps = py(['dump', postgres.url, tables.join(',')]).result as Record<string, Dumped>;
  }, 600_000);

  afterAll(async () => {
    rmSync(work, { recursive: true, force: true });
    await pool.end();
  });

  it('takes the COPY path from both sources, and the streaming path for the references', () => {
    for (const task of TASKS) {
      expect(paths[task], task).toBe('native');
      expect(results[task]?.path, task).toBe(task === 'pglate_empty' ? 'streaming' : 'native');
      expect(paths[`${task}_ref`], task).toBe('streaming');
      expect(results[`${task}_ref`]?.path, task).toBe('streaming');
    }
    expect(output).not.toContain(postgres.password);
  });

  it.each(TASKS)('%s: same column types and values as the streaming path', (task) => {
    const [s, shape] = task.split('_') as [string, string];
    const got = dumps[`h16_copy_${s}_${shape}`];
    expect(results[task]?.rows).toBe(shape === 'empty' ? 0 : shape === 'shaped' ? 2 : 5);
    expect(got?.rows.length).toBe(results[task]?.rows);
    expect(got).toEqual(dumps[`h16_copy_${s}_${shape}_ref`]);
  });

  it('pglate: typed at run time as the streaming path types them (integers as bigint from Python ints)', () => {
    expect(paths.pglate_full).toBe('native');
    expect(Object.values(dumps.h16_copy_pglate_full?.types ?? {})).toEqual([
      'bigint',
      'bigint',
      'bigint',
      'numeric(18,4)',
      'boolean',
      'date',
      'timestamp without time zone',
      'timestamp without time zone',
      'text',
      'bigint',
      'double precision',
      'text',
      'text',
      'numeric(18,4)',
    ]);
    // An empty source: every column typed text (no value to read), only integers, text and uuid land the same as
    // text through the server's cast: the rest streams, with nothing to move.
    expect(results.pglate_empty).toMatchObject({ rows: 0 });
  });

  it('typed at run time, a float4 or json column streams (Python reads them differently from the cast)', () => {
    expect(paths.pg_real).toBe('native');
    expect(results.pg_real).toMatchObject({ rows: 2, path: 'streaming' });
    expect(output).toMatch(/native path not taken \(column r of type oid 700 lands as double\): streaming/);
    expect(dumps.h16_copy_real?.rows.map((r) => r.slice(0, 2))).toEqual([
      ['1', '1.1'],
      ['2', null],
    ]);
  });

  it.each(SOURCES)('%s: integers at their limits, decimals, NULLs, booleans, dates, times, unicode, long text', (s) => {
    const got = dumps[`h16_copy_${s}_full`] as Dumped;
    expect(Object.entries(got.types).slice(0, 9)).toEqual([
      ['id', 'integer'],
      ['i64', 'bigint'],
      ['i32', 'integer'],
      ['dec', 'numeric(18,4)'],
      ['flag', 'boolean'],
      ['d', 'date'],
      ['ts', 'timestamp without time zone'],
      ['tstz', 'timestamp without time zone'],
      ['txt', 'text'],
    ]);
    const [first, second, third, nulls, long] = got.rows;
    expect(first?.slice(0, 8)).toEqual([
      '1',
      '9223372036854775807',
      '2147483647',
      '12345678901234.5678',
      'true',
      '2024-02-29',
      '2024-02-29 23:59:59.123456',
      // 23:59:59 at +09:00 is 23:59:59 in Asia/Seoul: the session's wall-clock time, on both paths
      '2024-02-29 23:59:59.123456',
    ]);
    expect(second?.slice(1, 9)).toEqual([
      '-9223372036854775808',
      '-2147483648',
      '-0.0001',
      'false',
      '1970-01-01',
      '1970-01-01 00:00:00',
      '2023-03-01 23:59:59.123456',
      '한글 ✓ 🦆 é',
    ]);
    expect(third?.[5]).toBe('9999-12-31');
    expect(third?.[8]).toBe('');
    expect(nulls?.slice(1)).toEqual(Array((nulls?.length ?? 1) - 1).fill(null));
    expect(long?.[8]).toBe(`text(800000)'긴 텍스트 🦆 '...'긴 텍스트 🦆 '`);
  });

  it("pg: the source's own types through the cast the server applies", () => {
    const got = dumps.h16_copy_pg_full as Dumped;
    expect(Object.entries(got.types).slice(9)).toEqual([
      ['small', 'integer'],
      ['dbl', 'double precision'],
      ['uid', 'text'],
      ['vc', 'text'],
      ['wide', 'numeric(18,4)'],
    ]);
    expect(got.rows.map((r) => r.slice(9))).toEqual([
      ['32767', '0.30000000000000004', '00000000-0000-0000-0000-000000000001', 'varchar ✓', '1.2346'],
      ['-32768', '1e+300', 'ffffffff-ffff-ffff-ffff-ffffffffffff', '', '-1.0001'],
      ['0', '-0', null, 'x', '99999999999999.9999'],
      [null, null, null, null, null],
      ['7', 'Infinity', '00000000-0000-0000-0000-000000000003', 'y'.repeat(20), '0.0000'],
    ]);
  });

  it("duck: DuckDB's own types as Python would read them (FLOAT widened, nanoseconds dropped)", () => {
    const got = dumps.h16_copy_duck_full as Dumped;
    expect(Object.entries(got.types).slice(9)).toEqual([
      ['f32', 'double precision'],
      ['tns', 'timestamp without time zone'],
      ['hug', 'bigint'],
      ['uid', 'text'],
      ['js', 'text'],
      ['wide', 'numeric(18,4)'],
    ]);
    const [first, second] = got.rows;
    expect(first?.slice(9, 12)).toEqual(['1.100000023841858', '2024-01-01 00:00:00.999999', '4611686018427387904']);
    expect(second?.slice(9, 14)).toEqual([
      '-3.3999999521443642e+38',
      '1970-01-01 00:00:00',
      '-9223372036854775808',
      'ffffffff-ffff-ffff-ffff-ffffffffffff',
      '{"k": 1, "s": "한 ✓"}',
    ]);
  });

  it('a COPY PostgreSQL refuses mid-stream rolls back and streams: the old table replaced once, nothing kept', () => {
    expect(results.duck_bc).toMatchObject({ rows: 2, path: 'streaming' });
    expect(output).toMatch(/native path failed, nothing kept \(.*\): streaming/);
    expect(dumps.h16_copy_bc?.rows).toEqual([
      ['1', '0044-03-15 BC'],
      ['2', '2024-02-29'],
    ]);
  });

  it('an append into a table of other column types streams: the rows land once, converted', () => {
    expect(results.pg_append).toMatchObject({ rows: 5, path: 'streaming' });
    expect(output).toMatch(/column dbl of "h16_copy_append" is numeric, not double precision/);
    expect(dumps.h16_copy_append?.rows.map((r) => r[1])).toEqual([
      '0.5',
      '0.30000000000000004',
      "text(301)'10000000'...'00000000'",
      '0.0',
      null,
      'Infinity',
    ]);
  });
});
