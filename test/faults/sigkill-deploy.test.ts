import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..', '..');

/**
 * A process writing DAG files through the deployer's atomic write is killed with SIGKILL at random moments, again
 * and again: the target file must always be absent or one whole version, never torn.
 */
describe('SIGKILL while a DAG file is being written', () => {
  it('never leaves a torn DAG file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sigkill-dags-'));
    const target = join(dir, 'big_dag.py');
    const writer = `
      import { writeFileAtomic } from ${JSON.stringify(join(root, 'packages', 'airflow', 'dist', 'index.js'))};
      let v = 0;
      for (;;) {
        v++;
        const body = '# version ' + v + '\\n' + 'x = 1\\n'.repeat(200000) + '# end ' + v + '\\n';
        await writeFileAtomic(${JSON.stringify(target)}, body);
      }`;
    let kills = 0;
    for (let round = 0; round < 12; round++) {
      const child = spawn(process.execPath, ['--input-type=module', '-e', writer], { stdio: 'ignore' });
      await new Promise((r) => setTimeout(r, 150 + Math.floor(Math.random() * 400)));
      child.kill('SIGKILL');
      await new Promise((r) => child.once('exit', r));
      kills++;
      let text: string;
      try {
        text = readFileSync(target, 'utf8');
      } catch {
        continue;
      }
      const first = /^# version (\d+)\n/.exec(text)?.[1];
      expect(first, 'the file starts with its header').toBeDefined();
      expect(text.endsWith(`# end ${first}\n`), `version ${first} is whole`).toBe(true);
      expect(text.length).toBe(`# version ${first}\n`.length + 'x = 1\n'.length * 200000 + `# end ${first}\n`.length);
    }
    expect(kills).toBe(12);
    // Only temp files (never ending in .py, so Airflow ignores them) may be left beside it.
    expect(readdirSync(dir).filter((f) => f.endsWith('.py'))).toEqual(['big_dag.py']);
  });
});
