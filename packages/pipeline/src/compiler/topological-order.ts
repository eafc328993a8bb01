import { AppError } from '@airflow-mcp/core';
import type { PipelineSpec } from '../spec/pipeline-spec.js';

/**
 * Task ids in an order that respects every dependency (ties by spec order). Throws VALIDATION_FAILED naming
 * duplicate ids, unknown ids in dependencies, self-dependencies and cycles.
 */
export function topologicalOrder(spec: Pick<PipelineSpec, 'tasks' | 'dependencies'>): string[] {
  const ids = spec.tasks.map((t) => t.id);
  const fail = (why: string): never => {
    throw new AppError('VALIDATION_FAILED', `Task graph: ${why}.`, { details: { step: 'graph' } });
  };
  const duplicates = ids.filter((id, i) => ids.indexOf(id) !== i);
  if (duplicates.length) fail(`duplicate task ids ${[...new Set(duplicates)].join(', ')}`);
  const known = new Set(ids);
  const incoming = new Map(ids.map((id) => [id, 0]));
  const outgoing = new Map(ids.map((id) => [id, [] as string[]]));
  for (const [up, down] of spec.dependencies) {
    for (const id of [up, down])
      if (!known.has(id)) fail(`dependency names unknown task "${id}" (tasks: ${ids.join(', ')})`);
    if (up === down) fail(`task "${up}" depends on itself`);
    outgoing.get(up)?.push(down);
    incoming.set(down, (incoming.get(down) ?? 0) + 1);
  }
  const order: string[] = [];
  const ready = ids.filter((id) => incoming.get(id) === 0);
  while (ready.length) {
    const id = ready.shift() as string;
    order.push(id);
    for (const next of outgoing.get(id) ?? []) {
      incoming.set(next, (incoming.get(next) ?? 0) - 1);
      if (incoming.get(next) === 0) ready.push(next);
    }
  }
  if (order.length !== ids.length) fail(`a cycle among ${ids.filter((id) => !order.includes(id)).join(', ')}`);
  return order;
}
