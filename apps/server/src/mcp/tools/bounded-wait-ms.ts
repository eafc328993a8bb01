/** The longest wait for a run when the service sets none (MCP_WAIT_BOUND_S). */
export const DEFAULT_WAIT_BOUND_S = 60;

/** The wait a create_dag/run_dag/update_dag call gets for its run: what it asked for, at most the service's bound. */
export function boundedWaitMs(timeoutS: number, boundS: number | undefined): number {
  return Math.min(timeoutS, boundS ?? DEFAULT_WAIT_BOUND_S) * 1000;
}
