/*
 * How the version history stays true to DAGS_DIR when the process is killed mid-deploy (write-ahead + reconcile).
 *
 * 1. A deploy writes its version as a `pending` row (spec, code, who, why, spec hash) BEFORE the DAG file changes;
 *    the unique index on (dag_id, version) makes that the moment the number is taken (a concurrent deploy that
 *    chose the same number gets CONFLICT and writes nothing).
 * 2. When the deploy ends, its process settles the row: `deployed`, or `failed` when the deployer threw and put the
 *    previous file back (if the file still carries the version, it is `deployed`: the history follows the disk).
 * 3. A process killed between 1 and 2 leaves the row `pending`. Pending rows are reconciled against the DAG file on
 *    disk (what Airflow runs): its header names that version and spec hash -> `deployed`, anything else ->
 *    `abandoned` (the previous file kept running). This runs when the store opens, and for one DAG before its
 *    history is read or its next number chosen; pending rows of a DAG with a deploy in flight in THIS process are
 *    left to that deploy. Each settlement is audited.
 * 4. Several service processes may share one PostgreSQL (DATABASE_URL), so reconcile settles only rows whose owner
 *    is gone. Each store is an instance with a random id, written into its pending rows (`owner`), and holds a lease
 *    row in service_instances (instance-lease.ts): renewed every `renewMs` (10 s) to last `leaseMs` (30 s), given up
 *    by `close()` at shutdown. Another instance's row is settled once that owner's lease has run out or is missing
 *    (killed, or shut down with the deploy unfinished), compared on the database's clock. Rows with no owner (written
 *    before owners were recorded) count as orphaned. On PGlite (one process per embedded database) every other
 *    owner is a process that is gone, so its rows are settled at once, as before. A live owner that could not renew
 *    its lease for `leaseMs` (stalled, or cut off from the database) may see its row settled early; it settles its
 *    own row by id and unconditionally when its deploy ends, so the history still ends right.
 * Numbers come from MAX(version) over every row, whatever its outcome, so none is ever reused; the history that
 * tools show (list, get, latest) is the deployed rows only, as before.
 */
import { AppError } from '@airflow-mcp/core';
import { runLockedMigration } from '../sql/run-locked-migration.js';
import type { SqlClient } from '../sql/sql-client.js';
import { createInstanceLease, INSTANCE_LEASE_TABLE, type InstanceLeaseOptions } from './instance-lease.js';

/**
 * What a version row says happened. `deployed`: its file is (or was) the one in DAGS_DIR. `pending`: a deploy is
 * writing it right now. `failed`: the deploy failed and the previous file was put back. `abandoned`: the process
 * deploying it stopped (killed) before its file was in place; the previous file kept running. Only `deployed` rows
 * (and `rolled_back`, kept for old rows) are the history; every row keeps its number.
 */
export type VersionOutcome = 'pending' | 'deployed' | 'failed' | 'abandoned' | 'rolled_back' | 'rejected';

export interface DagVersion {
  dag_id: string;
  version: number;
  spec: unknown;
  code: string;
  spec_hash: string;
  created_at: string;
  created_by: string;
  tenant: string;
  reason: string;
  planner: string;
  checks: unknown;
  outcome: VersionOutcome;
}

export interface AuditEntry {
  at: string;
  actor: string;
  tenant: string;
  action: string;
  dag_id: string | null;
  spec_hash: string | null;
  outcome: string;
  detail: string;
}

/** A version written ahead of its deploy; `settle` records how the deploy ended. */
export interface PendingVersion {
  readonly version: number;
  /**
   * `deployed` when Airflow took the file; `failed` when the deploy threw: recorded as `failed` unless the file on
   * disk still carries this version (the deployer could not put the previous one back), then `deployed`.
   */
  settle(result: 'deployed' | 'failed', checks?: unknown): Promise<VersionOutcome>;
}

export interface DagVersionStoreOptions extends InstanceLeaseOptions {
  /** The header of the DAG file in DAGS_DIR (what Airflow runs), or undefined when there is none of ours. */
  deployedFile(dagId: string): Promise<{ header: { version: number; specHash: string } } | undefined>;
}

