import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createGitDagFileStore } from './create-git-dag-file-store.js';
import { renderDagFileHeader } from './dag-file-header.js';

const git = (cwd: string, ...args: string[]) => execFileSync('git', args, { cwd, encoding: 'utf8' });
const source = (dagId: string, version: number) =>
  `${renderDagFileHeader({ dagId, specHash: `hash${version}`, version, generator: 'test' })}print(${version})\n`;

function bareRepository(): { root: string; bare: string } {
  const root = mkdtempSync(join(tmpdir(), 'git-dag-store-'));
  const bare = join(root, 'dags.git');
  execFileSync('git', ['init', '--quiet', '--bare', '--initial-branch', 'main', bare]);
  return { root, bare };
}

describe('createGitDagFileStore', () => {
  it('writes each change as one pushed commit naming dag id, version, spec hash, who and why', async () => {
    const { root, bare } = bareRepository();
    const store = createGitDagFileStore({ repository: bare, workDir: join(root, 'replica') });
    await store.write('orders_copy', source('orders_copy', 1), {
      action: 'deploy',
      author: 'tenant-a',
      reason: 'copy orders',
    });
    await store.write('orders_copy', source('orders_copy', 2), { action: 'deploy', reason: 'add a check' });
    // A rollback is a new commit carrying the old content.
    await store.write('orders_copy', source('orders_copy', 1), { action: 'restore', reason: 'rollback to version 1' });
    expect(await store.read('orders_copy')).toBe(source('orders_copy', 1));
    const log = git(bare, 'log', '--format=%B%x00', 'main')
      .split('\0')
      .map((m) => m.trim())
      .filter(Boolean);
    expect(log).toHaveLength(3);
    expect(log[2]).toBe(
      'deploy orders_copy v1\n\ndag_id: orders_copy\nversion: 1\nspec_hash: hash1\nwho: tenant-a\nwhy: copy orders',
    );
    expect(log[0]).toContain('restore orders_copy v1');
    expect(log[0]).toContain('why: rollback to version 1');
    // Writing the same content again makes no commit.
    await store.write('orders_copy', source('orders_copy', 1), { action: 'deploy' });
    await store.remove('orders_copy', { action: 'remove' });
    expect(await store.read('orders_copy')).toBeUndefined();
    expect(git(bare, 'rev-list', '--count', 'main').trim()).toBe('4');
  });

  it('a clone a killed process left with lock files is usable again by the next process', async () => {
    const { root, bare } = bareRepository();
    const workDir = join(root, 'replica');
    await createGitDagFileStore({ repository: bare, workDir }).write('orders_copy', source('orders_copy', 1), {
      action: 'deploy',
    });
    // What a process killed mid-commit or mid-push leaves behind in its clone.
    writeFileSync(join(workDir, '.git', 'index.lock'), '');
    writeFileSync(join(workDir, '.git', 'refs', 'heads', 'main.lock'), '');
    const next = createGitDagFileStore({ repository: bare, workDir });
    expect(await next.read('orders_copy')).toBe(source('orders_copy', 1));
    await next.write('orders_copy', source('orders_copy', 2), { action: 'deploy' });
    expect(git(bare, 'show', 'main:orders_copy.py')).toBe(source('orders_copy', 2));
    expect(existsSync(join(workDir, '.git', 'index.lock'))).toBe(false);
  });

  it('two replicas committing at once: every change lands, one per commit, on a linear history', async () => {
    const { root, bare } = bareRepository();
    const a = createGitDagFileStore({ repository: bare, workDir: join(root, 'a') });
    const b = createGitDagFileStore({ repository: bare, workDir: join(root, 'b') });
    const ids = Array.from({ length: 6 }, (_, i) => `dag_${i}`);
    await Promise.all(
      ids.map((id, i) => (i % 2 === 0 ? a : b).write(id, source(id, 1), { action: 'deploy', author: `r${i % 2}` })),
    );
    expect(git(bare, 'rev-list', '--count', 'main').trim()).toBe('6');
    expect(git(bare, 'rev-list', '--merges', '--count', 'main').trim()).toBe('0');
    // Each commit changes exactly the file its message names.
    for (const sha of git(bare, 'rev-list', 'main').trim().split('\n')) {
      const files = git(bare, 'show', '--name-only', '--format=', sha).trim().split('\n');
      const dagId = /dag_id: (\S+)/.exec(git(bare, 'show', '-s', '--format=%B', sha))?.[1];
      expect(files).toEqual([`${dagId}.py`]);
    }
    for (const id of ids) {
      expect(await a.read(id)).toBe(source(id, 1));
      expect(await b.read(id)).toBe(source(id, 1));
    }
  });

  it('a repository that cannot be reached is a retryable UNAVAILABLE error naming git', async () => {
    const root = mkdtempSync(join(tmpdir(), 'git-dag-store-'));
    const store = createGitDagFileStore({ repository: join(root, 'missing.git'), workDir: join(root, 'clone') });
    await expect(store.write('x', source('x', 1), { action: 'deploy' })).rejects.toMatchObject({
      code: 'UNAVAILABLE',
      retryable: true,
    });
  });
});
