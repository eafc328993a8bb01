import { describe, expect, it } from 'vitest';
import { limitRunReads, readRecentRuns } from './read-recent-runs.js';

describe('readRecentRuns through limitRunReads', () => {
  it('reads many DAGs and runs with at most the bound in flight, and each run its own rows', async () => {
    let inFlight = 0;
    let most = 0;
    let requests = 0;
    const request = async <T>(value: T): Promise<T> => {
      requests++;
      inFlight++;
      most = Math.max(most, inFlight);
      await new Promise((resolve) => setTimeout(resolve, 2));
      inFlight--;
      return value;
    };
    const client = {
      listRuns: (dagId: string, limit?: number) =>
        request(
          Array.from({ length: limit ?? 10 }, (_, i) => ({
            dag_id: dagId,
            dag_run_id: `${dagId}-run${i}`,
            state: i === 2 ? 'failed' : 'success',
            start_date: '2026-12-07T10:00:00Z',
            end_date: '2026-12-07T10:00:03Z',
          })),
        ),
      taskInstances: (dagId: string, runId: string) =>
        request(['a', 'b', 'c'].map((task) => ({ task_id: task, state: 'success', dag_id: dagId, dag_run_id: runId }))),
      returnValue: (_dagId: string, runId: string, taskId: string) =>
        request({ rows: Number(runId.slice(-1)) * 10 + (taskId === 'a' ? 1 : 0) }),
    } as unknown as Parameters<typeof limitRunReads>[0];

    const reads = limitRunReads(client, 8);
    const dags = Array.from({ length: 30 }, (_, i) => `dag${i}`);
    const listed = await Promise.all(dags.map((dagId) => readRecentRuns(reads, dagId, 3)));

    // 30 DAGs: a listing each, then 2 successful runs x (task list + 3 results).
    expect(requests).toBe(30 * (1 + 2 * 4));
    expect(most).toBe(8);
    expect(listed[7]!.map((run) => [run.run_id, run.state, run.rows, run.duration_s])).toEqual([
      ['dag7-run0', 'success', 1, 3],
      ['dag7-run1', 'success', 31, 3],
      ['dag7-run2', 'failed', null, 3],
    ]);
  });
});
