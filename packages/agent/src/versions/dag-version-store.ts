import type { SqlClient } from '@airflow-mcp/knowledge';

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
  outcome: 'deployed' | 'rolled_back' | 'rejected';
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

const MIGRATION = `
CREATE TABLE IF NOT EXISTS dag_versions (
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
);
CREATE UNIQUE INDEX IF NOT EXISTS dag_versions_version ON dag_versions (dag_id, version) WHERE version IS NOT NULL;
CREATE TABLE IF NOT EXISTS audit_log (
  id bigserial PRIMARY KEY,
  at timestamptz NOT NULL DEFAULT now(),
  actor text NOT NULL,
  tenant text NOT NULL,
  action text NOT NULL,
  dag_id text,
  spec_hash text,
  outcome text NOT NULL,
  detail text NOT NULL DEFAULT ''
);`;

/**
 * Every generated DAG's versions (spec, code, who, when, why, validation outcome) and an audit log of every write,
 * in PostgreSQL (PGlite by default). Version numbers are per DAG, assigned inside a transaction.
 */
export async function createDagVersionStore(db: SqlClient) {
  await db.exec(MIGRATION);

  async function nextVersion(dagId: string): Promise<number> {
    const rows = await db.query<{ v: number | null }>('SELECT MAX(version) AS v FROM dag_versions WHERE dag_id = $1', [
      dagId,
    ]);
    return Number(rows.rows[0]?.v ?? 0) + 1;
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
    outcome: r.outcome as DagVersion['outcome'],
  });

  async function list(dagId: string): Promise<DagVersion[]> {
    const rows = await db.query(
      'SELECT * FROM dag_versions WHERE dag_id = $1 AND version IS NOT NULL ORDER BY version DESC',
      [dagId],
    );
    return rows.rows.map(toVersion);
  }

  async function get(dagId: string, version: number): Promise<DagVersion | undefined> {
    const rows = await db.query('SELECT * FROM dag_versions WHERE dag_id = $1 AND version = $2', [dagId, version]);
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

  return { nextVersion, record, list, get, latest, audit, auditLog, ping: () => db.query('SELECT 1') };
}

export type DagVersionStore = Awaited<ReturnType<typeof createDagVersionStore>>;
