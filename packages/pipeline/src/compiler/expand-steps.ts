import { AppError } from '@airflow-mcp/core';
import type { PipelineSpec, TaskSpec, TransferTask } from '../spec/pipeline-spec.js';
import { planTransferColumns, type SourceColumn } from './render-transfer.js';

/** The task graph the compiler renders: the spec's own, or its step shape. */
export interface TaskGraph {
  tasks: TaskSpec[];
  dependencies: [string, string][];
  sourceColumns: Record<string, readonly SourceColumn[]>;
}

/** The step ids of a transfer: `load_orders` -> extract_orders, transform_orders (the load keeps its own id). */
export function stepIds(transferId: string): { extract: string; transform: string; load: string } {
  const suffix = transferId.startsWith('load_') ? transferId.slice('load_'.length) : transferId;
  return {
    extract: `extract_${suffix}`.slice(0, 63),
    transform: `transform_${suffix}`.slice(0, 63),
    load: transferId,
  };
}

/** The columns a transfer writes, as a source column list for the step that reads them back. */
function outputColumns(task: TransferTask, columns: readonly SourceColumn[] | undefined): SourceColumn[] | undefined {
  const plan = planTransferColumns(task, columns);
  if (!plan.names) return undefined;
  return plan.names.map((name, i) => ({ name, type: plan.types?.[i] }));
}

/**
 * The spec's task graph. Without `staging`, as written. With it, every transfer becomes three tasks: extract (the
 * source table as is, into the staging DuckDB file), transform (columns, renames, computed columns, casts and the
 * filter, from staging to staging), load (the transformed rows into the target with the transfer's own id, mode,
 * keys and watermark); what ran after the transfer (its checks: the validate step) runs after the load, and what ran
 * before it runs before the extract. Rows move between steps only through the staging file's tables.
 */
export function expandSteps(
  spec: PipelineSpec,
  sourceColumns: Readonly<Record<string, readonly SourceColumn[]>> = {},
): TaskGraph {
  const columns: Record<string, readonly SourceColumn[]> = { ...sourceColumns };
  if (!spec.staging) return { tasks: spec.tasks, dependencies: spec.dependencies, sourceColumns: columns };
  const staging = spec.staging;
  const taken = new Set(spec.tasks.map((t) => t.id));
  const tasks: TaskSpec[] = [];
  const firstStep = new Map<string, string>();
  for (const task of spec.tasks) {
    if (task.type !== 'transfer') {
      tasks.push(task);
      continue;
    }
    const ids = stepIds(task.id);
    for (const id of [ids.extract, ids.transform]) {
      if (taken.has(id)) {
        throw new AppError(
          'VALIDATION_FAILED',
          `Task graph: the steps of ${task.id} need the task id "${id}", which another task has. Rename that task.`,
          { details: { step: 'graph', task: task.id } },
        );
      }
      taken.add(id);
    }
    const own = sourceColumns[task.id];
    const plain = { columns: [], filter: undefined, keys: [], watermark_column: undefined, mode: 'replace' as const };
    const extract: TransferTask = {
      ...task,
      ...plain,
      id: ids.extract,
      target: staging,
      target_table: ids.extract,
    };
    const transform: TransferTask = {
      ...task,
      mode: 'replace',
      keys: [],
      watermark_column: undefined,
      id: ids.transform,
      source: staging,
      source_table: ids.extract,
      target: staging,
      target_table: ids.transform,
    };
    const load: TransferTask = {
      ...task,
      columns: [],
      filter: undefined,
      source: staging,
      source_table: ids.transform,
    };
    const extracted = outputColumns(extract, own);
    const transformed = outputColumns(transform, extracted);
    if (own) columns[ids.extract] = own;
    if (extracted) columns[ids.transform] = extracted;
    if (transformed) columns[ids.load] = transformed;
    else delete columns[ids.load];
    tasks.push(extract, transform, load);
    firstStep.set(task.id, ids.extract);
  }
  const dependencies: [string, string][] = [
    ...[...firstStep.keys()].flatMap((load): [string, string][] => {
      const ids = stepIds(load);
      return [
        [ids.extract, ids.transform],
        [ids.transform, ids.load],
      ];
    }),
    ...spec.dependencies.map(([up, down]): [string, string] => [up, firstStep.get(down) ?? down]),
  ];
  return { tasks, dependencies, sourceColumns: columns };
}
