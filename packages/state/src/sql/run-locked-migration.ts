import type { SqlClient } from './sql-client.js';

/**
 * Runs idempotent DDL (`CREATE ... IF NOT EXISTS`, `ADD COLUMN IF NOT EXISTS`) in one transaction under a
 * transaction-level advisory lock. Replicas of the service starting at the same moment on one PostgreSQL would
 * otherwise race: two concurrent `CREATE TABLE IF NOT EXISTS` can both miss the table and one fails on a unique
 * violation in the catalog. One lock id per set of statements.
 */
export async function runLockedMigration(db: SqlClient, lockId: number, statements: readonly string[]): Promise<void> {
  await db.transaction(async (tx) => {
    await tx.query('SELECT pg_advisory_xact_lock($1)', [lockId]);
    for (const statement of statements) await tx.query(statement);
  });
}
