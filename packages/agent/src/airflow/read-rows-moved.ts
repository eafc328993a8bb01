import type { AirflowClient } from '@airflow-mcp/airflow';

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
  let rows: number | null = null;
  for (const task of tasks.filter((t) => t.state === 'success')) {
    const value = await client.returnValue(dagId, runId, task.task_id);
    const moved = (value as { rows?: unknown } | null | undefined)?.rows;
    if (typeof moved === 'number') rows = (rows ?? 0) + moved;
  }
  return rows;
}
