import { redactSecrets } from '@airflow-mcp/core';
import type { PipelineSpec } from '@airflow-mcp/pipeline';
import type { CheckLadder } from './check-ladder.js';
import type { DagServiceDeps } from './dag-service-deps.js';

export type DagAction = 'create_dag' | 'update_dag' | 'rollback_dag';

/**
 * Writes the checked file, waits for Airflow to parse it, then records the version (when new) and audits the write.
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
  },
): Promise<{ file: string }> {
  const { spec, source, actor } = input;
  await input.progress('deploying and waiting for Airflow to parse the DAG');
  const deployed = await deps.airflow.deployer.deploy({ dagId: spec.dag_id, source });
  input.ladder.record({
    step: 'airflow-parse',
    ok: true,
    detail: `parsed in ${(deployed.parseMs / 1000).toFixed(1)} s`,
  });
  if (deps.versions && !input.unchanged) {
    await deps.versions.record({
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
      outcome: 'deployed',
    });
  }
  await deps.versions?.audit({
    actor: actor.id,
    tenant: actor.tenant,
    action: input.action,
    dag_id: spec.dag_id,
    spec_hash: input.specHash,
    outcome: input.unchanged ? 'unchanged' : `deployed v${input.version}`,
    detail: redactSecrets(input.reason),
  });
  return { file: deployed.file };
}
