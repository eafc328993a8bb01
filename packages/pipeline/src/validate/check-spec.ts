import { AppError, redactSpecSecrets } from '@airflow-mcp/core';
import { compileDag, type CompiledDag } from '../compiler/compile-dag.js';
import type { SourceColumn } from '../compiler/render-transfer.js';
import type { Connection, PipelineSpec } from '../spec/pipeline-spec.js';
import { checkColumnReferences, tableKey } from './check-column-references.js';
import { resolveDataPaths } from './resolve-data-paths.js';
import { validateSpec } from './validate-spec.js';

/** One rung of the ladder as it went: the step's name, passed or not, and why not. */
export interface SpecRungOutcome {
  step: string;
  ok: boolean;
  detail?: string;
}

/** Tables and (for a table) columns of a connection; undefined when it cannot be read from here. */
export type IntrospectTable = (
  connection: Connection,
  table: string,
) => Promise<{ tables: string[]; columns: SourceColumn[] | undefined } | undefined>;

export interface CheckSpecOptions {
  /** The folders SQLite / DuckDB files must live in (the caller's own). */
  allowedDataDirs: readonly string[];
  /** Reads a source table's columns; the caller decides how (under which folders, whether through Airflow). */
  introspect: IntrospectTable;
  /** The Airflow major version to compile for, asked only once the spec got that far. */
  airflowMajor: () => 2 | 3 | Promise<2 | 3>;
  defaultStartDate?: Date;
  /** A last look at the checked spec before it compiles, which may change it (the agent settles its DAG id there). */
  beforeCompile?: (spec: PipelineSpec) => Promise<PipelineSpec>;
  /** Values masked wherever they appear in the spec, also reversed, in base64 or hex (the service's own secrets). */
  secrets?: readonly string[];
  /** Told of each rung as it passes or fails, in order. */
  onStep?: (outcome: SpecRungOutcome) => void;
}

/** A failure keeps its own step when it has one (schema, spec-rules, paths ...), else gets the rung's. */
function withStep(error: unknown, step: string): unknown {
  if (!(error instanceof AppError) || typeof error.details?.['step'] === 'string') return error;
  return new AppError(error.code, error.message, {
    cause: error.cause,
    retryable: error.retryable,
    details: { ...error.details, step },
  });
}

/**
 * The source columns of each transfer whose table exists before the DAG runs and that `introspect` can read (a
 * PostgreSQL / MySQL source only when the caller has its columns at hand: undefined leaves them to the run).
 */
async function readSourceColumns(
  spec: PipelineSpec,
  introspect: IntrospectTable,
): Promise<Record<string, SourceColumn[]>> {
  const written = new Set(
    spec.tasks.flatMap((t) => (t.type === 'transfer' ? [tableKey(t.target, t.target_table)] : [])),
  );
  const out: Record<string, SourceColumn[]> = {};
  for (const task of spec.tasks) {
    if (task.type !== 'transfer') continue;
    // A table another task of this DAG writes does not exist yet: its columns are the compiler's to take as given.
    if (written.has(tableKey(task.source, task.source_table))) continue;
    const info = await introspect(task.source, task.source_table);
    if (!info) continue;
    if (!info.columns) {
      throw new AppError(
        'VALIDATION_FAILED',
        `Task ${task.id}: the source has no table "${task.source_table}" (tables: ${info.tables.join(', ') || 'none'}).`,
        { details: { step: 'source-schema', task: task.id } },
      );
    }
    out[task.id] = info.columns;
  }
  return out;
}

/**
 * The one spec check, used by the planners' repair loop and by the DAG build alike: the schema and its rules, data
 * paths inside the allowed folders, the source tables' real columns (every column, expression, filter, key and
 * check held against them), then the compile. Returns the checked spec (absolute paths, no secret in any
 * string) and the compiled DAG, or throws an AppError whose details.step names the rung that failed.
 */
export async function checkSpec(
  input: unknown,
  options: CheckSpecOptions,
): Promise<{ spec: PipelineSpec; compiled: CompiledDag }> {
  const rung = async <T>(step: string, run: () => T | Promise<T>): Promise<T> => {
    try {
      const value = await run();
      options.onStep?.({ step, ok: true });
      return value;
    } catch (error) {
      options.onStep?.({ step, ok: false, detail: error instanceof Error ? error.message : String(error) });
      throw withStep(error, step);
    }
  };
  const validated = await rung('spec-schema', () => validateSpec(input));
  // Whatever the planner, a secret in the request never reaches the DAG file: every string of the spec is masked.
  const redacted = redactSpecSecrets(validated, options.secrets);
  const resolved = await rung('data-paths', () => resolveDataPaths(redacted, options.allowedDataDirs));
  const sourceColumns = await rung('source-schema', async () => {
    const columns = await readSourceColumns(resolved, options.introspect);
    checkColumnReferences(resolved, columns);
    return columns;
  });
  const spec = options.beforeCompile ? await options.beforeCompile(resolved) : resolved;
  const airflowMajor = await options.airflowMajor();
  const compiled = await rung('compile', () =>
    compileDag(spec, {
      airflowMajor,
      sourceColumns,
      ...(options.defaultStartDate ? { defaultStartDate: options.defaultStartDate } : {}),
    }),
  );
  return { spec, compiled };
}
