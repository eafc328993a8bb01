import { AppError } from '@airflow-mcp/core';
import { join, relative, resolve, sep } from 'node:path';

const DAG_ID = /^[A-Za-z0-9_][A-Za-z0-9_-]{0,199}$/;

/** The file a DAG id lives in, refusing ids that could name anything outside DAGS_DIR. */
export function dagFilePath(dagsDir: string, dagId: string): string {
  if (!DAG_ID.test(dagId)) {
    throw new AppError(
      'INVALID_INPUT',
      `"${dagId.slice(0, 80)}" is not a usable DAG id: use 1-200 letters, digits, "_" or "-", starting with a letter, digit or "_".`,
    );
  }
  const root = resolve(dagsDir);
  const path = join(root, `${dagId}.py`);
  const rel = relative(root, path);
  if (rel.startsWith('..') || rel.includes(sep)) {
    throw new AppError('INVALID_INPUT', `DAG id "${dagId}" resolves outside DAGS_DIR.`);
  }
  return path;
}
