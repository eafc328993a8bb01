import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { createAirflowClient } from '../create-airflow-client.js';
import { followRun } from './follow-run.js';
import { schedulerDownReason } from './scheduler-down-reason.js';

/** What the fake Airflow answers at a given moment (ms since it started). */
interface Scene {
  run(ms: number): { state: string; done: number } | 'outage';
  health(ms: number): { status: string; beat: string | null } | 'error';
  /** Airflow 2 (API v1, Basic auth) instead of Airflow 3. */
  v1?: boolean;
}

const servers: Server[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => new Promise((r) => s.close(r))));
});

const send = (res: ServerResponse, status: number, body: unknown) => {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
};

/**
 * A real HTTP server on loopback playing Airflow for one run `r` of DAG `d` with two tasks: version, login, the run,
 * its task instances and the health endpoint, each as `scene` says at that moment. Counts the health calls.
 */
async function fakeAirflow(scene: Scene) {
  const started = Date.now();
  const calls = { health: [] as number[] };
  const api = scene.v1 ? '/api/v1' : '/api/v2';
  const server = createServer((req, res) => {
    const ms = Date.now() - started;
    const path = (req.url ?? '').split('?')[0];
    if (path === '/api/v2/version') {
      if (scene.v1) return send(res, 404, { detail: 'Not Found' });
      return send(res, 200, { version: '3.3.2' });
    }
    if (path === '/api/v1/version') return send(res, 200, { version: '2.10.5' });
    if (path === '/auth/token') {
      const exp = Math.floor(Date.now() / 1000) + 3600;
      const token = ['{"alg":"none"}', JSON.stringify({ sub: 'svc', exp }), ''].map((p) =>
        Buffer.from(p).toString('base64url'),
      );
      return send(res, 201, { access_token: token.join('.') });
    }
    if (path === `${api}/${scene.v1 ? 'health' : 'monitor/health'}`) {
      calls.health.push(ms);
      const health = scene.health(ms);
      if (health === 'error') return send(res, 500, { detail: 'Internal Server Error' });
      return send(res, 200, {
        metadatabase: { status: 'healthy' },
        scheduler: { status: health.status, latest_scheduler_heartbeat: health.beat },
      });
    }
    const run = scene.run(ms);
    if (run === 'outage') return send(res, 503, { detail: 'Service Unavailable' });
    if (path === `${api}/dags/d/dagRuns/r`) {
      return send(res, 200, {
        dag_id: 'd',
        dag_run_id: 'r',
        state: run.state,
        start_date: run.state === 'queued' ? null : new Date(started).toISOString(),
        end_date: null,
      });
    }
    if (path === `${api}/dags/d/dagRuns/r/taskInstances`) {
      const task_instances = ['a', 'b'].map((task_id, i) => ({
        task_id,
        state: i < run.done ? 'success' : run.state === 'queued' ? null : 'scheduled',
        try_number: 1,
      }));
      return send(res, 200, { task_instances, total_entries: 2 });
    }
    send(res, 404, { detail: `no route ${path}` });
  });
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const client = createAirflowClient({ baseUrl, username: 'svc', password: 'pw', attempts: 1, timeoutMs: 2000 });
  return { client, calls };
}

const follow = (client: ReturnType<typeof createAirflowClient>, timeoutMs: number) =>
  followRun({ client, dagId: 'd', runId: 'r', timeoutMs, pollMs: 50, stallMs: 400, healthEveryMs: 300 });

const beat = '2026-11-25T08:24:47.123456Z';

