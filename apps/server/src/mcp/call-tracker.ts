/** Counts tool calls in flight so that shutdown can let them finish, within a bound. */
export class CallTracker {
  private count = 0;
  private writes = 0;
  private waiters: (() => void)[] = [];

  /** Takes a slot for a state-changing (long-running) call; false when `limit` are already running (0 = no limit). */
  enterWrite(limit: number): boolean {
    if (limit > 0 && this.writes >= limit) return false;
    this.writes += 1;
    return true;
  }

  leaveWrite(): void {
    this.writes = Math.max(0, this.writes - 1);
  }

  get inFlight(): number {
    return this.count;
  }

  async track<T>(work: () => Promise<T>): Promise<T> {
    this.count += 1;
    try {
      return await work();
    } finally {
      this.count -= 1;
      if (this.count === 0) for (const wake of this.waiters.splice(0)) wake();
    }
  }

  /** Resolves true once no call is in flight, or false when the timeout passes first. */
  idle(timeoutMs: number): Promise<boolean> {
    if (this.count === 0) return Promise.resolve(true);
    return new Promise((resolve) => {
      const timer = setTimeout(() => resolve(false), timeoutMs);
      this.waiters.push(() => {
        clearTimeout(timer);
        resolve(true);
      });
    });
  }
}
