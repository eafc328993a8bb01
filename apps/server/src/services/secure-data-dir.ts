import { chmod, lstat, mkdir, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { type Logger, silentLogger } from '@airflow-mcp/core';

const gone = (error: unknown) => {
  if ((error as { code?: string }).code !== 'ENOENT') throw error;
};

/**
 * Folders 0700, files 0600, down the tree (symbolic links are left alone, never followed; what vanishes meanwhile is
 * skipped).
 */
export async function restrictTree(path: string): Promise<void> {
  const stat = await lstat(path).catch(gone);
  if (!stat || stat.isSymbolicLink()) return;
  if (stat.isDirectory()) {
    await chmod(path, 0o700).catch(gone);
    for (const name of (await readdir(path).catch(gone)) ?? []) await restrictTree(join(path, name));
  } else if (stat.isFile()) {
    await chmod(path, 0o600).catch(gone);
  }
}

/**
 * DATA_DIR holds the embedded database, the local Airflow's credentials and caches: only the service's own user may
 * enter it (0700), and the database folder and credentials file are 0700/0600 through and through. The embedded
 * database writes its files 0666 whatever the umask, so the folders are the barrier and the files are restricted
 * again at each start and close. A failure (a DATA_DIR owned by someone else) is logged, not fatal.
 */
export async function secureDataDir(dataDir: string, log: Logger = silentLogger): Promise<void> {
  try {
    await mkdir(dataDir, { recursive: true, mode: 0o700 });
    await chmod(dataDir, 0o700);
    await restrictTree(join(dataDir, 'db'));
    await restrictTree(join(dataDir, 'airflow', 'local-credentials.json'));
  } catch (error) {
    log.warn({ err: error, dataDir }, 'could not restrict DATA_DIR to the service user (0700/0600)');
  }
}
