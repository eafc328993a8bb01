import { AppError } from '@airflow-mcp/core';
import { existsSync, realpathSync } from 'node:fs';
import { dirname, isAbsolute, relative, resolve, sep } from 'node:path';
import type { Connection, PipelineSpec, TaskSpec } from '../spec/pipeline-spec.js';

function inside(root: string, path: string): boolean {
  const rel = relative(root, path);
  return rel === '' || (!rel.startsWith(`..${sep}`) && rel !== '..' && !isAbsolute(rel));
}

/** The real path of `path`, following symlinks of the longest existing ancestor. */
function realish(path: string): string {
  let existing = path;
  const rest: string[] = [];
  while (!existsSync(existing) && dirname(existing) !== existing) {
    rest.unshift(existing.slice(dirname(existing).length + 1));
    existing = dirname(existing);
  }
  return resolve(realpathSync(existing), ...rest);
}

/**
 * SQLite and DuckDB files must live inside ALLOWED_DATA_DIRS: relative paths resolve against the first root, and any
 * path that leaves every root (.., absolute elsewhere, a symlink out) is refused. Returns the spec with absolute paths.
 */
/** One SQLite/DuckDB path made absolute against the first root, refused when it leaves every root. */
export function resolveDataPath(path: string, allowedDirs: readonly string[], where: string): string {
  if (allowedDirs.length === 0) throw new AppError('INVALID_INPUT', 'No ALLOWED_DATA_DIRS are configured.');
  const roots = allowedDirs.map((d) => realish(resolve(d)));
  const absolute = realish(resolve(roots[0] as string, path));
  if (!roots.some((root) => inside(root, absolute))) {
    throw new AppError(
      'FORBIDDEN',
      `${where}: the file "${path}" is outside the allowed data folders (${allowedDirs.join(', ')}). Use a path inside them or ask an operator to extend ALLOWED_DATA_DIRS.`,
      { details: { step: 'paths' } },
    );
  }
  return absolute;
}

/**
 * SQLite and DuckDB files must live inside ALLOWED_DATA_DIRS: relative paths resolve against the first root, and any
 * path that leaves every root (.., absolute elsewhere, a symlink out) is refused. Returns the spec with absolute paths.
 */
export function resolveDataPaths(spec: PipelineSpec, allowedDirs: readonly string[]): PipelineSpec {
  const fix = (c: Connection, where: string): Connection =>
    c.kind === 'sqlite' || c.kind === 'duckdb' ? { ...c, path: resolveDataPath(c.path, allowedDirs, where) } : c;
  const tasks = spec.tasks.map((t): TaskSpec => {
    if (t.type === 'transfer')
      return { ...t, source: fix(t.source, `Task ${t.id} source`), target: fix(t.target, `Task ${t.id} target`) };
    return { ...t, connection: fix(t.connection, `Task ${t.id}`) };
  });
  const staging = spec.staging && { ...spec.staging, path: resolveDataPath(spec.staging.path, allowedDirs, 'Staging') };
  return { ...spec, tasks, ...(staging ? { staging } : {}) };
}
