/**
 * The native bulk path of a transfer into DuckDB (ADR 0010), as Python helpers a generated DAG carries. Fixed text:
 * no user input is interpolated here; the task passes its statements (built by the compiler from the spec's
 * allow-listed expressions) as literals.
 *
 * The scanner extension comes from the Airflow lock (the duckdb-extension-*-scanner wheels, same version as duckdb)
 * and is LOADed by its file's path, never INSTALLed from the network. The source is attached read-only, then the
 * connection gets the same lockdown as every other (external access off, configuration locked) before the one
 * INSERT runs. Credentials of a server source are read from its Airflow connection at run time, and every message
 * that could carry them is scrubbed before it is printed. Anything that fails returns None after a rollback (nothing
 * kept) and the task streams instead.
 */
export const NATIVE_TRANSFER = `def _duckdb_scanner(kind):
    # The scanner extension's file inside its wheel, for this duckdb's version: (path, None), or (None, why not).
    from importlib.resources import files

    import duckdb

    try:
        if kind == "sqlite":
            folder = files("duckdb_extension_sqlite_scanner") / "extensions"
        elif kind == "postgres":
            folder = files("duckdb_extension_postgres_scanner") / "extensions"
        else:
            folder = files("duckdb_extension_mysql_scanner") / "extensions"
    except ModuleNotFoundError:
        return None, "duckdb-extension-%s-scanner is not installed" % kind
    version = duckdb.execute("SELECT version()").fetchone()[0]
    path = folder / version / (kind + "_scanner.duckdb_extension")
    if not path.is_file():
        built = ", ".join(sorted(p.name for p in folder.iterdir())) if folder.is_dir() else "no version"
        return None, "duckdb-extension-%s-scanner is built for %s, not duckdb %s" % (kind, built, version)
    return str(path), None


def _native_transfer(kind, source, target, statements, check=None, otherwise=None):
    # check: when the statements scan an attached PostgreSQL table, whether the streaming SELECT's table name is that
    # table on the server, with columns of base types only (count 1); if not, the otherwise statements run the SELECT
    # through postgres_query.
    path, why = _duckdb_scanner(kind)
    secrets = []
    con = None
    moved = None
    if path is None:
        print("native path not available (%s): streaming" % why)
        return None
    try:
        if kind == "sqlite":
            dsn = source
        else:
            dsn, secrets = _scanner_dsn(kind, source)

        def attach(con):
            con.execute("LOAD '" + path.replace("'", "''") + "'")
            con.execute("ATTACH '" + dsn.replace("'", "''") + "' AS _mcp_src (TYPE " + kind + ", READ_ONLY)")

        con = _open_duckdb(target, prepare=attach)
        if check is not None:
            if con.execute(check).fetchone()[0] == 1:
                print("native path: scanning the attached table")
            else:
                print("native path: the source is not a plain table in public of base types only: postgres_query")
                statements = otherwise
        con.execute("BEGIN")
        for sql in statements[:-1]:
            con.execute(sql)
        moved = con.execute(statements[-1]).fetchone()[0]
        con.execute("COMMIT")
    except Exception as error:
        why = repr(error)
        for secret in sorted(secrets, key=len, reverse=True):
            why = why.replace(secret, "***")
        moved = None
        if con is not None:
            _rollback("duckdb", con)
    finally:
        if con is not None:
            con.close()
    if moved is None:
        print("native path failed, nothing kept (%s): streaming" % why[:500])
    return moved`;

/** How a server source (PostgreSQL, MySQL) is attached: carried only by DAGs that read one natively. */
export const SCANNER_DSN = `def _scanner_dsn(kind, conn_id):
    # The key=value string the scanner connects with, from the Airflow connection; its password to scrub.
    try:
        # Not the provider's hook: importing it (SQLAlchemy, the driver) costs seconds the scanner does not need.
        from airflow.sdk import BaseHook
    except ImportError:  # Airflow 2
        from airflow.providers.postgres.hooks.postgres import PostgresHook as BaseHook

    conn = BaseHook.get_connection(conn_id)
    if kind == "postgres":
        extra = conn.extra_dejson
        fields = [
            ("host", conn.host or "localhost"),
            ("port", conn.port or 5432),
            ("user", conn.login),
            ("password", conn.password),
            ("dbname", conn.schema),
        ] + [(k, extra.get(k)) for k in ("sslmode", "sslrootcert", "sslcert", "sslkey", "connect_timeout")]

        def value(v):
            return "'" + str(v).replace("\\\\", "\\\\\\\\").replace("'", "\\\\'") + "'"

    else:
        extra = conn.extra_dejson
        if extra.get("ssl") or extra.get("unix_socket"):
            raise ValueError("the connection's ssl or unix_socket extra is honoured by the streaming path only")
        fields = [
            ("host", conn.host or "localhost"),
            ("port", conn.port or 3306),
            ("user", conn.login),
            ("passwd", conn.password),
            ("db", conn.schema),
        ]

        def value(v):
            if any(c in str(v) for c in " \\t\\n'\\"=\\\\"):
                raise ValueError("a field of the connection holds a space, quote, '=' or backslash")
            return str(v)

    dsn = " ".join(k + "=" + value(v) for k, v in fields if v not in (None, ""))
    return dsn, [s for s in (conn.password, dsn) if s]`;
