import type { CheckSpec, Connection, PipelineSpecInput, SqlType } from '@airflow-mcp/pipeline';

type TaskInput = PipelineSpecInput['tasks'][number];
type TransferInput = Extract<TaskInput, { type: 'transfer' }>;
type QualityInput = Extract<TaskInput, { type: 'quality_check' }>;

/** One column of a table as understood: kept as is, renamed (source), computed (expr), cast. */
export interface UnderstoodColumn {
  name: string;
  source?: string;
  expr?: string;
  cast?: SqlType;
}

/** One table moved by the pipeline, with what the request asked of it. */
export interface UnderstoodTable {
  source_table: string;
  target_table: string;
  /** 'all' when every column moves as is. */
  columns: UnderstoodColumn[] | 'all';
  filter?: string;
  mode: 'replace' | 'append' | 'upsert' | 'incremental';
  keys?: string[];
  watermark?: string;
  /** Checks on this table's target, in the spec's order (the automatic "at least one row" check included). */
  checks: CheckSpec[];
}

/**
 * What a pipeline does, in the terms of the request: the projection of a spec that a person confirms before a deploy
 * and that the planning evaluation compares. Two specs with the same `Understood` move the same data the same way.
 */
export interface Understood {
  dag_id: string;
  source: string;
  target: string;
  tables: UnderstoodTable[];
  /** null: only when triggered. */
  schedule: string | null;
  retries: number;
  retry_delay_s: number;
  failure_alert?: string;
  /** Set when each table runs as extract >> transform >> load >> validate: the staging file the steps share. */
  staging?: string;
  /** Other tasks (sql steps) by id, with their dependencies, when the spec has more than transfers and checks. */
  steps?: { id: string; type: string; after: string[] }[];
}

/** "sqlite:shop.db", "duckdb:analytics.duckdb", "postgres:warehouse_pg", "mysql:warehouse_mysql". */
export function connectionLabel(connection: Connection): string {
  switch (connection.kind) {
    case 'sqlite':
    case 'duckdb':
      return `${connection.kind}:${connection.path}`;
    case 'postgres':
      return `postgres:${connection.conn_id}${connection.schema ? `.${connection.schema}` : ''}`;
    case 'mysql':
      return `mysql:${connection.conn_id}`;
  }
}

/** The spec's defaults, as the schema fills them (the planners may leave them out). */
const DEFAULT_RETRIES = 1;
const DEFAULT_RETRY_DELAY_S = 60;

/** The `Understood` projection of a spec (planner output or a stored version). */
export function understandSpec(spec: PipelineSpecInput): Understood {
  const transfers = spec.tasks.filter((t): t is TransferInput => t.type === 'transfer');
  const checks = spec.tasks.filter((t): t is QualityInput => t.type === 'quality_check');
  const others = spec.tasks.filter((t) => t.type !== 'transfer' && t.type !== 'quality_check');
  const first = transfers[0];
  const tables: UnderstoodTable[] = transfers.map((t) => {
    const columns = t.columns ?? [];
    const table: UnderstoodTable = {
      source_table: t.source_table,
      target_table: t.target_table,
      columns: columns.length
        ? columns.map((c) => ({
            name: c.name,
            ...(c.expr ? { expr: c.expr } : c.source && c.source !== c.name ? { source: c.source } : {}),
            ...(c.cast ? { cast: c.cast } : {}),
          }))
        : 'all',
      ...(t.filter ? { filter: t.filter } : {}),
      mode: t.mode ?? 'replace',
      checks: checks
        .filter((q) => q.table === t.target_table && connectionLabel(q.connection) === connectionLabel(t.target))
        .flatMap((q) => q.checks),
    };
    if (table.mode === 'upsert') table.keys = t.keys ?? [];
    if (table.mode === 'incremental' && t.watermark_column) table.watermark = t.watermark_column;
    return table;
  });
  const dependencies = spec.dependencies ?? [];
  return {
    dag_id: spec.dag_id,
    source: first ? connectionLabel(first.source) : '',
    target: first ? connectionLabel(first.target) : '',
    tables,
    schedule: spec.schedule ?? null,
    retries: spec.retries ?? DEFAULT_RETRIES,
    retry_delay_s: spec.retry_delay_s ?? DEFAULT_RETRY_DELAY_S,
    ...(spec.failure_webhook_conn_id ? { failure_alert: spec.failure_webhook_conn_id } : {}),
    ...(spec.staging ? { staging: connectionLabel(spec.staging) } : {}),
    ...(others.length
      ? {
          steps: spec.tasks.map((t) => ({
            id: t.id,
            type: t.type,
            after: dependencies.filter(([, down]) => down === t.id).map(([up]) => up),
          })),
        }
      : {}),
  };
}
