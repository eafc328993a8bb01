import { AppError } from '@airflow-mcp/core';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { introspectSqlite } from '../introspect/introspect-sqlite.js';
import { createSampleDatabase } from '../sample/create-sample-database.js';
import { checkSpec, type CheckSpecOptions, type SpecRungOutcome } from './check-spec.js';

let dir: string;
let steps: SpecRungOutcome[];

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'check-spec-'));
  createSampleDatabase(join(dir, 'shop.db'), { events: 50, users: 10 });
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function options(patch: Partial<CheckSpecOptions> = {}): CheckSpecOptions {
  steps = [];
  return {
    allowedDataDirs: [dir],
    introspect: async (connection, table) =>
      connection.kind === 'sqlite' ? introspectSqlite(connection.path, table) : undefined,
    airflowMajor: () => 3,
    onStep: (outcome) => steps.push(outcome),
    ...patch,
  };
}

const load = {
  type: 'transfer',
  id: 'load',
  source: { kind: 'sqlite', path: 'shop.db' },
  source_table: 'events',
  target: { kind: 'duckdb', path: 'out.duckdb' },
  target_table: 'purchases',
};
const spec = (tasks: unknown[], extra: Record<string, unknown> = {}) => ({
  dag_id: 'check_spec_case',
  tasks,
  ...extra,
});

async function failure(input: unknown, patch: Partial<CheckSpecOptions> = {}): Promise<AppError> {
  const error = await checkSpec(input, options(patch)).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(AppError);
  return error as AppError;
}

describe('checkSpec', () => {
  it('runs every rung in order and returns the spec with absolute paths, typed by the source', async () => {
    const { spec: checked, compiled } = await checkSpec(
      spec([{ ...load, columns: [{ name: 'id', source: 'event_id' }, { name: 'amount' }] }], {
        description: 'copy with password=hunter2',
      }),
      options(),
    );
    expect(steps).toEqual([
      { step: 'spec-schema', ok: true },
      { step: 'data-paths', ok: true },
      { step: 'source-schema', ok: true },
      { step: 'compile', ok: true },
    ]);
    expect(checked.tasks[0]).toMatchObject({ source: { path: join(dir, 'shop.db') } });
    expect(checked.description).not.toContain('hunter2');
    expect(compiled.code).toContain('SELECT \\"event_id\\" AS \\"id\\", \\"amount\\" AS \\"amount\\" FROM');
    expect(compiled.code).not.toContain('hunter2');
  });

  it.each([
    ['schema', spec([{ ...load, source_table: 'x;y' }]), 'schema', /tasks\.0\.source_table/],
    [
      'a path outside the folders',
      spec([{ ...load, source: { kind: 'sqlite', path: '../x.db' } }]),
      'paths',
      /outside/,
    ],
    ['a missing table', spec([{ ...load, source_table: 'orders' }]), 'source-schema', /no table "orders".*events/],
    [
      'a missing column',
      spec([{ ...load, columns: [{ name: 'amount_usd' }] }]),
      'source-schema',
      /source table events has no column "amount_usd"/,
    ],
    [
      'a column of an expression',
      spec([{ ...load, columns: [{ name: 'net', expr: 'price * 1.1' }] }]),
      'source-schema',
      /unknown column "price"/,
    ],
    ['a column of the filter', spec([{ ...load, filter: "status = 'x'" }]), 'source-schema', /unknown column "status"/],
    [
      'an upsert key the target will not have',
      spec([{ ...load, mode: 'upsert', keys: ['order_id'] }]),
      'source-schema',
      /"order_id" is not one of the target columns/,
    ],
    [
      'a check on a column the target will not have',
      spec([
        { ...load, columns: [{ name: 'event_id' }] },
        {
          type: 'quality_check',
          id: 'check',
          connection: { kind: 'duckdb', path: 'out.duckdb' },
          table: 'purchases',
          checks: [{ kind: 'not_null', column: 'user_id' }],
        },
      ]),
      'source-schema',
      /not_null check names column "user_id", which table purchases will not have/,
    ],
    ['an expression the allow-list refuses', spec([{ ...load, filter: 'amount > (' }]), 'compile', /not allowed/],
  ])('stops at %s with the step named', async (_name, input, step, why) => {
    const error = await failure(input);
    expect(error.details?.['step']).toBe(step);
    expect(error.message).toMatch(why);
    const last = steps.at(-1);
    expect(last?.ok).toBe(false);
    expect(steps.filter((s) => !s.ok)).toHaveLength(1);
  });

  it('takes the columns of a table this DAG writes first as given, and checks the check against them', async () => {
    const chained = spec(
      [
        { ...load, columns: [{ name: 'event_id' }, { name: 'amount' }] },
        { ...load, id: 'again', source: load.target, source_table: 'purchases', target_table: 'purchases_copy' },
      ],
      { dependencies: [['load', 'again']] },
    );
    const asked: string[] = [];
    await checkSpec(chained, {
      ...options(),
      introspect: async (connection, table) => {
        asked.push(`${connection.kind}#${table}`);
        return connection.kind === 'sqlite' ? introspectSqlite(connection.path, table) : undefined;
      },
    });
    expect(asked).toEqual(['sqlite#events']);
  });

  it('leaves a source it cannot read from here to the compiler, and lets beforeCompile change the spec', async () => {
    const { spec: checked, compiled } = await checkSpec(spec([{ ...load, columns: [{ name: 'anything' }] }]), {
      ...options({ introspect: async () => undefined }),
      beforeCompile: async (s) => ({ ...s, dag_id: 'check_spec_case_2' }),
    });
    expect(checked.dag_id).toBe('check_spec_case_2');
    expect(compiled.dagId).toBe('check_spec_case_2');
  });

  it('asks the Airflow version only once the spec got to the compile', async () => {
    let asked = 0;
    await failure(spec([{ ...load, source_table: 'orders' }]), { airflowMajor: () => (asked++, 3) });
    expect(asked).toBe(0);
  });
});
