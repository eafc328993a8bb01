import type { Connection, PipelineSpecInput, SourceColumn } from '@airflow-mcp/pipeline';
import type { Language } from '../i18n/detect-language.js';

export interface PlanningHints {
  sourceDb?: string | undefined;
  targetDb?: string | undefined;
  schedule?: string | undefined;
}

/** What a planner may look at: the request, hints, the source schema, and retrieved knowledge. */
export interface PlanningContext {
  request: string;
  language: Language;
  /** The caller's tenant: model plan caches are kept per tenant. */
  tenant?: string | undefined;
  hints: PlanningHints;
  /** Tables and (for a table) columns of a connection; undefined when it cannot be introspected from here. */
  introspect(
    connection: Connection,
    table?: string,
  ): Promise<
    | {
        tables: string[];
        columns: SourceColumn[] | undefined;
        rowCount: number | undefined;
        /** For a table: the distinct values of its text columns that have only a few ("pending", "shipped"). */
        values?: Record<string, string[]> | undefined;
      }
    | undefined
  >;
  /** The data folders this request may read and write (its tenant's); the router's default when absent. */
  allowedDataDirs?: readonly string[] | undefined;
  knowledge: readonly { title: string; section: string; text: string; score: number }[];
  /** Validation failures of earlier attempts, for planners that can repair. */
  previousFailures: readonly string[];
}

export interface Plan {
  spec: PipelineSpecInput;
  planner: string;
  /** Assumptions made that the user should know about. */
  notes: string[];
  /** True when the DAG id was given (the request named it, or the caller's spec did) rather than derived. */
  dagIdGiven?: boolean;
}

/** One way of turning a request into a spec: rules, Gemini, the client's model (sampling), an OpenAI-compatible model. */
export interface Planner {
  name: string;
  plan(context: PlanningContext): Promise<Plan>;
}
