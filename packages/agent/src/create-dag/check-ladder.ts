import type { CheckOutcome } from './create-dag-result.js';

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** The validation ladder's record: each step that ran, in order, passed or failed with the reason. */
export function createCheckLadder() {
  const checks: CheckOutcome[] = [];
  return {
    /** The same array throughout, so steps recorded later still show in a result built earlier. */
    checks,
    record(outcome: CheckOutcome): void {
      checks.push(outcome);
    },
    /** Runs one step and records whether it passed; a failure is recorded and thrown on. */
    step<T>(name: string, fn: () => T): T {
      try {
        const value = fn();
        checks.push({ step: name, ok: true });
        return value;
      } catch (error) {
        checks.push({ step: name, ok: false, detail: messageOf(error) });
        throw error;
      }
    },
    async stepAsync<T>(name: string, fn: () => Promise<T>): Promise<T> {
      try {
        const value = await fn();
        checks.push({ step: name, ok: true });
        return value;
      } catch (error) {
        checks.push({ step: name, ok: false, detail: messageOf(error) });
        throw error;
      }
    },
  };
}

export type CheckLadder = ReturnType<typeof createCheckLadder>;
