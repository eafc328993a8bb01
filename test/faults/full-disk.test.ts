import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, rmdirSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, inject, it } from 'vitest';
import { createAirflowClient, createDagDeployer, renderDagFileHeader } from '@airflow-mcp/airflow';

const root = join(import.meta.dirname, '..', '..');
const airflowDist = join(root, 'packages', 'airflow', 'dist', 'index.js');
const coreDist = join(root, 'packages', 'core', 'dist', 'index.js');
const TMPFS_SIZE = '256k';

const sha256 = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');

function dagSource(dagId: string, version: number, paddingBytes = 0): string {
  const line = `# padding to make version ${version} of this file larger than the space left on the disk\n`;
  return `${renderDagFileHeader({ dagId, specHash: `full-disk-${version}`, version, generator: 'test' })}
from datetime import datetime

from airflow.sdk import dag, task


@dag(dag_id=${JSON.stringify(dagId)}, description="full disk test, version ${version}", schedule=None,
     start_date=datetime(2024, 1, 1), catchup=False, tags=["airflow-mcp-test"])
def generated():
    @task
    def work():
        return ${version}

    work()


generated()
${line.repeat(Math.ceil(paddingBytes / line.length))}`;
}

interface ChildReport {
  first: { changed: boolean; description: string | null };
  filledTo: { fillerBytes: number };
  failure: {
    isAppError: boolean;
    code?: string;
    retryable?: boolean;
    message: string;
    details?: Record<string, unknown>;
    causeCode?: string;
  };
  afterFailure: {
    fileSha256: string;
    files: string[];
    freeBytesBefore: number;
    freeBytesAfter: number;
    airflowDescription: string | null | undefined;
    airflowStale: boolean | undefined;
  };
  afterFreeing: { changed: boolean; description: string | null; fileSha256: string; files: string[] };
}

/**
 * Runs in a private mount namespace with a 256 KiB tmpfs over `dagsDir`: deploys version 1 while space remains,
 * fills the disk, deploys a larger version 2 (which fails with ENOSPC part-way), inspects the disk, frees space and
 * deploys version 2 again. It uses the built package, like a running service would, and reads its input (too large
 * for a command-line argument) from stdin.
 */
const childScript = `
    import { createHash } from 'node:crypto';
    import { readdir, readFile, rm, statfs, writeFile } from 'node:fs/promises';
    import { join } from 'node:path';
    import { createAirflowClient, createDagDeployer } from ${JSON.stringify(airflowDist)};
    import { AppError } from ${JSON.stringify(coreDist)};
    let stdin = '';
    for await (const chunk of process.stdin) stdin += chunk;
    const input = JSON.parse(stdin);
    const sha256 = (text) => createHash('sha256').update(text, 'utf8').digest('hex');
    const free = async () => { const s = await statfs(input.dagsDir); return s.bavail * s.bsize; };
    // Airflow's dag-processor keeps its bytecode cache (__pycache__) beside the file: not ours to count.
    const list = async () => (await readdir(input.dagsDir)).filter((f) => f !== '__pycache__').sort();
    const file = join(input.dagsDir, input.dagId + '.py');
    const client = createAirflowClient({ ...input.airflow, attempts: 2, backoffMs: 100 });
    const deployer = createDagDeployer({ client, dagsDir: input.dagsDir, pollMs: 250, parseTimeoutMs: 60_000 });
    const report = {};

    const first = await deployer.deploy({ dagId: input.dagId, source: input.v1 });
    report.first = { changed: first.changed, description: first.dag.description };

    // Fill the disk, leaving 48 KiB: version 2 is larger, so its write starts and then runs out of space.
    const fillerBytes = (await free()) - 48 * 1024;
    await writeFile(join(input.dagsDir, 'filler.bin'), Buffer.alloc(fillerBytes, 1));
    report.filledTo = { fillerBytes };

    const freeBytesBefore = await free();
    const error = await deployer.deploy({ dagId: input.dagId, source: input.v2 }).then(() => undefined, (e) => e);
    report.failure = {
      isAppError: error instanceof AppError,
      code: error?.code,
      retryable: error?.retryable,
      message: String(error?.message ?? error),
      details: error?.details,
      causeCode: error?.cause?.code,
    };
    const dag = await client.getDag(input.dagId);
    report.afterFailure = {
      fileSha256: sha256(await readFile(file, 'utf8')),
      files: await list(),
      freeBytesBefore,
      freeBytesAfter: await free(),
      airflowDescription: dag?.description,
      airflowStale: dag?.is_stale,
    };

    await rm(join(input.dagsDir, 'filler.bin'));
    const again = await deployer.deploy({ dagId: input.dagId, source: input.v2 });
    report.afterFreeing = {
      changed: again.changed,
      description: again.dag.description,
      fileSha256: sha256(await readFile(file, 'utf8')),
      files: await list(),
    };
    process.stdout.write(JSON.stringify(report) + '\\n');
`;

/**
 * A full disk on DAGS_DIR, for real: the deploying process runs in its own mount namespace (unshare, as root) where
 * DAGS_DIR is a 256 KiB tmpfs, so writes fail with ENOSPC part-way; nothing outside the namespace sees the mount, and
 * it vanishes with the process. The deployer asks Airflow about the DAG before writing, so it talks to the tests'
 * real Airflow; Airflow runs outside the namespace and reaches the tmpfs through a symlink in its dags folder to
 * /proc/<pid>/root/<mount>, so the versions before and after the failure are really parsed.
 */
