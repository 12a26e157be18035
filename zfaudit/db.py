"""Opening zfaudit databases and creating their tables.

Every database file is opened under one fixed catalog name, CATALOG, whatever the file is
called: DuckDB would otherwise name the catalog after the file, and a file called
`audit.duckdb` (or `main.duckdb`) would clash with zfaudit's schema `audit` (or `main`).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache
from importlib import resources
from pathlib import Path

import duckdb

from .contract import contract
from .errors import DatabaseLockedError, ZfauditError, first_line

CATALOG = "zf"
DUCKDB_MAGIC = b"DUCK"  # bytes 8..12 of every DuckDB database file
# Suffixes of the files zfaudit reads and writes that are never a database: DuckDB would open
# such a path as an in-memory view of the file, and keep nothing.
NOT_DATABASES = {".csv", ".tsv", ".txt", ".parquet", ".json", ".jsonl", ".ndjson", ".xlsx",
                 ".xls", ".html", ".htm", ".pdf", ".docx", ".ipynb", ".yaml", ".yml", ".zip",
                 ".gz", ".wal"}


def literal(s: str) -> str:
    """A SQL string literal (paths, names and codes that come from outside)."""
    return "'" + str(s).replace("'", "''") + "'"


def is_duckdb_file(path: Path) -> bool:
    """The file starts like a DuckDB database (its 4-byte magic at offset 8)."""
    try:
        with open(path, "rb") as f:
            head = f.read(12)
    except OSError:
        return False
    return len(head) == 12 and head[8:12] == DUCKDB_MAGIC


def check_db_path(db: Path) -> None:
    """Refuse a --db path that is not (and cannot become) a DuckDB database file."""
    if db.suffix.lower() in NOT_DATABASES:
        raise ZfauditError(
            f"--db 应为 DuckDB 数据库文件（如 bureau.duckdb），不能是 {db.suffix} 文件 / "
            f"--db must be a DuckDB database file such as bureau.duckdb, not a {db.suffix} "
            f"file: {db}"
        )
    if db.is_dir():
        raise ZfauditError(f"--db 是一个目录 / --db is a directory, not a database file: {db}")
    if db.is_file() and db.stat().st_size > 0 and not is_duckdb_file(db):
        raise ZfauditError(
            f"不是 DuckDB 数据库文件 / not a DuckDB database file (refusing to open it): {db}"
        )


def create_schema(con: duckdb.DuckDBPyConnection) -> None:
    """Create the contract tables and zfaudit's own tables if missing."""
    for table in contract().tables.values():
        con.execute(table.ddl())
    con.execute(resources.files("zfaudit").joinpath("schema.sql").read_text("utf-8"))


def attach(con: duckdb.DuckDBPyConnection, db: Path, alias: str, read_only: bool) -> None:
    """ATTACH the file under `alias`; a lock held by another process is a clear error."""
    try:
        con.execute(f"ATTACH {literal(str(db))} AS {alias}" + (" (READ_ONLY)" if read_only else ""))
    except duckdb.IOException as e:
        if "lock" in str(e).lower():
            raise DatabaseLockedError(
                f"数据库正被另一进程使用 / database {db} is locked by another process "
                f"(DuckDB allows one writer; close the other notebook or command and retry): {e}"
            ) from e
        raise ZfauditError(f"数据库无法打开 / cannot open database {db}: {e}") from e
    except duckdb.Error as e:
        raise ZfauditError(f"数据库无法打开 / cannot open database {db}: {e}") from e


def cursor(con: duckdb.DuckDBPyConnection) -> duckdb.DuckDBPyConnection:
    """A second connection to the same open database (GX reads through one), using the same
    catalog as `con`."""
    name = con.execute("SELECT current_database()").fetchone()[0]
    cur = con.cursor()
    cur.execute('USE "' + name.replace('"', '""') + '"')
    return cur


@contextmanager
def connect(
    db: str | Path, read_only: bool = False, must_exist: bool = False
) -> Iterator[duckdb.DuckDBPyConnection]:
    """A short-lived connection: DuckDB lets one process write a file, so never hold it long.

    Opening for writing creates the file unless `must_exist` (an audit of a mistyped path
    should say so, not leave an empty database behind)."""
    db = Path(db)
    check_db_path(db)
    if (read_only or must_exist) and not db.exists():
        raise ZfauditError(f"数据库不存在 / database not found: {db}")
    if not read_only and not must_exist:
        db.parent.mkdir(parents=True, exist_ok=True)  # `--db reports/bureau.duckdb` may be new
    con = _open(db, read_only)
    if read_only and not _current(con):
        con.close()
        _upgrade(db)
        con = _open(db, read_only)
    try:
        yield con
    finally:
        con.close()


def _open(db: Path, read_only: bool) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect(":memory:")
    try:
        attach(con, db, CATALOG, read_only)
        con.execute(f"USE {CATALOG}")
        if not read_only:
            create_schema(con)
    except BaseException:
        con.close()
        raise
    return con


@cache
def _expected() -> frozenset[tuple[str, str]]:
    """(table, column) pairs a current database has: the contract's and schema.sql's."""
    out = {(t.name, c.name) for t in contract().tables.values() for c in t.columns}
    sql = resources.files("zfaudit").joinpath("schema.sql").read_text("utf-8")
    for name, body in re.findall(r"CREATE TABLE IF NOT EXISTS (\w+) \((.*?)\n\);", sql, re.S):
        out |= {(name, m.group(1)) for line in body.splitlines()
                if (m := re.match(r"\s*(\w+)\s+[A-Z]", line))}
    return frozenset(out)


def _current(con: duckdb.DuckDBPyConnection) -> bool:
    """Does the open database have every table and column this zfaudit writes?"""
    have = set(con.execute(
        f"SELECT table_name, column_name FROM duckdb_columns() WHERE database_name = "
        f"'{CATALOG}' AND schema_name = 'main'").fetchall())
    return _expected() <= have


def _upgrade(db: Path) -> None:
    """A database made by an older zfaudit lacks the newer tables and columns (all additive):
    add them with one short write, the first time any command opens the file, so read-only
    readers (reports, the console, the score sheet) see the schema they are written for."""
    try:
        con = _open(db, read_only=False)
    except DatabaseLockedError as e:
        raise DatabaseLockedError(
            f"数据库由旧版 zfaudit 创建，需要补充新增的表和列，但文件正被另一进程使用 / {db} was made "
            f"by an older zfaudit and needs its new tables added, but another process holds "
            f"it; close it and retry: {first_line(e)}") from e
    con.close()
