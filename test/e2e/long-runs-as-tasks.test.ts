import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { Client as ModernClient, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { modernWireClient, WireError, type ModernWireClient } from '../support/modern-wire-client.js';
import { deploySleepingDag } from '../support/one-task-dag.js';
import { queryDuckdb } from '../support/query-duckdb.js';
import { seedOrders } from '../support/seed-orders.js';
import { startServiceApp, type ServiceApp } from '../support/start-service-app.js';

const TASKS = 'io.modelcontextprotocol/tasks';
const ALICE = 'alice-tasks-key-0123456789abcdef';
const BOB = 'bob-tasks-key-0123456789abcdef01';
const BOUND_S = 5;
type Task = Record<string, unknown> & { taskId: string; status: string; statusMessage?: string };

/** Polls tasks/get (at the interval the task asks for) until `done` says so or the deadline passes. */
async function pollTask(client: ModernWireClient, taskId: string, done: (task: Task) => boolean, ms = 300_000) {
  const deadline = Date.now() + ms;
  const seen: Task[] = [];
  for (;;) {
    const task = (await client.request('tasks/get', { taskId })) as Task;
    seen.push(task);
    if (done(task) || Date.now() > deadline) return { task, seen };
    await new Promise((resolve) => setTimeout(resolve, Number(task.pollIntervalMs ?? 1000)));
  }
}

const isTerminal = (task: Task) => ['completed', 'failed', 'cancelled'].includes(task.status);

/**
 * The Tasks extension (SEP-2663) on 2026-07-28 against the test Airflow: create_dag with a run to wait for is
 * answered at once with a task, followed to completion through tasks/get (rows moved in the result) although the
 * run outlasts the service's wait bound (5 s here); run_dag's task is cancelled (following stops, the Airflow run
 * is left going and succeeds); another key sees none of it.
 */
describe('long runs as tasks (2026-07-28 Tasks extension)', () => {
  const airflow = inject('airflow');
  const suffix = Date.now().toString(36);
  const warehouse = join(airflow.dataDir, `warehouse-tasks-${suffix}`);
  const source = join(warehouse, 'shop.db');
  const table = `orders_task_${suffix}`;
  let app: ServiceApp;
  let alice: ModernWireClient;
  let bob: ModernWireClient;

  beforeAll(async () => {
    mkdirSync(warehouse, { recursive: true });
    seedOrders(source, table, 64);
    app = await startServiceApp(airflow, {
      ALLOWED_DATA_DIRS: warehouse,
      KNOWLEDGE_DIR: 'none',
      MCP_WAIT_BOUND_S: String(BOUND_S),
      MCP_API_KEYS: `${ALICE},${BOB}`,
    });
    const capabilities = { extensions: { [TASKS]: {} } };
    alice = modernWireClient(app.mcpUrl, { token: ALICE, capabilities });
    bob = modernWireClient(app.mcpUrl, { token: BOB, capabilities });
  });
  afterAll(async () => {
    await app?.close();
  });

  it('server/discover advertises the extension to the SDK v2 client', async () => {
    const modern = new ModernClient(
      { name: 'tasks-discover-client', version: '1.0.0' },
      { capabilities: {}, versionNegotiation: { mode: { pin: '2026-07-28' } } },
    );
    await modern.connect(
      new StreamableHTTPClientTransport(app.mcpUrl, { requestInit: { headers: { authorization: `Bearer ${ALICE}` } } }),
    );
    try {
      const capabilities = modern.getServerCapabilities() as { extensions?: Record<string, unknown> } | undefined;
      expect(capabilities?.extensions?.[TASKS]).toEqual({});
    } finally {
      await modern.close().catch(() => {});
    }
  });

  it('create_dag with wait is a task: polled to completed, the result carries the rows moved; other keys see nothing', async () => {
    const started = Date.now();
    const created = await alice.request('tools/call', {
      name: 'create_dag',
      arguments: {
        task_description: `Copy the ${table} table into DuckDB file tasks.duckdb`,
        source_db: source,
        run: true,
        wait: true,
      },
    });
    expect(created).toMatchObject({ resultType: 'task', status: 'working' });
    expect(Date.now() - started).toBeLessThan(5_000);
    const taskId = String(created.taskId);

    // Bob's key neither reads nor cancels Alice's task: the same answer as for a task that does not exist.
    await expect(bob.request('tasks/get', { taskId })).rejects.toMatchObject({ code: -32602 });
    await expect(bob.request('tasks/cancel', { taskId })).rejects.toBeInstanceOf(WireError);

    const { task, seen } = await pollTask(alice, taskId, isTerminal);
    expect(task.status, JSON.stringify(task)).toBe('completed');
    const result = task.result as { isError?: boolean; content: { text?: string }[]; structuredContent: unknown };
    expect(result.isError, result.content[0]?.text).toBeFalsy();
    const out = result.structuredContent as { dag_id: string; run: { state: string; rows: number } };
    expect(out.run).toMatchObject({ state: 'success', rows: 64 });
    expect(result.content[0]?.text).toMatch(/64/);
    // Progress showed while it worked, and the whole wait was longer than the service's bound allows a request.
    expect(seen.some((t) => t.status === 'working' && typeof t.statusMessage === 'string')).toBe(true);
    expect(queryDuckdb(airflow.python, join(warehouse, 'tasks.duckdb'), `SELECT COUNT(*) FROM ${table}`)).toEqual([
      [64],
    ]);
    await expect(bob.request('tasks/get', { taskId })).rejects.toMatchObject({ code: -32602 });
  });

  it('cancelling run_dag’s task stops following; the Airflow run is not marked failed and ends on its own', async () => {
    const dagId = `sleepy_task_${suffix}`;
    const client = await deploySleepingDag(airflow, dagId, 20);
    const created = await alice.request('tools/call', {
      name: 'run_dag',
      arguments: { dag_id: dagId, wait: true, timeout_s: 600 },
    });
    expect(created.resultType).toBe('task');
    const taskId = String(created.taskId);
    // Wait until the run is being followed (its state shows in the task's message), then cancel.
    await pollTask(alice, taskId, (t) => /^run (queued|running)/.test(t.statusMessage ?? '') || isTerminal(t), 120_000);
    expect(await alice.request('tasks/cancel', { taskId })).toEqual({ resultType: 'complete' });
    const { task } = await pollTask(alice, taskId, isTerminal, 30_000);
    expect(task.status).toBe('cancelled');
    expect(task.statusMessage).toMatch(/not stopped and goes on in Airflow/);
    const runId = /Stopped following run (\S+) of/.exec(task.statusMessage ?? '')?.[1] ?? '';
    expect(runId).not.toBe('');
    expect(['queued', 'running']).toContain((await client.getRun(dagId, runId)).state);

    let state = '';
    const deadline = Date.now() + 180_000;
    while (!['success', 'failed'].includes(state) && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 2000));
      state = (await client.getRun(dagId, runId)).state;
    }
    expect(state).toBe('success');
  });
});
