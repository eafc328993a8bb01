import { createDagVersionStore, createFeedbackStore, createPgClient, type SqlClient } from '@airflow-mcp/state';
import pg from 'pg';
import { afterAll, describe, expect, inject, it } from 'vitest';

/**
 * Replicas of the service started at the same moment on one empty PostgreSQL each create the state tables. Two
 * concurrent `CREATE TABLE IF NOT EXISTS` can both miss the table, and then one fails on a unique violation in the
 * catalog: a replica that dies at start. The stores run their DDL under an advisory lock, so all of them start.
 */
describe('replicas starting together on one empty PostgreSQL', () => {
  const postgres = inject('postgres');
  const schema = `replicas_start_${Date.now().toString(36)}`;
  const admin = new pg.Client({ connectionString: postgres.url });
  const clients: SqlClient[] = [];

  afterAll(async () => {
    await Promise.all(clients.map((c) => c.close()));
    await admin.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    await admin.end();
  });

  it('all create their tables without a conflict, and see one set of tables', async () => {
    await admin.connect();
    await admin.query(`CREATE SCHEMA ${schema}`);
    const url = new URL(postgres.url);
    url.searchParams.set('options', `-c search_path=${schema}`);
    const replicas = 8;
    for (let i = 0; i < replicas; i++) clients.push(await createPgClient({ connectionString: url.toString() }));

    const started = await Promise.allSettled(
      clients.map(async (db) => {
        const [versions] = await Promise.all([
          createDagVersionStore(db, { deployedFile: async () => undefined, leaseMs: 30_000 }),
          createFeedbackStore(db),
        ]);
        const next = await versions.nextVersion('d_start');
        await versions.close();
        return next;
      }),
    );
    const failures = started.filter((s) => s.status === 'rejected').map((s) => String(s.reason));
    expect(failures).toEqual([]);
    expect(started.map((s) => (s.status === 'fulfilled' ? s.value : null))).toEqual(Array(replicas).fill(1));

    const tables = await admin.query<{ table_name: string }>(
      'SELECT table_name FROM information_schema.tables WHERE table_schema = $1 ORDER BY table_name',
      [schema],
    );
    expect(tables.rows.map((r) => r.table_name)).toEqual([
      'audit_log',
      'dag_versions',
      'feedback',
      'service_instances',
    ]);
  });
});
