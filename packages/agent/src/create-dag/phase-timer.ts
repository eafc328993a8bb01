import { performance } from 'node:perf_hooks';
import type { CreateDagTimings } from './create-dag-result.js';

/**
 * How long each phase of one build took, on the monotonic clock (whole ms). A dotted name is part of the phase its
 * name starts with (`deploy.parse_wait` is inside `deploy`); undotted phases run one after the other.
 */
export function createPhaseTimer() {
  const started = performance.now();
  const phases: Record<string, number> = {};
  const add = (phase: string, ms: number) => {
    phases[phase] = Math.round((phases[phase] ?? 0) + Math.max(0, ms));
  };
  return {
    add,
    /** Times `fn` as `phase` (recorded whether it resolves or throws). */
    async time<T>(phase: string, fn: () => Promise<T>): Promise<T> {
      const t = performance.now();
      try {
        return await fn();
      } finally {
        add(phase, performance.now() - t);
      }
    },
    /** A lap clock: each call returns the ms since the previous one (or since `lap` was made). */
    lap() {
      let mark = performance.now();
      return () => {
        const now = performance.now();
        const ms = now - mark;
        mark = now;
        return ms;
      };
    },
    /** `total` (since the timer was made), then the phases so far. */
    result(): CreateDagTimings {
      return { total: Math.round(performance.now() - started), ...phases };
    },
  };
}

export type PhaseTimer = ReturnType<typeof createPhaseTimer>;
