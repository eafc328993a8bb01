import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import { createPlanningFixtures } from '../../packages/agent/eval/planning/create-fixtures.mjs';

/** The planning fixtures (shop.db, events.db) in a temporary folder for the current describe; returns its path. */
export function usePlanningFixtures(prefix: string): () => string {
  let dir = '';
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), prefix));
    createPlanningFixtures(dir);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  return () => dir;
}
