import { AppError, type Logger } from '@airflow-mcp/core';
import { AirflowApiError } from '../airflow-api-error.js';
import type { AirflowClient, DagRun, TaskInstance } from '../create-airflow-client.js';
import { unhealthyComponent } from '../unhealthy-component.js';
import type { RunStall } from './scheduler-down-reason.js';

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
  /**
   * How long the run may show no progress (same state, same number of finished tasks) before Airflow is asked
   * whether its scheduler is alive (default 20 s). A healthy scheduler is never a reason to stop.
   */
  stallMs?: number;
  /** While the run shows no progress, at most one health call per this many ms (default 10 s). */
  healthEveryMs?: number;
  onProgress?: (progress: RunProgress) => void | Promise<void>;
  logger?: Logger;
  signal?: AbortSignal;
}

export interface FollowedRun {
  run: DagRun;
  tasks: TaskInstance[];
  /** True when the run was still going when the timeout came, or when following stopped on a dead scheduler. */
  timedOut: boolean;
  /** Set when following stopped early because Airflow reports its scheduler unhealthy (schedulerDownReason says why). */
  stalled?: RunStall;
}

const DONE_TASK_STATES = new Set(['success', 'failed', 'skipped', 'upstream_failed', 'removed']);

/** Tasks of a run that have finished, one way or another. */
export const countDoneTasks = (tasks: readonly { state?: string | null }[]) =>
  tasks.filter((t) => t.state && DONE_TASK_STATES.has(t.state)).length;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Polls a run until it ends or the timeout comes. Airflow going away mid-run is not the run failing: while Airflow
 * is unreachable or answering 5xx the follower keeps trying (logging it), so following resumes after a restart.
 * A scheduler that died is different (`airflow standalone` does not restart it): the run would sit queued until the
 * timeout, so once the run has shown no progress for `stallMs` and Airflow reports its scheduler unhealthy, the
 * follower stops and says so (`stalled`). An outage restarts that clock: a restarted Airflow gets `stallMs` to show
 * its scheduler's heartbeat before the health answer counts.
 */
export async function followRun(options: FollowRunOptions): Promise<FollowedRun> {
  const started = Date.now();
  const pollMs = options.pollMs ?? 1000;
  const stallMs = options.stallMs ?? 20_000;
  const healthEveryMs = options.healthEveryMs ?? 10_000;
  let last: FollowedRun | undefined;
  let lastOutage: AirflowApiError | undefined;
  let progressMark = '';
  let progressAt = started;
  let healthAt = -Infinity;
  for (;;) {
    if (options.signal?.aborted) {
      // Cancelling a wait is not aborting the run: Airflow goes on with it, and the caller is told so.
      throw new AppError(
        'TIMEOUT',
        `Stopped following run ${options.runId} of ${options.dagId}: cancelled. The run itself was not stopped and goes on in Airflow (last seen ${last?.run.state ?? 'not yet read'}); check_dag_status follows it.`,
      );
    }
    try {
      const run = await options.client.getRun(options.dagId, options.runId);
      const tasks = await options.client.taskInstances(options.dagId, options.runId);
      last = { run, tasks, timedOut: false };
      lastOutage = undefined;
      const progress = {
        state: run.state,
        tasksDone: countDoneTasks(tasks),
        tasksTotal: tasks.length,
        elapsedMs: Date.now() - started,
      };
      await options.onProgress?.(progress);
      if (TERMINAL_RUN_STATES.has(run.state)) return last;
      const mark = `${progress.state}/${progress.tasksDone}`;
      if (mark !== progressMark) {
        progressMark = mark;
        progressAt = Date.now();
      }
      const idleMs = Date.now() - progressAt;
      if (idleMs >= stallMs && Date.now() - healthAt >= healthEveryMs) {
        healthAt = Date.now();
        const down = await unhealthyComponent(options.client, 'scheduler');
        if (down) {
          const stall: RunStall = {
            runId: options.runId,
            state: run.state,
            tasksDone: progress.tasksDone,
            tasksTotal: progress.tasksTotal,
            latestHeartbeat: down.latestHeartbeat,
            idleMs,
          };
          options.logger?.warn(
            { dagId: options.dagId, runId: options.runId, latestHeartbeat: down.latestHeartbeat, idleMs },
            'airflow scheduler unhealthy while following; stopped waiting',
          );
          return { ...last, timedOut: true, stalled: stall };
        }
      }
    } catch (error) {
      if (!(error instanceof AirflowApiError) || !error.isRetryable || error.status === 409) throw error;
      lastOutage = error;
      progressAt = Date.now();
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
