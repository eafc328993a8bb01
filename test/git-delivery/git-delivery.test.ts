import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { parseDagFileHeader } from '@airflow-mcp/airflow';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { airflowAdminToken } from '../support/airflow-admin-token.js';
import { createShopDatabase } from '../support/create-shop-database.js';
import type { CreateDagOutput, ToolResult } from '../support/mcp-tool-calls.js';
import { startServiceApp, type ServiceApp } from '../support/start-service-app.js';
import { celeryAirflow, type CeleryAirflow } from '../celery/celery-airflow.js';

type Answer = CreateDagOutput & { version: number | null; deployed: boolean };

/**
 * DAGS_DELIVERY=git against the Celery Airflow (airflow-celery.mjs), whose second DAG bundle is a GitDagBundle on a
 * local bare repository: each version the service deploys is one commit (dag id, version, spec hash, who, why),
 * Airflow parses it from git and the Celery workers run that commit; rollback is a new commit; two replicas of the
 * service committing at once lose nothing and tangle nothing.
 */
describe('git delivery: DAG versions as commits read by the git DAG bundle', () => {
  const postgres = inject('postgres');
  const suffix = Date.now().toString(36);
  let airflow: CeleryAirflow;
  let repository: string;
  let warehouse: string;
  let token: string;
  const apps: ServiceApp[] = [];
  const clients: Client[] = [];
  const made = new Set<string>();

  const git = (...args: string[]) => execFileSync('git', args, { cwd: repository, encoding: 'utf8' });
  const commitsOf = (dagId: string) =>
    git('log', '--format=%H%x00%B%x01', 'main')
      .split('\x01')
      .map((entry) => entry.trim())
      .filter((entry) => entry.includes(`dag_id: ${dagId}\n`))
      .map((entry) => {
        const [sha, body] = entry.split('\0');
        return { sha: sha ?? '', body: body ?? '' };
      });
  const call = async (client: Client, name: string, args: Record<string, unknown>) => {
    const result = (await client.callTool({ name, arguments: args }, undefined, { timeout: 300_000 })) as ToolResult;
    expect(result.isError, result.content[0]?.text).toBeFalsy();
    const out = result.structuredContent as unknown as Answer;
    if (out.deployed) made.add(out.dag_id);
    return out;
  };
  const api = async <T>(path: string): Promise<T> => {
    const response = await fetch(`${airflow.url}/api/v2${path}`, { headers: { authorization: `Bearer ${token}` } });
    if (!response.ok) throw new Error(`GET ${path}: HTTP ${response.status}`);
    return (await response.json()) as T;
  };
  const request = (dagId: string, table: string) =>
    `copy customers from SQLite shop.db into DuckDB ${table}.duckdb as table ${table}, dag id ${dagId}`;

  beforeAll(async () => {
    airflow = celeryAirflow(postgres, 'up');
    repository = join(airflow.dataDir, 'airflow', 'dags.git');
    token = await airflowAdminToken(airflow);
    warehouse = join(airflow.dataDir, `git-${suffix}`);
    mkdirSync(warehouse, { recursive: true });
    createShopDatabase(join(warehouse, 'shop.db'));
    // Two replicas of the service: each its own DATA_DIR (its own clone of the repository).
    for (let i = 0; i < 2; i++) {
      const app = await startServiceApp(airflow, {
        ALLOWED_DATA_DIRS: warehouse,
        DAGS_DELIVERY: 'git',
        DAGS_GIT_REPOSITORY: repository,
      });
      apps.push(app);
      clients.push(await app.connect());
    }
  });
  afterAll(async () => {
    const client = clients[0];
    for (const dagId of made)
      await client?.callTool({ name: 'delete_dag', arguments: { dag_id: dagId } }).catch(() => 0);
    for (const app of apps) await app.close();
    if (airflow && process.env.AIRFLOW_MCP_KEEP_TEST_AIRFLOW !== '1') celeryAirflow(postgres, 'down');
  });

  it('deploy, update and rollback are commits; Airflow parses them from git and the Celery workers run that commit', async () => {
    const client = clients[0];
    if (!client) throw new Error('no client');
    const dagId = `git_life_${suffix}`;
    const first = await call(client, 'create_dag', {
      task_description: request(dagId, 'git_life'),
      run: true,
      wait: true,
    });
    expect(first.run?.state).toBe('success');
    // Nothing in the shared folder: the DAG came from the repository.
    expect(existsSync(join(airflow.dagsDir, `${dagId}.py`))).toBe(false);
    const [deployed] = commitsOf(dagId);
    const header = parseDagFileHeader(git('show', `${deployed?.sha}:${dagId}.py`));
    expect(deployed?.body).toContain(`deploy ${dagId} v1`);
    expect(deployed?.body).toContain(`spec_hash: ${header?.specHash}`);
    // Who: the caller (an unauthenticated local client here) and its tenant; why: the tool and the request.
    expect(deployed?.body).toMatch(/^who: .+ \(tenant .+\)$/m);
    expect(deployed?.body).toMatch(/^why: create_dag: copy customers from SQLite shop\.db/m);
    const run = await api<{ bundle_version: string | null }>(
      `/dags/${dagId}/dagRuns/${encodeURIComponent(first.run?.run_id ?? '')}`,
    );
    expect(run.bundle_version).toBe(deployed?.sha);
    const instances = await api<{ task_instances: { hostname: string | null; state: string }[] }>(
      `/dags/${dagId}/dagRuns/${encodeURIComponent(first.run?.run_id ?? '')}/taskInstances`,
    );
    for (const ti of instances.task_instances) expect(airflow.workers).toContain(ti.hostname);

    const second = await call(client, 'update_dag', { dag_id: dagId, change_request: 'add a not-null check on email' });
    expect(second.version).toBe(2);
    const rolled = await call(client, 'rollback_dag', { dag_id: dagId, version: 1, run: true, wait: true });
    expect(rolled.version).toBe(3);
    expect(rolled.run?.state).toBe('success');
    const commits = commitsOf(dagId);
    expect(commits.map((c) => /^\S+ \S+ v\d+/.exec(c.body)?.[0])).toEqual([
      `deploy ${dagId} v3`,
      `deploy ${dagId} v2`,
      `deploy ${dagId} v1`,
    ]);
    expect(commits[1]?.body).toMatch(/^why: update_dag: add a not-null check on email$/m);
    expect(commits[0]?.body).toMatch(/^why: rollback_dag: /m);
    const rolledHeader = parseDagFileHeader(git('show', `main:${dagId}.py`));
    expect(rolledHeader?.specHash).toBe(header?.specHash);
    const rerun = await api<{ bundle_version: string | null }>(
      `/dags/${dagId}/dagRuns/${encodeURIComponent(rolled.run?.run_id ?? '')}`,
    );
    expect(rerun.bundle_version).toBe(commits[0]?.sha);
  }, 900_000);

  it('two replicas deploying at once: both versions are commits of their own on one linear history, both parsed', async () => {
    const ids = [`git_a_${suffix}`, `git_b_${suffix}`];
    const before = Number(git('rev-list', '--count', 'main').trim());
    const answers = await Promise.all(
      ids.map((dagId, i) => {
        const client = clients[i];
        if (!client) throw new Error('no client');
        return call(client, 'create_dag', { task_description: request(dagId, dagId) });
      }),
    );
    for (const answer of answers) expect(answer.deployed).toBe(true);
    expect(Number(git('rev-list', '--count', 'main').trim())).toBe(before + 2);
    expect(git('rev-list', '--merges', '--count', 'main').trim()).toBe('0');
    for (const dagId of ids) {
      const [commit] = commitsOf(dagId);
      expect(git('show', '--name-only', '--format=', commit?.sha ?? '').trim()).toBe(`${dagId}.py`);
      const dag = await api<{ bundle_name: string | null }>(`/dags/${dagId}`);
      expect(dag.bundle_name).toBe('generated-git');
    }
  }, 600_000);
});
