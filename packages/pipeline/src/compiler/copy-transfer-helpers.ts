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

/** The helpers a DAG carries for the COPY paths it takes, by source engine. */
export function copyTransferHelpers(sources: ReadonlySet<'duckdb' | 'postgres'>): string[] {
  if (sources.size === 0) return [];
  return [
    COPY_ATTEMPT,
    ...(sources.has('duckdb') ? [COPY_FROM_DUCKDB] : []),
    ...(sources.has('postgres') ? [COPY_FROM_POSTGRES] : []),
  ];
}