/** One statement each, run in one transaction under an advisory lock: replicas may start at the same moment. */
const MIGRATION = [
  `CREATE TABLE IF NOT EXISTS dag_versions (
  id bigserial PRIMARY KEY,
  dag_id text NOT NULL,
  version int,
  spec jsonb NOT NULL,
  code text NOT NULL,
  spec_hash text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  created_by text NOT NULL,
  tenant text NOT NULL,
  reason text NOT NULL,
  planner text NOT NULL,
  checks jsonb NOT NULL,
  outcome text NOT NULL
)`,
  'CREATE UNIQUE INDEX IF NOT EXISTS dag_versions_version ON dag_versions (dag_id, version) WHERE version IS NOT NULL',
  'ALTER TABLE dag_versions ADD COLUMN IF NOT EXISTS settled_at timestamptz',
  `CREATE INDEX IF NOT EXISTS dag_versions_pending ON dag_versions (dag_id) WHERE outcome = 'pending'`,
  // The store instance that wrote a pending row; NULL on rows written before it was recorded.
  'ALTER TABLE dag_versions ADD COLUMN IF NOT EXISTS owner text',
  INSTANCE_LEASE_TABLE,
  `CREATE TABLE IF NOT EXISTS audit_log (
  id bigserial PRIMARY KEY,
  at timestamptz NOT NULL DEFAULT now(),
  actor text NOT NULL,
  tenant text NOT NULL,
  action text NOT NULL,
  dag_id text,
  spec_hash text,
  outcome text NOT NULL,
  detail text NOT NULL DEFAULT ''
)`,
];
const MIGRATION_LOCK = 72_430_115;

/** The outcomes that make up a DAG's history (list_dag_versions, rollback, update's starting point). */
const HISTORY = `outcome IN ('deployed', 'rolled_back')`;

/**
 * Every generated DAG's versions (spec, code, who, when, why, validation outcome) and an audit log of every write,
 * in PostgreSQL (PGlite by default). See the top of this file for how versions survive a killed deploy.
 */