describe('a full disk on DAGS_DIR (ENOSPC)', () => {
  it('fails the deploy clearly, keeps the previous version byte for byte, leaves no temp file, recovers', async () => {
    if (!existsSync(airflowDist) || !existsSync(coreDist)) {
      throw new Error('Build the packages first (npx tsc -b packages/airflow); npm test does it before running.');
    }
    const airflow = inject('airflow');
    const suffix = Date.now().toString(36);
    const dagId = `full_disk_${suffix}`;
    const v1 = dagSource(dagId, 1);
    const v2 = dagSource(dagId, 2, 120 * 1024);
    const mountPoint = mkdtempSync(join(tmpdir(), 'full-disk-'));
    const link = join(airflow.dagsDir, `full-disk-${suffix}`);
    const credentials = { baseUrl: airflow.url, username: airflow.username, password: airflow.password };
    const client = createAirflowClient(credentials);
    let child: ChildProcessWithoutNullStreams | undefined;
    try {
      child = spawn(
        'unshare',
        [
          '--mount',
          '--propagation',
          'private',
          'sh',
          '-c',
          `mount -t tmpfs -o size=${TMPFS_SIZE} tmpfs "$0" && exec "$1" --input-type=module -e "$2"`,
          mountPoint,
          process.execPath,
          childScript,
        ],
        { stdio: 'pipe' },
      );
      const exited = new Promise<number | string>((resolve) => {
        child?.once('error', (error) => resolve(error.message));
        child?.once('exit', (code, signal) => resolve(code ?? String(signal)));
      });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
      child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      child.stdin.on('error', () => undefined);
      child.stdin.end(JSON.stringify({ dagsDir: mountPoint, dagId, v1, v2, airflow: credentials }));
      // unshare, sh and node exec one another: one pid, whose root shows the namespace's mounts.
      if (child.pid !== undefined) symlinkSync(`/proc/${child.pid}/root${mountPoint}`, link);
      const status = await exited;
      const line = stdout.trim().split('\n').pop() ?? '';
      if (status !== 0 || !line.startsWith('{')) {
        throw new Error(
          /^(unshare|mount):/m.test(stderr) || typeof status === 'string'
            ? `Could not make a private mount namespace with a ${TMPFS_SIZE} tmpfs (this test needs root or ` +
                `CAP_SYS_ADMIN and unshare(1)): exit ${status}\n${stderr}`
            : `The deploying process failed (exit ${status}):\n${stderr}\n${stdout}`,
        );
      }
      const report = JSON.parse(line) as ChildReport;

      // Version 1 went in and Airflow parsed it.
      expect(report.first).toEqual({ changed: true, description: 'full disk test, version 1' });
      // The disk was nearly full, with less room than version 2 needs but enough for its write to start.
      expect(report.filledTo.fillerBytes).toBeGreaterThan(100 * 1024);
      expect(report.afterFailure.freeBytesBefore).toBeGreaterThan(16 * 1024);
      expect(report.afterFailure.freeBytesBefore).toBeLessThan(Buffer.byteLength(v2));

      // 2. A clear, stable error naming DAGS_DIR, the file and the full disk.
      expect(report.failure).toMatchObject({ isAppError: true, code: 'UNAVAILABLE', retryable: true });
      expect(report.failure.causeCode).toBe('ENOSPC');
      expect(report.failure.details).toEqual({ step: 'write', file: `${dagId}.py`, systemCode: 'ENOSPC' });
      expect(report.failure.message).toBe(
        `Could not write ${dagId}.py into DAGS_DIR ${mountPoint}: no space left on the device (ENOSPC). ` +
          'Free space on that disk (or point DAGS_DIR at a larger one), then deploy again; ' +
          'the previous version is still in place.',
      );

      // 1. The previous version is intact, byte for byte, and Airflow still has it.
      expect(report.afterFailure.fileSha256).toBe(sha256(v1));
      expect(report.afterFailure.airflowDescription).toBe('full disk test, version 1');
      expect(report.afterFailure.airflowStale).toBe(false);
      // 3. No temp file is left behind, and the space the partial write took is returned.
      expect(report.afterFailure.files).toEqual(['filler.bin', `${dagId}.py`]);
      expect(report.afterFailure.freeBytesAfter).toBe(report.afterFailure.freeBytesBefore);

      // Once space is freed, the same deploy succeeds and Airflow parses version 2.
      expect(report.afterFreeing).toEqual({
        changed: true,
        description: 'full disk test, version 2',
        fileSha256: sha256(v2),
        files: [`${dagId}.py`],
      });
    } finally {
      if (child?.pid !== undefined && child.exitCode === null && child.signalCode === null) {
        child.kill('SIGKILL');
        await new Promise((resolve) => child?.once('exit', resolve));
      }
      rmSync(link, { force: true });
      rmdirSync(mountPoint);
      // The file went with the mount: the deployer deletes the row once Airflow has marked the DAG stale.
      await createDagDeployer({ client, dagsDir: airflow.dagsDir, pollMs: 250, parseTimeoutMs: 60_000 }).forgetDag(
        dagId,
      );
    }
  });
});
