import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { createSampleDatabase } from '@airflow-mcp/pipeline';
import { createPgliteClient } from '@airflow-mcp/state';
import { afterAll, describe, expect, inject, it } from 'vitest';

const root = join(import.meta.dirname, '..', '..');
const cli = join(root, 'apps', 'server', 'bin', 'airflow-mcp.js');

type ToolResult = { structuredContent?: Record<string, unknown>; isError?: boolean; content: { text?: string }[] };
interface Listed {
  version: number;
  spec_hash: string;
  reason: string;
  code?: string;
}
interface Row {
  version: number | null;
  outcome: string;
}

/** One run of `airflow-mcp serve` on a free port, and an MCP client connected to it. */
interface Server {
  child: ChildProcess;
  client: Client;
  exited: Promise<void>;
}

/** Every service started, so none outlives a failed test (they run in their own process groups). */
const started = new Set<ChildProcess>();

async function startServer(env: Record<string, string>): Promise<Server> {
  // Its own process group, so a kill takes its children (the Python checks) with it, as a container kill would.
  const child = spawn(process.execPath, [cli, 'serve', '--port', '0'], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  started.add(child);
  let output = '';
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
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
  const client = new Client({ name: 'sigkill-version-history', version: '1.0.0' });
  await client.connect(new StreamableHTTPClientTransport(new URL(`${url}/mcp`)));
  return { child, client, exited };
}

/** SIGKILL to the service's whole process group (the service and its Python checks). */
function killTree(child: ChildProcess): void {
  if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return;
  try {
    process.kill(-child.pid, 'SIGKILL');
  } catch {
    child.kill('SIGKILL');
  }
}

function killGroup(server: Server): Promise<void> {
  killTree(server.child);
  return server.exited;
}

/**
 * Every row of the DAG's history table, read straight from the service's PGlite folder while no service holds it
 * (DATA_DIR/db, or DATA_DIR/state in the older two-folder layout).
 */
async function rowsOf(dataDir: string, dagId: string): Promise<Row[]> {
  const folder = ['db', 'state'].map((name) => join(dataDir, name)).find((path) => existsSync(path));
  if (!folder) throw new Error(`no embedded database in ${dataDir}`);
  const db = await createPgliteClient({ dataDir: folder });
  try {
    return (
      await db.query<Row>('SELECT version, outcome FROM dag_versions WHERE dag_id = $1 ORDER BY id', [dagId])
    ).rows.map((r) => ({ version: r.version === null ? null : Number(r.version), outcome: r.outcome }));
  } finally {
    await db.close();
  }
}

const header = (source: string) => ({
  version: Number(/^# version: (\d+)$/m.exec(source)?.[1]),
  specHash: /^# spec_hash: (\S+)$/m.exec(source)?.[1],
});

/**
 * `airflow-mcp serve` killed with SIGKILL at several moments of update_dag (when the deploy step begins, the moment
 * the DAG file changes on disk, after a random delay), then started again on the same DATA_DIR, round after round:
 * the version history must always describe what is in DAGS_DIR, never repeat a number, never reuse one, and still
 * drive rollback_dag and update_dag.
 */
describe('SIGKILL during a deploy: the version history stays consistent', () => {
  const airflow = inject('airflow');
  const suffix = Date.now().toString(36);
  const dagId = `kill_hist_${suffix}`;
  const warehouse = join(airflow.dataDir, `kill-history-${suffix}`);
  const dataDir = join(warehouse, '.state');
  const dagFile = join(airflow.dagsDir, `${dagId}.py`);
  const env = {
    DATA_DIR: dataDir,
    DAGS_DIR: airflow.dagsDir,
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
  afterAll(() => {
    for (const child of started) killTree(child);
  });
  const call = async (server: Server, name: string, args: Record<string, unknown>) =>
    (await server.client.callTool({ name, arguments: args }, undefined, { timeout: 300_000 })) as ToolResult;

  /** What list_dag_versions says must match DAGS_DIR: the file's version on top, with the file's exact code. */
  async function expectHistoryMatchesFile(server: Server): Promise<Listed[]> {
    const listed = await call(server, 'list_dag_versions', { dag_id: dagId, include_code: true });
    expect(listed.isError, listed.content[0]?.text).toBeFalsy();
    const versions = (listed.structuredContent as { versions: Listed[] }).versions;
    const numbers = versions.map((v) => v.version);
    expect(new Set(numbers).size, `no duplicate numbers in ${numbers.join(', ')}`).toBe(numbers.length);
    expect([...numbers].sort((a, b) => b - a)).toEqual(numbers);
    const source = readFileSync(dagFile, 'utf8');
    const onDisk = header(source);
    expect(versions[0]?.version, `the latest listed version is the one in ${dagFile}`).toBe(onDisk.version);
    expect(versions[0]?.spec_hash).toBe(onDisk.specHash);
    expect(versions[0]?.code).toBe(source);
    return versions;
  }

  it(
    'after every kill and restart: listed = deployed, no gaps in meaning, no reuse, rollback and update work',
    {
      timeout: 1_500_000,
    },
    async () => {
      mkdirSync(warehouse, { recursive: true });
      createSampleDatabase(join(warehouse, 'sample.db'));
      let hour = 0;
      const changeRequest = () => `run it every day at ${++hour}am`;

      // v1 by create_dag and v2 by an uncut update_dag, timed to spread the random kills over a whole update.
      let server = await startServer(env);
      const created = await call(server, 'create_dag', {
        task_description: `copy the users table from SQLite sample.db into DuckDB kill.duckdb, dag id ${dagId}`,
      });
      expect(created.isError, created.content[0]?.text).toBeFalsy();
      expect(created.structuredContent).toMatchObject({ dag_id: dagId, version: 1 });
      const startedAt = Date.now();
      const second = await call(server, 'update_dag', { dag_id: dagId, change_request: changeRequest() });
      expect(second.isError, second.content[0]?.text).toBeFalsy();
      expect(second.structuredContent).toMatchObject({ version: 2 });
      const updateMs = Date.now() - startedAt;
      console.info(`[sigkill-version-history] an uncut update_dag took ${(updateMs / 1000).toFixed(1)} s`);
      await expectHistoryMatchesFile(server);

      const triggers = [
        'deploy-step',
        'file-change',
        'random',
        'random',
        'deploy-step',
        'file-change',
        'random',
        'random',
        'random',
      ];
      const seen: string[] = [];
      let everUsed = 2;
      for (const trigger of triggers) {
        const before = readFileSync(dagFile, 'utf8');
        const roundAt = Date.now();
        const current = server;
        // A killed service does not end the call's stream: the client stops waiting when the kill is sent.
        const stopWaiting = new AbortController();
        let watching = true;
        const kill = () => {
          watching = false;
          void killGroup(current).then(() => stopWaiting.abort());
        };
        if (trigger === 'file-change') {
          void (async () => {
            while (watching) {
              if (existsSync(dagFile) && readFileSync(dagFile, 'utf8') !== before) return kill();
              await new Promise((r) => setTimeout(r, 5));
            }
          })();
        }
        const timer = trigger === 'random' ? setTimeout(kill, Math.floor(Math.random() * updateMs * 1.2)) : undefined;
        const ended = await current.client
          .callTool({ name: 'update_dag', arguments: { dag_id: dagId, change_request: changeRequest() } }, undefined, {
            timeout: 300_000,
            signal: stopWaiting.signal,
            onprogress: (p) => {
              if (trigger === 'deploy-step' && p.message?.startsWith('deploying')) kill();
            },
          })
          .then(
            (r) => ((r as ToolResult).isError ? 'ended in an error' : 'finished'),
            () => 'killed',
          );
        const callSeconds = ((Date.now() - roundAt) / 1000).toFixed(1);
        watching = false;
        clearTimeout(timer);
        await killGroup(current); // a random delay may fall after the call: the service is killed anyway
        await current.client.close().catch(() => undefined);

        // Straight from the database: what the kill left (a pending row at most), and the highest number ever taken.
        const left = await rowsOf(dataDir, dagId);
        const numbers = left.flatMap((r) => (r.version === null ? [] : [r.version]));
        expect(new Set(numbers).size, JSON.stringify(left)).toBe(numbers.length);
        expect(left.filter((r) => r.outcome === 'pending').length).toBeLessThanOrEqual(1);
        const source = readFileSync(dagFile, 'utf8');
        const file = header(source);
        if (source !== before)
          expect(file.version, 'a new file carries a number above every earlier one').toBeGreaterThan(everUsed);
        everUsed = Math.max(everUsed, ...numbers, file.version);

        server = await startServer(env);
        const listed = await expectHistoryMatchesFile(server);
        expect(listed.every((v) => v.version <= everUsed)).toBe(true);
        await killGroup(server);
        await server.client.close().catch(() => undefined);
        // Once restarted, nothing is left pending: a cut-short version is deployed (its file is in place) or
        // abandoned (the previous file still runs), and either way keeps its number. The deployed rows are the list.
        const settled = await rowsOf(dataDir, dagId);
        expect(
          settled.filter((r) => r.outcome === 'pending'),
          JSON.stringify(settled),
        ).toEqual([]);
        expect(settled.every((r) => ['deployed', 'failed', 'abandoned'].includes(r.outcome))).toBe(true);
        expect(settled.filter((r) => r.outcome === 'deployed').map((r) => r.version)).toEqual(
          listed.map((v) => v.version).reverse(),
        );
        const last = settled.at(-1);
        seen.push(
          `${trigger}: call ${ended} after ${callSeconds} s; ` +
            `last row v${last?.version} ${last?.outcome}; file v${file.version}`,
        );
        console.info(`[sigkill-version-history] ${seen.at(-1)}`);
        if (trigger === 'file-change') {
          expect(last, 'a version whose file landed is deployed').toEqual({
            version: file.version,
            outcome: 'deployed',
          });
        }
        server = await startServer(env);
      }
      // Some kill landed between the pending row and the file write: that version was abandoned, the file kept the
      // one before it, and its number is skipped from then on.
      expect(
        seen.some((s) => s.includes('abandoned')),
        seen.join('\n'),
      ).toBe(true);

      // The history still drives the tools: roll back to the version before the current one, then change it again.
      const history = await expectHistoryMatchesFile(server);
      const previous = history[1];
      expect(previous).toBeDefined();
      const back = await call(server, 'rollback_dag', {
        dag_id: dagId,
        version: previous?.version,
        run: true,
        wait: true,
      });
      expect(back.isError, back.content[0]?.text).toBeFalsy();
      const rolledBack = back.structuredContent as { version: number; spec: unknown; run?: { state: string } };
      expect(rolledBack.version).toBe(everUsed + 1);
      expect(rolledBack.run?.state).toBe('success');
      expect(header(readFileSync(dagFile, 'utf8')).specHash).toBe(previous?.spec_hash);

      const next = await call(server, 'update_dag', { dag_id: dagId, change_request: changeRequest() });
      expect(next.isError, next.content[0]?.text).toBeFalsy();
      expect((next.structuredContent as { version: number }).version).toBe(everUsed + 2);
      const final = await expectHistoryMatchesFile(server);
      expect(final.slice(0, 2).map((v) => v.version)).toEqual([everUsed + 2, everUsed + 1]);
      expect(final[1]?.reason).toBe(`rollback to version ${previous?.version}`);

      const audit = (await call(server, 'audit_log', { dag_id: dagId })).structuredContent as {
        entries: { action: string; outcome: string }[];
      };
      const reconciled = audit.entries.filter((e) => e.action === 'reconcile_dag_version').map((e) => e.outcome);
      expect(reconciled.length, seen.join('\n')).toBeGreaterThanOrEqual(1);
      await killGroup(server);
      await server.client.close().catch(() => undefined);
      // Each settlement was audited with the outcome the row holds.
      const rows = await rowsOf(dataDir, dagId);
      for (const entry of reconciled) {
        const [state, version] = entry.split(' v');
        expect(rows.find((r) => r.version === Number(version))?.outcome).toBe(state);
      }
    },
  );
});
