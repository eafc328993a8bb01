import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { compileDag, introspectSqlite, validateSpec, type SourceColumn } from '@airflow-mcp/pipeline';

/**
 * Issue 16: every source engine into DuckDB lands the same values and types through the native path (DuckDB's
 * scanner, one statement) as through the streaming fallback, which runs when the scanner wheel is missing or built
 * for another duckdb. The generated tasks run in the Airflow virtualenv with the real airflow.sdk, connections from
 * AIRFLOW_CONN_* (as Airflow would pass them), against the test PostgreSQL and MariaDB.
 */
const fixture = join(import.meta.dirname, 'fixtures', 'native_fidelity.py');
const TABLE = 'h16_fidelity';
const COLUMNS: SourceColumn[] = [
  { name: 'id', type: 'integer' },
  { name: 'i64', type: 'bigint' },
  { name: 'i32', type: 'integer' },
  { name: 'dec', type: 'decimal' },
  { name: 'flag', type: 'boolean' },
  { name: 'd', type: 'date' },
  { name: 'ts', type: 'timestamp' },
  { name: 'tstz', type: 'timestamp' },
  { name: 'txt', type: 'text' },
];
const ENGINES = ['sqlite', 'postgres', 'mysql'] as const;
const TASKS = ENGINES.flatMap((e) => [`${e}_full`, `${e}_empty`]);
const MORE_COLUMNS: SourceColumn[] = [
  { name: 'id', type: 'integer' },
  { name: 'n', type: 'decimal' },
  { name: 'j', type: 'text' },
  { name: 'jb', type: 'text' },
  { name: 'tz', type: 'timestamp' },
  { name: 'u', type: 'text' },
];
/**
 * PostgreSQL sources beyond a whole table: renames, a widening cast and a filter (the attached table scanned), a
 * computed column (postgres_query), a view (not a plain table: postgres_query), more types (attached) and a domain
 * (postgres_query: DuckDB reads a domain from a table as text).
 */
const PG_TASKS = {
  postgres_renamed: {
    source_table: TABLE,
    columns: [
      { name: 'id' },
      { name: 'wide', source: 'i32', cast: 'bigint' },
      { name: 'day', source: 'd' },
      { name: 'words', source: 'txt' },
    ],
    filter: 'i32 >= 0 or flag is null',
  },
  postgres_computed: {
    source_table: TABLE,
    columns: [{ name: 'id' }, { name: 'tenfold', expr: 'id * 10', cast: 'bigint' }],
  },
  postgres_view: { source_table: `${TABLE}_view` },
  postgres_more: { source_table: `${TABLE}_more` },
  postgres_domain: { source_table: `${TABLE}_domain` },
} as const;
const ALL_TASKS = [...TASKS, ...Object.keys(PG_TASKS), 'sqlite_mixed'];

interface Dumped {
  types: Record<string, string>;
  rows: string[][];
}