describe('followRun and a dead scheduler (a real loopback HTTP server as Airflow)', () => {
  it('stops soon after the run stops moving when Airflow reports its scheduler unhealthy, naming the heartbeat', async () => {
    const { client, calls } = await fakeAirflow({
      run: () => ({ state: 'queued', done: 0 }),
      health: () => ({ status: 'unhealthy', beat }),
    });
    const started = Date.now();
    const followed = await follow(client, 20_000);
    const took = Date.now() - started;
    expect(took).toBeGreaterThanOrEqual(400);
    expect(took).toBeLessThan(2_000);
    expect(followed.run.state).toBe('queued');
    expect(followed.timedOut).toBe(true);
    expect(calls.health).toHaveLength(1);
    expect(followed.stalled).toMatchObject({
      runId: 'r',
      state: 'queued',
      tasksDone: 0,
      tasksTotal: 2,
      latestHeartbeat: beat,
    });
    expect(followed.stalled?.idleMs).toBeGreaterThanOrEqual(400);
    expect(schedulerDownReason(followed.stalled!)).toMatch(
      new RegExp(
        `^Airflow reports its scheduler unhealthy \\(last heartbeat ${beat.replace(/\./g, '\\.')}\\) and run r ` +
          '\\(queued, 0/2 tasks done\\) has not moved for \\d+ s, so waiting stopped\\. The run is kept and goes on ' +
          'once the scheduler is back: restart the scheduler \\(airflow scheduler, or restart Airflow\\), then ' +
          'check the run with check_dag_status\\.$',
      ),
    );
  });

  it('never stops for a healthy scheduler, however long the run stands still, and asks at most every healthEveryMs', async () => {
    const { client, calls } = await fakeAirflow({
      run: (ms) => (ms < 1_800 ? { state: 'running', done: 1 } : { state: 'success', done: 2 }),
      health: () => ({ status: 'healthy', beat }),
    });
    const followed = await follow(client, 20_000);
    expect(followed.run.state).toBe('success');
    expect(followed.timedOut).toBe(false);
    expect(followed.stalled).toBeUndefined();
    // no progress from the first poll to 1.8 s: health asked from 0.4 s on, no more than once per 300 ms
    expect(calls.health.length).toBeGreaterThanOrEqual(2);
    expect(calls.health.length).toBeLessThanOrEqual(5);
    for (let i = 1; i < calls.health.length; i++) {
      expect((calls.health[i] ?? 0) - (calls.health[i - 1] ?? 0)).toBeGreaterThanOrEqual(290);
    }
  });

  it('does not ask while the run moves, even with the scheduler reported unhealthy', async () => {
    // a task finishes every 300 ms: never 400 ms without progress
    const { client, calls } = await fakeAirflow({
      run: (ms) => (ms < 600 ? { state: 'running', done: Math.floor(ms / 300) } : { state: 'success', done: 2 }),
      health: () => ({ status: 'unhealthy', beat }),
    });
    const followed = await follow(client, 20_000);
    expect(followed.run.state).toBe('success');
    expect(followed.stalled).toBeUndefined();
    expect(calls.health).toEqual([]);
  });

  it('ignores health errors and keeps following until the timeout, as before', async () => {
    const { client, calls } = await fakeAirflow({
      run: () => ({ state: 'queued', done: 0 }),
      health: () => 'error',
    });
    const followed = await follow(client, 1_500);
    expect(followed.run.state).toBe('queued');
    expect(followed.timedOut).toBe(true);
    expect(followed.stalled).toBeUndefined();
    expect(calls.health.length).toBeGreaterThanOrEqual(2);
  });

  it('restarts the clock after an Airflow outage, so a restarted scheduler gets time to beat again', async () => {
    // The run queued, Airflow away from 0.2 to 1.2 s, back with the old heartbeat (unhealthy) until 1.5 s and healthy
    // after; the run, still queued all along, ends at 2.2 s. Counting the outage as standing still would stop at 1.2 s.
    const { client, calls } = await fakeAirflow({
      run: (ms) =>
        ms >= 200 && ms < 1_200 ? 'outage' : ms < 2_200 ? { state: 'queued', done: 0 } : { state: 'success', done: 2 },
      health: (ms) =>
        ms < 1_500 ? { status: 'unhealthy', beat } : { status: 'healthy', beat: new Date().toISOString() },
    });
    const followed = await follow(client, 20_000);
    expect(followed.run.state).toBe('success');
    expect(followed.stalled).toBeUndefined();
    expect(calls.health.length).toBeGreaterThan(0);
    expect(calls.health[0]).toBeGreaterThanOrEqual(1_550);
  });

  it('reads the scheduler health of Airflow 2 (API v1) the same way', async () => {
    const { client } = await fakeAirflow({
      v1: true,
      run: () => ({ state: 'running', done: 1 }),
      health: () => ({ status: 'unhealthy', beat: null }),
    });
    const followed = await follow(client, 20_000);
    expect(followed.timedOut).toBe(true);
    expect(followed.stalled).toMatchObject({ state: 'running', tasksDone: 1, latestHeartbeat: null });
    expect(schedulerDownReason(followed.stalled!)).toContain(
      'Airflow reports its scheduler unhealthy (no heartbeat) and run r',
    );
  });
});
