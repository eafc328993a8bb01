import type { AirflowClient } from '@airflow-mcp/airflow';
import { createLimiter } from '@airflow-mcp/core';

/** Result reads in flight at once for one run: a wide DAG does not wait on them one by one, nor flood Airflow. */
const PARALLEL_READS = 4;

/**
 * The rows a successful run moved: the sum of the `rows` each successful task returned (generated transfers return
 * `{ rows }`); null when no task reported any (a DAG we did not generate, or a run that did not succeed).
 */
export async function readRowsMoved(
  client: Pick<AirflowClient, 'returnValue'>,
  dagId: string,
  runId: string,
  tasks: readonly { task_id: string; state: string | null }[],
): Promise<number | null> {
  const limiter = createLimiter(PARALLEL_READS);
  const values = await Promise.all(
    tasks
      .filter((t) => t.state === 'success')
      .map((task) => limiter.run(() => client.returnValue(dagId, runId, task.task_id))),
  );
  let rows: number | null = null;
  for (const value of values) {
    const moved = (value as { rows?: unknown } | null | undefined)?.rows;
    if (typeof moved === 'number') rows = (rows ?? 0) + moved;
  }
  return rows;
}
