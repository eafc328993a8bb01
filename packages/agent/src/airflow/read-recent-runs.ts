import { runDurationSeconds, type AirflowClient } from '@airflow-mcp/airflow';

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
      let rows: number | null = null;
      if (run.state === 'success') {
        const tasks = await client.taskInstances(dagId, run.dag_run_id);
        for (const task of tasks.filter((t) => t.state === 'success')) {
          const value = await client.returnValue(dagId, run.dag_run_id, task.task_id);
          const moved = (value as { rows?: unknown } | null | undefined)?.rows;
          if (typeof moved === 'number') rows = (rows ?? 0) + moved;
        }
      }
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
