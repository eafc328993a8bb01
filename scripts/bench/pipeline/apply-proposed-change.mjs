// The compiler change proposed in proposed-compiler-change.diff, applied to an already generated DAG module, so the
// benchmark can measure it next to the compiler's current output (variant `proposed`). Returns undefined when the
// module no longer has the code it replaces (the change was applied to the compiler, or the code moved on).

const REGISTERED = `    batch = pa.Table.from_arrays(arrays, names=["c%d" % i for i in range(len(arrays))])
    con.register("_mcp_batch", batch)
    try:
        select = ", ".join("CAST(c%d AS %s)" % (i, cast) for i, cast in enumerate(casts))
        con.execute("INSERT INTO " + table_sql + " (" + ", ".join(names_sql) + ") SELECT " + select + " FROM _mcp_batch")
    finally:
        con.unregister("_mcp_batch")
    return len(rows)`;

const SCANNED = `    # DuckDB scans this local by name. Not con.register(): inside the transaction an unregistered view is only
    # dropped at COMMIT, so every batch of the load would stay in memory until then.
    _mcp_batch = pa.Table.from_arrays(arrays, names=["c%d" % i for i in range(len(arrays))])  # noqa: F841
    select = ", ".join("CAST(c%d AS %s)" % (i, cast) for i, cast in enumerate(casts))
    con.execute("INSERT INTO " + table_sql + " (" + ", ".join(names_sql) + ") SELECT " + select + " FROM _mcp_batch")
    return len(rows)`;

const GC_HELPERS = `def _pause_gc():
    # Batches are millions of fresh row tuples without reference cycles: reference counting frees them, while the
    # cyclic collector would keep rescanning them (and every object Airflow holds): a third of the CPU of a load.
    import gc

    enabled = gc.isenabled()
    gc.disable()
    return enabled


def _resume_gc(enabled):
    import gc

    if enabled:
        gc.enable()


def _infer_type(values):`;

export function applyProposedChange(code) {
  const edits = [
    [REGISTERED, SCANNED],
    ['def _infer_type(values):', GC_HELPERS],
    ['        rows = 0\n        try:\n', '        rows = 0\n        gc_enabled = _pause_gc()\n        try:\n'],
    [
      '        finally:\n            src.close()\n',
      '        finally:\n            _resume_gc(gc_enabled)\n            src.close()\n',
    ],
  ];
  let out = code;
  for (const [from, to] of edits) {
    if (out.split(from).length !== 2) return undefined;
    out = out.replace(from, () => to);
  }
  return out;
}
