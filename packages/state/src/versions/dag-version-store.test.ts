import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createPgliteClient } from '../sql/create-pglite-client.js';
import type { SqlClient } from '../sql/sql-client.js';
import { createDagVersionStore, type DagVersion } from './dag-version-store.js';

const DAG = 'orders_copy';
/** A stand-in for the generated file's header (the real one is packages/airflow's): the store only needs its fields. */
const fileText = (version: number, specHash = `hash-${version}`) =>
  `# dag_id=${DAG} version=${version} spec_hash=${specHash}\n# body of v${version}\n`;
const dagFile = (dir: string, dagId: string) => join(dir, `${dagId}.py`);

/** The DAG files live in a real folder; the store reads their headers through `deployedFile`, as the service does. */
function dagsFolder() {
  const dir = mkdtempSync(join(tmpdir(), 'version-store-dags-'));
  let readable = true;
  return {
    dir,
    write: async (version: number, specHash?: string) => writeFileSync(dagFile(dir, DAG), fileText(version, specHash)),
    setReadable: (value: boolean) => {
      readable = value;
    },
    async deployedFile(dagId: string) {
      if (!readable) throw new Error('EIO: DAGS_DIR unreadable');
      let source: string;
      try {
        source = readFileSync(dagFile(dir, dagId), 'utf8');
      } catch {
        return undefined;
      }
      const header = /^# dag_id=\S+ version=(\d+) spec_hash=(\S+)$/m.exec(source);
      return header ? { header: { version: Number(header[1]), specHash: String(header[2]) } } : undefined;
    },
  };
}

const entry = (version: number, specHash = `hash-${version}`): Omit<DagVersion, 'created_at' | 'outcome'> => ({
  dag_id: DAG,
  version,
  spec: { dag_id: DAG, version },
  code: fileText(version, specHash),
  spec_hash: specHash,
  created_by: 'alice',
  tenant: 'default',
  reason: `change ${version}`,
  planner: 'rules',
  checks: [{ step: 'spec', ok: true }],
});

const outcomes = async (db: SqlClient) =>
  (
    await db.query<{ version: number; outcome: string }>(
      'SELECT version, outcome FROM dag_versions WHERE dag_id = $1 ORDER BY version',
      [DAG],
    )
  ).rows.map((r) => `v${r.version}:${r.outcome}`);

/** A deploy that runs to the end: pending, file written, settled deployed. */
async function deploy(
  store: Awaited<ReturnType<typeof createDagVersionStore>>,
  folder: ReturnType<typeof dagsFolder>,
  version: number,
) {
  const pending = await store.begin(entry(version));
  await folder.write(version);
  return pending.settle('deployed');
}

