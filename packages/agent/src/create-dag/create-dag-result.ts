import type { PipelineSpec } from '@airflow-mcp/pipeline';
import type { Language } from '../i18n/detect-language.js';
import type { Understood } from '../understanding/understood.js';

export interface CheckOutcome {
  step: string;
  ok: boolean;
  detail?: string;
}

/** What a run reports: state, rows moved, the target, each task's state and the failed tasks' logs. */
export interface DagRunResult {
  run_id: string;
  state: string;
  duration_s: number | null;
  rows: number | null;
  target: string;
  tasks: { task_id: string; state: string | null }[];
  failed_logs?: { task_id: string; lines: string[] }[];
  /** Why waiting stopped before the run ended (Airflow reports its scheduler unhealthy), in the request's language. */
  stalled?: string;
}

/**
 * Where the time of one call went, in whole ms on the monotonic clock: `total` from the request to the answer, then
 * each phase in the order it ran. A dotted phase is part of the one its name starts with (`deploy.parse_wait` is in
 * `deploy`); no two undotted phases overlap. `run.airflow.*` come from Airflow's own timestamps (run queued, task
 * queued, started, ended), `run.airflow.notice` from Airflow's end of the run to this service seeing it.
 */
export type CreateDagTimings = Record<string, number>;

export interface CreateDagResult {
  dag_id: string;
  /** The knowledge retrieved for planning, with scores (create_dag only). */
  sources?: { doc: string; section: string; score: number }[];
  /** The deployed version (null for a preview). */
  version: number | null;
  file: string | null;
  /** What the pipeline does, in the terms of the request (source, target, tables, columns, filter, schedule, ...). */
  understood: Understood;
  /** The same, as one sentence in the request's language. */
  understood_text: string;
  spec: PipelineSpec;
  code: string;
  checks: CheckOutcome[];
  deployed: boolean;
  planner: string;
  notes: string[];
  language: Language;
  run?: DagRunResult;
  message: string;
  timings?: CreateDagTimings;
}
