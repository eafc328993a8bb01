import type { Engine } from '../spec/pipeline-spec.js';
import { copyTransferHelpers } from './copy-transfer-helpers.js';
import { NATIVE_TRANSFER, SCANNER_DSN } from './native-transfer-helpers.js';

/**
 * Opens a MySQL / MariaDB connection with PyMySQL (pure Python, in the Airflow lock) from the Airflow connection's
 * fields. Not MySqlHook.get_conn(): it needs mysqlclient (MySQLdb, no wheel, C headers to build) unless the
 * connection's extra names mysql-connector-python. Extras honoured: charset (utf8mb4 by default), ssl (a dict or its
 * JSON, as MySqlHook takes it: ca, cert, key, ...), unix_socket, connect_timeout. Also used by the introspection DAG.
 */
export const OPEN_MYSQL = `def _open_mysql(conn_id):
    import json

    import pymysql
    from airflow.providers.mysql.hooks.mysql import MySqlHook

    # PyMySQL from the connection's fields: MySqlHook.get_conn() itself would need mysqlclient (MySQLdb).
    conn = MySqlHook.get_connection(conn_id)
    extra = conn.extra_dejson
    options = {}
    ssl = extra.get("ssl")
    if isinstance(ssl, str):
        ssl = json.loads(ssl)
    if ssl:
        options["ssl"] = ssl
    if extra.get("unix_socket"):
        options["unix_socket"] = extra["unix_socket"]
    return pymysql.connect(
        host=conn.host or "localhost",
        port=int(conn.port or 3306),
        user=conn.login,
        password=conn.password or "",
        database=conn.schema or None,
        charset=extra.get("charset") or "utf8mb4",
        connect_timeout=int(extra.get("connect_timeout") or 30),
        autocommit=False,
        **options,
    )`;

/**
 * The Python helpers a generated DAG file carries, emitted only for the engines it uses. Fixed text: no user input
 * is ever interpolated here. Each takes plain values passed as literals by the task code.
 */
const OPEN: Record<Engine, string> = {
  sqlite: `def _open_sqlite(path, read_only=False):
    import sqlite3
    from urllib.parse import quote

    if read_only:
        # A source or a check only reads: the file is opened read-only and the connection may only query.
        con = sqlite3.connect("file:" + quote(path) + "?mode=ro", uri=True, timeout=60)
        con.execute("PRAGMA query_only = ON")
    else:
        con = sqlite3.connect(path, timeout=60)
    # This file only: no other database attached (ATTACH creates files), no extension loaded.
    if hasattr(con, "setlimit"):
        con.setlimit(sqlite3.SQLITE_LIMIT_ATTACHED, 0)
    if hasattr(con, "enable_load_extension"):
        con.enable_load_extension(False)
    con.set_authorizer(_sqlite_authorizer)
    con.isolation_level = None
    return con


def _sqlite_authorizer(action, arg1, arg2, database, trigger):
    import sqlite3

    # Refused whatever the statement: other database files, pragmas, and functions that reach files or extensions.
    if action in (sqlite3.SQLITE_ATTACH, sqlite3.SQLITE_DETACH):
        return sqlite3.SQLITE_DENY
    if action == sqlite3.SQLITE_PRAGMA and arg1 != "query_only":
        return sqlite3.SQLITE_DENY
    if action == sqlite3.SQLITE_FUNCTION and (arg2 or "").lower() in (
        "load_extension",
        "readfile",
        "writefile",
        "edit",
        "fts3_tokenizer",
    ):
        return sqlite3.SQLITE_DENY
    return sqlite3.SQLITE_OK`,
  duckdb: `def _open_duckdb(path, read_only=False, prepare=None):
    import time

    import duckdb

    # One process writes a DuckDB file at a time: parallel tasks on the same file wait their turn (up to 10 min).
    deadline = time.monotonic() + 600
    while True:
        try:
            con = duckdb.connect(path, read_only=read_only)
            break
        except duckdb.IOException as error:
            if "lock" not in str(error).lower() or time.monotonic() > deadline:
                raise
            time.sleep(0.5)
    # This file only: no other file, URL, database or extension (COPY, read_csv, ATTACH, INSTALL fail), and no
    # statement can change a setting back. Once per process and file (a second connection shares the instance).
    # prepare (the native transfer path) loads a scanner by path and attaches its source before the lock, and
    # refuses an instance already locked.
    if not con.execute("SELECT current_setting('lock_configuration')").fetchone()[0]:
        if prepare is not None:
            try:
                prepare(con)
            except Exception:
                con.close()
                raise
        con.execute("SET enable_external_access = false")
        con.execute("SET lock_configuration = true")
    elif prepare is not None:
        con.close()
        raise RuntimeError("the DuckDB file is already open in this process with its configuration locked")
    return con`,
  postgres: `def _open_postgres(conn_id):
    from airflow.providers.postgres.hooks.postgres import PostgresHook

    con = PostgresHook(postgres_conn_id=conn_id).get_conn()
    # json and jsonb arrive as the server's text: parsed into dicts and floats they were written as Python reprs
    # ({'a': 1.1}), which is not JSON, and lost decimal digits.
    # psycopg 3 connections have adapters; Airflow 2's PostgresHook gives psycopg2 ones (psycopg 3 may be installed).
    if hasattr(con, "adapters"):
        from psycopg.types.string import TextLoader

        con.adapters.register_loader("json", TextLoader)
        con.adapters.register_loader("jsonb", TextLoader)
    else:
        import psycopg2.extras

        psycopg2.extras.register_default_json(con, loads=str)
        psycopg2.extras.register_default_jsonb(con, loads=str)
    return con`,
  mysql: OPEN_MYSQL,
};

