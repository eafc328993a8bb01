import { describeHeartbeat } from '../unhealthy-component.js';

/** A run that cannot move because Airflow reports its scheduler unhealthy. */
export interface RunStall {
  runId: string;
  state: string;
  tasksDone: number;
  tasksTotal: number;
  /** The scheduler's last heartbeat as Airflow reports it; null when it reports none. */
  latestHeartbeat: string | null;
  /** How long the follower saw no progress before it stopped; absent when the run was only looked at. */
  idleMs?: number;
}

/**
 * Why a queued or running run will not move, as an actionable sentence: the run is kept and goes on once the
 * scheduler is back, so restart it and check again (the Korean text is in the agent's messages).
 */
export function schedulerDownReason(stall: RunStall): string {
  const where = `run ${stall.runId} (${stall.state}, ${stall.tasksDone}/${stall.tasksTotal} tasks done)`;
  const head = `Airflow reports its scheduler unhealthy (${describeHeartbeat(stall.latestHeartbeat)})`;
  const what =
    stall.idleMs === undefined
      ? `${head}: ${where} cannot move until the scheduler is back.`
      : `${head} and ${where} has not moved for ${Math.round(stall.idleMs / 1000)} s, so waiting stopped.`;
  return (
    `${what} The run is kept and goes on once the scheduler is back: restart the scheduler (airflow scheduler, ` +
    'or restart Airflow), then check the run with check_dag_status.'
  );
}
