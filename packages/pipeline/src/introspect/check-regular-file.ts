import { AppError } from '@airflow-mcp/core';
import type { Stats } from 'node:fs';
import { lstat } from 'node:fs/promises';

/** What a path is, in words, for an error: a FIFO, a device, a folder, ... */
function kindOf(info: Stats): string {
  if (info.isDirectory()) return 'a folder';
  if (info.isFIFO()) return 'a named pipe (FIFO)';
  if (info.isCharacterDevice() || info.isBlockDevice()) return 'a device';
  if (info.isSocket()) return 'a socket';
  if (info.isSymbolicLink()) return 'a symbolic link';
  return 'not a regular file';
}

/**
 * A database file to open must be a regular file: a FIFO or a device would block its reader forever, a folder is an
 * error, and a symbolic link is not followed (resolveDataPath hands over real paths, already checked against the
 * allowed folders; a link found here appeared since). Checked with lstat before anything opens the file; the reader
 * also runs under a time limit, for a file swapped in between.
 */
export async function checkRegularFile(path: string, what: string): Promise<void> {
  let info: Stats;
  try {
    info = await lstat(path);
  } catch {
    throw new AppError('NOT_FOUND', `${what} ${path} does not exist.`, { details: { step: 'source-schema' } });
  }
  if (!info.isFile()) {
    throw new AppError(
      info.isSymbolicLink() ? 'FORBIDDEN' : 'INVALID_INPUT',
      `${what} ${path} is ${kindOf(info)}, not a database file; give the path of a SQLite or DuckDB file itself.`,
      { details: { step: 'source-schema' } },
    );
  }
}
