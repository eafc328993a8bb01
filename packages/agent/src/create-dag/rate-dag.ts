import { AppError, redactSecrets } from '@airflow-mcp/core';
import { assertOwnsDag, tenantOfDag } from '../tenancy/tenant-scope.js';
import type { DagServiceDeps } from './dag-service-deps.js';

export interface RateDagInput {
  dagId: string;
  score: number;
  correction: string;
  actor: { id: string; tenant: string };
}

/** rate_dag: a score and an optional correction on a generated DAG, kept with its latest request and spec. */
export async function rateDag(
  deps: Pick<DagServiceDeps, 'feedback' | 'history'>,
  input: RateDagInput,
): Promise<{ dag_id: string; version: number }> {
  if (!deps.feedback) throw new AppError('UNAVAILABLE', 'Feedback needs the database (it is not configured).');
  assertOwnsDag(input.dagId, input.actor.tenant);
  const latest = await deps.history().latest(input.dagId);
  if (!latest)
    throw new AppError('NOT_FOUND', `No generated DAG ${input.dagId} with history. Use list_dags to see yours.`);
  await deps.feedback.record({
    actor: input.actor.id,
    // The DAG's own tenant (the same as the caller's, unless the cross-tenant administrator rates it).
    tenant: tenantOfDag(input.dagId),
    kind: 'dag',
    dag_id: input.dagId,
    query: null,
    doc: null,
    score: input.score,
    correction: redactSecrets(input.correction),
    request: latest.reason,
    spec: latest.spec,
  });
  return { dag_id: input.dagId, version: latest.version };
}
