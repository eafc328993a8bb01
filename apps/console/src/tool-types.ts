/** The parts of the tools' structured results the console reads (apps/server/src/mcp/tools). */
export interface Caller {
  tenant: string;
  scopes: string[];
}

export interface RecentRun {
  run_id: string;
  state: string;
  start_date: string | null;
  end_date: string | null;
  duration_s: number | null;
  rows: number | null;
}

export interface DagListing {
  dag_id: string;
  is_paused: boolean;
  generated: boolean;
  schedule: string | null;
  recent_runs?: RecentRun[];
}

export interface ListDagsOutput {
  dags: DagListing[];
  total: number;
  caller: Caller;
}

export interface CreateDagOutput {
  dag_id: string;
  understood_text: string;
  understood: Record<string, unknown>;
  spec: Record<string, unknown>;
  code: string;
  checks: { step: string; ok: boolean; detail?: string }[];
  deployed: boolean;
  version: number | null;
  message: string;
  run?: { run_id: string; state: string };
}

export interface RunStatus {
  dag_id: string;
  run_id: string;
  state: string;
  duration_s: number | null;
  tasks: {
    task_id: string;
    state: string | null;
    try_number: number;
    duration_s: number | null;
    start_date?: string | null;
  }[];
  failed_logs?: { task_id: string; try_number: number; lines: string[] }[];
}

export interface DagVersion {
  version: number;
  created_at: string;
  created_by: string;
  reason: string;
  planner: string;
  code?: string;
}

export interface SearchResult {
  doc: string;
  title: string;
  section: string;
  score: number;
  text: string;
}

export interface AuditEntry {
  at: string;
  actor: string;
  tenant: string;
  action: string;
  dag_id: string | null;
  outcome: string;
  detail: string;
}
