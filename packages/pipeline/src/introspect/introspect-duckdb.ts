import { AppError } from '@airflow-mcp/core';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import type { SourceColumn } from '../compiler/render-transfer.js';
import type { SqlType } from '../spec/pipeline-spec.js';
import type { SqliteTableInfo } from './introspect-sqlite.js';

/** DuckDB type names -> our types. */
export function duckdbTypeOf(declared: string): SqlType | undefined {
  const t = declared.toUpperCase();
  if (/^(TINYINT|SMALLINT|INTEGER|INT|UTINYINT|USMALLINT|UINTEGER)$/.test(t)) return 'integer';
  if (/^(BIGINT|HUGEINT|UBIGINT|UHUGEINT)$/.test(t)) return 'bigint';
  if (/^(DOUBLE|FLOAT|REAL)$/.test(t)) return 'double';
  if (t.startsWith('DECIMAL')) return 'decimal';
  if (t === 'BOOLEAN') return 'boolean';
  if (t === 'DATE') return 'date';
  if (t.startsWith('TIMESTAMP')) return 'timestamp';
  if (t === 'VARCHAR' || t === 'UUID' || t === 'JSON') return 'text';
  return undefined;
}

const SCRIPT = `
import json, sys
import duckdb
con = duckdb.connect(sys.argv[1], read_only=True)
tables = [r[0] for r in con.execute("SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() ORDER BY 1").fetchall()]
out = {"tables": tables}
want = sys.argv[2] if len(sys.argv) > 2 else None
match = [t for t in tables if want is not None and t.lower() == want.lower()]
if match:
    t = match[0]
    out["columns"] = [
        {"name": n, "declared": d, "nullable": nl == "YES"}
        for n, d, nl in con.execute(
            "SELECT column_name, data_type, is_nullable FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = ? ORDER BY ordinal_position",
            [t],
        ).fetchall()
    ]
    out["rowCount"] = con.execute('SELECT COUNT(*) FROM "' + t.replace('"', '""') + '"').fetchone()[0]
print(json.dumps(out))
`;

/** Tables of a DuckDB file and, for `table`, its columns and row count, read through DuckDB itself (read-only). */
export function introspectDuckdb(path: string, python: string, table?: string): SqliteTableInfo {
  if (!existsSync(path)) {
    throw new AppError('NOT_FOUND', `DuckDB file ${path} does not exist.`, { details: { step: 'source-schema' } });
  }
  const result = spawnSync(python, ['-c', SCRIPT, path, ...(table ? [table] : [])], {
    encoding: 'utf8',
    timeout: 30_000,
    env: { PATH: '/usr/bin:/bin', HOME: '/tmp' },
  });
  if (result.status !== 0) {
    const reason = (result.stderr || result.error?.message || '').trim().split('\n').pop() ?? '';
    throw new AppError(
      /No module named .duckdb/.test(reason) ? 'UNAVAILABLE' : 'DEPENDENCY_FAILED',
      `Could not read DuckDB file ${path}: ${reason.slice(0, 300)}${/No module named/.test(reason) ? ' (set AIRFLOW_PYTHON to a Python with duckdb, e.g. the Airflow virtualenv)' : ''}`,
      { details: { step: 'source-schema' } },
    );
  }
  const parsed = JSON.parse(result.stdout) as {
    tables: string[];
    columns?: { name: string; declared: string; nullable: boolean }[];
    rowCount?: number;
  };
  const columns: SourceColumn[] | undefined = parsed.columns?.map((c) => ({
    name: c.name,
    type: duckdbTypeOf(c.declared),
    declared: c.declared,
    nullable: c.nullable,
  }));
  return { tables: parsed.tables, columns, rowCount: parsed.rowCount };
}
