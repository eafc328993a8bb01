/**
 * The COPY paths of transfers into PostgreSQL (ADR 0016), as Python helpers a generated DAG carries. Fixed text: no
 * user input is interpolated here; the task passes its statements (built by the compiler from the spec's
 * allow-listed expressions, each COPY checked by PostgreSQL's parser: STDIN/STDOUT only) as literals.
 *
 * Connections come from the Airflow connections (PostgresHook) at run time. Both need psycopg 3 (its streaming
 * copy objects); with psycopg2 (Airflow 2's hook) the task streams. Anything that fails returns None after a
 * rollback of both sides (nothing kept) and the task streams instead.
 */
const COPY_ATTEMPT = `def _copy_attempt(move):
    # Runs one COPY path: its rows moved, or None after a rollback (nothing kept) when anything failed.
    opened = []
    moved = None
    why = ""
    try:
        moved = move(opened)
        for con in opened:
            con.commit()
    except Exception as error:
        why = repr(error)
        moved = None
        for con in opened:
            _rollback("postgres", con)
    finally:
        for con in opened:
            try:
                con.close()
            except Exception:
                pass
    if moved is None:
        print("native path failed, nothing kept (%s): streaming" % why[:500])
    return moved


def _copy_target(conn_id, opened, create, table, columns, types):
    # The target in a transaction of its own: its table made as the streaming path makes it, and the column types
    # checked (an appended table made elsewhere may differ: binary COPY would not convert, CSV would not either
    # the way the streaming path does), so the COPY lands exactly what the streaming path would.
    con = _open_postgres(conn_id)
    opened.append(con)
    cur = con.cursor()
    if not hasattr(cur, "copy"):
        raise RuntimeError("the connection's driver has no streaming COPY (psycopg 3 needed)")
    cur.execute("SET LOCAL client_encoding = 'UTF8'")
    for sql in create:
        cur.execute(sql)
    cur.execute(
        "SELECT attname, format_type(atttypid, atttypmod) FROM pg_attribute"
        " WHERE attrelid = to_regclass(%s) AND attnum > 0 AND NOT attisdropped",
        (table,),
    )
    found = dict(cur.fetchall())
    for name, kind in zip(columns, types):
        if found.get(name) != kind:
            raise ValueError("column %s of %s is %s, not %s" % (name, table, found.get(name), kind))
    return con`;

const COPY_FROM_POSTGRES = `def _copy_from_postgres(source, target, create, read, write, table, columns, types, zoned):
    # PostgreSQL -> PostgreSQL in one stream: the source server evaluates the SELECT, cast to the target's types,
    # and sends it in binary (COPY TO STDOUT); the bytes go unchanged into COPY FROM STDIN on the target.
    def move(opened):
        dst = _copy_target(target, opened, create, table, columns, types)
        src = _open_postgres(source)
        opened.append(src)
        cur = src.cursor()
        cur.execute("SET TRANSACTION READ ONLY")
        cur.execute("SET LOCAL client_encoding = 'UTF8'")
        # A timestamp with time zone lands as the session's wall-clock time; Python (the streaming path) reads it
        # in the zone it knows by that name, or in UTC when it knows none.
        if zoned and getattr(src.info.timezone, "key", None) != src.info.parameter_status("TimeZone"):
            raise ValueError("the source session's time zone is not one Python knows by its name")
        into = dst.cursor()
        with cur.copy(read) as out, into.copy(write) as copy:
            for block in out:
                copy.write(block)
        if cur.rowcount != into.rowcount:
            raise RuntimeError("%d rows sent, %d received" % (cur.rowcount, into.rowcount))
        return into.rowcount

    return _copy_attempt(move)`;