const BEGIN = `def _read_only(kind, con):
    # A check only reads: the server refuses any write, and a statement that runs too long, whatever the SQL.
    if kind == "postgres":
        _run(kind, con, "SET TRANSACTION READ ONLY")
        _run(kind, con, "SET LOCAL statement_timeout = '600s'")
    elif kind == "mysql":
        _run(kind, con, "START TRANSACTION READ ONLY")


def _begin(kind, con):
    if kind in ("sqlite", "duckdb"):
        con.execute("BEGIN")


def _commit(kind, con):
    if kind in ("sqlite", "duckdb"):
        con.execute("COMMIT")
    else:
        con.commit()


def _rollback(kind, con):
    try:
        if kind in ("sqlite", "duckdb"):
            con.execute("ROLLBACK")
        else:
            con.rollback()
    except Exception:
        pass


def _run(kind, con, sql, params=None):
    # DuckDB's cursor() opens a second connection (own transaction, own temp tables): run on the connection itself.
    if kind in ("sqlite", "duckdb"):
        return con.execute(sql) if params is None else con.execute(sql, params)
    cur = con.cursor()
    if params is None:
        cur.execute(sql)
    else:
        cur.execute(sql, params)
    return cur`;

const GC = `def _pause_gc():
    # Batches are millions of fresh row tuples without reference cycles: reference counting frees them, while the
    # cyclic collector would keep rescanning them (and every object Airflow holds): a third of the CPU of a load.
    import gc

    enabled = gc.isenabled()
    gc.disable()
    return enabled


def _resume_gc(enabled):
    import gc

    if enabled:
        gc.enable()`;

const INFER = `def _infer_type(values):
    import datetime as _dt
    from decimal import Decimal

    for value in values:
        if value is None:
            continue
        if isinstance(value, bool):
            return "boolean"
        if isinstance(value, int):
            return "bigint"
        if isinstance(value, float):
            return "double"
        if isinstance(value, Decimal):
            return "decimal"
        if isinstance(value, _dt.datetime):
            return "timestamp"
        if isinstance(value, _dt.date):
            return "date"
        return "text"
    return "text"`;

const TABLES = `def _q(kind, name):
    if kind == "mysql":
        return "\`" + name.replace("\`", "\`\`") + "\`"
    return '"' + name.replace('"', '""') + '"'


def _table_exists(kind, con, name):
    if kind == "sqlite":
        sql = "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = ?"
    elif kind == "duckdb":
        sql = "SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = current_schema() AND table_name = ?"
    elif kind == "postgres":
        sql = "SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = current_schema() AND table_name = %s"
    else:
        sql = "SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = DATABASE() AND table_name = %s"
    return _run(kind, con, sql, (name,)).fetchone()[0] > 0`;

