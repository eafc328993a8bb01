import type { AirflowClient } from './create-airflow-client.js';

/** The components `GET /api/v2/monitor/health` reports on with a heartbeat. */
export type AirflowComponent = 'scheduler' | 'dag_processor' | 'triggerer';

/**
 * Airflow's own word that one of its components is not running (its job ended, or its heartbeat is too old): the
 * last heartbeat it reports, or `null` when it has none. Undefined when the component is healthy or Airflow does
 * not say (health unreachable or answering an error, no job of that kind yet, a component Airflow 2 does not list).
 */
export async function unhealthyComponent(
  client: Pick<AirflowClient, 'health'>,
  component: AirflowComponent,
): Promise<{ latestHeartbeat: string | null } | undefined> {
  const health = await client.health().catch(() => undefined);
  const entry = health?.[component] as Record<string, unknown> | null | undefined;
  if (entry?.status !== 'unhealthy') return undefined;
  const beat = entry[`latest_${component}_heartbeat`];
  return { latestHeartbeat: typeof beat === 'string' && beat.length > 0 ? beat : null };
}

/** "last heartbeat <time>" or "no heartbeat", for messages. */
export const describeHeartbeat = (latestHeartbeat: string | null) =>
  latestHeartbeat ? `last heartbeat ${latestHeartbeat}` : 'no heartbeat';
