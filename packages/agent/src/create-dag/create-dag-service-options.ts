import type { Logger } from '@airflow-mcp/core';
import type { DagVersionStore, FeedbackStore } from '@airflow-mcp/state';
import type { AirflowService } from '../airflow/create-airflow-service.js';
import type { PlannerRouter } from '../planning/create-planner-router.js';
import type { TenantConnections } from '../tenancy/tenant-connections.js';

/** What planning and search_docs need of the knowledge base's retriever (the knowledge package's Retriever fits). */
export interface DocsRetriever {
  search(
    query: string,
    options: {
      k?: number;
      minScore?: number;
      filters?: { doc_type?: string; category?: string; airflow_version?: string; lang?: string };
      /** Whose search ratings apply (feedback demotions are per tenant); the default tenant when absent. */
      tenant?: string;
    },
  ): Promise<readonly { doc: string; title: string; section: string; score: number; text: string }[]>;
}

/** What the service reports as it works, for metrics. */
export interface DagEvents {
  planned?(event: { planner: string; ok: boolean; attempts: number; inputTokens: number; outputTokens: number }): void;
  ran?(event: { dagId: string; state: string; durationS: number | null; rowsByTask: Record<string, number> }): void;
  retrieved?(event: { scores: readonly number[] }): void;
}

export interface CreateDagServiceOptions {
  events?: DagEvents;
  airflow: AirflowService;
  planner: PlannerRouter;
  /** Rated request/spec pairs reused as examples for similar requests (model planners see them). */
  feedback?: FeedbackStore | undefined;
  /** Knowledge retrieval for planning (the context and its sources are returned with each result). */
  retriever?: DocsRetriever | undefined;
  /** Version history and audit log (in the database); without it versions come from the file headers only. */
  versions?: DagVersionStore | undefined;
  allowedDataDirs: readonly string[];
  /** Airflow connection ids each tenant may use (MCP_TENANT_CONNECTIONS); unset = all for the default tenant only. */
  tenantConnections?: TenantConnections | undefined;
  /** The named tenants the service knows (from its keys and settings): the default tenant stays out of their folders. */
  namedTenants?: readonly string[] | undefined;
  /** A Python with the pinned Airflow (the local venv) for the compile, AST and import checks. */
  python: string | undefined;
  logger?: Logger;
  generatorVersion: string;
  /** The service's own keys and passwords: never written into a DAG file, also reversed, in base64 or hex. */
  secrets?: readonly string[] | undefined;
}
