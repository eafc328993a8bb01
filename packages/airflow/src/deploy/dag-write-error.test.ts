import { mkdirSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { AppError } from '@airflow-mcp/core';
import { dagWriteError } from './dag-write-error.js';
import { writeFileAtomic } from './write-file-atomic.js';

/** An error shaped like the ones node:fs throws (a system `code`, the syscall in the message). */
function systemError(code: string, message: string): NodeJS.ErrnoException {
  return Object.assign(new Error(`${code}: ${message}, write`), { code, errno: -1, syscall: 'write' });
}

describe('dagWriteError', () => {
  it('says the disk is full, names DAGS_DIR and the file, and that the previous version is in place', () => {
    const error = dagWriteError({
      error: systemError('ENOSPC', 'no space left on device'),
      file: 'sales_daily.py',
      dagsDir: '/srv/dags',
      hadPrevious: true,
    });
    expect(error).toBeInstanceOf(AppError);
    expect(error.code).toBe('UNAVAILABLE');
    expect(error.retryable).toBe(true);
    expect(error.message).toBe(
      'Could not write sales_daily.py into DAGS_DIR /srv/dags: no space left on the device (ENOSPC). ' +
        'Free space on that disk (or point DAGS_DIR at a larger one), then deploy again; ' +
        'the previous version is still in place.',
    );
    expect(error.details).toEqual({ step: 'write', file: 'sales_daily.py', systemCode: 'ENOSPC' });
    expect((error.cause as NodeJS.ErrnoException).code).toBe('ENOSPC');
  });

  it('reports an exhausted quota (EDQUOT) as its own cause, and a new DAG as leaving nothing behind', () => {
    const error = dagWriteError({
      error: systemError('EDQUOT', 'disk quota exceeded'),
      file: 'x.py',
      dagsDir: '/d',
      hadPrevious: false,
    });
    expect(error.message).toMatch(/^Could not write x\.py into DAGS_DIR \/d: .*quota.*\(EDQUOT\)\. /);
    expect(error.message).toMatch(/no file was left behind\.$/);
    expect(error.details).toMatchObject({ systemCode: 'EDQUOT' });
  });

  it.each([
    ['EACCES', /permission denied \(EACCES\)\. Give the user running the service write access to DAGS_DIR/],
    ['EPERM', /operation not permitted \(EPERM\)\. Give the user/],
    ['EROFS', /read-only \(EROFS\)\. Mount DAGS_DIR writable/],
    ['ENOTDIR', /not a folder \(ENOTDIR\)\. Point DAGS_DIR at a folder/],
  ])('%s gets the same shape: code, cause and what to do', (code, expected) => {
    const error = dagWriteError({ error: systemError(code, 'x'), file: 'a.py', dagsDir: '/d', hadPrevious: true });
    expect(error.code).toBe('UNAVAILABLE');
    expect(error.message).toMatch(/^Could not write a\.py into DAGS_DIR \/d: /);
    expect(error.message).toMatch(expected);
    expect(error.message).toMatch(/the previous version is still in place\.$/);
  });

  it('keeps the system message of an unknown failure', () => {
    const error = dagWriteError({
      error: systemError('EIO', 'i/o error'),
      file: 'a.py',
      dagsDir: '/d',
      hadPrevious: false,
    });
    expect(error.message).toBe(
      'Could not write a.py into DAGS_DIR /d: EIO: i/o error, write. ' +
        'Check that DAGS_DIR is a writable folder with free space, then deploy again; no file was left behind.',
    );
    expect(dagWriteError({ error: 'boom', file: 'a.py', dagsDir: '/d', hadPrevious: false }).message).toContain(
      '/d: boom. Check',
    );
  });

  it('maps a real failed atomic write (a folder where the file goes) and leaves no temp file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'dag-write-error-'));
    mkdirSync(join(dir, 'taken.py'));
    writeFileSync(join(dir, 'taken.py', 'inside'), 'x');
    const thrown = await writeFileAtomic(join(dir, 'taken.py'), 'print(1)\n').catch((e: unknown) => e);
    expect((thrown as NodeJS.ErrnoException).code).toMatch(/^(EISDIR|ENOTEMPTY|EEXIST)$/);
    expect(readdirSync(dir)).toEqual(['taken.py']);
    const error = dagWriteError({ error: thrown, file: 'taken.py', dagsDir: dir, hadPrevious: false });
    expect(error.message).toContain(`Could not write taken.py into DAGS_DIR ${dir}: `);
  });
});