describe('native transfer path: type fidelity against the streaming fallback', () => {
  const { python, env: airflowEnv } = inject('airflow');
  const postgres = inject('postgres');
  const mysql = inject('mysql');
  const work = mkdtempSync(join(tmpdir(), 'h16-fidelity-'));
  const sqlitePath = join(work, 'source.db');
  // A scanner wheel built for another duckdb: the real extension file under another version's folder, first on
  // PYTHONPATH, so the task finds it instead of the one in the lock.
  const mismatched = join(work, 'mismatched');
  const env = (extra: Record<string, string> = {}) => ({
    ...process.env,
    ...airflowEnv,
    AIRFLOW_CONN_H16_PG: postgres.url,
    AIRFLOW_CONN_H16_MYSQL: mysql.url,
    PYTHONDONTWRITEBYTECODE: '1',
    ...extra,
  });
  const py = (args: string[], extra?: Record<string, string>) => {
    const r = spawnSync(python, [fixture, ...args], { encoding: 'utf8', env: env(extra), maxBuffer: 1 << 26 });
    if (r.status !== 0) throw new Error(`native_fidelity.py ${args[0]} failed:\n${r.stderr.slice(-4000)}`);
    return { result: JSON.parse(r.stdout.trim().split('\n').pop() as string) as unknown, stdout: r.stdout };
  };
  const dumps: Record<string, Record<string, Dumped>> = {};
  const outputs: Record<string, string> = {};
  const results: Record<string, Record<string, { rows: number; path: string }>> = {};

  beforeAll(async () => {
    py(['sources', sqlitePath, postgres.url, mysql.url, TABLE]);
    expect((await introspectSqlite(sqlitePath, TABLE)).rowCount).toBe(5);
    for (const engine of ENGINES) {
      const name = `duckdb_extension_${engine}_scanner`;
      const site = spawnSync(python, ['-c', `import ${name} as m; print(m.__path__[0])`], {
        encoding: 'utf8',
      }).stdout.trim();
      const fake = join(mismatched, name);
      mkdirSync(join(fake, 'extensions', 'v1.4.9'), { recursive: true });
      writeFileSync(join(fake, '__init__.py'), '');
      cpSync(
        join(site, 'extensions', 'v1.5.5', `${engine}_scanner.duckdb_extension`),
        join(fake, 'extensions', 'v1.4.9', `${engine}_scanner.duckdb_extension`),
      );
    }
    const source = {
      sqlite: { kind: 'sqlite', path: sqlitePath },
      postgres: { kind: 'postgres', conn_id: 'h16_pg' },
      mysql: { kind: 'mysql', conn_id: 'h16_mysql' },
    } as const;
    for (const variant of ['native', 'mismatch'] as const) {
      const target = { kind: 'duckdb', path: join(work, `${variant}.duckdb`) } as const;
      const spec = validateSpec({
        dag_id: `h16_fidelity_${variant}`,
        description: 'type fidelity',
        tasks: [
          ...ENGINES.flatMap((engine) =>
            ['full', 'empty'].map((which) => ({
              type: 'transfer',
              id: `${engine}_${which}`,
              source: source[engine],
              source_table: which === 'full' ? TABLE : `${TABLE}_empty`,
              target,
              target_table: `${engine}_${which}`,
            })),
          ),
          ...Object.entries(PG_TASKS).map(([id, task]) => ({
            type: 'transfer',
            id,
            source: source.postgres,
            target,
            target_table: id,
            ...task,
          })),
          {
            type: 'transfer',
            id: 'sqlite_mixed',
            source: source.sqlite,
            source_table: `${TABLE}_mixed`,
            target,
            target_table: 'sqlite_mixed',
          },
        ],
      });
      // The declared types of every source (SQLite's own declarations, introspected, would read INTEGER as bigint)
      const sourceColumns = {
        ...Object.fromEntries(
          [...TASKS, 'postgres_renamed', 'postgres_computed', 'postgres_view'].map((id) => [id, COLUMNS]),
        ),
        postgres_more: MORE_COLUMNS,
        postgres_domain: [
          { name: 'id', type: 'integer' },
          { name: 'p', type: 'integer' },
        ] satisfies SourceColumn[],
        sqlite_mixed: [
          { name: 'id', type: 'integer' },
          { name: 'v', type: 'double' },
        ] satisfies SourceColumn[],
      };
      const module = join(work, `dag_${variant}.py`);
      writeFileSync(module, compileDag(spec, { airflowMajor: 3, sourceColumns }).code);
      const run = py(['run', module, ALL_TASKS.join(',')], variant === 'mismatch' ? { PYTHONPATH: mismatched } : {});
      results[variant] = run.result as Record<string, { rows: number; path: string }>;
      outputs[variant] = run.stdout;
      dumps[variant] = py(['dump', target.path, ALL_TASKS.join(',')]).result as Record<string, Dumped>;
    }
  }, 600_000);

  afterAll(() => rmSync(work, { recursive: true, force: true }));

  it('takes the native path with the wheels of the lock, and streams when the wheel is built for another duckdb', () => {
    for (const task of TASKS) expect(results.native?.[task]?.path, task).toBe('native');
    for (const task of TASKS) expect(results.mismatch?.[task]?.path, task).toBe('streaming');
    for (const e of ENGINES) {
      expect(outputs.mismatch).toContain(`duckdb-extension-${e}-scanner is built for v1.4.9, not duckdb v1.5.5`);
    }
    expect(outputs.native).not.toContain(postgres.password);
  });

  it.each(TASKS)('%s: same types and values on both paths', (task) => {
    expect(results.native?.[task]?.rows).toBe(task.endsWith('empty') ? 0 : 5);
    expect(dumps.native?.[task]).toEqual(dumps.mismatch?.[task]);
  });

  it.each(ENGINES)('%s: integers at their limits, decimals, NULLs, booleans, dates, unicode and long text', (e) => {
    const got = dumps.native?.[`${e}_full`] as Dumped;
    expect(got.types).toEqual({
      id: 'INTEGER',
      i64: 'BIGINT',
      i32: 'INTEGER',
      dec: 'DECIMAL(18,4)',
      flag: 'BOOLEAN',
      d: 'DATE',
      ts: 'TIMESTAMP',
      tstz: 'TIMESTAMP',
      txt: 'VARCHAR',
    });
    const [first, second, third, nulls, long] = got.rows;
    expect(first?.slice(1, 7)).toEqual([
      '9223372036854775807',
      '2147483647',
      // SQLite's NUMERIC affinity keeps this decimal as a REAL (8 bytes): both paths read what SQLite stored
      e === 'sqlite' ? "Decimal('12345678901234.5680')" : "Decimal('12345678901234.5678')",
      'True',
      'datetime.date(2024, 2, 29)',
      'datetime.datetime(2024, 2, 29, 23, 59, 59, 123456)',
    ]);
    expect(second?.slice(1, 5)).toEqual(['-9223372036854775808', '-2147483648', "Decimal('-0.0001')", 'False']);
    expect(second?.[8]).toBe("'한글 ✓ 🦆 é'");
    expect(third?.[5]).toBe('datetime.date(9999, 12, 31)');
    expect(third?.[8]).toBe("''");
    expect(nulls?.slice(1)).toEqual(Array(8).fill('None'));
    expect(long?.[8]).toBe(`text(800000)'긴 텍스트 🦆 '...'긴 텍스트 🦆 '`);
  });

  it.each(Object.keys(PG_TASKS))('%s: same types and values on both paths', (task) => {
    expect(results.native?.[task]?.path).toBe('native');
    expect(results.mismatch?.[task]?.path).toBe('streaming');
    const rows = { postgres_more: 3, postgres_domain: 3, postgres_renamed: 4 } as Record<string, number>;
    expect(dumps.native?.[task]?.rows.length).toBe(rows[task] ?? 5);
    expect(dumps.native?.[task]).toEqual(dumps.mismatch?.[task]);
  });

  it('scans the attached PostgreSQL table unless the server resolves its name to another table, a view or a domain', () => {
    const said = (task: string) => {
      const code = readFileSync(join(work, 'dag_native.py'), 'utf8');
      const at = code.indexOf(`def t_${task}():`);
      return /# Transfer path: native, (.*)\./.exec(code.slice(at))?.[1];
    };
    expect(said('postgres_full')).toMatch(
      /^one DuckDB statement through the postgres scanner, scanning the attached table/,
    );
    expect(said('postgres_renamed')).toMatch(/scanning the attached table/);
    expect(said('postgres_computed')).toMatch(
      /through postgres_query \(the computed column tenfold is evaluated by the server\)/,
    );
    // The runs print which read each attached task took: the view and the domain through postgres_query.
    const scanned = outputs.native?.match(/native path: scanning the attached table/g) ?? [];
    expect(scanned).toHaveLength(4); // postgres_full, postgres_empty, postgres_renamed, postgres_more
    const refused = 'native path: the source is not a plain table in public of base types only: postgres_query';
    expect(outputs.native?.split(refused)).toHaveLength(3); // postgres_view, postgres_domain
    expect(dumps.native?.postgres_domain?.rows).toEqual([
      ['1', '5'],
      ['2', 'None'],
      ['3', '2147483647'],
    ]);
    expect(dumps.native?.postgres_more?.types).toEqual({
      id: 'INTEGER',
      n: 'DECIMAL(18,4)',
      j: 'VARCHAR',
      jb: 'VARCHAR',
      tz: 'TIMESTAMP',
      u: 'VARCHAR',
    });
  });

  it('empty sources land as empty tables with the same columns', () => {
    for (const e of ENGINES) {
      expect(dumps.native?.[`${e}_empty`]?.rows).toEqual([]);
      expect(Object.keys(dumps.native?.[`${e}_empty`]?.types ?? {})).toEqual(COLUMNS.map((c) => c.name));
    }
  });

  it('a statement the scanner fails on rolls back and streams: the rows land, the reason is printed', () => {
    expect(results.native?.sqlite_mixed).toMatchObject({ rows: 2, path: 'streaming' });
    expect(outputs.native).toMatch(/native path failed, nothing kept \(.*\): streaming/);
    expect(dumps.native?.sqlite_mixed?.rows).toEqual([
      ['1', '1.5'],
      ['2', '7.0'],
    ]);
  });

  it('a connection the scanner cannot open: the task fails with no password in any output', () => {
    const wrong = 'h16-Wrong-Pa55word';
    const url = new URL(postgres.url);
    url.password = wrong;
    const spec = validateSpec({
      dag_id: 'h16_fidelity_bad_password',
      tasks: [
        {
          type: 'transfer',
          id: 'postgres_bad',
          source: { kind: 'postgres', conn_id: 'h16_pg_bad' },
          source_table: TABLE,
          target: { kind: 'duckdb', path: join(work, 'bad.duckdb') },
          target_table: 'bad',
        },
      ],
    });
    const module = join(work, 'dag_bad.py');
    writeFileSync(module, compileDag(spec, { airflowMajor: 3, sourceColumns: { postgres_bad: COLUMNS } }).code);
    const r = spawnSync(python, [fixture, 'run', module, 'postgres_bad'], {
      encoding: 'utf8',
      env: env({ AIRFLOW_CONN_H16_PG_BAD: url.toString() }),
    });
    expect(r.status).not.toBe(0);
    expect(r.stdout).toMatch(/native path failed, nothing kept \(.*\*\*\*.*\): streaming/);
    expect(r.stderr).toMatch(/password authentication failed/);
    expect(`${r.stdout}\n${r.stderr}`).not.toContain(wrong);
  });
});
