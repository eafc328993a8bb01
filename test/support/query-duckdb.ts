import { spawnSync } from 'node:child_process';

/** Reads a DuckDB file with the DuckDB that generated DAGs use (the Airflow virtualenv's), read-only. */
export function queryDuckdb(python: string, file: string, sql: string): unknown {
  const script = `import duckdb, json, sys\ncon = duckdb.connect(sys.argv[1], read_only=True)\nprint(json.dumps(con.execute(sys.argv[2]).fetchall(), default=str))`;
  const out = spawnSync(python, ['-c', script, file, sql], { encoding: 'utf8' });
  if (out.status !== 0) throw new Error(out.stderr);
  return JSON.parse(out.stdout);
}
