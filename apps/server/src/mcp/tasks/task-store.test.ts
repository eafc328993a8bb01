import { afterEach, describe, expect, it } from 'vitest';
import { TaskStore, type TaskControl, type TaskOutcome, type TaskView } from './task-store.js';

const alice = { keyId: 'key-alice', tenant: 'default' };
const bob = { keyId: 'key-bob', tenant: 'default' };
const ok = (text: string): TaskOutcome => ({ result: { content: [{ type: 'text', text }] } });
const settled = () => new Promise((resolve) => setTimeout(resolve, 0));

/** Work that waits until released (or aborted), so a test decides when a task ends. */
function gate() {
  let release: (outcome: TaskOutcome) => void = () => undefined;
  let seen: TaskControl | undefined;
  const work = (control: TaskControl) => {
    seen = control;
    return new Promise<TaskOutcome>((resolve, reject) => {
      release = resolve;
      control.signal.addEventListener('abort', () => reject(control.signal.reason as Error), { once: true });
    });
  };
  return { work, release: (outcome: TaskOutcome) => release(outcome), control: () => seen };
}

describe('TaskStore', () => {
  let now = 1_000_000;
  const stores: TaskStore[] = [];
  const store = (options: Partial<ConstructorParameters<typeof TaskStore>[0]> = {}) => {
    const created = new TaskStore({ ttlMs: 60_000, maxPerKey: 3, now: () => now, cancelGraceMs: 50, ...options });
    stores.push(created);
    return created;
  };
  afterEach(() => {
    for (const s of stores.splice(0)) s.close();
    now = 1_000_000;
  });

  it('creates a task that is readable at once, then completes with the work result', async () => {
    const tasks = store();
    const job = gate();
    const created = tasks.start(alice, job.work);
    expect(created).toMatchObject({ status: 'working', ttlMs: 60_000, pollIntervalMs: 1000 });
    expect(tasks.get(alice, created.taskId)?.status).toBe('working');
    await settled();
    job.control()?.report('run running: 1/2 tasks done');
    expect(tasks.get(alice, created.taskId)?.statusMessage).toBe('run running: 1/2 tasks done');
    job.release(ok('rows migrated: 64'));
    await settled();
    const done = tasks.get(alice, created.taskId) as TaskView;
    expect(done.status).toBe('completed');
    expect(done.result).toEqual({ content: [{ type: 'text', text: 'rows migrated: 64' }] });
    expect(done.statusMessage).toBeUndefined();
  });

  it('keeps tasks to their owner: another key (or tenant) neither reads, updates nor cancels them', async () => {
    const tasks = store();
    const { taskId } = tasks.start(alice, gate().work);
    expect(tasks.get(bob, taskId)).toBeUndefined();
    expect(tasks.get({ keyId: alice.keyId, tenant: 'other' }, taskId)).toBeUndefined();
    expect(tasks.cancel(bob, taskId)).toBe(false);
    expect(tasks.update(bob, taskId, {})).toBe(false);
    expect(tasks.get(alice, taskId)?.status).toBe('working');
  });

  it('reports a thrown JSON-RPC error as failed with that error, a tool error result as completed', async () => {
    const tasks = store();
    const failed = tasks.start(alice, async () => {
      throw Object.assign(new Error('boom'), { code: -32603 });
    });
    const toolError = tasks.start(alice, async () => ({ result: { isError: true, content: [] } }));
    await settled();
    expect(tasks.get(alice, failed.taskId)).toMatchObject({
      status: 'failed',
      error: { code: -32603, message: 'boom' },
    });
    expect(tasks.get(alice, failed.taskId)?.result).toBeUndefined();
    expect(tasks.get(alice, toolError.taskId)).toMatchObject({ status: 'completed', result: { isError: true } });
  });

  it('cancels: aborts the work, turns cancelled with what the work said, and acks again on a finished task', async () => {
    const tasks = store();
    const stopped = tasks.start(alice, async (control) => {
      await new Promise((resolve) => control.signal.addEventListener('abort', resolve, { once: true }));
      return { result: { isError: true, content: [{ type: 'text', text: 'TIMEOUT: Stopped following run r1.' }] } };
    });
    await settled();
    expect(tasks.cancel(alice, stopped.taskId)).toBe(true);
    await settled();
    expect(tasks.get(alice, stopped.taskId)).toMatchObject({
      status: 'cancelled',
      statusMessage: 'Cancelled. TIMEOUT: Stopped following run r1.',
    });
    expect(tasks.cancel(alice, stopped.taskId)).toBe(true);
    expect(tasks.get(alice, stopped.taskId)?.status).toBe('cancelled');
  });

  it('reports cancelled after the grace period when the work does not stop', async () => {
    const tasks = store();
    const { taskId } = tasks.start(alice, () => new Promise<TaskOutcome>(() => undefined));
    tasks.cancel(alice, taskId);
    expect(tasks.get(alice, taskId)?.status).toBe('working');
    await new Promise((resolve) => setTimeout(resolve, 80));
    expect(tasks.get(alice, taskId)?.status).toBe('cancelled');
  });

  it('keeps a task for its TTL, then forgets it and stops its work', async () => {
    const tasks = store();
    const job = gate();
    const { taskId } = tasks.start(alice, job.work);
    await settled();
    now += 59_999;
    expect(tasks.get(alice, taskId)?.status).toBe('working');
    now += 1;
    expect(tasks.get(alice, taskId)).toBeUndefined();
    expect(job.control()?.signal.aborted).toBe(true);
  });

  it('bounds tasks per key: the oldest finished one makes room; all running refuses the next', async () => {
    const tasks = store();
    const first = tasks.start(alice, async () => ok('done'));
    await settled();
    tasks.start(alice, gate().work);
    tasks.start(alice, gate().work);
    now += 1;
    tasks.start(alice, gate().work);
    expect(tasks.get(alice, first.taskId)).toBeUndefined();
    expect(tasks.countFor(alice.keyId)).toBe(3);
    expect(() => tasks.start(alice, gate().work)).toThrow(/already has 3 tasks running/);
    // Another key has its own bound.
    expect(tasks.start(bob, gate().work).status).toBe('working');
  });

  it('parks the task in input_required until every request is answered; other keys are ignored', async () => {
    const tasks = store();
    let answers: Record<string, unknown> = {};
    const request = { method: 'elicitation/create', params: { message: 'Go?' } };
    const { taskId } = tasks.start(alice, async (control) => {
      answers = await control.ask({ a: request, b: request });
      return ok('answered');
    });
    await settled();
    expect(tasks.get(alice, taskId)).toMatchObject({
      status: 'input_required',
      inputRequests: { a: request, b: request },
    });
    tasks.update(alice, taskId, { a: { action: 'accept' }, unknown: { action: 'accept' } });
    expect(tasks.get(alice, taskId)).toMatchObject({ status: 'input_required', inputRequests: { b: request } });
    tasks.update(alice, taskId, { b: { action: 'decline' } });
    await settled();
    expect(tasks.get(alice, taskId)?.status).toBe('completed');
    expect(answers).toEqual({ a: { action: 'accept' }, b: { action: 'decline' } });
  });

  it('stops all running work on close', async () => {
    const tasks = store();
    const job = gate();
    tasks.start(alice, job.work);
    await settled();
    tasks.close();
    expect(job.control()?.signal.aborted).toBe(true);
    expect(tasks.countFor(alice.keyId)).toBe(0);
  });
});
