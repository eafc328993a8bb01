import { type Logger, silentLogger } from '@airflow-mcp/core';
import { createPgClient, createPgliteClient, type SqlClient } from '@airflow-mcp/state';
import { join } from 'node:path';
import type { Config } from '../config.js';
import { acquireDataDirLock } from './acquire-data-dir-lock.js';
import { moveToOneDatabase } from './move-to-one-database.js';
import { restrictTree, secureDataDir } from './secure-data-dir.js';

/** Where the embedded database lives: DATA_DIR/db. */
export function embeddedDatabaseDir(config: Pick<Config, 'dataDir'>): string {
  return join(config.dataDir, 'db');
}

/**
 * The service's one database: PostgreSQL (a pool) when DATABASE_URL is set, else PGlite in DATA_DIR/db. It holds
 * the knowledge base (schema `knowledge`) and the state (versions, audit log, feedback). One embedded instance
 * instead of two saves about 400 MB of memory; data in the older two-folder layout is moved in first.
 * The embedded database takes one process at a time: DATA_DIR's lock refuses a second one (`mode` names what this
 * process runs in the refusal the other sees); PostgreSQL is shared by any number of processes.
 */
export async function openDatabase(
  config: Config,
  log: Logger = silentLogger,
  options: { mode?: string } = {},
): Promise<SqlClient> {
  await secureDataDir(config.dataDir, log);
  if (config.databaseUrl) return createPgClient({ connectionString: config.databaseUrl });
  const lock = await acquireDataDirLock({ dataDir: config.dataDir, mode: options.mode ?? 'serve' });
  try {
    await moveToOneDatabase(config.dataDir, log);
    const dir = embeddedDatabaseDir(config);
    const client = await createPgliteClient({ dataDir: dir });
    await restrictTree(dir);
    return {
      ...client,
      async close() {
        try {
          await client.close();
          await restrictTree(dir).catch(() => undefined);
        } finally {
          await lock.release();
        }
      },
    };
  } catch (error) {
    await lock.release();
    throw error;
  }
}
