import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, inject, it } from 'vitest';
import { checkPython } from '@airflow-mcp/pipeline';

const goldenDir = join(import.meta.dirname, '..', '..', 'packages', 'pipeline', 'test', 'golden');
const cases = readdirSync(goldenDir);

/** Every golden DAG passes the Python half of the ladder and is imported by the pinned Airflow's own DagBag. */
describe('golden DAGs import in the pinned Airflow', () => {
  const { python } = inject('airflow');
  it.each(cases)('%s', async (name) => {
    const spec = JSON.parse(readFileSync(join(goldenDir, name, 'spec.json'), 'utf8')) as { dag_id: string };
    const code = readFileSync(join(goldenDir, name, 'dag.py'), 'utf8');
    const result = await checkPython({ code, dagId: spec.dag_id, python, airflowImport: true });
    expect(result).toEqual({
      steps: ['python-compile', 'ast-allow-list', 'airflow-import'],
      dagIds: [spec.dag_id],
      sandbox: 'namespaces',
      ms: {
        'python-compile': expect.any(Number),
        'ast-allow-list': expect.any(Number),
        'airflow-load': expect.any(Number),
        'airflow-import': expect.any(Number),
        start: expect.any(Number),
      },
    });
  });

  it('rejects code outside the allow-list before Airflow sees it', async () => {
    const bad = [
      ['import os\n', /import of os/],
      ['from subprocess import run\n', /import from subprocess/],
      ['x = open("/etc/passwd")\n', /module level|open\(\)/],
      ['def f():\n    return eval("1")\n', /eval\(\)/],
      ['def f():\n    return ().__class__\n', /dunder attribute/],
      ['def f(:\n', /python-compile/],
    ] as const;
    for (const [code, why] of bad) {
      await expect(checkPython({ code, dagId: 'x', python, airflowImport: false })).rejects.toThrow(why);
    }
  });

  it('with a Python that has no Airflow, runs compile and AST checks and says the import check was skipped', async () => {
    const code = readFileSync(join(goldenDir, 'sqlite_to_duckdb', 'dag.py'), 'utf8');
    const result = await checkPython({
      code,
      dagId: 'sqlite_events_to_duckdb',
      python: 'python3',
      airflowImport: true,
    });
    expect(result.steps).toEqual(['python-compile', 'ast-allow-list']);
    expect(result.skipped).toMatch(/Airflow is not installed/);
  });
});
