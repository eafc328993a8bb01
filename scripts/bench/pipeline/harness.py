"""Transfer benchmark harness: one variant per process, so each process's peak RSS is that variant's alone.

    python harness.py generate <sqlite-path> <rows>
    python harness.py generated <dag-module.py> <task-id> <sqlite-path> <duckdb-path>
    python harness.py handwritten <sqlite-path> <duckdb-path> [batch-rows]
    python harness.py pandas <sqlite-path> <duckdb-path>
    python harness.py duckdb_statement <sqlite|postgres> <sqlite-path|libpq-dsn> <duckdb-path>
    python harness.py load_postgres <sqlite-path> <libpq-dsn> <table>
    python harness.py load_duckdb <sqlite-path> <duckdb-path>
    python harness.py verify <duckdb-path>
    python harness.py generated_into_pg <dag-module.py> <task-id> <libpq-dsn> <table>
    python harness.py pg_statement <libpq-dsn> <source-table> <table>
    python harness.py duckdb_pg_statement <duckdb-path> <libpq-dsn> <table>
    python harness.py pg_columns <libpq-dsn> <table>
    python harness.py verify_pg <libpq-dsn> <table>

Prints one JSON object on the last line of stdout. Timing covers the transfer only (imports are done first, and
the RSS after imports is reported as baseline_rss_mb); peak_rss_mb is the process's ru_maxrss at the end of the
transfer, read before anything else runs.
"""

from __future__ import annotations

import json
import os
import resource
import sys
import time

TABLE = "events"
DDL_TYPES = ["BIGINT", "BIGINT", "VARCHAR", "DOUBLE", "VARCHAR", "TIMESTAMP"]


def rss_mb() -> float:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 1048576


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def emit(result: dict) -> None:
    sys.stdout.write(json.dumps(result) + "\n")
    sys.stdout.flush()


def generate(path: str, rows: int) -> dict:
    """The sample `events` table, made bigger: same columns and value shapes as createSampleDatabase, computed by
    SQLite itself from the row number (a recursive CTE), so it is deterministic and fast."""
    import sqlite3

    started = time.perf_counter()
    tmp = path + ".tmp"
    if os.path.exists(tmp):
        os.remove(tmp)
    con = sqlite3.connect(tmp)
    con.executescript(
        """
        PRAGMA journal_mode = OFF;
        PRAGMA synchronous = OFF;
        CREATE TABLE events (
            event_id INTEGER PRIMARY KEY,
            user_id INTEGER NOT NULL,
            event_type TEXT NOT NULL,
            amount REAL,
            country TEXT NOT NULL,
            "timestamp" TIMESTAMP NOT NULL
        );
        """
    )
    con.execute(
        """
        INSERT INTO events
        WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ?),
        k(i, h) AS (SELECT i, (i * 2654435761) % 4294967296 FROM n)
        SELECT
            i,
            1 + h % 200000,
            CASE (h / 7) % 5 WHEN 0 THEN 'page_view' WHEN 1 THEN 'signup' WHEN 2 THEN 'purchase'
                             WHEN 3 THEN 'refund' ELSE 'logout' END,
            CASE WHEN (h / 7) % 5 IN (2, 3) THEN ((h / 35) % 50000) / 100.0 END,
            CASE (1 + h % 200000) % 5 WHEN 0 THEN 'KR' WHEN 1 THEN 'US' WHEN 2 THEN 'DE' WHEN 3 THEN 'JP' ELSE 'BR' END,
            datetime(1767225600 + i * 6 + (h / 11) % 6, 'unixepoch')
        FROM k
        """,
        (rows,),
    )
    con.commit()
    con.close()
    os.replace(tmp, path)
    return {"rows": rows, "seconds": time.perf_counter() - started, "bytes": os.path.getsize(path)}


def fresh(path: str) -> None:
    for p in (path, path + ".wal"):
        if os.path.exists(p):
            os.remove(p)


def warm_up() -> None:
    """DuckDB imports pandas, numpy and more the first time it scans a Python object (hundreds of modules, most of a
    second): done here for every variant, so the clock measures moving rows, not the first import."""
    import duckdb
    import pyarrow as pa

    tiny = pa.table({"x": [1]})  # noqa: F841 (scanned by name)
    con = duckdb.connect()
    con.execute("SELECT * FROM tiny").fetchall()
    con.close()


def measured(run) -> dict:
    """Runs the transfer with the clock and RSS read around it, after the imports and the warm-up."""
    warm_up()
    baseline = rss_mb()
    wall, cpu = time.perf_counter(), time.process_time()
    rows = run()
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    return {"rows": rows, "seconds": wall, "cpu_seconds": cpu, "peak_rss_mb": peak_rss_mb(), "baseline_rss_mb": baseline}


