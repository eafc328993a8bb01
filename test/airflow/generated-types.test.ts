import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, inject, it } from 'vitest';

const root = join(import.meta.dirname, '..', '..');

/** The committed Airflow client types are what the pinned Airflow's own OpenAPI spec generates. */
describe('generated Airflow types', () => {
  it('the committed spec is the one shipped in the pinned apache-airflow wheel', () => {
    const { python } = inject('airflow');
    const located = spawnSync(
      python,
      [
        '-c',
        'import airflow, os; print(os.path.join(os.path.dirname(airflow.__file__), "api_fastapi/core_api/openapi/v2-rest-api-generated.yaml"))',
      ],
      { encoding: 'utf8', env: { PATH: '/usr/bin:/bin' } },
    );
    expect(located.status, located.stderr).toBe(0);
    const shipped = readFileSync(located.stdout.trim(), 'utf8');
    expect(readFileSync(join(root, 'packages', 'airflow', 'openapi', 'v2-rest-api-3.3.2.yaml'), 'utf8')).toBe(shipped);
  });

  it('regenerating the types from it gives the committed file', () => {
    const check = spawnSync(
      process.execPath,
      [join(root, 'packages', 'airflow', 'scripts', 'generate-types.mjs'), '--check'],
      {
        cwd: root,
        encoding: 'utf8',
      },
    );
    expect(check.status, check.stderr).toBe(0);
    expect(check.stdout).toContain('up to date');
  });
});
