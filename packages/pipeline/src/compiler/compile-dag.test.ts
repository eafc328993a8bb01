import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { validateSpec } from '../validate/validate-spec.js';
import { compileDag, specHash } from './compile-dag.js';
import type { SourceColumn } from './render-transfer.js';

const goldenDir = join(import.meta.dirname, '..', '..', 'test', 'golden');
const cases = readdirSync(goldenDir).filter((d) => existsSync(join(goldenDir, d, 'spec.json')));

/** Columns the golden cases assume their SQLite sources have (what introspection would report). */
const SAMPLE: Record<string, SourceColumn[]> = {
  events: [
    { name: 'event_id', type: 'bigint' },
    { name: 'user_id', type: 'bigint' },
    { name: 'event_type', type: 'text' },
    { name: 'amount', type: 'double' },
    { name: 'country', type: 'text' },
    { name: 'timestamp', type: 'timestamp' },
  ],
  users: [
    { name: 'id', type: 'bigint' },
    { name: 'email', type: 'text' },
    { name: 'country', type: 'text' },
    { name: 'signed_up_at', type: 'timestamp' },
  ],
};

function compileCase(name: string) {
  const spec = validateSpec(JSON.parse(readFileSync(join(goldenDir, name, 'spec.json'), 'utf8')));
  // Other sources' columns, by task id, from the case's source-columns.json (what introspection would report).
  const given = join(goldenDir, name, 'source-columns.json');
  const sourceColumns = {
    ...Object.fromEntries(
      spec.tasks.flatMap((t) =>
        t.type === 'transfer' && t.source.kind === 'sqlite' ? [[t.id, SAMPLE[t.source_table] ?? []]] : [],
      ),
    ),
    ...(existsSync(given) ? (JSON.parse(readFileSync(given, 'utf8')) as Record<string, SourceColumn[]>) : {}),
  };
  return { spec, compiled: compileDag(spec, { airflowMajor: 3, sourceColumns }) };
}

describe('compiler golden files (UPDATE_GOLDEN=1 rewrites them)', () => {
  it('has cases', () => expect(cases.length).toBeGreaterThanOrEqual(4));
  it.each(cases)('%s', (name) => {
    const { compiled } = compileCase(name);
    const file = join(goldenDir, name, 'dag.py');
    if (process.env.UPDATE_GOLDEN === '1' || !existsSync(file)) writeFileSync(file, compiled.code);
    expect(compiled.code).toBe(readFileSync(file, 'utf8'));
  });
});

describe('compileDag', () => {
  it('is deterministic and hashes specs independently of key order', () => {
    const a = compileCase('sqlite_to_duckdb');
    const b = compileCase('sqlite_to_duckdb');
    expect(a.compiled.code).toBe(b.compiled.code);
    const reverse = (v: unknown): unknown =>
      Array.isArray(v)
        ? v.map(reverse)
        : v && typeof v === 'object'
          ? Object.fromEntries(
              Object.entries(v)
                .reverse()
                .map(([k, x]) => [k, reverse(x)]),
            )
          : v;
    const reordered = reverse(a.spec) as typeof a.spec;
    expect(Object.keys(reordered)[0]).not.toBe(Object.keys(a.spec)[0]);
    expect(specHash(reordered)).toBe(a.compiled.specHash);
  });

  it('keeps hostile text in escaped literals', () => {
    const spec = validateSpec({
      dag_id: 'hostile',
      description: '"""\nimport os\nos.system("rm -rf /")\n"""',
      tasks: [
        {
          type: 'transfer',
          id: 'load',
          source: { kind: 'sqlite', path: '/w/a".db' },
          source_table: 'events',
          filter: 'event_type = \'"""; import os\'',
          target: { kind: 'duckdb', path: '/w/b.duckdb' },
          target_table: 'out',
        },
      ],
    });
    const { code } = compileDag(spec, { airflowMajor: 3, sourceColumns: { load: SAMPLE.events ?? [] } });
    expect(code).not.toMatch(/^import os/m);
    expect(code).not.toMatch(/^os\.system/m);
    expect(code).toContain(JSON.stringify('/w/a".db'));
    expect(code).toContain('description="\\"\\"\\"\\nimport os');
  });

  it('doubles literal % in the incremental query of %s-style drivers, not in the first-run one', () => {
    const compileWith = (kind: 'postgres' | 'mysql' | 'sqlite') => {
      const source =
        kind === 'sqlite' ? { kind, path: '/w/a.db' } : { kind, conn_id: kind === 'mysql' ? 'shop' : 'pg' };
      const spec = validateSpec({
        dag_id: `inc_${kind}`,
        tasks: [
          {
            type: 'transfer',
            id: 'load',
            source,
            source_table: 'events',
            filter: "event_type like 'pur%' and amount % 2 = 0",
            target: { kind: 'duckdb', path: '/w/b.duckdb' },
            target_table: 'out',
            mode: 'incremental',
            watermark_column: 'timestamp',
          },
        ],
      });
      return compileDag(spec, { airflowMajor: 3, sourceColumns: { load: SAMPLE.events ?? [] } }).code;
    };
    const mysql = compileWith('mysql');
    expect(mysql).toContain("WHERE ((`event_type` LIKE 'pur%') AND ((`amount` % 2) = 0))\"\n");
    expect(mysql).toContain("WHERE ((`event_type` LIKE 'pur%%') AND ((`amount` %% 2) = 0)) AND (`timestamp`) > %s");
    expect(mysql).toContain('cur = _stream_mysql(src, source_sql, params)');
    expect(compileWith('postgres')).toContain(
      `LIKE 'pur%%') AND ((\\"amount\\" %% 2) = 0)) AND (\\"timestamp\\") > %s`,
    );
    expect(compileWith('sqlite')).toContain(`LIKE 'pur%') AND ((\\"amount\\" % 2) = 0)) AND (\\"timestamp\\") > ?`);
  });

  it('emits Airflow 2 imports when asked', () => {
    const { spec } = compileCase('sqlite_to_duckdb');
    expect(compileDag(spec, { airflowMajor: 2 }).code).toContain('from airflow.decorators import dag, task');
  });

  it('imports the failure alert hook from where each Airflow has it (no Task SDK on Airflow 2)', () => {
    const { spec } = compileCase('postgres_to_mysql');
    const two = compileDag(spec, { airflowMajor: 2 }).code;
    expect(two).toContain('from airflow.hooks.base import BaseHook');
    expect(two).not.toContain('airflow.sdk');
    expect(compileDag(spec, { airflowMajor: 3 }).code).toContain('from airflow.sdk import BaseHook');
  });
});
