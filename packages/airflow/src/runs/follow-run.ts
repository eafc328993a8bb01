import { AppError, type Logger } from '@airflow-mcp/core';
import { AirflowApiError } from '../airflow-api-error.js';
import type { AirflowClient, DagRun, TaskInstance } from '../create-airflow-client.js';

export const TERMINAL_RUN_STATES = new Set(['success', 'failed']);

export interface RunProgress {
  state: string;
  tasksDone: number;
  tasksTotal: number;
  elapsedMs: number;
}

export interface FollowRunOptions {
  client: AirflowClient;
  dagId: string;
  runId: string;
  timeoutMs: number;
  pollMs?: number;
  onProgress?: (progress: RunProgress) => void | Promise<void>;
  logger?: Logger;
  signal?: AbortSignal;
}

export interface FollowedRun {
  run: DagRun;
  tasks: TaskInstance[];
  /** True when the run was still going when the timeout came. */
  timedOut: boolean;
}

const DONE_TASK_STATES = new Set(['success', 'failed', 'skipped', 'upstream_failed', 'removed']);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Polls a run until it ends or the timeout comes. Airflow going away mid-run is not the run failing: while Airflow
 * is unreachable or answering 5xx the follower keeps trying (logging it), so following resumes after a restart.
 */
export async function followRun(options: FollowRunOptions): Promise<FollowedRun> {
  const started = Date.now();
  const pollMs = options.pollMs ?? 1000;
  let last: FollowedRun | undefined;
  let lastOutage: AirflowApiError | undefined;
  for (;;) {
    if (options.signal?.aborted) throw new AppError('TIMEOUT', `Stopped following run ${options.runId}: cancelled.`);
    try {
      const run = await options.client.getRun(options.dagId, options.runId);
      const tasks = await options.client.taskInstances(options.dagId, options.runId);
      last = { run, tasks, timedOut: false };
      lastOutage = undefined;
      await options.onProgress?.({
        state: run.state,
        tasksDone: tasks.filter((t) => t.state && DONE_TASK_STATES.has(t.state)).length,
        tasksTotal: tasks.length,
        elapsedMs: Date.now() - started,
      });
      if (TERMINAL_RUN_STATES.has(run.state)) return last;
    } catch (error) {
      if (!(error instanceof AirflowApiError) || !error.isRetryable || error.status === 409) throw error;
      lastOutage = error;
      options.logger?.warn({ dagId: options.dagId, runId: options.runId }, 'airflow unavailable while following');
    }
    if (Date.now() - started >= options.timeoutMs) {
      if (last) return { ...last, timedOut: true };
      throw new AppError(
        'UNAVAILABLE',
        `Could not read run ${options.runId} of ${options.dagId} for ${Math.round(options.timeoutMs / 1000)} s: ${lastOutage?.message ?? 'no answer'}. Ask again with check_dag_status once Airflow is back.`,
        { retryable: true, cause: lastOutage },
      );
    }
    await sleep(pollMs);
  }
}
