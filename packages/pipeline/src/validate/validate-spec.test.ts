import { mkdirSync, mkdtempSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { resolveDataPaths } from './resolve-data-paths.js';
import { validateSchedule } from './validate-schedule.js';
import { validateSpec } from './validate-spec.js';

const transfer = {
  type: 'transfer',
  id: 'load',
  source: { kind: 'sqlite', path: 'in.db' },
  source_table: 'events',
  target: { kind: 'duckdb', path: 'out.duckdb' },
  target_table: 'events',
};

describe('validateSpec', () => {
  it('fills defaults', () => {
    const spec = validateSpec({ dag_id: 'my_dag', tasks: [transfer] });
    expect(spec).toMatchObject({ schedule: null, retries: 1, catchup: false, owner: 'airflow-mcp' });
    expect(spec.tasks[0]).toMatchObject({ mode: 'replace', batch_size: 10_000, columns: [] });
  });

  it('holds every statement a spec carries against its engine (sql tasks and custom_sql checks)', () => {
    const duck = { kind: 'duckdb', path: 'out.duckdb' };
    const copy = { type: 'sql', id: 'evil', connection: duck, sql: "COPY (SELECT 1) TO '/dags/x.py'" };
    const read = {
      type: 'quality_check',
      id: 'check',
      connection: { kind: 'postgres', conn_id: 'warehouse' },
      table: 'events',
      checks: [{ kind: 'custom_sql', name: 'leak', sql: "SELECT pg_read_file('/etc/passwd')" }],
    };
    const refusal = (tasks: unknown[]) => {
      try {
        validateSpec({ dag_id: 'my_dag', tasks: [transfer, ...tasks] });
      } catch (error) {
        return error as { message: string; details: Record<string, unknown> };
      }
      return undefined;
    };
    expect(refusal([copy])).toMatchObject({ message: /^Task evil: COPY is not allowed/, details: { step: 'sql' } });
    expect(refusal([read])?.message).toMatch(/^Task check, check leak: the function pg_read_file\(\)/);
    const ok = { ...copy, sql: 'CREATE OR REPLACE TABLE n AS SELECT COUNT(*) AS n FROM events' };
    expect(refusal([ok])).toBeUndefined();
  });

  it('refuses a PostgreSQL schema the tasks would not use, naming the connection setting that does it', () => {
    const pg = (schema?: string) => ({ kind: 'postgres', conn_id: 'warehouse_pg', ...(schema ? { schema } : {}) });
    const withSource = (schema?: string) => ({ dag_id: 'my_dag', tasks: [{ ...transfer, source: pg(schema) }] });
    expect(() => validateSpec(withSource('sales'))).toThrow(
      /Task load: PostgreSQL schema "sales" on connection "warehouse_pg" is not supported.*search_path=sales/s,
    );
    const check = {
      type: 'quality_check',
      id: 'check',
      connection: pg('staging'),
      table: 'events',
      checks: [{ kind: 'row_count', min: 1 }],
    };
    expect(() => validateSpec({ dag_id: 'my_dag', tasks: [transfer, check] })).toThrow(/schema "staging"/);
    expect(validateSpec(withSource('public')).tasks[0]).toMatchObject({ source: pg('public') });
    expect(validateSpec(withSource()).tasks[0]).toMatchObject({ source: pg() });
  });

  it('lists every schema problem with its path', () => {
    expect(() => validateSpec({ dag_id: 'Bad-Id', tasks: [{ ...transfer, source_table: 'x;y' }] })).toThrow(
      /dag_id[\s\S]*tasks\.0\.source_table/,
    );
  });

  it.each([
    [{ dependencies: [['load', 'nope']] }, /unknown task "nope"/],
    [{ dependencies: [['load', 'load']] }, /depends on itself/],
    [{ tasks: [transfer, transfer] }, /duplicate task ids load/],
    [{ tasks: [{ ...transfer, mode: 'upsert' }] }, /upsert" needs keys/],
    [{ tasks: [{ ...transfer, mode: 'incremental' }] }, /needs watermark_column/],
    [{ tasks: [{ ...transfer, target: transfer.source, target_table: 'EVENTS' }] }, /same table/],
    [{ schedule: '61 * * * *' }, /minute field "61"/],
    [{ schedule: 'every day' }, /5 fields/],
  ])('refuses %j', (patch, why) => {
    expect(() => validateSpec({ dag_id: 'my_dag', tasks: [transfer], ...patch })).toThrow(why);
  });

  it('finds cycles', () => {
    const b = { ...transfer, id: 'b' };
    expect(() =>
      validateSpec({
        dag_id: 'my_dag',
        tasks: [transfer, b],
        dependencies: [
          ['load', 'b'],
          ['b', 'load'],
        ],
      }),
    ).toThrow(/cycle among load, b/);
  });

  it('accepts presets, cron ranges and steps', () => {
    for (const s of [null, '@daily', '@hourly', '0 2 * * *', '*/15 0-6 1,15 * 1-5'])
      expect(() => validateSchedule(s)).not.toThrow();
  });
});

describe('resolveDataPaths', () => {
  const root = mkdtempSync(join(tmpdir(), 'paths-'));
  const allowed = join(root, 'warehouse');
  mkdirSync(allowed);
  const spec = (path: string) =>
    validateSpec({ dag_id: 'my_dag', tasks: [{ ...transfer, source: { kind: 'sqlite', path } }] });

  it('resolves relative paths against the first allowed folder', () => {
    const out = resolveDataPaths(spec('sub/in.db'), [allowed]);
    expect(out.tasks[0]).toMatchObject({ source: { path: join(allowed, 'sub', 'in.db') } });
  });

  it.each(['../in.db', '/etc/in.db', 'sub/../../in.db'])('refuses %s', (path) => {
    expect(() => resolveDataPaths(spec(path), [allowed])).toThrow(/outside the allowed data folders/);
  });

  it('refuses a symlink that leads out', () => {
    symlinkSync(root, join(allowed, 'link'));
    expect(() => resolveDataPaths(spec('link/in.db'), [allowed])).toThrow(/outside the allowed data folders/);
  });
});
