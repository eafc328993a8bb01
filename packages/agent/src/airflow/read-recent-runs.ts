import { runDurationSeconds, type AirflowClient } from '@airflow-mcp/airflow';
import { createLimiter } from '@airflow-mcp/core';
import { readRowsMoved } from './read-rows-moved.js';

type RunReader = Pick<AirflowClient, 'listRuns' | 'taskInstances' | 'returnValue'>;

/** One of a DAG's latest runs, with the rows its tasks reported moving (successful runs only). */
export interface RecentRun {
  run_id: string;
  state: string;
  start_date: string | null;
  end_date: string | null;
  duration_s: number | null;
  /** The sum of the `rows` each successful task returned (generated transfers return `{ rows }`); null otherwise. */
  rows: number | null;
}

/** The latest `limit` runs of a DAG, newest first, with the rows moved by each successful one. */
export async function readRecentRuns(client: RunReader, dagId: string, limit: number): Promise<RecentRun[]> {
  const runs = await client.listRuns(dagId, limit);
  return Promise.all(
    runs.map(async (run): Promise<RecentRun> => {
      const rows =
        run.state === 'success'
          ? await readRowsMoved(client, dagId, run.dag_run_id, await client.taskInstances(dagId, run.dag_run_id))
          : null;
      return {
        run_id: run.dag_run_id,
        state: run.state,
        start_date: run.start_date ?? null,
        end_date: run.end_date ?? null,
        duration_s: runDurationSeconds(run),
        rows,
      };
    }),
  );
}

/**
 * `client`'s run reads with at most `max` requests in flight at once, however many DAGs and runs are read through it:
 * list_dags over 100 DAGs with their 10 latest runs would otherwise send hundreds of requests to Airflow at once.
 * Only the requests themselves wait for a slot, so reads nested in others never wait on their callers.
 */
export function limitRunReads(client: RunReader, max: number): RunReader {
  const limiter = createLimiter(max);
  return {
    listRuns: (...args) => limiter.run(() => client.listRuns(...args)),
    taskInstances: (...args) => limiter.run(() => client.taskInstances(...args)),
    returnValue: (...args) => limiter.run(() => client.returnValue(...args)),
  };
}