const INSERT: Record<Engine, string> = {
  sqlite: `def _insert_sqlite(con, table_sql, names_sql, rows):
    marks = ", ".join("?" for _ in names_sql)
    con.executemany("INSERT INTO " + table_sql + " (" + ", ".join(names_sql) + ") VALUES (" + marks + ")", rows)
    return len(rows)`,
  duckdb: `def _insert_duckdb(con, table_sql, names_sql, rows, casts):
    import pyarrow as pa

    columns = list(zip(*rows))
    arrays = []
    for values in columns:
        try:
            arrays.append(pa.array(values))
        except (pa.ArrowInvalid, pa.ArrowTypeError, TypeError, OverflowError):
            arrays.append(pa.array([None if v is None else str(v) for v in values], type=pa.string()))
    batch = pa.Table.from_arrays(arrays, names=["c%d" % i for i in range(len(arrays))])
    # Through the relation API, in the table's own column order (NULL where the batch has no column): the connection
    # has external access off, and DuckDB scans a Python object by name only with it on. Not con.register(): inside
    # the transaction an unregistered view is only dropped at COMMIT, so every batch would stay in memory until then.
    given = dict((n.lower(), "CAST(c%d AS %s)" % (i, cast)) for i, (n, cast) in enumerate(zip(names_sql, casts)))
    order = [_q("duckdb", d[0]).lower() for d in con.execute("SELECT * FROM " + table_sql + " LIMIT 0").description]
    missing = [n for n in given if n not in order]
    if missing:
        raise ValueError("columns %s are not in %s" % (", ".join(missing), table_sql))
    con.from_arrow(batch).project(", ".join(given.get(n, "NULL") for n in order)).insert_into(table_sql)
    return len(rows)`,
  postgres: `def _insert_postgres(con, table_sql, names_sql, rows):
    import io

    def field(value):
        if value is None:
            return ""
        if isinstance(value, bool):
            value = "true" if value else "false"
        return '"' + str(value).replace('"', '""') + '"'

    buffer = io.StringIO()
    for row in rows:
        buffer.write(",".join(field(v) for v in row))
        buffer.write("\\n")
    buffer.seek(0)
    cur = con.cursor()
    sql = "COPY " + table_sql + " (" + ", ".join(names_sql) + ") FROM STDIN WITH (FORMAT csv)"
    if hasattr(cur, "copy_expert"):
        cur.copy_expert(sql, buffer)
    else:
        # psycopg 3: what PostgresHook returns once psycopg 3 and SQLAlchemy 2 are installed (our lock has both).
        with cur.copy(sql) as copy:
            copy.write(buffer.getvalue())
    return len(rows)`,
  mysql: `def _insert_mysql(con, table_sql, names_sql, rows):
    marks = ", ".join("%s" for _ in names_sql)
    cur = con.cursor()
    cur.executemany("INSERT INTO " + table_sql + " (" + ", ".join(names_sql) + ") VALUES (" + marks + ")", rows)
    return len(rows)`,
};

/** Reading a source in batches where the driver would otherwise fetch the whole result first. */
const STREAM: Partial<Record<Engine, string>> = {
  mysql: `def _stream_mysql(con, sql, params):
    from pymysql.cursors import SSCursor

    # Unbuffered: MySQL sends rows as they are fetched, memory stays flat. Between batches (a slow target) the server
    # waits for the reader up to net_write_timeout: an hour instead of a minute.
    cur = con.cursor(SSCursor)
    cur.execute("SET SESSION net_write_timeout = 3600")
    cur.execute(sql, params)
    return cur`,
};

export function runtimeHelpers(
  engines: ReadonlySet<Engine>,
  options: {
    transfer: boolean;
    sources?: ReadonlySet<Engine>;
    copySources?: ReadonlySet<'duckdb' | 'postgres' | 'postgres-late'>;
  },
): string {
  const parts: string[] = [];
  for (const engine of ['sqlite', 'duckdb', 'postgres', 'mysql'] as const) {
    if (engines.has(engine)) parts.push(OPEN[engine]);
  }
  parts.push(BEGIN);
  if (options.transfer) {
    parts.push(GC, INFER, TABLES);
    for (const engine of ['sqlite', 'duckdb', 'postgres', 'mysql'] as const) {
      if (engines.has(engine)) parts.push(INSERT[engine]);
    }
    for (const engine of ['sqlite', 'duckdb', 'postgres', 'mysql'] as const) {
      const stream = STREAM[engine];
      if (stream && options.sources?.has(engine)) parts.push(stream);
    }
    const scanned = ['sqlite', 'postgres', 'mysql'] as const;
    if (engines.has('duckdb') && scanned.some((e) => options.sources?.has(e))) {
      if (options.sources?.has('postgres') || options.sources?.has('mysql')) parts.push(SCANNER_DSN);
      parts.push(NATIVE_TRANSFER);
    }
    parts.push(...copyTransferHelpers(options.copySources ?? new Set()));
  }
  return parts.join('\n\n\n');
}
