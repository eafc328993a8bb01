import type { Entry, Landing, RuntimeCase, RuntimeCaseInput } from './runtime-case.js';

/** Where a payload is planted: a `sql` task, a custom_sql check, a transfer filter or computed column, or words. */
export type Via = 'sql-task' | 'check' | 'filter' | 'expr' | 'request' | 'update';

export const ENTRY_OF: Record<Via, Entry> = {
  'sql-task': 'spec',
  check: 'spec',
  filter: 'spec',
  expr: 'spec',
  request: 'request',
  update: 'update',
};

/** One row of the attack table: a payload per engine, planted through each of `via`. */
export interface Attack<E extends string> {
  kind: string;
  payload: Partial<Record<E, string>>;
  via: readonly Via[];
  landings?: (engine: E, via: Via) => Landing[];
  mustRefuse?: string;
  maxTaskSeconds?: number;
}

/**
 * The cases of an attack table: attacks x engines x entry points. `build` turns one payload into the case's tasks
 * (spec entry) or text (request, update); it returns undefined where a combination does not exist.
 */
export function crossAttacks<E extends string>(
  attacks: readonly Attack<E>[],
  build: (
    via: Via,
    engine: E,
    payload: string,
  ) => Pick<RuntimeCaseInput, 'tasks' | 'text' | 'dependencies'> | undefined,
): RuntimeCase[] {
  const cases: RuntimeCase[] = [];
  for (const attack of attacks) {
    for (const [engine, payload] of Object.entries(attack.payload) as [E, string][]) {
      for (const via of attack.via) {
        const planted = build(via, engine, payload);
        if (!planted) continue;
        cases.push({
          id: `${engine}.${via}.${attack.kind}`,
          attack: attack.kind,
          engine,
          entry: ENTRY_OF[via],
          ...planted,
          ...(attack.mustRefuse ? { mustRefuse: attack.mustRefuse } : {}),
          ...(attack.maxTaskSeconds ? { maxTaskSeconds: attack.maxTaskSeconds } : {}),
          landings: attack.landings?.(engine, via) ?? [],
        });
      }
    }
  }
  return cases;
}

/**
 * The one task that plants `payload` through `via`: a `sql` task or a custom_sql check on `connection` (the check
 * over `table`), or the filter / a computed column of a transfer from `source`.`sourceTable` into a DuckDB file
 * out-<engine>-<via>.duckdb. Requests and updates are words, not tasks: undefined.
 */
export function plantTask(
  via: Via,
  engine: string,
  payload: string,
  at: { connection: Record<string, unknown>; table: string; source: Record<string, unknown>; sourceTable: string },
): { tasks: Record<string, unknown>[] } | undefined {
  switch (via) {
    case 'sql-task':
      return { tasks: [{ type: 'sql', id: 'attack', connection: at.connection, sql: payload }] };
    case 'check':
      return {
        tasks: [
          {
            type: 'quality_check',
            id: 'attack',
            connection: at.connection,
            table: at.table,
            checks: [{ kind: 'custom_sql', name: 'probe', sql: payload }],
          },
        ],
      };
    case 'filter':
    case 'expr':
      return {
        tasks: [
          {
            type: 'transfer',
            id: 'attack',
            source: at.source,
            source_table: at.sourceTable,
            ...(via === 'filter' ? { filter: payload } : { columns: [{ name: 'x', expr: payload }] }),
            target: { kind: 'duckdb', path: `out-${engine}-${via}.duckdb` },
            target_table: 'out',
          },
        ],
      };
    case 'request':
    case 'update':
      return undefined;
  }
}