// Each test opens PGlite databases (WebAssembly PostgreSQL): a second or two on a quiet machine, over 20 s at load 10+
// on 2 cores (six of these timed out in CI at the unit project's 20 s). Correctness tests: give them room.
describe('dag version store: write-ahead versions and reconcile', { timeout: 120_000 }, () => {
  let db: SqlClient;
  let folder: ReturnType<typeof dagsFolder>;
  beforeEach(async () => {
    db = await createPgliteClient();
    folder = dagsFolder();
  });
  afterEach(async () => {
    await db.close();
  });

  it('a deploy that ends is pending while in flight, then deployed; numbers follow every row', async () => {
    const store = await createDagVersionStore(db, folder);
    expect(await deploy(store, folder, 1)).toBe('deployed');
    const pending = await store.begin(entry(2));
    // In flight in this process: reads leave it alone, the history does not show it, its number is taken.
    expect((await store.list(DAG)).map((v) => v.version)).toEqual([1]);
    expect(await store.get(DAG, 2)).toBeUndefined();
    expect(await store.nextVersion(DAG)).toBe(3);
    expect(await store.reconcile(DAG)).toEqual([]);
    expect(await outcomes(db)).toEqual(['v1:deployed', 'v2:pending']);
    await folder.write(2);
    expect(await pending.settle('deployed', [{ step: 'airflow-parse', ok: true }])).toBe('deployed');
    const history = await store.list(DAG);
    expect(history.map((v) => [v.version, v.outcome])).toEqual([
      [2, 'deployed'],
      [1, 'deployed'],
    ]);
    expect(history[0]?.checks).toEqual([{ step: 'airflow-parse', ok: true }]);
    expect((await store.latest(DAG))?.code).toBe(fileText(2));
    await expect(pending.settle('deployed')).rejects.toThrow(/already settled/);
  });

  it('a killed deploy whose file never landed is abandoned when the store opens again, and its number is not reused', async () => {
    const first = await createDagVersionStore(db, folder);
    await deploy(first, folder, 1);
    await first.begin(entry(2)); // the process dies here: no file, no settle
    const reopened = await createDagVersionStore(db, folder);
    expect(await outcomes(db)).toEqual(['v1:deployed', 'v2:abandoned']);
    expect((await reopened.list(DAG)).map((v) => v.version)).toEqual([1]);
    expect(await reopened.nextVersion(DAG)).toBe(3);
    const [audit] = await reopened.auditLog({ dagId: DAG });
    expect(audit).toMatchObject({ action: 'reconcile_dag_version', outcome: 'abandoned v2', actor: 'airflow-mcp' });
    expect(audit?.detail).toContain('the previous file kept running');
  });

  it('a killed deploy whose file landed is deployed, with the exact code of the file', async () => {
    const first = await createDagVersionStore(db, folder);
    await deploy(first, folder, 1);
    await first.begin(entry(2));
    await folder.write(2); // the process dies while Airflow parses the new file
    const reopened = await createDagVersionStore(db, folder);
    const [latest] = await reopened.list(DAG);
    expect(latest).toMatchObject({ version: 2, outcome: 'deployed', reason: 'change 2', created_by: 'alice' });
    expect(latest?.code).toBe(readFileSync(dagFile(folder.dir, DAG), 'utf8'));
    expect((await reopened.auditLog({ dagId: DAG }))[0]).toMatchObject({ outcome: 'deployed v2' });
  });

  it('a pending row whose number is on disk with another spec hash is abandoned', async () => {
    const first = await createDagVersionStore(db, folder);
    await first.begin(entry(1, 'mine'));
    await folder.write(1, 'someone-else');
    await createDagVersionStore(db, folder);
    expect(await outcomes(db)).toEqual(['v1:abandoned']);
  });

  it('on PGlite, pending rows of another store instance are settled on read when no deploy of that DAG is in flight here', async () => {
    // One process per embedded database: another instance's row can only be left by a process that is gone.
    const owner = await createDagVersionStore(db, folder);
    const other = await createDagVersionStore(db, folder);
    expect(owner.instanceId).not.toBe(other.instanceId);
    await deploy(owner, folder, 1);
    const pending = await owner.begin(entry(2));
    const written = await db.query<{ owner: string }>("SELECT owner FROM dag_versions WHERE outcome = 'pending'");
    expect(written.rows).toEqual([{ owner: owner.instanceId }]);
    expect(await other.reconcile(DAG)).toEqual([{ dag_id: DAG, version: 2, outcome: 'abandoned' }]);
    // The owner's own settle has the last word.
    await folder.write(2);
    expect(await pending.settle('deployed')).toBe('deployed');
    expect((await other.list(DAG)).map((v) => `${v.version}:${v.outcome}`)).toEqual(['2:deployed', '1:deployed']);
  });

  it('a failed deploy is failed when the previous file is back, deployed when the new file stayed', async () => {
    const store = await createDagVersionStore(db, folder);
    await deploy(store, folder, 1);
    const restored = await store.begin(entry(2));
    expect(await restored.settle('failed')).toBe('failed');
    const stuck = await store.begin(entry(3));
    await folder.write(3); // the deployer could not put v1 back
    expect(await stuck.settle('failed')).toBe('deployed');
    expect(await outcomes(db)).toEqual(['v1:deployed', 'v2:failed', 'v3:deployed']);
    expect((await store.list(DAG)).map((v) => v.version)).toEqual([3, 1]);
    expect(await store.nextVersion(DAG)).toBe(4);
  });

  it('two deploys that chose the same number: the second gets a retryable CONFLICT and nothing is recorded', async () => {
    const store = await createDagVersionStore(db, folder);
    const first = await store.begin(entry(1));
    await expect(store.begin(entry(1, 'other'))).rejects.toMatchObject({ code: 'CONFLICT', retryable: true });
    // The failed reservation did not count as a deploy in flight: the first one's row is still its own.
    await folder.write(1);
    expect(await first.settle('deployed')).toBe('deployed');
    expect(await outcomes(db)).toEqual(['v1:deployed']);
  });

  it('leaves a row pending while DAGS_DIR cannot be read, and settles it once it can', async () => {
    const first = await createDagVersionStore(db, folder);
    await first.begin(entry(1));
    await folder.write(1);
    folder.setReadable(false);
    const reopened = await createDagVersionStore(db, folder);
    expect(await reopened.list(DAG)).toEqual([]);
    expect(await reopened.nextVersion(DAG)).toBe(2);
    expect(await outcomes(db)).toEqual(['v1:pending']);
    folder.setReadable(true);
    expect((await reopened.list(DAG)).map((v) => `${v.version}:${v.outcome}`)).toEqual(['1:deployed']);
  });

  it('upgrades a database made by the previous schema, and opening twice changes nothing', async () => {
    await db.exec(`
      CREATE TABLE dag_versions (
        id bigserial PRIMARY KEY, dag_id text NOT NULL, version int, spec jsonb NOT NULL, code text NOT NULL,
        spec_hash text NOT NULL, created_at timestamptz NOT NULL DEFAULT now(), created_by text NOT NULL,
        tenant text NOT NULL, reason text NOT NULL, planner text NOT NULL, checks jsonb NOT NULL, outcome text NOT NULL
      );
      CREATE UNIQUE INDEX dag_versions_version ON dag_versions (dag_id, version) WHERE version IS NOT NULL;
      INSERT INTO dag_versions (dag_id, version, spec, code, spec_hash, created_by, tenant, reason, planner, checks, outcome)
        VALUES ('${DAG}', 1, '{}', 'old code', 'h1', 'bob', 'default', 'first', 'rules', '[]', 'deployed'),
               ('${DAG}', NULL, '{}', 'bad code', 'h0', 'bob', 'default', 'refused', 'rules', '[]', 'rejected');`);
    await createDagVersionStore(db, folder);
    const store = await createDagVersionStore(db, folder);
    expect((await store.list(DAG)).map((v) => [v.version, v.code])).toEqual([[1, 'old code']]);
    expect(await store.nextVersion(DAG)).toBe(2);
    expect(await deploy(store, folder, 2)).toBe('deployed');
    const columns = await db.query<{ column_name: string }>(
      "SELECT column_name FROM information_schema.columns WHERE table_name = 'dag_versions' AND column_name IN ('settled_at', 'owner')",
    );
    expect(columns.rows).toHaveLength(2);
  });

  it('survives a real restart of a PGlite folder with a deploy cut short', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'version-store-pglite-'));
    const before = await createPgliteClient({ dataDir });
    const first = await createDagVersionStore(before, folder);
    await deploy(first, folder, 1);
    await first.begin(entry(2));
    await before.close();
    const after = await createPgliteClient({ dataDir });
    try {
      const store = await createDagVersionStore(after, folder);
      expect(await outcomes(after)).toEqual(['v1:deployed', 'v2:abandoned']);
      expect(await deploy(store, folder, await store.nextVersion(DAG))).toBe('deployed');
      expect((await store.list(DAG)).map((v) => v.version)).toEqual([3, 1]);
    } finally {
      await after.close();
    }
  });
});
