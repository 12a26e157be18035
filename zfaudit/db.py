"""Opening zfaudit databases and creating their tables."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from importlib import resources
from pathlib import Path

import duckdb

from .contract import contract
from .errors import DatabaseLockedError, ZfauditError


def create_schema(con: duckdb.DuckDBPyConnection) -> None:
    """Create the contract tables and zfaudit's own tables if missing."""
    for table in contract().tables.values():
        con.execute(table.ddl())
    con.execute(resources.files("zfaudit").joinpath("schema.sql").read_text("utf-8"))


@contextmanager
def connect(
    db: str | Path, read_only: bool = False, must_exist: bool = False
) -> Iterator[duckdb.DuckDBPyConnection]:
    """A short-lived connection: DuckDB lets one process write a file, so never hold it long.

    Opening for writing creates the file unless `must_exist` (an audit of a mistyped path
    should say so, not leave an empty database behind)."""
    db = Path(db)
    if (read_only or must_exist) and not db.exists():
        raise ZfauditError(f"数据库不存在 / database not found: {db}")
    try:
        con = duckdb.connect(str(db), read_only=read_only)
    except duckdb.IOException as e:
        if "lock" in str(e).lower():
            raise DatabaseLockedError(
                f"数据库正被另一进程使用 / database {db} is locked by another process "
                f"(DuckDB allows one writer; close the other notebook or command and retry): {e}"
            ) from e
        raise ZfauditError(f"数据库无法打开 / cannot open database {db}: {e}") from e
    try:
        if not read_only:
            create_schema(con)
        yield con
    finally:
        con.close()
