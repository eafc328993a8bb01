import { mkdirSync, mkdtempSync, readdirSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createRulePlanner, detectLanguage } from '@airflow-mcp/agent';
import { dagFilePath } from '@airflow-mcp/airflow';
import { AppError } from '@airflow-mcp/core';
import {
  checkPython,
  compileDag,
  createSampleDatabase,
  introspectSqlite,
  resolveDataPath,
  resolveDataPaths,
  validateSpec,
  type Connection,
  type SourceColumn,
} from '@airflow-mcp/pipeline';
import { adversarialCases, PLANTED_SECRET, type AdversarialCase } from './adversarial-cases.js';

const root = mkdtempSync(join(tmpdir(), 'adversarial-'));
const warehouse = join(root, 'warehouse');
const dagsDir = join(root, 'dags');
mkdirSync(warehouse);
mkdirSync(dagsDir);
createSampleDatabase(join(warehouse, 'sample.db'));
symlinkSync(tmpdir(), join(warehouse, 'link-out'));

const base = {
  dag_id: 'adversarial_base',
  tasks: [
    {
      type: 'transfer',
      id: 'load',
      source: { kind: 'sqlite', path: 'sample.db' },
      source_table: 'events',
      target: { kind: 'duckdb', path: 'out.duckdb' },
      target_table: 'events',
    },
  ],
};

const REFUSAL_CODES = new Set(['INVALID_INPUT', 'VALIDATION_FAILED', 'FORBIDDEN', 'NEEDS_CLARIFICATION', 'NOT_FOUND']);

/** The ladder up to the AST allow-list, without deploying: what create_dag does before anything reaches DAGS_DIR. */
async function ladder(c: AdversarialCase): Promise<{ code: string } | { error: AppError }> {
  try {
    if (c.dagId !== undefined) {
      const path = dagFilePath(dagsDir, c.dagId);
      expect(resolve(path).startsWith(`${dagsDir}/`)).toBe(true);
      return { code: '' };
    }
    let input: unknown;
    if (c.request !== undefined) {
      const plan = await createRulePlanner().plan({
        request: c.request,
        language: detectLanguage(c.request),
        hints: {},
        knowledge: [],
        previousFailures: [],
        introspect: async (conn: Connection, table?: string) =>
          conn.kind === 'sqlite'
            ? introspectSqlite(resolveDataPath(conn.path, [warehouse], 'Source'), table)
            : undefined,
      });
      input = plan.spec;
    } else input = c.spec?.(structuredClone(base));
    const spec = resolveDataPaths(validateSpec(input), [warehouse]);
    const columns: Record<string, SourceColumn[]> = {};
    for (const t of spec.tasks) {
      if (t.type === 'transfer' && t.source.kind === 'sqlite') {
        const info = await introspectSqlite(t.source.path, t.source_table);
        if (!info.columns) throw new AppError('VALIDATION_FAILED', `no table ${t.source_table}`);
        columns[t.id] = info.columns;
      }
    }
    const { code } = compileDag(spec, { airflowMajor: 3, sourceColumns: columns });
    await checkPython({ code, dagId: spec.dag_id, python: 'python3', airflowImport: false });
    return { code };
  } catch (error) {
    if (!(error instanceof AppError)) throw error;
    return { error };
  }
}

describe('adversarial corpus: refused or neutralised, nothing written, no secret out', () => {
  const cases = adversarialCases();

  it('has at least 200 cases', () => expect(cases.length).toBeGreaterThanOrEqual(200));

  it.each(cases.map((c) => [c.id, c] as const))('%s', async (_id, c) => {
    const outcome = await ladder(c);
    if ('error' in outcome) {
      expect(REFUSAL_CODES.has(outcome.error.code), `${outcome.error.code}: ${outcome.error.message}`).toBe(true);
      expect(outcome.error.message.length).toBeGreaterThan(15);
      expect(outcome.error.message).not.toContain(PLANTED_SECRET);
    } else {
      expect(c.expect, 'a case that must be refused compiled').toBe('either');
      expect(outcome.code).not.toContain(PLANTED_SECRET);
      // Hostile text only ever lives inside string literals: no module-level import of anything but the allow-list.
      expect(outcome.code).not.toMatch(/^(import (os|subprocess|sys)|from (os|subprocess|sys) import)/m);
    }
    expect(readdirSync(dagsDir)).toEqual([]);
    expect(readdirSync(warehouse).sort()).toEqual(['link-out', 'sample.db']);
  });
});
