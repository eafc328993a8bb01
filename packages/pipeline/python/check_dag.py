"""Validation ladder, Python half: compile, AST allow-list, then an import by Airflow itself.

Usage: python check_dag.py FILE --dag-id ID [--import]
   or: python check_dag.py --stdin [--import]   (loads Airflow first, then reads one line {"file": ..., "dag_id": ...})
Prints one JSON object: {"ok": true, "steps": [...], "dag_ids": [...], "ms": {...}} or {"ok": false, "step": ..., "error": ...}.
`ms` is how long each step took, and `airflow-load` how long loading Airflow itself held the import step up.
Only the standard library is needed for compile and AST steps; --import needs Airflow on this interpreter.
One process checks one file: --stdin only moves loading Airflow before the file is known (a spare waiting for work).
"""

import ast
import json
import sys
import time

ALLOWED_IMPORTS = {
    "__future__",
    "datetime",
    "decimal",
    "gc",
    "io",
    "json",
    "sqlite3",
    "time",
    "duckdb",
    "pyarrow",
    # The COPY path from DuckDB writes its Arrow batches as CSV into PostgreSQL's COPY FROM STDIN (ADR 0016).
    "pyarrow.csv",
    "urllib.parse",
    "urllib.request",
    "airflow.sdk",
    "airflow.decorators",
    # The failure alert reads its connection with BaseHook: airflow.sdk on Airflow 3, airflow.hooks.base on Airflow 2.
    "airflow.hooks.base",
    "airflow.providers.postgres.hooks.postgres",
    # PostgreSQL json/jsonb read as their text (psycopg 3 on Airflow 3, psycopg2 on Airflow 2).
    "psycopg.types.string",
    "psycopg2.extras",
    "airflow.providers.mysql.hooks.mysql",
    # MySQL is opened with PyMySQL from the Airflow connection (MySqlHook.get_conn() needs mysqlclient).
    "pymysql",
    "pymysql.cursors",
}
# DuckDB's scanner extensions ship inside these wheels (ADR 0010): a DAG finds the extension file through
# importlib.resources.files, imported by that one name and called only with one of these literal package names.
SCANNER_PACKAGES = {
    "duckdb_extension_sqlite_scanner",
    "duckdb_extension_postgres_scanner",
    "duckdb_extension_mysql_scanner",
}
FORBIDDEN_CALLS = {
    "eval", "exec", "compile", "__import__", "open", "globals", "locals", "vars", "setattr", "delattr",
    "breakpoint", "input", "memoryview", "help", "exit", "quit",
}
FORBIDDEN_NAMES = {
    "os", "sys", "subprocess", "shutil", "socket", "builtins", "importlib", "pickle", "marshal", "ctypes",
    "__builtins__", "__loader__", "__spec__",
}


def fail(step, error, **extra):
    print(json.dumps({"ok": False, "step": step, "error": error, **extra}))
    sys.exit(0)