export async function createDagVersionStore(db: SqlClient, options: DagVersionStoreOptions) {
  await runLockedMigration(db, MIGRATION_LOCK, MIGRATION);
  const lease = await createInstanceLease(db, options);
  /** Deploys under way in this process, per DAG: their pending rows are theirs to settle, not reconcile's. */
  const inFlight = new Map<string, number>();

  const toVersion = (r: Record<string, unknown>): DagVersion => ({
    dag_id: String(r.dag_id),
    version: Number(r.version),
    spec: typeof r.spec === 'string' ? JSON.parse(r.spec) : r.spec,
    code: String(r.code),
    spec_hash: String(r.spec_hash),
    created_at: new Date(r.created_at as string).toISOString(),
    created_by: String(r.created_by),
    tenant: String(r.tenant),
    reason: String(r.reason),
    planner: String(r.planner),
    checks: typeof r.checks === 'string' ? JSON.parse(r.checks) : r.checks,
    outcome: r.outcome as VersionOutcome,
  });

  /** `deployed` when the DAG file on disk carries this version and spec hash, else `fallback`. */
  async function judge(
    row: { dag_id: string; version: number; spec_hash: string },
    fallback: 'failed' | 'abandoned',
  ): Promise<'deployed' | 'failed' | 'abandoned'> {
    const file = await options.deployedFile(row.dag_id);
    return file?.header.version === row.version && file.header.specHash === row.spec_hash ? 'deployed' : fallback;
  }

  /**
   * Settles the pending rows (of one DAG, or all) whose deploy is under way nowhere: not in this process, and not in
   * another instance whose lease holds. Each becomes `deployed` or `abandoned` after the file on disk, with an audit
   * entry. Returns what it settled.
   */
  async function reconcile(dagId?: string): Promise<{ dag_id: string; version: number; outcome: VersionOutcome }[]> {
    const pending = await db.query<Record<string, unknown>>(
      `SELECT * FROM dag_versions WHERE outcome = 'pending' ${dagId === undefined ? '' : 'AND dag_id = $1'} ORDER BY id`,
      dagId === undefined ? [] : [dagId],
    );
    const settled: { dag_id: string; version: number; outcome: VersionOutcome }[] = [];
    // The instances whose lease holds (PGlite: this one only), asked only when there is something to settle.
    const live = pending.rows.length === 0 ? new Set<string>() : await lease.liveOwners();
    for (const raw of pending.rows) {
      const row = toVersion(raw);
      // Checked after the read: a deploy that began before it is seen here and left to finish.
      if (inFlight.has(row.dag_id)) continue;
      // Another instance's deploy still in flight: its owner settles it (or, if it dies, whoever comes after).
      if (typeof raw.owner === 'string' && raw.owner !== lease.id && live.has(raw.owner)) continue;
      let outcome: VersionOutcome;
      try {
        outcome = await judge(row, 'abandoned');
      } catch {
        continue; // DAGS_DIR unreadable: left pending (its number stays taken) until the next read.
      }
      const updated = await db.query(
        `UPDATE dag_versions SET outcome = $2, settled_at = now() WHERE dag_id = $1 AND version = $3 AND outcome = 'pending' RETURNING id`,
        [row.dag_id, outcome, row.version],
      );
      if (updated.rows.length === 0) continue;
      settled.push({ dag_id: row.dag_id, version: row.version, outcome });
      await audit({
        actor: 'airflow-mcp',
        tenant: row.tenant,
        action: 'reconcile_dag_version',
        dag_id: row.dag_id,
        spec_hash: row.spec_hash,
        outcome: `${outcome} v${row.version}`,
        detail:
          `The deploy of version ${row.version} (by ${row.created_by}: ${row.reason.slice(0, 200)}) stopped before ` +
          (outcome === 'deployed'
            ? `recording its outcome; the DAG file carries version ${row.version}, so it is what runs.`
            : `its file was in place; the previous file kept running, and the number ${row.version} is not reused.`),
      });
    }
    return settled;
  }

  async function nextVersion(dagId: string): Promise<number> {
    await reconcile(dagId);
    // Every row counts, whatever its outcome: a number once taken is never handed out again.
    const rows = await db.query<{ v: number | null }>('SELECT MAX(version) AS v FROM dag_versions WHERE dag_id = $1', [
      dagId,
    ]);
    return Number(rows.rows[0]?.v ?? 0) + 1;
  }

  /**
   * Writes a version ahead of its deploy, as `pending`. CONFLICT (retryable) when another deploy took the number
   * meanwhile. The caller must `settle` it when the deploy ends, however it ends.
   */
  async function begin(entry: Omit<DagVersion, 'created_at' | 'outcome'>): Promise<PendingVersion> {
    inFlight.set(entry.dag_id, (inFlight.get(entry.dag_id) ?? 0) + 1);
    const done = () => {
      const left = (inFlight.get(entry.dag_id) ?? 1) - 1;
      if (left > 0) inFlight.set(entry.dag_id, left);
      else inFlight.delete(entry.dag_id);
    };
    let id: unknown;
    try {
      const inserted = await db.query<{ id: unknown }>(
        `INSERT INTO dag_versions (dag_id, version, spec, code, spec_hash, created_by, tenant, reason, planner, checks, outcome, owner)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, 'pending', $11) ON CONFLICT DO NOTHING RETURNING id`,
        [
          entry.dag_id,
          entry.version,
          JSON.stringify(entry.spec),
          entry.code,
          entry.spec_hash,
          entry.created_by,
          entry.tenant,
          entry.reason.slice(0, 4000),
          entry.planner,
          JSON.stringify(entry.checks),
          lease.id,
        ],
      );
      id = inserted.rows[0]?.id;
    } catch (error) {
      done();
      throw error;
    }
    if (id === undefined) {
      done();
      throw new AppError(
        'CONFLICT',
        `Another change to DAG ${entry.dag_id} took version ${entry.version} while this one was being checked; nothing was deployed. Send the request again.`,
        { retryable: true },
      );
    }
    let settled = false;
    return {
      version: entry.version,
      async settle(result, checks) {
        if (settled) throw new AppError('INTERNAL', `Version ${entry.version} of ${entry.dag_id} is already settled.`);
        settled = true;
        try {
          const outcome = result === 'deployed' ? 'deployed' : await judge(entry, 'failed');
          // By id and unconditionally: this process knows best, even if another one settled the row meanwhile.
          await db.query(
            'UPDATE dag_versions SET outcome = $2, settled_at = now(), checks = COALESCE($3, checks) WHERE id = $1',
            [id, outcome, checks === undefined ? null : JSON.stringify(checks)],
          );
          return outcome;
        } finally {
          done();
        }
      },
    };
  }

  async function record(entry: Omit<DagVersion, 'created_at'>): Promise<void> {
    await db.query(
      `INSERT INTO dag_versions (dag_id, version, spec, code, spec_hash, created_by, tenant, reason, planner, checks, outcome)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
      [
        entry.dag_id,
        entry.outcome === 'rejected' ? null : entry.version,
        JSON.stringify(entry.spec),
        entry.code,
        entry.spec_hash,
        entry.created_by,
        entry.tenant,
        entry.reason.slice(0, 4000),
        entry.planner,
        JSON.stringify(entry.checks),
        entry.outcome,
      ],
    );
  }

  /** The DAG's history, newest first: its deployed versions (pending rows settled first). */
  async function list(dagId: string): Promise<DagVersion[]> {
    await reconcile(dagId);
    const rows = await db.query(
      `SELECT * FROM dag_versions WHERE dag_id = $1 AND version IS NOT NULL AND ${HISTORY} ORDER BY version DESC`,
      [dagId],
    );
    return rows.rows.map(toVersion);
  }

  async function get(dagId: string, version: number): Promise<DagVersion | undefined> {
    await reconcile(dagId);
    const rows = await db.query(`SELECT * FROM dag_versions WHERE dag_id = $1 AND version = $2 AND ${HISTORY}`, [
      dagId,
      version,
    ]);
    return rows.rows[0] ? toVersion(rows.rows[0]) : undefined;
  }

  async function latest(dagId: string): Promise<DagVersion | undefined> {
    return (await list(dagId))[0];
  }

  async function audit(entry: Omit<AuditEntry, 'at'>): Promise<void> {
    await db.query(
      'INSERT INTO audit_log (actor, tenant, action, dag_id, spec_hash, outcome, detail) VALUES ($1, $2, $3, $4, $5, $6, $7)',
      [
        entry.actor,
        entry.tenant,
        entry.action,
        entry.dag_id,
        entry.spec_hash,
        entry.outcome,
        entry.detail.slice(0, 2000),
      ],
    );
  }

  async function auditLog(filter: { tenant?: string; dagId?: string; limit?: number } = {}): Promise<AuditEntry[]> {
    const where: string[] = [];
    const params: unknown[] = [];
    if (filter.tenant) where.push(`tenant = $${params.push(filter.tenant)}`);
    if (filter.dagId) where.push(`dag_id = $${params.push(filter.dagId)}`);
    const rows = await db.query<Record<string, unknown>>(
      `SELECT * FROM audit_log ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY id DESC LIMIT ${Math.min(filter.limit ?? 100, 1000)}`,
      params,
    );
    return rows.rows.map((r) => ({
      at: new Date(r.at as string).toISOString(),
      actor: String(r.actor),
      tenant: String(r.tenant),
      action: String(r.action),
      dag_id: (r.dag_id as string | null) ?? null,
      spec_hash: (r.spec_hash as string | null) ?? null,
      outcome: String(r.outcome),
      detail: String(r.detail),
    }));
  }

  // Deploys cut short before this process started (killed, or the machine went down) are settled now.
  await reconcile();

  return {
    /** This store instance: the owner written into its pending rows. */
    instanceId: lease.id,
    nextVersion,
    begin,
    reconcile,
    record,
    list,
    get,
    latest,
    audit,
    auditLog,
    ping: () => db.query('SELECT 1'),
    /** Gives up this instance's lease (call before closing the database); its rows still pending become orphaned. */
    close: () => lease.close(),
  };
}

export type DagVersionStore = Awaited<ReturnType<typeof createDagVersionStore>>;
