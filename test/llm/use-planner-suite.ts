import { afterAll, beforeAll, beforeEach } from 'vitest';
import { startFakeModelServer, type FakeModelServer } from './fake-model-server.js';
import { createPlanningFixture } from './planning-context.js';
import { sqliteLadder } from './sqlite-ladder.js';

/**
 * One suite's fixtures: the fake model server (started before, closed after, reset between tests), the SQLite
 * sample with its planning context, and the validation ladder over it.
 */
export function usePlannerSuite() {
  const planning = createPlanningFixture();
  const validate = sqliteLadder([planning.dataDir]);
  let started: FakeModelServer | undefined;
  beforeAll(async () => {
    started = await startFakeModelServer();
  });
  afterAll(async () => {
    await started?.close();
    planning.cleanup();
  });
  beforeEach(() => started?.reset());
  return {
    planning,
    validate,
    get server(): FakeModelServer {
      if (!started) throw new Error('the fake model server starts in beforeAll');
      return started;
    },
  };
}