def check_ast(tree):
    for node in tree.body:
        ok = isinstance(node, (ast.Import, ast.ImportFrom, ast.FunctionDef)) or (
            isinstance(node, ast.Expr) and isinstance(node.value, (ast.Constant, ast.Call))
        )
        if not ok:
            return "line %d: only imports, function definitions and the DAG call may be at module level" % node.lineno
        if isinstance(node, ast.Expr) and isinstance(node.value, ast.Call):
            if not (isinstance(node.value.func, ast.Name) and not node.value.args and not node.value.keywords):
                return "line %d: the only module-level call allowed is the DAG function" % node.lineno
    called = {id(node.func) for node in ast.walk(tree) if isinstance(node, ast.Call)}
    for node in ast.walk(tree):
        if isinstance(node, ast.Name) and node.id == "files" and id(node) not in called:
            return "line %d: files is only called, never passed on" % node.lineno
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name not in ALLOWED_IMPORTS:
                    return "line %d: import of %s is not on the allow-list" % (node.lineno, alias.name)
        elif isinstance(node, ast.ImportFrom) and node.module == "importlib.resources" and not node.level:
            if [(alias.name, alias.asname) for alias in node.names] != [("files", None)]:
                return "line %d: only files is imported from importlib.resources" % node.lineno
        elif isinstance(node, ast.ImportFrom):
            if node.level or node.module not in ALLOWED_IMPORTS:
                return "line %d: import from %s is not on the allow-list" % (node.lineno, node.module)
            if any(alias.name == "*" for alias in node.names):
                return "line %d: star imports are not allowed" % node.lineno
        elif isinstance(node, ast.Name) and node.id in FORBIDDEN_NAMES:
            return "line %d: the name %s is not allowed" % (node.lineno, node.id)
        elif isinstance(node, ast.Attribute) and node.attr.startswith("__"):
            return "line %d: dunder attribute access (.%s) is not allowed" % (node.lineno, node.attr)
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
            if node.func.id in FORBIDDEN_CALLS:
                return "line %d: calling %s() is not allowed" % (node.lineno, node.func.id)
            if node.func.id == "files":
                package = node.args[0] if len(node.args) == 1 and not node.keywords else None
                if not (isinstance(package, ast.Constant) and package.value in SCANNER_PACKAGES):
                    return "line %d: files() only with a literal DuckDB scanner package name" % node.lineno
            if node.func.id == "getattr":
                name = node.args[1] if len(node.args) > 1 else None
                if not (isinstance(name, ast.Constant) and isinstance(name.value, str) and not name.value.startswith("_")):
                    return "line %d: getattr() only with a literal, public attribute name" % node.lineno
        elif isinstance(node, (ast.Global, ast.Nonlocal, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef)):
            return "line %d: %s is not used by generated DAGs" % (node.lineno, type(node).__name__)
    return None


def load_airflow():
    """Imports Airflow and its DagBag (what the import step needs first); None without Airflow."""
    try:
        import airflow  # noqa: F401
    except ImportError:
        return None
    try:
        from airflow.dag_processing.dagbag import DagBag  # Airflow 3

        return lambda path: DagBag(dag_folder=path, safe_mode=False)
    except ImportError:
        from airflow.models.dagbag import DagBag  # Airflow 2

        return lambda path: DagBag(dag_folder=path, include_examples=False, safe_mode=False)


def import_with_airflow(path, dag_id, ms):
    import logging

    started = time.monotonic()
    new_bag = load_airflow()
    ms["airflow-load"] = round((time.monotonic() - started) * 1000)
    if new_bag is None:
        return None

    logging.disable(logging.CRITICAL)
    started = time.monotonic()
    bag = new_bag(path)
    ms["airflow-import"] = round((time.monotonic() - started) * 1000)
    if bag.import_errors:
        fail("airflow-import", "\n".join(str(e) for e in bag.import_errors.values())[-4000:])
    ids = sorted(bag.dag_ids)
    if ids != [dag_id]:
        fail("airflow-import", "expected exactly one DAG %s, Airflow found %s" % (dag_id, ids or "none"), dag_ids=ids)
    return ids


def main():
    args = sys.argv[1:]
    if "--stdin" in args:
        if "--import" in args:
            load_airflow()
        line = sys.stdin.readline()
        if not line.strip():
            return
        request = json.loads(line)
        path, dag_id = request["file"], request["dag_id"]
    else:
        path = args[0]
        dag_id = args[args.index("--dag-id") + 1]
    ms = {}
    started = time.monotonic()
    with open(path, encoding="utf-8") as handle:
        source = handle.read()
    try:
        tree = compile(source, path, "exec", ast.PyCF_ONLY_AST)
        compile(tree, path, "exec")
    except SyntaxError as error:
        fail("python-compile", "%s (line %s)" % (error.msg, error.lineno))
    ms["python-compile"] = round((time.monotonic() - started) * 1000)
    started = time.monotonic()
    problem = check_ast(tree)
    if problem:
        fail("ast-allow-list", problem)
    ms["ast-allow-list"] = round((time.monotonic() - started) * 1000)
    steps = ["python-compile", "ast-allow-list"]
    dag_ids = None
    skipped = None
    if "--import" in args:
        dag_ids = import_with_airflow(path, dag_id, ms)
        if dag_ids is None:
            skipped = "airflow-import: Airflow is not installed for %s; Airflow's own parse at deploy checks the import" % sys.executable
        else:
            steps.append("airflow-import")
    print(json.dumps({"ok": True, "steps": steps, "dag_ids": dag_ids, "skipped": skipped, "ms": ms}))


if __name__ == "__main__":
    main()
