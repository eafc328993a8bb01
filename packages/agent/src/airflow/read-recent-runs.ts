import { runDurationSeconds, type AirflowClient } from '@airflow-mcp/airflow';
import { readRowsMoved } from './read-rows-moved.js';

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
export async function readRecentRuns(
  client: Pick<AirflowClient, 'listRuns' | 'taskInstances' | 'returnValue'>,
  dagId: string,
  limit: number,
): Promise<RecentRun[]> {
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
