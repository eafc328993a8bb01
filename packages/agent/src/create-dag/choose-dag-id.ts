import { AppError } from '@airflow-mcp/core';
import { describeConnection, specHash, type PipelineSpec } from '@airflow-mcp/pipeline';
import type { DagServiceDeps } from './dag-service-deps.js';

/** What already holds a DAG id: the spec hash deployed under it (the file's, else the history's) and its spec. */
export interface ExistingDag {
  specHash: string | undefined;
  spec: unknown;
}

const MAX_SUFFIX = 99;

/** "sqlite:/data/a.db#events -> duckdb:/data/b.duckdb#events" for each transfer of a spec, when it has any. */
function describePipeline(spec: unknown): string | undefined {
  const tasks = (spec as { tasks?: unknown } | null)?.tasks;
  if (!Array.isArray(tasks)) return undefined;
  const parts = (tasks as PipelineSpec['tasks']).flatMap((t) =>
    t.type === 'transfer'
      ? [`${describeConnection(t.source, t.source_table)} -> ${describeConnection(t.target, t.target_table)}`]
      : [],
  );
  return parts.length > 0 ? parts.join(', ') : undefined;
}

/** Other ids for a derived one: with the first target table's name, then with _2, _3 ... (at most 120 characters). */
function alternatives(spec: PipelineSpec): string[] {
  const base = spec.dag_id;
  const transfer = spec.tasks.find((t) => t.type === 'transfer');
  const table = transfer?.type === 'transfer' ? transfer.target_table.toLowerCase().replace(/[^a-z0-9_]/g, '_') : '';
  const out: string[] = [];
  if (table && !base.includes(table)) out.push(`${base.slice(0, 119 - table.length)}_${table}`);
  for (let n = 2; n <= MAX_SUFFIX; n++) out.push(`${base.slice(0, 119 - String(n).length)}_${n}`);
  return out;
}

/**
 * The id create_dag deploys a checked spec under, so that it never takes over an unrelated pipeline. A free id, or
 * one holding this very spec (same hash: idempotent), is kept. An id holding another spec is kept only when it was
 * given explicitly and `replace` is set; given without `replace` it is a CONFLICT pointing to update_dag; derived by a
 * planner, the spec moves to the first free alternative (or one already holding it), and the notes say so.
 */
export async function chooseDagId({
  spec,
  given,
  replace,
  existing,
}: {
  spec: PipelineSpec;
  given: boolean;
  replace: boolean;
  existing: (dagId: string) => Promise<ExistingDag | undefined>;
}): Promise<{ spec: PipelineSpec; notes: string[] }> {
  const holder = await existing(spec.dag_id);
  if (!holder || holder.specHash === specHash(spec)) return { spec, notes: [] };
  const other = describePipeline(holder.spec);
  const named = other ? `another pipeline (${other})` : 'another pipeline';
  if (given) {
    if (replace) return { spec, notes: [`replaces ${named} under the DAG id "${spec.dag_id}" (replace: true)`] };
    throw new AppError(
      'CONFLICT',
      `The DAG id "${spec.dag_id}" already belongs to ${named}. To change that pipeline, use update_dag with dag_id "${spec.dag_id}"; to replace it with this one, call create_dag again with replace: true; or give this pipeline a different dag_id.`,
      { details: { step: 'dag-id', dag_id: spec.dag_id, ...(other ? { existing: other } : {}) } },
    );
  }
  for (const dagId of alternatives(spec)) {
    const candidate = { ...spec, dag_id: dagId };
    const taken = await existing(dagId);
    if (taken && taken.specHash !== specHash(candidate)) continue;
    return {
      spec: candidate,
      notes: [
        `the DAG id "${spec.dag_id}" belongs to ${named}, so this pipeline is "${dagId}" (to change that one instead, use update_dag with dag_id "${spec.dag_id}")`,
      ],
    };
  }
  throw new AppError(
    'CONFLICT',
    `The DAG id "${spec.dag_id}" and its alternatives up to "${spec.dag_id}_${MAX_SUFFIX}" are all taken. Give this pipeline a dag_id of its own, or use update_dag to change an existing one.`,
    { details: { step: 'dag-id', dag_id: spec.dag_id } },
  );
}

/** What holds a DAG id today: the file of ours in DAGS_DIR and the version history, undefined when neither. */
export function existingDagOf(deps: Pick<DagServiceDeps, 'airflow' | 'versions'>) {
  return async (dagId: string): Promise<ExistingDag | undefined> => {
    const [file, history] = await Promise.all([
      deps.airflow.deployer.read(dagId),
      deps.versions ? deps.versions.list(dagId) : Promise.resolve([]),
    ]);
    if (!file && history.length === 0) return undefined;
    const hash = file?.header.specHash ?? history[0]?.spec_hash;
    const version = history.find((v) => v.spec_hash === hash) ?? history[0];
    return { specHash: hash, spec: version?.spec };
  };
}
