import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { renderDagFileHeader } from '@airflow-mcp/airflow';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { airflowAdminToken } from '../support/airflow-admin-token.js';
import { createShopDatabase } from '../support/create-shop-database.js';
import type { CreateDagOutput, ToolResult } from '../support/mcp-tool-calls.js';
import { queryDuckdb } from '../support/query-duckdb.js';
import { startServiceApp, type ServiceApp } from '../support/start-service-app.js';
import { celeryAirflow, type CeleryAirflow } from './celery-airflow.js';

interface TaskInstance {
  task_id: string;
  state: string | null;
  hostname: string | null;
  try_number: number;
}

/**
 * The service against Airflow 3 with the CeleryExecutor (Redis broker, metadata on PostgreSQL, two workers in
 * processes of their own): only the service's configuration differs from the standalone suites. Task instances name
 * the worker that ran them (the harness makes each worker report its name as hostname).
 */
describe('Celery: generated DAGs on two workers', () => {
  const postgres = inject('postgres');
  const suffix = Date.now().toString(36);
  let airflow: CeleryAirflow;
  let app: ServiceApp;
  let client: Client;
  let token: string;
  const made: string[] = [];

  const api = async <T>(path: string, init: RequestInit = {}): Promise<T> => {
    const response = await fetch(`${airflow.url}/api/v2${path}`, {
      ...init,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    });
    if (!response.ok)
      throw new Error(`${init.method ?? 'GET'} ${path}: HTTP ${response.status} ${await response.text()}`);
    return (await response.json()) as T;
  };
  const taskInstances = async (dagId: string, runId: string) =>
    (await api<{ task_instances: TaskInstance[] }>(`/dags/${dagId}/dagRuns/${encodeURIComponent(runId)}/taskInstances`))
      .task_instances;
  const until = async <T>(what: string, probe: () => Promise<T | undefined>, timeoutMs: number): Promise<T> => {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      const value = await probe().catch(() => undefined);
      if (value !== undefined) return value;
      await new Promise((resolve) => setTimeout(resolve, 1000));
    }
    throw new Error(`timed out waiting for ${what}`);
  };

  beforeAll(async () => {
    airflow = celeryAirflow(postgres, 'up');
    token = await airflowAdminToken(airflow);
  });
  afterAll(async () => {
    for (const dagId of made) rmSync(join(airflow.dagsDir, `${dagId}.py`), { force: true });
    await app?.close();
    if (airflow && process.env.AIRFLOW_MCP_KEEP_TEST_AIRFLOW !== '1') celeryAirflow(postgres, 'down');
  });

  it('create_dag through the unchanged service: three parallel loads run on both workers and land in DuckDB', async () => {
    const warehouse = join(airflow.dataDir, `celery-${suffix}`);
    mkdirSync(warehouse, { recursive: true });
    createShopDatabase(join(warehouse, 'shop.db'));
    app = await startServiceApp(airflow, { ALLOWED_DATA_DIRS: warehouse });
    client = await app.connect();
    const dagId = `celery_three_${suffix}`;
    const result = (await client.callTool(
      {
        name: 'create_dag',
        arguments: {
          task_description: `copy customers, orders and order_items from SQLite shop.db into DuckDB celery.duckdb, dag id ${dagId}`,
          run: true,
          wait: true,
        },
      },
      undefined,
      { timeout: 300_000 },
    )) as ToolResult;
    expect(result.isError, result.content[0]?.text).toBeFalsy();
    const out = result.structuredContent as unknown as CreateDagOutput;
    made.push(dagId);
    expect(out.run?.state).toBe('success');
    const loads = out.spec.tasks.filter((t) => t.type === 'transfer').map((t) => t.id);
    expect(loads.length).toBe(3);
    const runId = out.run?.run_id ?? '';
    const instances = await taskInstances(dagId, runId);
    const hosts = new Set(instances.filter((t) => loads.includes(t.task_id)).map((t) => t.hostname));
    expect([...hosts].sort()).toEqual(['worker-a', 'worker-b']);
    expect(
      queryDuckdb(
        airflow.python,
        join(warehouse, 'celery.duckdb'),
        'SELECT (SELECT COUNT(*) FROM customers), (SELECT COUNT(*) FROM orders), (SELECT COUNT(*) FROM order_items)',
      ),
    ).toEqual([[40, 120, expect.any(Number)]]);
  }, 400_000);

  it('a worker killed mid-task (SIGKILL on its process group): the task is retried on the other worker and succeeds', async () => {
    const dagId = `celery_kill_${suffix}`;
    writeFileSync(
      join(airflow.dagsDir, `${dagId}.py`),
      `${renderDagFileHeader({ dagId, specHash: 'celery-kill', version: 1, generator: 'test' })}
import time
from datetime import datetime, timedelta
from airflow.sdk import dag, task
@dag(dag_id=${JSON.stringify(dagId)}, schedule=None, start_date=datetime(2024, 1, 1), catchup=False,
     default_args={"retries": 1, "retry_delay": timedelta(seconds=2)})
def d():
    @task
    def slow(ti=None):
        time.sleep(20)
        return ti.hostname
    slow()
d()
`,
    );
    made.push(dagId);
    await until('the DAG to be parsed', () => api(`/dags/${dagId}`), 120_000);
    await api(`/dags/${dagId}`, { method: 'PATCH', body: JSON.stringify({ is_paused: false }) });
    const run = await api<{ dag_run_id: string }>(`/dags/${dagId}/dagRuns`, {
      method: 'POST',
      body: JSON.stringify({ logical_date: null }),
    });
    const first = await until(
      'the task to run',
      async () => (await taskInstances(dagId, run.dag_run_id)).find((t) => t.state === 'running' && t.hostname),
      120_000,
    );
    const victim = first.hostname ?? '';
    expect(airflow.workers).toContain(victim);
    celeryAirflow(postgres, 'kill-worker', victim);
    try {
      const done = await until(
        'the run to end',
        async () => {
          const state = (await api<{ state: string }>(`/dags/${dagId}/dagRuns/${encodeURIComponent(run.dag_run_id)}`))
            .state;
          return state === 'success' || state === 'failed' ? state : undefined;
        },
        240_000,
      );
      expect(done).toBe('success');
      const [last] = await taskInstances(dagId, run.dag_run_id);
      expect(last?.try_number).toBe(2);
      expect(last?.hostname).toBe(airflow.workers.find((w) => w !== victim));
    } finally {
      // The killed worker comes back for the next suite.
      celeryAirflow(postgres, 'up');
    }
  }, 400_000);
});
