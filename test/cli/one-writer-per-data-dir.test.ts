import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';

const root = join(import.meta.dirname, '..', '..');
const cli = join(root, 'apps', 'server', 'bin', 'airflow-mcp.js');

/**
 * Two real processes on one DATA_DIR: the embedded database takes one writer, so the second is refused at start and
 * told who holds it (pid, mode, start time, how to stop it); a lock left by a killed process is taken over; with
 * DATABASE_URL (a PostgreSQL several processes share) a second process on the same DATA_DIR is welcome.
 */
describe('one writer per DATA_DIR', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'airflow-mcp-one-writer-'));
  const baseEnv = {
    PATH: process.env.PATH ?? '',
    DATA_DIR: dataDir,
    KNOWLEDGE_DIR: 'none',
    AIRFLOW_URL: 'http://127.0.0.1:9',
    LOG_LEVEL: 'warn',
  };
  const clients: Client[] = [];

  beforeAll(() => {
    // The bin runs the built CLI: build (incremental, a no-op when up to date) so the file runs on its own.
    const built = spawnSync(process.execPath, [join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-b'], {
      cwd: root,
      stdio: 'inherit',
    });
    expect(built.status).toBe(0);
  });
  afterAll(async () => {
    for (const client of clients) await client.close().catch(() => undefined);
  });

  async function startStdio(env: Record<string, string>) {
    const transport = new StdioClientTransport({
      command: process.execPath,
      args: [cli, 'stdio'],
      env,
      stderr: 'pipe',
    });
    const client = new Client({ name: 'one-writer-test', version: '1.0.0' });
    clients.push(client);
    await client.connect(transport);
    await client.listTools();
    const pid = transport.pid;
    if (pid === null) throw new Error('the stdio server has no pid');
    return { client, pid };
  }

  const lockOwner = () =>
    JSON.parse(readFileSync(join(dataDir, 'db.lock'), 'utf8')) as { pid: number; mode: string; started_at: string };

  it('refuses a second process on the embedded database, naming the first and how to stop it', async () => {
    const first = await startStdio(baseEnv);
    const owner = lockOwner();
    expect(owner).toMatchObject({ pid: first.pid, mode: 'stdio' });

    for (const args of [['stdio'], ['feedback', 'report', '--json']]) {
      const second = spawnSync(process.execPath, [cli, ...args], {
        env: baseEnv,
        input: '',
        encoding: 'utf8',
        timeout: 60_000,
      });
      expect(second.status, second.stderr).toBe(1);
      expect(second.stdout).toBe('');
      expect(second.stderr).toContain(`DATA_DIR=${dataDir} is in use by another airflow-mcp process`);
      expect(second.stderr).toContain(`pid ${first.pid}, mode stdio, started ${owner.started_at}`);
      expect(second.stderr).toContain(`kill ${first.pid}`);
      expect(second.stderr).toContain('DATABASE_URL');
    }
    // The refused processes left the first one's lock alone, and it still answers.
    expect(lockOwner().pid).toBe(first.pid);
    await first.client.ping();

    // Killed without a chance to clean up: the lock stays behind, and the next process takes it over.
    process.kill(first.pid, 'SIGKILL');
    await first.client.close().catch(() => undefined);
    expect(lockOwner().pid).toBe(first.pid);
    const next = await startStdio(baseEnv);
    expect(lockOwner()).toMatchObject({ pid: next.pid, mode: 'stdio' });
    await next.client.close();
    // A clean exit removes the lock.
    await expect.poll(() => existsSync(join(dataDir, 'db.lock')), { timeout: 15_000 }).toBe(false);
  });

  it('lets several processes share DATA_DIR when DATABASE_URL names a PostgreSQL', async () => {
    const postgres = inject('postgres');
    const schema = `one_writer_${Date.now().toString(36)}`;
    const admin = new pg.Client({ connectionString: postgres.url });
    await admin.connect();
    try {
      await admin.query(`CREATE SCHEMA ${schema}`);
      const url = new URL(postgres.url);
      url.searchParams.set('options', `-c search_path=${schema},public`);
      const env = { ...baseEnv, DATABASE_URL: url.toString() };
      const first = await startStdio(env);
      const second = spawnSync(process.execPath, [cli, 'feedback', 'report', '--json'], {
        env,
        input: '',
        encoding: 'utf8',
        timeout: 60_000,
      });
      expect(second.status, second.stderr).toBe(0);
      expect(JSON.parse(second.stdout)).toMatchObject({ total: 0 });
      expect(existsSync(join(dataDir, 'db.lock'))).toBe(false);
      await first.client.ping();
      await first.client.close();
    } finally {
      await admin.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
      await admin.end();
    }
  });
});
