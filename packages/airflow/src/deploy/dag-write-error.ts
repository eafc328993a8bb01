import { AppError } from '@airflow-mcp/core';

export interface DagWriteErrorOptions {
  /** What the file system threw while the DAG file was being written. */
  error: unknown;
  /** The DAG file's name, e.g. `my_dag.py`. */
  file: string;
  dagsDir: string;
  /** Whether an earlier version of the file is (still) in DAGS_DIR. */
  hadPrevious: boolean;
}

/** What each common file-system failure means for a person, and what they can do about it. */
const REASONS: Record<string, { reason: string; fix: string }> = {
  ENOSPC: {
    reason: 'no space left on the device',
    fix: 'Free space on that disk (or point DAGS_DIR at a larger one), then deploy again',
  },
  EDQUOT: {
    reason: "the disk quota of the service's user is used up",
    fix: 'Free space within the quota (or raise it), then deploy again',
  },
  EACCES: {
    reason: 'permission denied',
    fix: 'Give the user running the service write access to DAGS_DIR, then deploy again',
  },
  EPERM: {
    reason: 'operation not permitted',
    fix: 'Give the user running the service write access to DAGS_DIR, then deploy again',
  },
  EROFS: {
    reason: 'the file system is read-only',
    fix: 'Mount DAGS_DIR writable (or point DAGS_DIR at a writable folder), then deploy again',
  },
  ENOTDIR: {
    reason: 'a part of the path is a file, not a folder',
    fix: 'Point DAGS_DIR at a folder, then deploy again',
  },
  EISDIR: {
    reason: "a folder has the DAG file's name",
    fix: 'Remove or rename that folder, then deploy again',
  },
};

/**
 * The error a deploy reports when its DAG file could not be written: UNAVAILABLE and retryable (nothing about the
 * request is wrong; the same call succeeds once the disk is fixed), naming DAGS_DIR, the file, the cause in plain
 * words with its system code, what to do, and that nothing was changed.
 */
export function dagWriteError(options: DagWriteErrorOptions): AppError {
  const code = (options.error as NodeJS.ErrnoException | undefined)?.code;
  const known = code === undefined ? undefined : REASONS[code];
  const reason = known
    ? `${known.reason} (${code})`
    : options.error instanceof Error
      ? options.error.message
      : String(options.error);
  const fix = known?.fix ?? 'Check that DAGS_DIR is a writable folder with free space, then deploy again';
  const outcome = options.hadPrevious ? 'the previous version is still in place' : 'no file was left behind';
  return new AppError(
    'UNAVAILABLE',
    `Could not write ${options.file} into DAGS_DIR ${options.dagsDir}: ${reason}. ${fix}; ${outcome}.`,
    {
      cause: options.error,
      retryable: true,
      details: { step: 'write', file: options.file, ...(code === undefined ? {} : { systemCode: code }) },
    },
  );
}
