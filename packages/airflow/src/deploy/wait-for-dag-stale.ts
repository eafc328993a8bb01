import { setTimeout as sleep } from 'node:timers/promises';
import type { AirflowClient, DagInfo } from '../create-airflow-client.js';

export interface WaitForDagStaleOptions {
  client: Pick<AirflowClient, 'getDag'>;
  dagId: string;
  timeoutMs: number;
  pollMs?: number;
}

/** Airflow 3 says `is_stale`; Airflow 2 (API v1) says `is_active: false`. */
const isStale = (dag: DagInfo) => dag.is_stale === true || (dag as { is_active?: boolean }).is_active === false;

/**
 * Waits until Airflow has noticed that a DAG's file is gone: the DAG is stale, or Airflow does not know it. Only
 * then may its row be deleted through the API: the DAG processor marks DAGs of missing files stale in a
 * read-then-update, and in Airflow 3.3.2 a row deleted between the two makes that update fail with SQLAlchemy's
 * StaleDataError, which kills the dag-processor (`airflow standalone` does not restart it: no DAG is parsed again).
 * Returns false when the timeout passes first.
 */
export async function waitForDagStale(options: WaitForDagStaleOptions): Promise<{ stale: boolean; waitedMs: number }> {
  const started = Date.now();
  for (;;) {
    const dag = await options.client.getDag(options.dagId);
    if (dag === undefined || isStale(dag)) return { stale: true, waitedMs: Date.now() - started };
    if (Date.now() - started >= options.timeoutMs) return { stale: false, waitedMs: Date.now() - started };
    await sleep(options.pollMs ?? 500);
  }
}
