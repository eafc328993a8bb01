import { AppError, redactSecrets } from '@airflow-mcp/core';
import {
  compileDag,
  introspectSqlite,
  resolveDataPaths,
  validateSpec,
  type PipelineSpec,
  type PipelineSpecInput,
  type SourceColumn,
} from '@airflow-mcp/pipeline';
import { DEFAULT_TENANT, scopeDagId, tenantDataDirs } from '../tenancy/tenant-scope.js';
import type { CheckLadder } from './check-ladder.js';
import type { PlanResult } from './create-dag-input.js';
import type { DagServiceDeps } from './dag-service-deps.js';

/** A tenant's DAG ids carry its prefix and its tag, whatever the planner wrote. */
function scopeToTenant(spec: PipelineSpecInput, tenant: string): PipelineSpecInput {
  if (tenant === DEFAULT_TENANT || typeof spec !== 'object' || spec === null) return spec;
  const dagId = typeof spec.dag_id === 'string' ? scopeDagId(spec.dag_id, tenant) : spec.dag_id;
  const tags = Array.isArray(spec.tags) ? spec.tags : [];
  return { ...spec, dag_id: dagId, tags: [...tags.filter((t) => !t.startsWith('tenant:')), `tenant:${tenant}`] };
}

/** The columns of each SQLite transfer's source table, which the compiler types the target with. */
async function sourceColumns(spec: PipelineSpec): Promise<Record<string, SourceColumn[]>> {
  const out: Record<string, SourceColumn[]> = {};
  for (const task of spec.tasks) {
    if (task.type !== 'transfer' || task.source.kind !== 'sqlite') continue;
    const info = introspectSqlite(task.source.path, task.source_table);
    if (!info.columns) {
      throw new AppError(
        'VALIDATION_FAILED',
        `Task ${task.id}: the source has no table "${task.source_table}" (tables: ${info.tables.join(', ') || 'none'}).`,
        { details: { step: 'source-schema' } },
      );
    }
    out[task.id] = info.columns;
  }
  return out;
}

/**
 * The ladder's first rungs: the spec's schema (scoped to the tenant), data paths inside the allowed folders, the
 * source tables' schemas, then the compile. Reports the planning outcome, which the schema check decides.
 */
export async function checkAndCompileSpec(
  deps: Pick<DagServiceDeps, 'events' | 'allowedDataDirs' | 'airflowMajor'>,
  { plan, tenant, ladder }: { plan: PlanResult; tenant: string; ladder: CheckLadder },
) {
  const plannerName = plan.planner.split(' ')[0] ?? plan.planner;
  const usage = plan.usage ?? { inputTokens: 0, outputTokens: 0 };
  let validated;
  try {
    validated = ladder.step('spec-schema', () => validateSpec(scopeToTenant(plan.spec, tenant)));
    deps.events?.planned?.({ planner: plannerName, ok: true, attempts: plan.attempts, ...usage });
  } catch (error) {
    deps.events?.planned?.({ planner: plannerName, ok: false, attempts: plan.attempts, ...usage });
    throw error;
  }
  // Whatever the planner, a secret in the request never reaches the DAG file.
  const parsed = { ...validated, description: redactSecrets(validated.description) };
  const spec = ladder.step('data-paths', () => resolveDataPaths(parsed, tenantDataDirs(deps.allowedDataDirs, tenant)));
  const columns = await ladder.stepAsync('source-schema', () => sourceColumns(spec));
  const airflowMajor = await deps.airflowMajor();
  const compiled = ladder.step('compile', () =>
    compileDag(spec, { airflowMajor, sourceColumns: columns, defaultStartDate: new Date() }),
  );
  return { spec, compiled };
}
