import { OPEN_MYSQL } from '../compiler/runtime-helpers.js';
import type { SqlType } from '../spec/pipeline-spec.js';

export const INTROSPECTION_DAG_ID = 'airflow_mcp_introspect';

/**
 * PostgreSQL and MySQL are reached only through Airflow connections, whose credentials this service never holds, so
 * their schemas are read by Airflow itself: a fixed, generated DAG that takes {kind, conn_id, table?, schema?} in
 * dag_run.conf, checks them, and returns tables, columns, row counts and the few values of text columns through
 * XCom. The table name only ever reaches SQL as a bound parameter or as an identifier checked against the catalog.
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


def _text(value):
    # MySQL 8 hands some information_schema columns over as bytes.
    return value.decode("utf-8") if isinstance(value, (bytes, bytearray)) else value


def _holds_words(declared):
    # Text columns whose few values the planner may read ("pending", "paid"); not char(n), which pads its values.
    d = declared.lower()
    return d in ("text", "character varying", "citext") or d.startswith(
        ("varchar", "tinytext", "mediumtext", "longtext", "enum(")
    )


${OPEN_MYSQL}


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
            con = _open_mysql(conn_id)
            where_schema = "table_schema = COALESCE(%s, DATABASE())"
            args = [schema]
        else:
            raise ValueError("kind must be postgres or mysql")
        try:
            cur = con.cursor()
            cur.execute("SELECT table_name FROM information_schema.tables WHERE " + where_schema + " ORDER BY 1", args)
            tables = [_text(r[0]) for r in cur.fetchall()]
            out = {"tables": tables}
            match = [t for t in tables if table is not None and t.lower() == table.lower()]
            if match:
                name = match[0]
                if kind == "postgres":
                    # data_type names the type; primary keys from the table's constraints.
                    columns_sql = (
                        "SELECT c.column_name, c.data_type, c.is_nullable, EXISTS (SELECT 1"
                        " FROM information_schema.table_constraints tc JOIN information_schema.key_column_usage k"
                        " ON k.constraint_name = tc.constraint_name AND k.constraint_schema = tc.constraint_schema"
                        " WHERE tc.constraint_type = 'PRIMARY KEY' AND tc.table_schema = c.table_schema"
                        " AND tc.table_name = c.table_name AND k.column_name = c.column_name)"
                        " FROM information_schema.columns c WHERE c."
                    )
                else:
                    # column_type keeps what data_type drops: unsigned, lengths, tinyint(1).
                    columns_sql = (
                        "SELECT c.column_name, c.column_type, c.is_nullable, c.column_key = 'PRI'"
                        " FROM information_schema.columns c WHERE c."
                    )
                cur.execute(
                    columns_sql + where_schema + " AND c.table_name = %s ORDER BY c.ordinal_position",
                    args + [name],
                )
                out["columns"] = [
                    {"name": _text(n), "declared": _text(d), "nullable": _text(nl) == "YES", "primaryKey": bool(pk)}
                    for n, d, nl, pk in cur.fetchall()
                ]
                quote = '"' if kind == "postgres" else "\`"
                cur.execute("SELECT COUNT(*) FROM " + quote + name + quote)
                out["rowCount"] = int(cur.fetchone()[0])
                # Text columns with at most 50 distinct values in the first 10,000 rows: their values, as a SQLite
                # source gives them, so that "only the paid ones" finds its column.
                out["values"] = {}
                for c in out["columns"]:
                    if not _holds_words(c["declared"]):
                        continue
                    col = quote + c["name"].replace(quote, quote + quote) + quote
                    cur.execute(
                        "SELECT DISTINCT " + col + " FROM (SELECT " + col + " FROM " + quote + name + quote
                        + " LIMIT 10000) AS s WHERE " + col + " IS NOT NULL LIMIT 51"
                    )
                    rows = cur.fetchall()
                    if len(rows) <= 50:
                        out["values"][c["name"]] = [str(_text(r[0])) for r in rows]
            return out
        finally:
            con.close()

    inspect()


introspect_dag()
`;
}

/**
 * PostgreSQL information_schema data types and MySQL column types (`int(10) unsigned`, `decimal(10,2)`,
 * `varchar(20)`, `datetime(6)`, `enum('a','b')`) -> our types. undefined: inferred from the values at run time.
 */
export function serverTypeOf(declared: string): SqlType | undefined {
  const full = declared.toLowerCase().trim();
  const unsigned = /\bunsigned\b/.test(full);
  const t = full
    .replace(/\(.*\)/, '')
    .replace(/\b(unsigned|signed|zerofill)\b/g, '')
    .trim();
  if (/^(tinyint|smallint|mediumint|year)$/.test(t)) return 'integer';
  // An unsigned int can pass 2^31.
  if (t === 'int' || t === 'integer') return unsigned ? 'bigint' : 'integer';
  if (t === 'bigint') return 'bigint';
  if (/^(double precision|real|double|float)$/.test(t)) return 'double';
  if (/^(numeric|decimal)$/.test(t)) return 'decimal';
  if (/^(boolean|bool)$/.test(t)) return 'boolean';
  if (t === 'date') return 'date';
  if (t.startsWith('timestamp') || t === 'datetime') return 'timestamp';
  if (/char|text|uuid|json|^enum$|^set$/.test(t)) return 'text';
  return undefined;
}
