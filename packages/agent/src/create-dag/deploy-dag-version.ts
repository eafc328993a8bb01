import { redactSecrets } from '@airflow-mcp/core';
import type { PipelineSpec } from '@airflow-mcp/pipeline';
import type { CheckLadder } from './check-ladder.js';
import type { DagServiceDeps } from './dag-service-deps.js';
import type { PhaseTimer } from './phase-timer.js';

export type DagAction = 'create_dag' | 'update_dag' | 'rollback_dag';

/**
 * Records the version as pending (when new), writes the checked file, waits for Airflow to parse it, settles the
 * version (deployed, or failed when the deploy threw) and audits the write. A process killed in between leaves a
 * pending row that the version store reconciles with the file on disk.
 */
export async function deployDagVersion(
  deps: Pick<DagServiceDeps, 'airflow' | 'versions'>,
  input: {
    spec: PipelineSpec;
    source: string;
    specHash: string;
    version: number;
    unchanged: boolean;
    planner: string;
    actor: { id: string; tenant: string };
    reason: string;
    action: DagAction;
    ladder: CheckLadder;
    progress: (message: string) => Promise<void>;
    timer?: PhaseTimer | undefined;
  },
): Promise<{ file: string }> {
  const { spec, source, actor, timer } = input;
  const lap = timer?.lap();
  const pending =
    deps.versions && !input.unchanged
      ? await deps.versions.begin({
          dag_id: spec.dag_id,
          version: input.version,
          spec,
          code: source,
          spec_hash: input.specHash,
          created_by: actor.id,
          tenant: actor.tenant,
          reason: redactSecrets(input.reason),
          planner: input.planner,
          checks: input.ladder.checks,
        })
      : undefined;
  if (lap) timer?.add('deploy.record', lap());
  await input.progress('deploying and waiting for Airflow to parse the DAG');
  let deployed;
  try {
    // Who and why travel with the file: with DAGS_DELIVERY=git they are the commit message's `who` and `why`.
    deployed = await deps.airflow.deployer.deploy({
      dagId: spec.dag_id,
      source,
      author: `${actor.id} (tenant ${actor.tenant})`,
      reason: `${input.action}: ${redactSecrets(input.reason)}`,
    });
  } catch (error) {
    // The error is what the caller needs; a failure to record the outcome leaves the row to reconcile.
    await pending?.settle('failed').catch(() => undefined);
    throw error;
  }
  lap?.();
  for (const [part, ms] of Object.entries(deployed.timings)) timer?.add(`deploy.${part}`, ms);
  input.ladder.record({
    step: 'airflow-parse',
    ok: true,
    detail: `parsed in ${(deployed.parseMs / 1000).toFixed(1)} s`,
  });
  await pending?.settle('deployed', input.ladder.checks);
  await deps.versions?.audit({
    actor: actor.id,
    tenant: actor.tenant,
    action: input.action,
    dag_id: spec.dag_id,
    spec_hash: input.specHash,
    outcome: input.unchanged ? 'unchanged' : `deployed v${input.version}`,
    detail: redactSecrets(input.reason),
  });
  if (lap) timer?.add('deploy.record', lap());
  return { file: deployed.file };
}
