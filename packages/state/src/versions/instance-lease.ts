import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { AppError, type Logger } from '@airflow-mcp/core';
import type { SqlClient } from '../sql/sql-client.js';

export interface InstanceLeaseOptions {
  /**
   * How long this instance's lease lasts after each renewal (default 30 s). Another instance treats this one as gone
   * (and settles its pending versions) once its lease has run out. PostgreSQL only.
   */
  leaseMs?: number;
  /** How often the lease is renewed (default a third of `leaseMs`). */
  renewMs?: number;
  /** Where a failed renewal is reported. */
  logger?: Logger;
}

/** Who this store instance is, and which instances on the same database are still alive. */
export interface InstanceLease {
  /** This instance: hostname, process id and a random part. */
  readonly id: string;
  /** The instances whose pending versions are theirs to settle: this one and every other one whose lease holds. */
  liveOwners(): Promise<ReadonlySet<string>>;
  /** Stops renewing and gives the lease up (its pending versions become settleable by the others at once). */
  close(): Promise<void>;
}

/** Lease rows this far past their end belong to instances long gone; each start removes them. */
const PRUNE_AFTER = `interval '1 day'`;

export const INSTANCE_LEASE_TABLE = `
CREATE TABLE IF NOT EXISTS service_instances (
  id text PRIMARY KEY,
  started_at timestamptz NOT NULL DEFAULT now(),
  heartbeat_at timestamptz NOT NULL DEFAULT now(),
  expires_at timestamptz NOT NULL
)`;

/**
 * The lease of one store instance. PGlite (one process per embedded database): no table rows, every other owner is
 * a process that is gone. PostgreSQL: a row in service_instances renewed by a timer (unref'd), its end computed and
 * compared on the database's clock, so the processes' clocks do not matter. Expects INSTANCE_LEASE_TABLE to exist.
 */
export async function createInstanceLease(db: SqlClient, options: InstanceLeaseOptions = {}): Promise<InstanceLease> {
  const id = `${hostname()}:${process.pid}:${randomUUID()}`;
  if (db.kind === 'pglite') {
    const self: ReadonlySet<string> = new Set([id]);
    return { id, liveOwners: async () => self, close: async () => undefined };
  }
  const leaseMs = options.leaseMs ?? 30_000;
  const renewMs = options.renewMs ?? Math.max(1, Math.floor(leaseMs / 3));
  if (renewMs >= leaseMs) {
    throw new AppError(
      'INVALID_INPUT',
      `The instance lease is renewed every ${renewMs} ms but lasts ${leaseMs} ms: renew it more often than it lasts.`,
    );
  }
  const renew = () =>
    db.query(
      `INSERT INTO service_instances (id, expires_at) VALUES ($1, now() + make_interval(secs => $2::float8 / 1000))
       ON CONFLICT (id) DO UPDATE SET heartbeat_at = now(), expires_at = EXCLUDED.expires_at`,
      [id, leaseMs],
    );
  await db.query(`DELETE FROM service_instances WHERE expires_at < now() - ${PRUNE_AFTER}`);
  await renew();
  let renewing: Promise<unknown> | undefined;
  const timer = setInterval(() => {
    renewing ??= renew()
      .catch((error: unknown) =>
        options.logger?.warn(
          { err: error, instance: id },
          'could not renew this instance lease; other instances may settle its deploys in flight',
        ),
      )
      .finally(() => {
        renewing = undefined;
      });
  }, renewMs);
  timer.unref();
  return {
    id,
    async liveOwners() {
      const rows = await db.query<{ id: string }>('SELECT id FROM service_instances WHERE expires_at > now()');
      return new Set([id, ...rows.rows.map((r) => r.id)]);
    },
    async close() {
      clearInterval(timer);
      await renewing;
      await db.query('DELETE FROM service_instances WHERE id = $1', [id]);
    },
  };
}
