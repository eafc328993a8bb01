import { expect } from 'vitest';
import { findLeaks } from './leak-forms.js';
import type { RuntimeCase } from './runtime-case.js';
import type { CaseOutcome } from './run-runtime-cases.js';

/**
 * A run-time case is safe when it was refused before deploy with a clear error, or deployed and run with nothing in
 * its landings landed, no task past its time bound; in both, none of `secrets` (in any
 * leak form) is in any answer about it.
 */
export async function expectSafeOutcome(c: RuntimeCase, o: CaseOutcome | undefined, secrets: Record<string, string>) {
  expect(o, `${c.id} has no outcome`).toBeDefined();
  const outcome = o as CaseOutcome;
  if (outcome.refused !== undefined) {
    // A clear refusal: a sentence, not a stack trace.
    expect(outcome.refused.length, outcome.refused).toBeGreaterThan(20);
    expect(outcome.refused).not.toMatch(/Traceback|at .+\.ts:\d+/);
  } else {
    expect(c.mustRefuse, `ran instead of being refused (${c.mustRefuse}); run ${outcome.runState}`).toBeUndefined();
    expect(outcome.runState, 'deployed but not run').toBeDefined();
    expect(outcome.tasks.length, 'none of its tasks is in the run').toBeGreaterThan(0);
    if (c.maxTaskSeconds !== undefined) {
      for (const t of outcome.tasks) {
        expect(t.duration_s ?? 0, `${t.task_id} ran ${t.duration_s} s`).toBeLessThanOrEqual(c.maxTaskSeconds);
      }
    }
  }
  const landed = (await Promise.all(c.landings.map((l) => l.check()))).filter((x): x is string => x !== undefined);
  expect(landed, `${outcome.refused === undefined ? 'ran' : 'refused'} and left this behind`).toEqual([]);
  expect(findLeaks(outcome.answers.join('\n'), secrets), 'leaked into its answers').toEqual([]);
}
