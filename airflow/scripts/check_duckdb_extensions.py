"""Refuses a Python environment whose DuckDB scanner extensions do not match its duckdb (issue 16, ADR 0010).

Run at setup, after the lock is installed (airflow-local.mjs, the Airflow image): every installed
duckdb-extension-*-scanner wheel must carry the extension built for this duckdb's version, since generated DAGs LOAD
it by its file's path and never INSTALL from the network. Exits 1 with one line per problem, 0 with a summary.
"""

import sys
from importlib import metadata
from importlib.resources import files

SCANNERS = ("sqlite", "postgres", "mysql")


def main() -> int:
    try:
        version = metadata.version("duckdb")
    except metadata.PackageNotFoundError:
        print("duckdb is not installed: generated DAGs need it (airflow/requirements.in)")
        return 1
    problems, found = [], []
    for kind in SCANNERS:
        package = "duckdb_extension_%s_scanner" % kind
        try:
            wheel = metadata.version("duckdb-extension-%s-scanner" % kind)
            folder = files(package) / "extensions"
        except (metadata.PackageNotFoundError, ModuleNotFoundError):
            continue  # not installed: that source streams (the DAG says so)
        expected = folder / ("v" + version) / ("%s_scanner.duckdb_extension" % kind)
        if wheel != version or not expected.is_file():
            built = ", ".join(sorted(p.name for p in folder.iterdir())) if folder.is_dir() else "nothing"
            problems.append(
                "duckdb-extension-%s-scanner %s (built for %s) does not match duckdb %s: pin "
                "duckdb-extension-%s-scanner==%s in airflow/requirements.in (or duckdb to the wheel's version) "
                "and run npm run airflow:lock" % (kind, wheel, built, version, kind, version)
            )
        else:
            found.append(kind)
    for problem in problems:
        print(problem)
    if not problems:
        print("duckdb %s with the %s scanner extensions" % (version, ", ".join(found) or "no"))
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
