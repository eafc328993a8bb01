import { spawn, type ChildProcess, execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { parseDagFileHeader } from '@airflow-mcp/airflow';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createShopDatabase } from '../support/create-shop-database.js';
import type { ToolResult } from '../support/mcp-tool-calls.js';
import { celeryAirflow, type CeleryAirflow } from '../celery/celery-airflow.js';

const cli = join(import.meta.dirname, '..', '..', 'apps', 'server', 'bin', 'airflow-mcp.js');

/**
 * `airflow-mcp serve` with DAGS_DELIVERY=git killed (SIGKILL, whole process group) mid-update: once the moment its
 * commit reaches the repository, once before. Started again on the same DATA_DIR, the version history's latest
 * version is the one on the branch head, with its spec hash and its exact code.
 */
describe('git delivery: a service killed mid-deploy, restarted: the version store and git agree', () => {
  const postgres = inject('postgres');
  const suffix = Date.now().toString(36);
  const dagId = `git_kill_${suffix}`;
  let airflow: CeleryAirflow;
  let repository: string;
  let env: Record<string, string>;
  const children = new Set<ChildProcess>();
  const git = (...args: string[]) => execFileSync('git', args, { cwd: repository, encoding: 'utf8' }).trim();

  async function serve(): Promise<{ child: ChildProcess; client: Client; exited: Promise<void> }> {
    const child = spawn(process.execPath, [cli, 'serve', '--port', '0'], {
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    children.add(child);
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    let output = '';
    const url = await new Promise<string>((resolve, reject) => {
      const onData = (d: Buffer) => {
        output += d.toString();
        const found = /airflow-mcp listening on (http:\/\/\S+) /.exec(output)?.[1];
        if (found) resolve(found);
      };
      child.stdout?.on('data', onData);
      child.stderr?.on('data', onData);
      void exited.then(() => reject(new Error(`the service exited before listening:\n${output.slice(-3000)}`)));
    });
    const client = new Client({ name: 'git-crash-reconcile', version: '1.0.0' });
    await client.connect(new StreamableHTTPClientTransport(new URL(`${url}/mcp`)));
    return { child, client, exited };
  }
  const kill = (child: ChildProcess) => {
    if (child.pid !== undefined && child.exitCode === null && child.signalCode === null) {
      process.kill(-child.pid, 'SIGKILL');
    }
  };
  const call = async (client: Client, name: string, args: Record<string, unknown>, signal?: AbortSignal) =>
    (await client.callTool({ name, arguments: args }, undefined, {
      timeout: 300_000,
      ...(signal ? { signal } : {}),
    })) as ToolResult;

  async function expectHistoryMatchesGit(client: Client): Promise<number> {
    const listed = await call(client, 'list_dag_versions', { dag_id: dagId, include_code: true });
    expect(listed.isError, listed.content[0]?.text).toBeFalsy();
    const versions = (listed.structuredContent as { versions: { version: number; spec_hash: string; code: string }[] })
      .versions;
    const source = git('show', `main:${dagId}.py`);
    const head = parseDagFileHeader(`${source}\n`);
    expect(versions[0]?.version).toBe(head?.version);
    expect(versions[0]?.spec_hash).toBe(head?.specHash);
    expect(versions[0]?.code.trim()).toBe(source);
    return versions[0]?.version ?? 0;
  }

  beforeAll(() => {
    airflow = celeryAirflow(postgres, 'up');
    repository = join(airflow.dataDir, 'airflow', 'dags.git');
    const warehouse = join(airflow.dataDir, `git-kill-${suffix}`);
    mkdirSync(warehouse, { recursive: true });
    createShopDatabase(join(warehouse, 'shop.db'));
    env = {
      DATA_DIR: join(warehouse, '.state'),
      DAGS_DELIVERY: 'git',
      DAGS_GIT_REPOSITORY: repository,
      AIRFLOW_URL: airflow.url,
      AIRFLOW_USERNAME: airflow.username,
      AIRFLOW_PASSWORD: airflow.password,
      AIRFLOW_PYTHON: airflow.python,
      ALLOWED_DATA_DIRS: warehouse,
      PLANNER: 'rules',
      EMBEDDER: 'local',
      KNOWLEDGE_DIR: 'none',
      LOG_LEVEL: 'warn',
    };
  });
  afterAll(async () => {
    for (const child of children) kill(child);
    const server = await serve().catch(() => undefined);
    if (server) {
      await call(server.client, 'delete_dag', { dag_id: dagId }).catch(() => undefined);
      kill(server.child);
    }
    if (airflow && process.env.AIRFLOW_MCP_KEEP_TEST_AIRFLOW !== '1') celeryAirflow(postgres, 'down');
  });

  it('killed when its commit lands, and killed before: the latest listed version is the branch head', async () => {
    let server = await serve();
    const created = await call(server.client, 'create_dag', {
      task_description: `copy customers from SQLite shop.db into DuckDB git_kill.duckdb, dag id ${dagId}`,
    });
    expect(created.isError, created.content[0]?.text).toBeFalsy();
    await expectHistoryMatchesGit(server.client);
    let hour = 0;
    for (const moment of ['commit-lands', 'early'] as const) {
      const headBefore = git('rev-parse', 'main');
      const stop = new AbortController();
      const update = call(
        server.client,
        'update_dag',
        { dag_id: dagId, change_request: `run it every day at ${++hour}am` },
        stop.signal,
      ).catch(() => undefined);
      const current = server;
      if (moment === 'commit-lands') {
        while (git('rev-parse', 'main') === headBefore) await new Promise((r) => setTimeout(r, 5));
      } else {
        await new Promise((r) => setTimeout(r, 300));
      }
      kill(current.child);
      await current.exited;
      stop.abort();
      await update;
      server = await serve();
      await expectHistoryMatchesGit(server.client);
    }
    // The history still drives an update: a new version, committed, on top.
    const next = await call(server.client, 'update_dag', { dag_id: dagId, change_request: 'run it every day at 9am' });
    expect(next.isError, next.content[0]?.text).toBeFalsy();
    expect(await expectHistoryMatchesGit(server.client)).toBe((next.structuredContent as { version: number }).version);
    kill(server.child);
  }, 900_000);
});
