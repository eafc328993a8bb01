import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { AppError, type Logger } from '@airflow-mcp/core';
import { parseDagFileHeader } from './dag-file-header.js';
import { dagFilePath } from './dag-file-path.js';
import type { DagChangeNote, DagFileStore } from './dag-file-store.js';
import { writeFileAtomic } from './write-file-atomic.js';

/**
 * Runs git in its own process group: a service killed with its group (a container stop, SIGKILL to the group) does
 * not cut a push in half, which with a repository on a path would leave the shared repository's ref locks behind.
 */
function run(args: string[], cwd: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn('git', args, { cwd, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (d: Buffer) => out.push(d));
    child.stderr.on('data', (d: Buffer) => err.push(d));
    child.once('error', reject);
    child.once('close', (code, signal) => {
      const stdout = Buffer.concat(out).toString('utf8');
      if (code === 0) resolve(stdout);
      else
        reject(
          Object.assign(new Error(`git ${args[0]} exited with ${code ?? signal}`), {
            stderr: Buffer.concat(err).toString('utf8'),
          }),
        );
    });
  });
}

export interface GitDagFileStoreOptions {
  /** The repository Airflow's git DAG bundle tracks (a URL or a path git understands). */
  repository: string;
  branch?: string;
  /** This replica's own clone (created when missing); never shared between processes. */
  workDir: string;
  /** Folder inside the repository that holds the DAG files (the bundle's `subdir`); the root by default. */
  subdir?: string;
  /** Pushes refused because another replica pushed first are retried on top of its commit, this many times. */
  maxAttempts?: number;
  logger?: Logger;
}

/**
 * DAG files as commits to a git repository (DAGS_DELIVERY=git): each change is one commit on `branch` whose message
 * names the DAG id, version, spec hash, who and why, pushed to the shared repository. A push refused because another
 * replica got there first is redone on top of the new head (fetch, reset, write again), so commits of replicas
 * deploying at once are neither lost nor mixed. One change at a time per store; read() answers from the remote head.
 */
export function createGitDagFileStore(options: GitDagFileStoreOptions): DagFileStore {
  const branch = options.branch ?? 'main';
  const folder = options.subdir ? join(options.workDir, options.subdir) : options.workDir;
  const maxAttempts = options.maxAttempts ?? 8;
  let queue: Promise<unknown> = Promise.resolve();
  const serial = <T>(work: () => Promise<T>): Promise<T> => {
    const next = queue.then(work, work);
    queue = next.catch(() => undefined);
    return next;
  };

  async function git(args: string[]): Promise<string> {
    try {
      return await run(args, options.workDir);
    } catch (error) {
      const stderr = (error as { stderr?: string }).stderr?.trim() ?? String(error);
      throw new AppError('UNAVAILABLE', `git ${args[0]} failed on the DAG repository: ${stderr.slice(0, 500)}`, {
        cause: error,
        retryable: true,
        details: { step: 'git', command: args[0] },
      });
    }
  }

  /**
   * Lock files a killed process left in this replica's clone (index.lock, a ref's .lock): the clone is this process's
   * alone (one service per DATA_DIR), so at its first use any lock in it is stale and would fail every git command.
   */
  let staleLocksCleared = false;
  async function clearStaleLocks(folder: string): Promise<void> {
    const entries = await readdir(folder, { withFileTypes: true }).catch(() => []);
    for (const entry of entries) {
      const path = join(folder, entry.name);
      if (entry.isDirectory() && entry.name !== 'objects') await clearStaleLocks(path);
      else if (entry.isFile() && entry.name.endsWith('.lock')) {
        options.logger?.warn({ path }, 'removing a lock file a killed process left in the DAG repository clone');
        await rm(path, { force: true });
      }
    }
  }

  /** The clone, at the remote head (or on an empty branch when the repository has no commit yet). */
  async function sync(): Promise<void> {
    if (!staleLocksCleared) {
      await clearStaleLocks(join(options.workDir, '.git'));
      staleLocksCleared = true;
    }
    if (!existsSync(join(options.workDir, '.git'))) {
      await mkdir(options.workDir, { recursive: true });
      await git(['init', '--quiet', '--initial-branch', branch]);
      await git(['remote', 'add', 'origin', options.repository]);
      await git(['config', 'user.name', 'airflow-mcp-rag']);
      await git(['config', 'user.email', 'airflow-mcp-rag@localhost']);
    }
    const remote = (await git(['ls-remote', '--heads', 'origin', branch])).trim();
    if (!remote) return;
    await git(['fetch', '--quiet', 'origin', branch]);
    await git(['checkout', '--quiet', '-B', branch, 'FETCH_HEAD']);
    await git(['reset', '--quiet', '--hard', 'FETCH_HEAD']);
    await git(['clean', '--quiet', '-fdx']);
  }

  const pathOf = (dagId: string) => dagFilePath(folder, dagId);
  const readLocal = (dagId: string) => readFile(pathOf(dagId), 'utf8').catch(() => undefined);

  function message(dagId: string, source: string | undefined, note: DagChangeNote): string {
    const header = source === undefined ? undefined : parseDagFileHeader(source);
    const title =
      note.action === 'remove'
        ? `remove ${dagId}`
        : `${note.action === 'restore' ? 'restore' : 'deploy'} ${dagId} v${header?.version ?? '?'}`;
    return [
      title,
      '',
      `dag_id: ${dagId}`,
      ...(header ? [`version: ${header.version}`, `spec_hash: ${header.specHash}`] : []),
      `who: ${note.author ?? 'airflow-mcp-rag'}`,
      `why: ${(note.reason ?? note.action).replace(/\s+/g, ' ').slice(0, 500)}`,
    ].join('\n');
  }

  /** One commit that sets (or removes) one file, pushed; redone on top of a replica's push that came first. */
  async function change(dagId: string, source: string | undefined, note: DagChangeNote): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      await sync();
      const path = pathOf(dagId);
      if (source === undefined) {
        if ((await readLocal(dagId)) === undefined) return;
        await rm(path, { force: true });
      } else {
        if ((await readLocal(dagId)) === source) return;
        await mkdir(folder, { recursive: true });
        await writeFileAtomic(path, source);
      }
      await git(['add', '--all', '--', path]);
      await git(['commit', '--quiet', '-m', message(dagId, source, note)]);
      try {
        await git(['push', '--quiet', 'origin', `HEAD:refs/heads/${branch}`]);
        options.logger?.info({ dagId, action: note.action, attempt }, 'dag change pushed to the git repository');
        return;
      } catch (error) {
        if (attempt >= maxAttempts) throw error;
        options.logger?.info({ dagId, attempt }, 'push refused (another replica pushed first); redoing the commit');
      }
    }
  }

  return {
    locate(dagId) {
      const relativeFile = options.subdir ? `${options.subdir}/${dagId}.py` : `${dagId}.py`;
      return { file: `${options.repository}#${branch}:${relativeFile}`, relativeFile: `${dagId}.py` };
    },
    read: (dagId) =>
      serial(async () => {
        await sync();
        return readLocal(dagId);
      }),
    write: (dagId, source, note) => serial(() => change(dagId, source, note)),
    remove: (dagId, note) => serial(() => change(dagId, undefined, note)),
  };
}
