import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createAirflowService } from '@airflow-mcp/agent';
import { dagFilePath, renderDagFileHeader, writeFileAtomic } from '@airflow-mcp/airflow';
import {
  createDagVersionStore,
  createPgClient,
  createPgliteClient,
  type DagVersion,
  type SqlClient,
} from '@airflow-mcp/state';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';

const root = join(import.meta.dirname, '..', '..');
const LEASE_MS = 2000;

type Store = Awaited<ReturnType<typeof createDagVersionStore>>;

/**
 * A second service process (the built packages, as the service runs them) that opens the version store on the same
 * PostgreSQL, begins a deploy of `entry` and stays alive, renewing its lease, until it is killed. Prints its
 * instance id and the version once the pending row is written.
 */
const REPLICA = `
import { createAirflowService } from '@airflow-mcp/agent';
import { createDagVersionStore, createPgClient } from '@airflow-mcp/state';
const { connectionString, airflow, leaseMs, entry } = JSON.parse(process.env.REPLICA_CONFIG);
const db = await createPgClient({ connectionString });
const service = createAirflowService({ ...airflow, timeoutMs: 15000 });
const store = await createDagVersionStore(db, { deployedFile: (dagId) => service.deployer.read(dagId), leaseMs });
const pending = await store.begin(entry);
process.stdout.write(JSON.stringify({ instance: store.instanceId, version: pending.version }) + '\\n');
setInterval(() => undefined, 60_000);
`;

/**
 * Several service processes on one PostgreSQL (DATABASE_URL): a replica's start-up and reads no longer settle a deploy
 * another live replica has in flight (it used to be marked abandoned, with a false audit entry); a replica that dies
 * mid-deploy has its version settled once its lease runs out. On PGlite (one process per database) another
 * instance's pending row is settled at once, as before.
 */
