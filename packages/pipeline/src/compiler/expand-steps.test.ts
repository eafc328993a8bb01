import { describe, expect, it } from 'vitest';
import { validateSpec } from '../validate/validate-spec.js';
import { expandSteps, stepIds } from './expand-steps.js';

const source = { kind: 'sqlite', path: '/w/shop.db' } as const;
const target = { kind: 'duckdb', path: '/w/out.duckdb' } as const;
const staging = { kind: 'duckdb', path: '/w/staging/two.duckdb' } as const;
const columns = [
  { name: 'id', type: 'bigint' as const },
  { name: 'total', type: 'double' as const },
  { name: 'status', type: 'text' as const },
];

function twoTables(extra: Record<string, unknown> = {}) {
  return validateSpec({
    dag_id: 'two_in_steps',
    ...extra,
    tasks: [
      {
        type: 'transfer',
        id: 'load_orders',
        source,
        source_table: 'orders',
        columns: [
          { name: 'order_id', source: 'id' },
          { name: 'total_net', expr: 'total * 1.1' },
        ],
        filter: "status <> 'cancelled'",
        target,
        target_table: 'orders',
        mode: 'upsert',
        keys: ['order_id'],
      },
      { type: 'transfer', id: 'load_customers', source, source_table: 'customers', target, target_table: 'customers' },
      {
        type: 'quality_check',
        id: 'validate_orders',
        connection: target,
        table: 'orders',
        checks: [{ kind: 'not_null', column: 'order_id' }],
      },
    ],
    dependencies: [['load_orders', 'validate_orders']],
  });
}

describe('expandSteps', () => {
  it('leaves a spec without staging as it is', () => {
    const spec = twoTables();
    const graph = expandSteps(spec, { load_orders: columns });
    expect(graph.tasks).toBe(spec.tasks);
    expect(graph.dependencies).toEqual([['load_orders', 'validate_orders']]);
  });

  it('turns each transfer into extract >> transform >> load through the staging file, checks after the load', () => {
    const graph = expandSteps(twoTables({ staging }), { load_orders: columns });
    expect(graph.tasks.map((t) => t.id)).toEqual([
      'extract_orders',
      'transform_orders',
      'load_orders',
      'extract_customers',
      'transform_customers',
      'load_customers',
      'validate_orders',
    ]);
    expect(graph.dependencies).toEqual([
      ['extract_orders', 'transform_orders'],
      ['transform_orders', 'load_orders'],
      ['extract_customers', 'transform_customers'],
      ['transform_customers', 'load_customers'],
      ['load_orders', 'validate_orders'],
    ]);
    const [extract, transform, load] = graph.tasks;
    // Extract: the source table as is, replaced in staging each run.
    expect(extract).toMatchObject({ source, source_table: 'orders', columns: [], target: staging, mode: 'replace' });
    expect(extract).toMatchObject({ target_table: 'extract_orders', keys: [], filter: undefined });
    // Transform: the columns and filter, staging to staging.
    expect(transform).toMatchObject({ source: staging, source_table: 'extract_orders', target: staging });
    expect(transform).toMatchObject({
      target_table: 'transform_orders',
      filter: "status <> 'cancelled'",
      mode: 'replace',
    });
    expect(transform?.type === 'transfer' && transform.columns.map((c) => c.name)).toEqual(['order_id', 'total_net']);
    // Load: the transformed rows into the target with the transfer's mode and keys.
    expect(load).toMatchObject({ source: staging, source_table: 'transform_orders', target, target_table: 'orders' });
    expect(load).toMatchObject({ columns: [], filter: undefined, mode: 'upsert', keys: ['order_id'] });
    // Each step reads the columns the step before wrote.
    expect(graph.sourceColumns.extract_orders).toEqual(columns);
    expect(graph.sourceColumns.transform_orders?.map((c) => c.name)).toEqual(['id', 'total', 'status']);
    expect(graph.sourceColumns.load_orders?.map((c) => c.name)).toEqual(['order_id', 'total_net']);
  });

  it('runs what came before a transfer before its extract', () => {
    const spec = twoTables({ staging });
    spec.dependencies.push(['load_customers', 'load_orders']);
    const graph = expandSteps(spec);
    expect(graph.dependencies).toContainEqual(['load_customers', 'extract_orders']);
    expect(graph.dependencies).not.toContainEqual(['load_customers', 'load_orders']);
  });

  it('refuses a spec whose own task ids take a step id', () => {
    const spec = twoTables({ staging });
    spec.tasks.push({ type: 'sql', id: 'transform_customers', connection: target, sql: 'SELECT 1' });
    expect(() => expandSteps(spec)).toThrow(/need the task id "transform_customers"/);
  });

  it('names the steps of a transfer whose id does not start with load_', () => {
    expect(stepIds('orders')).toEqual({ extract: 'extract_orders', transform: 'transform_orders', load: 'orders' });
  });

  it('accepts only a DuckDB staging file', () => {
    expect(() => twoTables({ staging: { kind: 'duckdb', path: '/w/staging.db' } })).toThrow(/\.duckdb or \.ddb/);
    expect(() => twoTables({ staging: { kind: 'sqlite', path: '/w/staging.db' } })).toThrow();
  });
});