const COPY_FROM_DUCKDB = `def _copy_from_duckdb(source, target, create, read, write, table, columns, types, batch_rows):
    # DuckDB -> PostgreSQL in one stream: DuckDB runs the SELECT (external access off, as always), its Arrow
    # batches are written as CSV (every value quoted, NULL unquoted) straight into COPY FROM STDIN on the target.
    def move(opened):
        import io

        import pyarrow.csv as pa_csv

        dst = _copy_target(target, opened, create, table, columns, types)
        src = _open_duckdb(source, read_only=True)
        try:
            reader = src.execute(read).to_arrow_reader(batch_rows)
            options = pa_csv.WriteOptions(include_header=False, quoting_style="all_valid")
            into = dst.cursor()
            with into.copy(write) as copy:
                for batch in reader:
                    buffer = io.BytesIO()
                    pa_csv.write_csv(batch, buffer, options)
                    copy.write(buffer.getvalue())
        finally:
            src.close()
        return into.rowcount

    return _copy_attempt(move)`;

const COPY_TYPED_LATE = `def _copy_from_postgres_typed_late(
    source, target, source_sql, replace, table, names, types, column_types, format_types, batch_rows
):
    # PostgreSQL -> PostgreSQL when the compiler did not know the source's columns: typed from the first batch
    # exactly as the streaming path types them, each column's source type checked to land the same through the
    # source server's cast as through Python's text (else the task streams), then one COPY stream.
    # Source type OIDs per target type: int2/int4/int8, float8, numeric, text/varchar/uuid (and integers as text),
    # bool, date, timestamp/timestamptz. Not float4, bpchar, json, numeric or dates as text: Python writes those
    # differently from the server's cast.
    lands = {
        "integer": (20, 21, 23),
        "bigint": (20, 21, 23),
        "double": (701,),
        "decimal": (1700,),
        "text": (25, 1043, 2950, 20, 21, 23),
        "boolean": (16,),
        "date": (1082,),
        "timestamp": (1114, 1184),
    }
    con = _open_postgres(source)
    try:
        cur = con.cursor()
        if not hasattr(cur, "copy"):
            print("native path not available (the connection's driver has no streaming COPY): streaming")
            return None
        cur.execute("SELECT * FROM (" + source_sql + ") AS _q LIMIT " + str(int(batch_rows)))
        first = cur.fetchall()
        described = [(d[0], d[1]) for d in cur.description]
    finally:
        con.close()
    if names is None:
        names = [d[0] for d in described]
        types = [None] * len(names)
    types = [t or _infer_type([r[i] for r in first]) for i, t in enumerate(types)]
    for (name, oid), kind in zip(described, types):
        if oid not in lands[kind]:
            print("native path not taken (column %s of type oid %s lands as %s): streaming" % (name, oid, kind))
            return None
    quoted = [_q("postgres", n) for n in names]
    ddl = ", ".join(q + " " + column_types[k] for q, k in zip(quoted, types))
    if replace:
        create = ["DROP TABLE IF EXISTS " + table, "CREATE TABLE " + table + " (" + ddl + ")"]
    else:
        create = ["CREATE TABLE IF NOT EXISTS " + table + " (" + ddl + ")"]
    casts = ", ".join("CAST(_q." + q + " AS " + column_types[k] + ")" for q, k in zip(quoted, types))
    read = "COPY (SELECT " + casts + " FROM (" + source_sql + ") AS _q) TO STDOUT (FORMAT binary)"
    write = "COPY " + table + " (" + ", ".join(quoted) + ") FROM STDIN (FORMAT binary)"
    zoned = any(oid == 1184 for _, oid in described)
    formats = [format_types[k] for k in types]
    return _copy_from_postgres(source, target, create, read, write, table, names, formats, zoned)`;

/** The helpers a DAG carries for the COPY paths it takes, by source engine (and typed at run time or not). */
export function copyTransferHelpers(sources: ReadonlySet<'duckdb' | 'postgres' | 'postgres-late'>): string[] {
  if (sources.size === 0) return [];
  return [
    COPY_ATTEMPT,
    ...(sources.has('duckdb') ? [COPY_FROM_DUCKDB] : []),
    ...(sources.has('postgres') || sources.has('postgres-late') ? [COPY_FROM_POSTGRES] : []),
    ...(sources.has('postgres-late') ? [COPY_TYPED_LATE] : []),
  ];
}
