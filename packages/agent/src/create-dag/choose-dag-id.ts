import { AppError } from '@airflow-mcp/core';
import { describeConnection, specHash, type PipelineSpec } from '@airflow-mcp/pipeline';
import type { Language } from '../i18n/detect-language.js';
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

/** The sentences of the decision, in the request's language. */
function texts(dagId: string, other: string | undefined, language: Language) {
  if (language === 'ko') {
    const named = other ? `다른 파이프라인(${other})` : '다른 파이프라인';
    return {
      conflict: `DAG id "${dagId}"는 이미 ${named}이 쓰고 있습니다. 그 파이프라인을 바꾸려면 update_dag에 dag_id "${dagId}"를 주세요. 이 파이프라인으로 바꿔 쓰려면 create_dag를 replace: true로 다시 부르고, 아니면 다른 dag_id를 주세요.`,
      replaced: `DAG id "${dagId}"의 ${named}을 이 파이프라인으로 바꿉니다 (replace: true)`,
      moved: (to: string) =>
        `DAG id "${dagId}"는 ${named}이 쓰고 있어 이 파이프라인은 "${to}"입니다 (그쪽을 바꾸려면 update_dag에 dag_id "${dagId}")`,
      full: `DAG id "${dagId}"와 "${dagId}_${MAX_SUFFIX}"까지의 대안이 모두 쓰이고 있습니다. 이 파이프라인에 고유한 dag_id를 주거나, update_dag로 기존 것을 바꾸세요.`,
    };
  }
  const named = other ? `another pipeline (${other})` : 'another pipeline';
  return {
    conflict: `The DAG id "${dagId}" already belongs to ${named}. To change that pipeline, use update_dag with dag_id "${dagId}"; to replace it with this one, call create_dag again with replace: true; or give this pipeline a different dag_id.`,
    replaced: `replaces ${named} under the DAG id "${dagId}" (replace: true)`,
    moved: (to: string) =>
      `the DAG id "${dagId}" belongs to ${named}, so this pipeline is "${to}" (to change that one instead, use update_dag with dag_id "${dagId}")`,
    full: `The DAG id "${dagId}" and its alternatives up to "${dagId}_${MAX_SUFFIX}" are all taken. Give this pipeline a dag_id of its own, or use update_dag to change an existing one.`,
  };
}

/**
 * The id create_dag deploys a checked spec under, so that it never takes over an unrelated pipeline. A free id, or
 * one holding this very spec (same hash: idempotent), is kept. An id holding another spec is kept only when it was
 * given explicitly and `replace` is set; given without `replace` it is a CONFLICT pointing to update_dag; derived by a
 * planner, the spec moves to the first free alternative (or one already holding it), and the notes say so. The
 * sentences follow the request's language.
 */
export async function chooseDagId({
  spec,
  given,
  replace,
  existing,
  language = 'en',
}: {
  spec: PipelineSpec;
  given: boolean;
  replace: boolean;
  existing: (dagId: string) => Promise<ExistingDag | undefined>;
  language?: Language;
}): Promise<{ spec: PipelineSpec; notes: string[] }> {
  const holder = await existing(spec.dag_id);
  if (!holder || holder.specHash === specHash(spec)) return { spec, notes: [] };
  const other = describePipeline(holder.spec);
  const say = texts(spec.dag_id, other, language);
  if (given) {
    if (replace) return { spec, notes: [say.replaced] };
    throw new AppError('CONFLICT', say.conflict, {
      details: { step: 'dag-id', dag_id: spec.dag_id, ...(other ? { existing: other } : {}) },
    });
  }
  for (const dagId of alternatives(spec)) {
    const candidate = { ...spec, dag_id: dagId };
    const taken = await existing(dagId);
    if (taken && taken.specHash !== specHash(candidate)) continue;
    return { spec: candidate, notes: [say.moved(dagId)] };
  }
  throw new AppError('CONFLICT', say.full, { details: { step: 'dag-id', dag_id: spec.dag_id } });
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
