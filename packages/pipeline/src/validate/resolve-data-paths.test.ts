import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { resolveDataPaths } from './resolve-data-paths.js';
import { validateSpec } from './validate-spec.js';

const root = mkdtempSync(join(tmpdir(), 'data-paths-'));

const spec = (staging: string) =>
  validateSpec({
    dag_id: 'steps_paths',
    staging: { kind: 'duckdb', path: staging },
    tasks: [
      {
        type: 'transfer',
        id: 'load_orders',
        source: { kind: 'sqlite', path: 'shop.db' },
        source_table: 'orders',
        target: { kind: 'duckdb', path: 'out.duckdb' },
        target_table: 'orders',
      },
    ],
  });

describe('resolveDataPaths and the staging file', () => {
  it('resolves a relative staging file against the first data folder, like the other files', () => {
    const resolved = resolveDataPaths(spec('steps_paths_staging.duckdb'), [root]);
    expect(resolved.staging).toEqual({ kind: 'duckdb', path: join(root, 'steps_paths_staging.duckdb') });
    expect(resolved.tasks[0]).toMatchObject({ source: { path: join(root, 'shop.db') } });
  });

  it('refuses a staging file outside the data folders', () => {
    expect(() => resolveDataPaths(spec('../elsewhere/staging.duckdb'), [root])).toThrow(
      /Staging: the file "\.\.\/elsewhere\/staging\.duckdb" is outside the allowed data folders/,
    );
    expect(() => resolveDataPaths(spec('/tmp/staging.duckdb'), [join(root, 'sub')])).toThrow(/outside the allowed/);
  });

  it('leaves a spec without staging without one', () => {
    const { staging: _staging, ...plain } = spec('x.duckdb');
    const resolved = resolveDataPaths(validateSpec(plain), [root]);
    expect(resolved.staging).toBeUndefined();
    expect(JSON.stringify(resolved)).not.toContain('staging');
  });
});
