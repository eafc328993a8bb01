import type { SqlType } from '../spec/pipeline-spec.js';

export const INTROSPECTION_DAG_ID = 'airflow_mcp_introspect';

/**
 * PostgreSQL and MySQL are reached only through Airflow connections, whose credentials this service never holds, so
 * their schemas are read by Airflow itself: a fixed, generated DAG that takes {kind, conn_id, table?, schema?} in
 * dag_run.conf, checks them, and returns tables, columns and row counts through XCom. The table name only ever
 * reaches SQL as a bound parameter or as an identifier checked against the catalog.
 */
export function introspectionDagSource(airflowMajor: 2 | 3): string {
  const imports =
    airflowMajor === 3
      ? 'from airflow.sdk import dag, get_current_context, task'
      : 'from airflow.decorators import dag, task\nfrom airflow.operators.python import get_current_context';
  return `"""${INTROSPECTION_DAG_ID}: reads table and column metadata through an Airflow connection for airflow-mcp-rag."""

from __future__ import annotations

from datetime import datetime, timezone

${imports}


def _check(value, what):
    import re

    if value is not None and not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]{0,62}", str(value)):
        raise ValueError("invalid %s" % what)
    return value


@dag(
    dag_id=${JSON.stringify(INTROSPECTION_DAG_ID)},
    schedule=None,
    start_date=datetime(2024, 1, 1, tzinfo=timezone.utc),
    catchup=False,
    max_active_runs=4,
    tags=["airflow-mcp", "introspection"],
    default_args={"retries": 0},
)
def introspect_dag():
    @task(task_id="inspect")
    def inspect():
        conf = get_current_context()["dag_run"].conf or {}
        kind = conf.get("kind")
        conn_id = _check(conf.get("conn_id"), "conn_id")
        table = _check(conf.get("table"), "table")
        schema = _check(conf.get("schema"), "schema")
        if kind == "postgres":
            from airflow.providers.postgres.hooks.postgres import PostgresHook

            con = PostgresHook(postgres_conn_id=conn_id).get_conn()
            where_schema = "table_schema = COALESCE(%s, current_schema())"
            args = [schema]
        elif kind == "mysql":
            from airflow.providers.mysql.hooks.mysql import MySqlHook

            con = MySqlHook(mysql_conn_id=conn_id).get_conn()
            where_schema = "table_schema = COALESCE(%s, DATABASE())"
            args = [schema]
        else:
            raise ValueError("kind must be postgres or mysql")
        try:
            cur = con.cursor()
            cur.execute("SELECT table_name FROM information_schema.tables WHERE " + where_schema + " ORDER BY 1", args)
            tables = [r[0] for r in cur.fetchall()]
            out = {"tables": tables}
            match = [t for t in tables if table is not None and t.lower() == table.lower()]
            if match:
                name = match[0]
                cur.execute(
                    "SELECT column_name, data_type, is_nullable FROM information_schema.columns WHERE "
                    + where_schema
                    + " AND table_name = %s ORDER BY ordinal_position",
                    args + [name],
                )
                out["columns"] = [{"name": n, "declared": d, "nullable": nl == "YES"} for n, d, nl in cur.fetchall()]
                quote = '"' if kind == "postgres" else "\`"
                cur.execute("SELECT COUNT(*) FROM " + quote + name + quote)
                out["rowCount"] = int(cur.fetchone()[0])
            return out
        finally:
            con.close()

    inspect()


introspect_dag()
`;
}

/** PostgreSQL / MySQL information_schema data types -> our types. */
export function serverTypeOf(declared: string): SqlType | undefined {
  const t = declared.toLowerCase();
  if (/^(smallint|integer|int|mediumint|tinyint)$/.test(t)) return t === 'tinyint' ? 'integer' : 'integer';
  if (t === 'bigint') return 'bigint';
  if (/^(double precision|real|double|float)$/.test(t)) return 'double';
  if (/^(numeric|decimal)/.test(t)) return 'decimal';
  if (/^(boolean|bool)$/.test(t)) return 'boolean';
  if (t === 'date') return 'date';
  if (t.startsWith('timestamp') || t === 'datetime') return 'timestamp';
  if (/char|text|uuid|json|enum/.test(t)) return 'text';
  return undefined;
}