describe('version history across replicas: pending rows of a live replica are left to it, a dead one is settled after its lease', () => {
  const airflow = inject('airflow');
  const postgres = inject('postgres');
  const suffix = Date.now().toString(36);
  const schema = `versions_replicas_${suffix}`;
  const dagId = `replicas_${suffix}`;
  // A real DAGS_DIR of its own (Airflow does not read it): the stores judge pending rows by its files' headers.
  const dagsDir = mkdtempSync(join(tmpdir(), 'versions-replicas-dags-'));
  const airflowOptions = {
    url: airflow.url,
    username: airflow.username,
    password: airflow.password,
    dagsDir,
  };
  const service = createAirflowService({ ...airflowOptions, timeoutMs: 15_000 });
  const deployedFile = (id: string) => service.deployer.read(id);
  // Its own schema, so the start-up reconcile sees only this suite's rows.
  const url = new URL(postgres.url);
  url.searchParams.set('options', `-c search_path=${schema}`);
  const connectionString = url.toString();
  const admin = new pg.Client({ connectionString: postgres.url });
  const clients: SqlClient[] = [];
  const replicas = new Set<ChildProcess>();

  const code = (version: number) =>
    `${renderDagFileHeader({ dagId, specHash: `hash-${version}`, version, generator: 'test' })}# body of v${version}\n`;
  const entry = (version: number): Omit<DagVersion, 'created_at' | 'outcome'> => ({
    dag_id: dagId,
    version,
    spec: { dag_id: dagId, version },
    code: code(version),
    spec_hash: `hash-${version}`,
    created_by: 'alice',
    tenant: 'default',
    reason: `change ${version}`,
    planner: 'rules',
    checks: [],
  });
  const writeFile = (version: number) => writeFileAtomic(dagFilePath(dagsDir, dagId), code(version));
  const open = async (): Promise<SqlClient> => {
    const db = await createPgClient({ connectionString });
    clients.push(db);
    return db;
  };
  const rows = async () =>
    (
      await admin.query<{ version: number; outcome: string; owner: string | null }>(
        `SELECT version, outcome, owner FROM ${schema}.dag_versions WHERE dag_id = $1 ORDER BY version`,
        [dagId],
      )
    ).rows;
  const leaseOf = async (instance: string) =>
    (
      await admin.query<{ expired: boolean }>(
        `SELECT expires_at <= now() AS expired FROM ${schema}.service_instances WHERE id = $1`,
        [instance],
      )
    ).rows[0];
  const reconciled = async (store: Store) =>
    (await store.auditLog({ dagId })).filter((e) => e.action === 'reconcile_dag_version');

  beforeAll(async () => {
    await admin.connect();
    await admin.query('CREATE EXTENSION IF NOT EXISTS vector');
    await admin.query(`CREATE SCHEMA ${schema}`);
  });
  afterAll(async () => {
    for (const child of replicas) child.kill('SIGKILL');
    for (const db of clients) await db.close().catch(() => undefined);
    await admin.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    await admin.end();
  });

  /** Starts a replica process that begins `version` and waits until its pending row is written. */
  async function replicaBegins(version: number): Promise<{ child: ChildProcess; instance: string }> {
    const child = spawn(process.execPath, ['--input-type=module', '-e', REPLICA], {
      cwd: root,
      env: {
        ...process.env,
        REPLICA_CONFIG: JSON.stringify({
          connectionString,
          airflow: airflowOptions,
          leaseMs: LEASE_MS,
          entry: entry(version),
        }),
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    replicas.add(child);
    let output = '';
    const line = await new Promise<string>((resolve, reject) => {
      const onData = (d: Buffer) => {
        output += d.toString();
        const first = /^\{.*\}$/m.exec(output)?.[0];
        if (first) resolve(first);
      };
      child.stdout?.on('data', onData);
      child.stderr?.on('data', onData);
      child.once('exit', (status) => reject(new Error(`the replica exited (${status}) early:\n${output}`)));
    });
    const started = JSON.parse(line) as { instance: string; version: number };
    expect(started.version).toBe(version);
    return { child, instance: started.instance };
  }

  it('a live replica keeps its deploy in flight; a killed one has it settled once its lease has run out', async () => {
    const a = await createDagVersionStore(await open(), { deployedFile, leaseMs: LEASE_MS });
    const first = await a.begin(entry(1));
    await writeFile(1);
    expect(await first.settle('deployed')).toBe('deployed');

    // A is deploying v2 when B starts: B's start-up reconcile and its reads leave the row to A.
    const second = await a.begin(entry(2));
    const b = await createDagVersionStore(await open(), { deployedFile, leaseMs: LEASE_MS });
    expect(b.instanceId).not.toBe(a.instanceId);
    expect(await rows()).toEqual([
      { version: 1, outcome: 'deployed', owner: a.instanceId },
      { version: 2, outcome: 'pending', owner: a.instanceId },
    ]);
    expect((await b.list(dagId)).map((v) => v.version)).toEqual([1]);
    expect(await b.get(dagId, 2)).toBeUndefined();
    expect(await b.nextVersion(dagId), 'the number A holds is taken').toBe(3);
    // Longer than the lease: A's timer renews it, so its deploy is still its own.
    await new Promise((r) => setTimeout(r, LEASE_MS * 2));
    expect(await b.reconcile()).toEqual([]);
    expect((await rows())[1]).toMatchObject({ version: 2, outcome: 'pending' });

    await writeFile(2);
    expect(await second.settle('deployed')).toBe('deployed');
    expect((await b.list(dagId)).map((v) => `${v.version}:${v.outcome}`)).toEqual(['2:deployed', '1:deployed']);
    expect(await reconciled(b), 'nothing was settled on A’s behalf').toEqual([]);
    // A shuts down cleanly: its lease row goes with it.
    await a.close();
    expect(await leaseOf(a.instanceId)).toBeUndefined();

    // A replica process begins v3 and is killed before its file is written.
    const replica = await replicaBegins(3);
    expect((await rows())[2]).toEqual({ version: 3, outcome: 'pending', owner: replica.instance });
    expect(await b.nextVersion(dagId)).toBe(4);
    const exited = new Promise((r) => replica.child.once('exit', r));
    replica.child.kill('SIGKILL');
    await exited;
    const killedAt = Date.now();
    // Its lease has not run out yet: the row is still its own.
    expect(await b.reconcile(dagId)).toEqual([]);
    expect(await leaseOf(replica.instance)).toEqual({ expired: false });

    let settled = await b.reconcile(dagId);
    while (settled.length === 0 && Date.now() - killedAt < LEASE_MS + 10_000) {
      await new Promise((r) => setTimeout(r, 100));
      settled = await b.reconcile(dagId);
    }
    const waitedMs = Date.now() - killedAt;
    console.info(`[versions-across-replicas] the killed replica's v3 was settled ${waitedMs} ms after the kill`);
    expect(settled).toEqual([{ dag_id: dagId, version: 3, outcome: 'abandoned' }]);
    expect(await leaseOf(replica.instance), 'settled only once its lease had run out').toEqual({ expired: true });
    expect(waitedMs).toBeLessThan(LEASE_MS + 10_000);
    const audit = await reconciled(b);
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ actor: 'airflow-mcp', outcome: 'abandoned v3', spec_hash: 'hash-3' });
    expect(audit[0]?.detail).toContain('the previous file kept running, and the number 3 is not reused');
    expect((await b.list(dagId)).map((v) => v.version)).toEqual([2, 1]);
    expect(await b.nextVersion(dagId)).toBe(4);

    // The killed replica's lease row stays (it never closed) until it is a day old; B's goes when B closes.
    await admin.query(`UPDATE ${schema}.service_instances SET expires_at = now() - interval '2 days' WHERE id = $1`, [
      replica.instance,
    ]);
    await b.close();
    expect(await leaseOf(b.instanceId)).toBeUndefined();
    const c = await createDagVersionStore(await open(), { deployedFile });
    expect(await leaseOf(replica.instance), 'pruned by the next start').toBeUndefined();
    await c.close();
  });

  it('on PGlite (one process per database) another instance’s pending row is settled at once', async () => {
    const db = await createPgliteClient({ dataDir: mkdtempSync(join(tmpdir(), 'versions-replicas-pglite-')) });
    clients.push(db);
    const a = await createDagVersionStore(db, { deployedFile, leaseMs: LEASE_MS });
    const pglite = `${dagId}_pglite`;
    await a.begin({ ...entry(1), dag_id: pglite });
    const b = await createDagVersionStore(db, { deployedFile, leaseMs: LEASE_MS });
    expect(
      (await db.query<{ outcome: string }>('SELECT outcome FROM dag_versions WHERE dag_id = $1', [pglite])).rows,
    ).toEqual([{ outcome: 'abandoned' }]);
    expect((await b.auditLog({ dagId: pglite })).map((e) => e.outcome)).toEqual(['abandoned v1']);
    expect(await b.nextVersion(pglite)).toBe(2);
    // No lease rows on PGlite: liveness is this process alone.
    expect((await db.query('SELECT id FROM service_instances')).rows).toEqual([]);
  });
});
