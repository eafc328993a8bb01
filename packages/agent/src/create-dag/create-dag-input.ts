import type { SampleFunction } from '@airflow-mcp/llm';
import type { PipelineSpecInput } from '@airflow-mcp/pipeline';

export interface CreateDagInput {
  request: string;
  /** A PipelineSpec filled by the caller (an agent can plan itself): planning is skipped, validation is not. */
  spec?: unknown;
  sourceDb?: string | undefined;
  targetDb?: string | undefined;
  schedule?: string | undefined;
  deploy: boolean;
  run: boolean;
  wait: boolean;
  timeoutMs: number;
  onProgress?: (message: string) => void | Promise<void>;
  signal?: AbortSignal;
  /** The connected client's model, when it offers sampling. */
  sampling?: SampleFunction | undefined;
  /** Deploy over an existing DAG of the same explicitly given id (otherwise that is a CONFLICT). */
  replace?: boolean | undefined;
  /** Who asks: recorded with every version and in the audit log. */
  actor?: { id: string; tenant: string } | undefined;
}

/** update_dag's input: a change request for an existing generated DAG. */
export type UpdateDagInput = Omit<
  CreateDagInput,
  'spec' | 'sampling' | 'sourceDb' | 'targetDb' | 'schedule' | 'replace'
> & {
  dagId: string;
};

/** rollback_dag's input: the version whose spec is deployed again. */
export type RollbackDagInput = Omit<
  CreateDagInput,
  'request' | 'spec' | 'sampling' | 'sourceDb' | 'targetDb' | 'schedule' | 'replace'
> & { dagId: string; version: number };

/** A spec to build and where it came from: a planner, the caller, an edit of the latest version, or a rollback. */
export interface PlanResult {
  spec: PipelineSpecInput;
  planner: string;
  notes: string[];
  attempts: number;
  usage?: { inputTokens: number; outputTokens: number };
  /** True when the DAG id was given rather than derived by a planner: an existing one is then not renamed around. */
  dagIdGiven?: boolean | undefined;
}