def find_dag(module):
    """The DAG the module defined, the way Airflow's DagBag finds it (auto-registered by the @dag call)."""
    from airflow.sdk.definitions._internal.contextmanager import DagContext

    for dag, mod in DagContext.autoregistered_dags:
        if mod is module or getattr(mod, "__name__", None) == module.__name__:
            return dag
    return module.generated_dag()  # the compiler's name for the @dag function


def load_task(module_path: str, task_id: str):
    """The compiler's own task code, run outside Airflow: the real `airflow.sdk` is imported, the module is loaded as
    the DAG processor would, and the @task's python_callable is returned, to be called directly."""
    import importlib.util

    import duckdb  # noqa: F401  (imported inside the task; loaded here so the clock does not include it)
    import psycopg  # noqa: F401
    import pyarrow  # noqa: F401
    import pyarrow.csv  # noqa: F401
    from airflow.providers.postgres.hooks.postgres import PostgresHook  # noqa: F401
    from airflow.sdk import dag, task  # noqa: F401

    spec = importlib.util.spec_from_file_location("bench_generated_dag", module_path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return find_dag(module).get_task(task_id).python_callable


def run_generated(module_path: str, task_id: str, duckdb_path: str) -> dict:
    callable_ = load_task(module_path, task_id)
    fresh(duckdb_path)
    return measured(lambda: callable_()["rows"])


def drop_pg(dsn: str, table: str) -> None:
    import psycopg

    with psycopg.connect(dsn, autocommit=True) as con:
        con.execute('DROP TABLE IF EXISTS "%s"' % table)


def run_generated_into_pg(module_path: str, task_id: str, dsn: str, table: str) -> dict:
    """A generated transfer into PostgreSQL (its Airflow connection from AIRFLOW_CONN_BENCH_PG), target dropped first."""
    callable_ = load_task(module_path, task_id)
    drop_pg(dsn, table)
    return measured(lambda: callable_()["rows"])


def run_pg_statement(dsn: str, source_table: str, table: str) -> dict:
    """What a user with both tables in one database writes by hand: one CREATE TABLE ... AS SELECT."""
    import psycopg
    from airflow.sdk import dag, task  # noqa: F401  (same imports, same baseline RSS)

    drop_pg(dsn, table)

    def run() -> int:
        with psycopg.connect(dsn) as con:
            cur = con.execute('CREATE TABLE "%s" AS SELECT * FROM "%s"' % (table, source_table))
            return cur.rowcount

    return measured(run)


def run_duckdb_pg_statement(duckdb_path: str, dsn: str, table: str) -> dict:
    """By hand from DuckDB: its postgres extension (LOADed by path) attached read-write, one CREATE TABLE AS SELECT."""
    import duckdb
    import pyarrow  # noqa: F401
    from airflow.sdk import dag, task  # noqa: F401

    drop_pg(dsn, table)
    path = scanner_path("postgres")

    def run() -> int:
        con = duckdb.connect()
        try:
            con.execute("LOAD '%s'" % path)
            con.execute("ATTACH '%s' AS src (READ_ONLY)" % duckdb_path)
            con.execute("ATTACH '%s' AS pg (TYPE postgres)" % dsn)
            con.execute('CREATE TABLE pg.public."%s" AS SELECT * FROM src.events' % table)
            return con.execute('SELECT COUNT(*) FROM pg.public."%s"' % table).fetchone()[0]
        finally:
            con.close()

    return measured(run)


def run_handwritten(sqlite_path: str, duckdb_path: str, batch_rows: int) -> dict:
    """Best effort without DuckDB's sqlite extension (not bundled in the wheel, and not installable offline): one
    typed DDL, big fetchmany batches turned into an Arrow RecordBatch in one C call (rows -> struct array), scanned by
    DuckDB straight from the Python variable, one transaction, the cyclic GC paused while millions of row tuples
    churn (they hold no cycles; reference counting frees them)."""
    import gc
    import sqlite3

    import duckdb
    import pyarrow as pa

    row_type = pa.struct(
        [
            ("event_id", pa.int64()),
            ("user_id", pa.int64()),
            ("event_type", pa.string()),
            ("amount", pa.float64()),
            ("country", pa.string()),
            ("timestamp", pa.string()),
        ]
    )
    fresh(duckdb_path)

    def run() -> int:
        src = sqlite3.connect(sqlite_path)
        dst = duckdb.connect(duckdb_path)
        rows = 0
        gc_was_enabled = gc.isenabled()
        gc.disable()
        try:
            dst.execute(
                'CREATE TABLE events (event_id BIGINT, user_id BIGINT, event_type VARCHAR, amount DOUBLE, '
                'country VARCHAR, "timestamp" TIMESTAMP)'
            )
            dst.execute("BEGIN")
            cur = src.execute('SELECT event_id, user_id, event_type, amount, country, "timestamp" FROM events')
            while True:
                chunk = cur.fetchmany(batch_rows)
                if not chunk:
                    break
                batch = pa.RecordBatch.from_struct_array(pa.array(chunk, type=row_type))  # noqa: F841 (scanned by name)
                dst.execute(
                    'INSERT INTO events SELECT event_id, user_id, event_type, amount, country, '
                    'CAST("timestamp" AS TIMESTAMP) FROM batch'
                )
                rows += len(chunk)
            dst.execute("COMMIT")
        finally:
            if gc_was_enabled:
                gc.enable()
            src.close()
            dst.close()
        return rows

    return measured(run)


def run_pandas(sqlite_path: str, duckdb_path: str) -> dict:
    """The naive path: the whole table into a DataFrame, then CREATE TABLE AS SELECT from it."""
    import sqlite3

    import duckdb
    import pandas as pd

    fresh(duckdb_path)

    def run() -> int:
        src = sqlite3.connect(sqlite_path)
        dst = duckdb.connect(duckdb_path)
        try:
            df = pd.read_sql(
                'SELECT event_id, user_id, event_type, amount, country, "timestamp" FROM events',
                src,
                parse_dates=["timestamp"],
            )
            dst.register("df", df)
            dst.execute("CREATE TABLE events AS SELECT * FROM df")
            return len(df)
        finally:
            src.close()
            dst.close()

    return measured(run)


def scanner_path(kind: str) -> str:
    """The scanner extension's file inside its wheel (the Airflow lock pins it at duckdb's version)."""
    from importlib.resources import files

    import duckdb

    package = files("duckdb_extension_%s_scanner" % kind)
    return str(package / "extensions" / ("v" + duckdb.__version__) / ("%s_scanner.duckdb_extension" % kind))


def run_duckdb_statement(kind: str, source: str, duckdb_path: str) -> dict:
    """What a user writes by hand instead of our task: one DuckDB statement through the scanner, LOADed by path. The
    same imports as the generated task (airflow.sdk, duckdb, pyarrow) are done first, so both start from the same
    baseline RSS."""
    import duckdb
    import pyarrow  # noqa: F401
    from airflow.sdk import dag, task  # noqa: F401

    fresh(duckdb_path)
    path = scanner_path(kind)

    def run() -> int:
        con = duckdb.connect(duckdb_path)
        try:
            con.execute("LOAD '%s'" % path)
            if kind == "sqlite":
                con.execute("CREATE TABLE events AS SELECT * FROM sqlite_scan('%s', 'events')" % source)
            else:
                con.execute("ATTACH '%s' AS src (TYPE postgres, READ_ONLY)" % source)
                con.execute("CREATE TABLE events AS SELECT * FROM src.public.%s" % os.environ["BENCH_PG_TABLE"])
            return con.execute("SELECT COUNT(*) FROM events").fetchone()[0]
        finally:
            con.close()

    return measured(run)


def load_postgres(sqlite_path: str, dsn: str, table: str) -> dict:
    """The benchmark's PostgreSQL source: the same events rows, copied once by DuckDB from the SQLite file."""
    import duckdb

    started = time.perf_counter()
    con = duckdb.connect()
    con.execute("LOAD '%s'" % scanner_path("sqlite"))
    con.execute("LOAD '%s'" % scanner_path("postgres"))
    con.execute("ATTACH '%s' AS pg (TYPE postgres)" % dsn)
    con.execute("DROP TABLE IF EXISTS pg.public.%s" % table)
    con.execute("CREATE TABLE pg.public.%s AS SELECT * FROM sqlite_scan('%s', 'events')" % (table, sqlite_path))
    con.execute("CALL postgres_execute('pg', 'ANALYZE %s')" % table)
    rows = con.execute("SELECT COUNT(*) FROM pg.public.%s" % table).fetchone()[0]
    con.close()
    return {"rows": rows, "seconds": time.perf_counter() - started}


def load_duckdb(sqlite_path: str, duckdb_path: str) -> dict:
    """The benchmark's DuckDB source (for transfers into PostgreSQL): the same events rows, timestamps as TIMESTAMP."""
    import duckdb

    started = time.perf_counter()
    fresh(duckdb_path)
    con = duckdb.connect(duckdb_path)
    con.execute("LOAD '%s'" % scanner_path("sqlite"))
    con.execute(
        "CREATE TABLE events AS SELECT event_id, user_id, event_type, amount, country, "
        "CAST(\"timestamp\" AS TIMESTAMP) AS \"timestamp\" FROM sqlite_scan('%s', 'events')" % sqlite_path
    )
    rows = con.execute("SELECT COUNT(*) FROM events").fetchone()[0]
    con.close()
    return {"rows": rows, "seconds": time.perf_counter() - started}


def pg_columns(dsn: str, table: str) -> list:
    """A PostgreSQL table's columns as the service's introspection reads them (information_schema data types)."""
    import psycopg

    with psycopg.connect(dsn) as con:
        return [
            {"name": n, "declared": d}
            for n, d in con.execute(
                "SELECT column_name, data_type FROM information_schema.columns WHERE table_schema = current_schema() "
                "AND table_name = %s ORDER BY ordinal_position",
                (table,),
            ).fetchall()
        ]


def verify_pg(dsn: str, table: str) -> dict:
    """verify() for a PostgreSQL target: the same row count, checksum and types."""
    import psycopg

    with psycopg.connect(dsn) as con:
        types = dict(
            con.execute(
                "SELECT attname, format_type(atttypid, atttypmod) FROM pg_attribute WHERE attrelid = to_regclass(%s) "
                "AND attnum > 0 AND NOT attisdropped ORDER BY attnum",
                ('"%s"' % table,),
            ).fetchall()
        )
        count, s_id, s_user, n_amount, s_amount, n_types, n_country, lo, hi = con.execute(
            'SELECT COUNT(*), SUM(event_id), SUM(user_id), COUNT(amount), ROUND(CAST(SUM(amount) AS numeric), 2), '
            'COUNT(DISTINCT event_type), COUNT(DISTINCT country), MIN("timestamp"), MAX("timestamp") FROM "%s"' % table
        ).fetchone()
    checksum = [int(s_id), int(s_user), n_amount, float(s_amount), n_types, n_country, str(lo), str(hi)]
    return {"rows": count, "types": types, "checksum": checksum}


def verify(duckdb_path: str) -> dict:
    """What landed: row count, column types and a checksum, so the variants can be compared."""
    import duckdb

    con = duckdb.connect(duckdb_path, read_only=True)
    try:
        types = {name: str(kind) for name, kind, *_ in con.execute("DESCRIBE events").fetchall()}
        count, s_id, s_user, n_amount, s_amount, n_types, n_country, lo, hi = con.execute(
            'SELECT COUNT(*), SUM(event_id), SUM(user_id), COUNT(amount), ROUND(SUM(amount), 2), '
            'COUNT(DISTINCT event_type), COUNT(DISTINCT country), '
            'CAST(MIN("timestamp") AS TIMESTAMP), CAST(MAX("timestamp") AS TIMESTAMP) FROM events'
        ).fetchone()
    finally:
        con.close()
    checksum = [int(s_id), int(s_user), n_amount, float(s_amount), n_types, n_country, str(lo), str(hi)]
    return {"rows": count, "types": types, "checksum": checksum, "bytes": os.path.getsize(duckdb_path)}


def main(argv: list[str]) -> None:
    mode, args = argv[0], argv[1:]
    if mode == "generate":
        emit(generate(args[0], int(args[1])))
    elif mode == "generated":
        emit(run_generated(args[0], args[1], args[2]))
    elif mode == "handwritten":
        emit(run_handwritten(args[0], args[1], int(args[2]) if len(args) > 2 else 100_000))
    elif mode == "pandas":
        emit(run_pandas(args[0], args[1]))
    elif mode == "duckdb_statement":
        emit(run_duckdb_statement(args[0], args[1], args[2]))
    elif mode == "load_postgres":
        emit(load_postgres(args[0], args[1], args[2]))
    elif mode == "verify":
        emit(verify(args[0]))
    elif mode == "load_duckdb":
        emit(load_duckdb(args[0], args[1]))
    elif mode == "generated_into_pg":
        emit(run_generated_into_pg(args[0], args[1], args[2], args[3]))
    elif mode == "pg_statement":
        emit(run_pg_statement(args[0], args[1], args[2]))
    elif mode == "duckdb_pg_statement":
        emit(run_duckdb_pg_statement(args[0], args[1], args[2]))
    elif mode == "drop_pg":
        for table in args[1:]:
            drop_pg(args[0], table)
        emit({"dropped": args[1:]})
    elif mode == "pg_columns":
        emit(pg_columns(args[0], args[1]))
    elif mode == "verify_pg":
        emit(verify_pg(args[0], args[1]))
    else:
        raise SystemExit("unknown mode " + mode)


if __name__ == "__main__":
    main(sys.argv[1:])
