import { AppError, redactSecrets } from '@airflow-mcp/core';
import pg from 'pg';
import pgvector from 'pgvector/pg';
import type { SqlClient, SqlQueryable } from './sql-client.js';

export interface PgClientOptions {
  /** How long to wait for a connection before a query fails (default 5 s), so readiness answers while it is down. */
  connectionTimeoutMs?: number;
  /** postgres://user:password@host:port/db of a PostgreSQL with the pgvector extension available. */
  connectionString: string;
  /** Pool size (default 4). */
  max?: number;
}

/**
 * A `pg` Pool to PostgreSQL + pgvector. The extension is created first (so pgvector's type registration finds
 * the `vector` type), then every pooled connection registers the vector types.
 */
export async function createPgClient(options: PgClientOptions): Promise<SqlClient> {
  const bootstrap = new pg.Client({ connectionString: options.connectionString });
  try {
    await bootstrap.connect();
    await bootstrap.query('CREATE EXTENSION IF NOT EXISTS vector');
  } catch (error) {
    await bootstrap.end().catch(() => undefined);
    const message = redactSecrets(error instanceof Error ? error.message : String(error), [options.connectionString]);
    throw new AppError(
      'UNAVAILABLE',
      `Could not prepare the service database (knowledge base, DAG versions, feedback) at ${redactSecrets(options.connectionString)}: ${message}. ` +
        'Check DATABASE_URL, that the server is up, and that the pgvector extension is installed (CREATE EXTENSION vector).',
      { cause: error },
    );
  }
  await bootstrap.end();
  const pool = new pg.Pool({
    connectionString: options.connectionString,
    max: options.max ?? 4,
    onConnect: (client) => pgvector.registerTypes(client),
    connectionTimeoutMillis: options.connectionTimeoutMs ?? 5000,
  });
  // An idle connection the server closes (restart, admin shutdown) is an 'error' event on the pool: without a
  // listener it would crash the process. The pool drops that client and the next query connects again.
  pool.on('error', () => undefined);
  const queryable = (target: pg.Pool | pg.PoolClient): SqlQueryable => ({
    query: async <R>(sql: string, params: readonly unknown[] = []) => {
      const result = await target.query(sql, [...params]);
      return { rows: result.rows as R[] };
    },
  });
  return {
    kind: 'postgres',
    ...queryable(pool),
    exec: async (sql) => {
      await pool.query(sql);
    },
    async transaction(work) {
      const client = await pool.connect();
      try {
        await client.query('BEGIN');
        const result = await work(queryable(client));
        await client.query('COMMIT');
        return result;
      } catch (error) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw error;
      } finally {
        client.release();
      }
    },
    close: () => pool.end(),
  };
}
