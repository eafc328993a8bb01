import { checkSpec, type PipelineSpec } from '@airflow-mcp/pipeline';
import { scopeSpecToTenant } from '../tenancy/scope-spec-to-tenant.js';
import { tenantDataDirs } from '../tenancy/tenant-scope.js';
import type { CheckLadder } from './check-ladder.js';
import type { PlanResult } from './create-dag-input.js';
import type { DagServiceDeps } from './dag-service-deps.js';
import type { PhaseTimer } from './phase-timer.js';

/**
 * The ladder's first rungs (pipeline's checkSpec) over the spec scoped to the tenant, with the tenant's data folders
 * and the service's introspection, each rung recorded on the ladder. Reports the planning outcome, which the schema
 * check decides. `beforeCompile` may still change the checked spec (create_dag settles the DAG id there).
 */
export async function checkAndCompileSpec(
  deps: Pick<
    DagServiceDeps,
    'events' | 'allowedDataDirs' | 'airflowMajor' | 'tenantConnections' | 'namedTenants' | 'introspect' | 'secrets'
  >,
  {
    plan,
    tenant,
    ladder,
    beforeCompile,
    timer,
  }: {
    plan: PlanResult;
    tenant: string;
    ladder: CheckLadder;
    beforeCompile?: ((spec: PipelineSpec) => Promise<PipelineSpec>) | undefined;
    /** Each rung's time goes here as `check.<step>` (`check.dag_id` for beforeCompile). */
    timer?: PhaseTimer | undefined;
  },
) {
  const lap = timer?.lap();
  const phase = (step: string) => `check.${step.replace(/-/g, '_')}`;
  const plannerName = plan.planner.split(' ')[0] ?? plan.planner;
  const usage = plan.usage ?? { inputTokens: 0, outputTokens: 0 };
  const dirs = tenantDataDirs(deps.allowedDataDirs, tenant);
  return checkSpec(scopeSpecToTenant(plan.spec, tenant, deps), {
    allowedDataDirs: dirs,
    // A server source's columns only when the planner has just read them through Airflow (no second DAG run):
    // with them the compiler types the target and a PostgreSQL source may take DuckDB's scan of its table.
    introspect: async (connection, table) =>
      connection.kind === 'postgres' || connection.kind === 'mysql'
        ? deps.introspect.recent(connection, table)
        : deps.introspect(connection, table, dirs),
    airflowMajor: () => deps.airflowMajor(),
    ...(deps.secrets ? { secrets: deps.secrets } : {}),
    defaultStartDate: new Date(),
    ...(beforeCompile
      ? {
          beforeCompile: async (spec: PipelineSpec) => {
            lap?.();
            const chosen = await beforeCompile(spec);
            if (lap) timer?.add(phase('dag-id'), lap());
            return chosen;
          },
        }
      : {}),
    onStep: (outcome) => {
      if (lap) timer?.add(phase(outcome.step), lap());
      ladder.record(outcome);
      if (outcome.step === 'spec-schema') {
        deps.events?.planned?.({ planner: plannerName, ok: outcome.ok, attempts: plan.attempts, ...usage });
      }
    },
  });
}
