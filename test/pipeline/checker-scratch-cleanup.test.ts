import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';

const root = join(import.meta.dirname, '..', '..');
const pipeline = pathToFileURL(join(root, 'packages', 'pipeline', 'dist', 'index.js')).href;

/** Live processes whose HOME is a folder under `dir` (a checker's HOME is its scratch folder). */
function processesWithHomeUnder(dir: string): string[] {
  return readdirSync('/proc').filter((pid) => {
    if (!/^\d+$/.test(pid)) return false;
    try {
      return readFileSync(`/proc/${pid}/environ`, 'utf8')
        .split('\0')
        .some((v) => v.startsWith(`HOME=${dir}/`));
    } catch {
      return false; // gone, or not ours to read
    }
  });
}

/**
 * A process that exits while a Python checker is running (a service stopping with a spare checker ready, a test
 * worker ending) leaves neither the checker nor its scratch folder behind: before, every such exit left an
 * airflow-mcp-check-* folder in the temp folder.
 */
describe('Python checker scratch folders', () => {
  const temp = mkdtempSync(join(tmpdir(), 'checker-cleanup-'));
  afterAll(() => rmSync(temp, { recursive: true, force: true }));

  beforeAll(() => {
    // npm test builds first; build again here (incremental, a no-op when up to date) so the file runs on its own.
    const built = spawnSync(process.execPath, [join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-b'], {
      cwd: root,
      stdio: 'inherit',
    });
    expect(built.status).toBe(0);
  });

  it.each([
    ['a spare that is still loading Airflow', true],
    ['a spare that only compiles', false],
  ])('are removed when the process exits with %s', (_what, airflowImport) => {
    const { python } = inject('airflow');
    const script = `
      import { existsSync, readdirSync } from 'node:fs';
      import { join } from 'node:path';
      const { prepareSpareChecker } = await import(${JSON.stringify(pipeline)});
      prepareSpareChecker(${JSON.stringify(python)}, ${airflowImport});
      const tmp = process.env.TMPDIR;
      while (!readdirSync(tmp).some((name) => name.startsWith('airflow-mcp-check-'))) {
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      // The checker is running in it (it writes its AIRFLOW_HOME when it loads Airflow).
      await new Promise((resolve) => setTimeout(resolve, ${airflowImport ? 1500 : 200}));
      process.stdout.write('seen ' + readdirSync(tmp).join(',') + '\\n');
      process.exit(0);
    `;
    const tmp = mkdtempSync(join(temp, 'run-'));
    const ran = spawnSync(process.execPath, ['--input-type=module', '-e', script], {
      cwd: root,
      env: { PATH: process.env.PATH ?? '', TMPDIR: tmp },
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(ran.stderr).toBe('');
    expect(ran.status).toBe(0);
    expect(ran.stdout).toMatch(/^seen airflow-mcp-check-\w+\n$/);
    expect(readdirSync(tmp)).toEqual([]);
    expect(processesWithHomeUnder(tmp)).toEqual([]);
  });
});
