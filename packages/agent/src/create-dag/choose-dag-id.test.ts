import { AppError } from '@airflow-mcp/core';
import { specHash, validateSpec, type PipelineSpec } from '@airflow-mcp/pipeline';
import { describe, expect, it } from 'vitest';
import { chooseDagId, type ExistingDag } from './choose-dag-id.js';

function pipeline(dagId: string, targetTable: string, filter?: string): PipelineSpec {
  return validateSpec({
    dag_id: dagId,
    tasks: [
      {
        type: 'transfer',
        id: 'load',
        source: { kind: 'sqlite', path: '/data/shop.db' },
        source_table: 'orders',
        target: { kind: 'duckdb', path: '/data/out.duckdb' },
        target_table: targetTable,
        ...(filter ? { filter } : {}),
      },
    ],
  });
}

/** DAG ids already held, each by a spec (its hash as deployed). */
function holding(...specs: PipelineSpec[]) {
  const byId = new Map<string, ExistingDag>(specs.map((s) => [s.dag_id, { specHash: specHash(s), spec: s }]));
  const asked: string[] = [];
  return {
    asked,
    existing: async (dagId: string) => {
      asked.push(dagId);
      return byId.get(dagId);
    },
  };
}

const choose = (spec: PipelineSpec, existing: ReturnType<typeof holding>, given = false, replace = false) =>
  chooseDagId({ spec, given, replace, existing: existing.existing });

describe('chooseDagId', () => {
  it('keeps a free id, and an id that holds this very spec (idempotent)', async () => {
    const spec = pipeline('sqlite_orders_to_duckdb', 'orders');
    expect(await choose(spec, holding())).toEqual({ spec, notes: [] });
    expect(await choose(spec, holding(spec), true)).toEqual({ spec, notes: [] });
  });

  it('moves a derived id off another pipeline: first to the target table, then to a numeric suffix', async () => {
    const first = pipeline('sqlite_orders_to_duckdb', 'orders');
    const paid = pipeline('sqlite_orders_to_duckdb', 'paid_orders', "status = 'paid'");
    const moved = await choose(paid, holding(first));
    expect(moved.spec.dag_id).toBe('sqlite_orders_to_duckdb_paid_orders');
    expect(moved.spec.tasks).toEqual(paid.tasks);
    expect(moved.notes[0]).toContain('"sqlite_orders_to_duckdb" belongs to another pipeline');
    expect(moved.notes[0]).toContain('sqlite:/data/shop.db#orders -> duckdb:/data/out.duckdb#orders');
    expect(moved.notes[0]).toContain('update_dag');

    // The target table is in the id already: straight to _2, then _3 past a taken _2.
    const cheap = pipeline('sqlite_orders_to_duckdb', 'orders', 'amount < 10');
    expect((await choose(cheap, holding(first))).spec.dag_id).toBe('sqlite_orders_to_duckdb_2');
    const taken = pipeline('sqlite_orders_to_duckdb_2', 'orders', 'amount > 99');
    const existing = holding(first, taken);
    expect((await choose(cheap, existing)).spec.dag_id).toBe('sqlite_orders_to_duckdb_3');
    expect(existing.asked).toEqual([
      'sqlite_orders_to_duckdb',
      'sqlite_orders_to_duckdb_2',
      'sqlite_orders_to_duckdb_3',
    ]);
  });

  it('finds the same derived request again under the id it moved to (no new pipeline each time)', async () => {
    const first = pipeline('sqlite_orders_to_duckdb', 'orders');
    const cheap = pipeline('sqlite_orders_to_duckdb', 'orders', 'amount < 10');
    const deployed = { ...cheap, dag_id: 'sqlite_orders_to_duckdb_2' };
    const again = await choose(cheap, holding(first, deployed));
    expect(again.spec).toEqual(deployed);
  });

  it('answers CONFLICT for a given id that holds another pipeline, naming it and update_dag', async () => {
    const first = pipeline('orders_nightly', 'orders');
    const other = pipeline('orders_nightly', 'orders', "status = 'paid'");
    const error = await choose(other, holding(first), true).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AppError);
    expect(error).toMatchObject({ code: 'CONFLICT', details: { step: 'dag-id', dag_id: 'orders_nightly' } });
    expect((error as AppError).message).toMatch(
      /already belongs to another pipeline \(sqlite:\/data\/shop\.db#orders -> duckdb:\/data\/out\.duckdb#orders\)\. To change that pipeline, use update_dag with dag_id "orders_nightly"/,
    );
    expect((error as AppError).message).toContain('replace: true');
  });

  it('replaces under a given id with replace: true, and says so', async () => {
    const first = pipeline('orders_nightly', 'orders');
    const other = pipeline('orders_nightly', 'orders', "status = 'paid'");
    const chosen = await choose(other, holding(first), true, true);
    expect(chosen.spec).toBe(other);
    expect(chosen.notes[0]).toMatch(/replaces another pipeline .* under the DAG id "orders_nightly" \(replace: true\)/);
  });

  it('names a pipeline it knows only by its file as another pipeline', async () => {
    const other = pipeline('orders_nightly', 'orders');
    const error = await chooseDagId({
      spec: other,
      given: true,
      replace: false,
      existing: async () => ({ specHash: 'f00d', spec: undefined }),
    }).catch((e: unknown) => e);
    expect((error as AppError).message).toMatch(/^The DAG id "orders_nightly" already belongs to another pipeline\. /);
  });
});

describe('chooseDagId in Korean', () => {
  it('says the conflict and the move in Korean, still naming update_dag', async () => {
    const first = pipeline('orders_nightly', 'orders');
    const other = pipeline('orders_nightly', 'orders', "status = 'paid'");
    const error = await chooseDagId({
      spec: other,
      given: true,
      replace: false,
      existing: holding(first).existing,
      language: 'ko',
    }).catch((e: unknown) => e);
    expect((error as AppError).message).toMatch(/^DAG id "orders_nightly"는 이미 다른 파이프라인\(sqlite:/);
    expect((error as AppError).message).toContain('update_dag에 dag_id "orders_nightly"');
    const moved = await chooseDagId({
      spec: other,
      given: false,
      replace: false,
      existing: holding(first).existing,
      language: 'ko',
    });
    expect(moved.notes[0]).toContain('이 파이프라인은 "orders_nightly_2"입니다');
  });
});
