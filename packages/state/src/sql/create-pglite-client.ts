import { AppError } from '@airflow-mcp/core';
import { PGlite } from '@electric-sql/pglite';
import { vector } from '@electric-sql/pglite-pgvector';
import { mkdirSync } from 'node:fs';
import type { SqlClient, SqlQueryable } from './sql-client.js';

export interface PgliteClientOptions {
  /** A folder for the database files; in memory when absent. PGlite's on-disk format is tied to its minor version. */
  dataDir?: string;
}

/** In-process PostgreSQL (PGlite, WASM) with the pgvector extension loaded. */
export async function createPgliteClient(options: PgliteClientOptions = {}): Promise<SqlClient> {
  if (options.dataDir) mkdirSync(options.dataDir, { recursive: true });
  let db: PGlite;
  try {
    db = await PGlite.create({ ...(options.dataDir ? { dataDir: options.dataDir } : {}), extensions: { vector } });
  } catch (error) {
    throw new AppError(
      'UNAVAILABLE',
      `Could not open the embedded service database${options.dataDir ? ` in ${options.dataDir}` : ''}: ${
        error instanceof Error ? error.message : String(error)
      }. It holds the DAG version history and feedback as well as the knowledge base, so keep the folder: if another ` +
        'PGlite version wrote it, run the version that did, or point DATABASE_URL at a PostgreSQL with pgvector.',
      { cause: error },
    );
  }
  const queryable = (target: Pick<PGlite, 'query'>): SqlQueryable => ({
    query: async <R>(sql: string, params: readonly unknown[] = []) => {
      const result = await target.query<R>(sql, [...params]);
      return { rows: result.rows };
    },
  });
  return {
    kind: 'pglite',
    ...queryable(db),
    exec: async (sql) => {
      await db.exec(sql);
    },
    transaction: (work) => db.transaction((tx) => work(queryable(tx))),
    close: () => db.close(),
  };
}
