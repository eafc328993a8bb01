import { AppError } from '@airflow-mcp/core';
import type { SourceColumn } from '../compiler/render-transfer.js';
import type { SqlType } from '../spec/pipeline-spec.js';
import { checkRegularFile } from './check-regular-file.js';
import { INTROSPECT_TIMEOUT_MS, type IntrospectLimits, type SqliteTableInfo } from './introspect-sqlite.js';
import { runBounded } from './run-bounded.js';

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
args = json.load(sys.stdin)
con = duckdb.connect(args["path"], read_only=True, config={"enable_external_access": False})
tables = [r[0] for r in con.execute("SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() ORDER BY 1").fetchall()]
out = {"tables": tables}
want = args.get("table")
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

/**
 * Tables of a DuckDB file and, for `table`, its columns and row count, read through DuckDB itself (read-only) in a
 * Python child process under a time limit; FIFOs, devices, folders and symbolic links are refused first.
 */
export async function introspectDuckdb(
  path: string,
  python: string,
  table?: string,
  limits: IntrospectLimits = {},
): Promise<SqliteTableInfo> {
  await checkRegularFile(path, 'DuckDB file');
  const result = await runBounded(python, ['-c', SCRIPT], {
    input: JSON.stringify({ path, ...(table ? { table } : {}) }),
    timeoutMs: limits.timeoutMs ?? INTROSPECT_TIMEOUT_MS,
    what: `Reading the DuckDB file ${path}`,
    env: { PATH: '/usr/bin:/bin', HOME: '/tmp' },
  });
  if (result.code !== 0) {
    const reason = result.stderr.trim().split('\n').pop() ?? '';
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
