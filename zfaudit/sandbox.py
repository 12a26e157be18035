"""The SQL console's connection: the audited database and nothing else (docs/schema.md
"Ad-hoc SQL").

Three locks, each enough on its own for what it guards:
1. **One SELECT only.** The query is parsed by DuckDB (json_serialize_sql) before it runs:
   anything but a single SELECT statement (COPY, EXPORT, ATTACH, INSTALL, LOAD, SET, PRAGMA,
   a second statement …) is refused, as is a table function outside a short list
   (`query_table`, `read_csv`, `glob` … are not on it).
2. **The engine is locked.** An in-memory DuckDB attaches the database file READ_ONLY, then
   sets `enable_external_access = false` (no file read or written, no ATTACH, no extension
   installed or loaded), with extension autoloading off, and `lock_configuration = true` (no
   setting can be changed back).
3. **Personal data is masked at the source**, unless `unmasked`: the query sees views named
   like the tables in which every personal-data column is already masked, so whatever the
   query does with a column (`name AS officer`, `upper(name)`, a join, a CTE) it only ever
   holds masked values. The file itself is attached under a name the query may not mention.
"""

from __future__ import annotations

import json
from pathlib import Path

import duckdb

from .db import attach, check_db_path
from .db import literal as _lit
from .errors import ZfauditError
from .masking import RAW_ROW, RAW_VALUE, mask_raw_row, mask_value, pii_columns

HIDDEN = "zf_data"  # the attached file; a masked query may not name it
TABLE_FUNCTIONS = {  # table functions a query may call: none of them reads data or files
    "range", "generate_series", "unnest", "duckdb_tables", "duckdb_columns", "duckdb_views",
    "duckdb_schemas", "duckdb_types", "duckdb_constraints", "duckdb_indexes",
}


def open_console(db: str | Path, unmasked: bool = False) -> duckdb.DuckDBPyConnection:
    """A connection that sees the database at `db` (read-only) and nothing else."""
    db = Path(db)
    check_db_path(db)
    if not db.exists():
        raise ZfauditError(f"数据库不存在 / database not found: {db}")
    con = duckdb.connect(":memory:", config={
        "autoinstall_known_extensions": False, "autoload_known_extensions": False,
    })
    try:
        attach(con, db, HIDDEN, read_only=True)
        if unmasked:
            con.execute(f"USE {HIDDEN}")
        else:
            _masked_views(con)
        con.execute("SET enable_external_access = false")
        con.execute("SET lock_configuration = true")
    except BaseException:
        con.close()
        raise
    return con


def _masked_views(con: duckdb.DuckDBPyConnection) -> None:
    con.create_function("zf_mask_raw_row", mask_raw_row, ["VARCHAR"], "VARCHAR")
    # the value masked as the personal data of the column named (an ID number or a name):
    # masking.mask_value decides, as for exports
    con.create_function("zf_mask_value", lambda col, v: mask_value(col or "", v),
                        ["VARCHAR", "VARCHAR"], "VARCHAR")
    personal = pii_columns()
    # tables first: a stored view binds its table names at query time, in this console, so
    # it reads the masked views of its tables (and must find them when it is created)
    objects = con.execute(
        "SELECT schema_name, name FROM (SELECT 0 AS k, schema_name, table_name AS name "
        "FROM duckdb_tables() WHERE database_name = $db UNION ALL SELECT 1, schema_name, "
        "view_name FROM duckdb_views() WHERE database_name = $db AND NOT internal) "
        "ORDER BY k, schema_name, name", {"db": HIDDEN}
    ).fetchall()
    for schema in sorted({s for s, _ in objects}):
        if schema != "main":
            con.execute(f"CREATE SCHEMA IF NOT EXISTS memory.{_ident(schema)}")
    for schema, name in objects:
        cols = con.execute(
            "SELECT column_name FROM duckdb_columns() WHERE database_name = ? AND schema_name = ? "
            "AND table_name = ? ORDER BY column_index", [HIDDEN, schema, name]
        ).fetchall()
        names = {c for (c,) in cols}
        select = ", ".join(_masked(c, personal, "column_name" in names) for (c,) in cols)
        con.execute(f"CREATE VIEW memory.{_ident(schema)}.{_ident(name)} AS SELECT {select} "
                    f"FROM {HIDDEN}.{_ident(schema)}.{_ident(name)}")


def _masked(col: str, personal: frozenset[str], has_column_name: bool) -> str:
    c = _ident(col)
    if col == RAW_ROW:
        return f"zf_mask_raw_row({c}) AS {c}"
    if col == RAW_VALUE:  # a bad cell is masked as the column it was read for
        label = "column_name" if has_column_name else "'name'"
        return f"zf_mask_value({label}, {c}) AS {c}"
    if col not in personal:
        return c
    return f"zf_mask_value({_lit(col)}, CAST({c} AS VARCHAR)) AS {c}"


def check_query(con: duckdb.DuckDBPyConnection, query: str) -> None:
    """Refuse anything but one SELECT over the console's own tables."""
    parsed = json.loads(con.execute("SELECT json_serialize_sql(?)", [query]).fetchone()[0])
    if parsed.get("error"):
        message = str(parsed.get("error_message", ""))
        if parsed.get("error_type") == "parser" or "syntax error" in message.lower():
            raise ZfauditError(f"SQL 执行失败 / query failed: Parser Error: {message}")
        raise ZfauditError(
            "只读查询：只能执行一条 SELECT 查询，不能修改数据库、读写文件、安装扩展或更改设置 / "
            f"read-only: ad-hoc SQL runs one SELECT query; it cannot change the database, "
            f"read or write files, load extensions or change settings ({message})"
        )
    if len(parsed.get("statements", [])) != 1:
        raise ZfauditError("只能执行一条 SELECT 查询 / read-only: one SELECT statement at a time")
    for node in _walk(parsed):
        if node.get("type") == "BASE_TABLE":
            parts = {str(node.get("catalog_name", "")).lower(), str(node.get("schema_name", "")).lower()}
            if HIDDEN in parts:
                raise ZfauditError(f"不能直接引用 {HIDDEN} / the query may not name {HIDDEN}: "
                                   "query the tables by their names (docs/schema.md)")
        elif node.get("type") == "TABLE_FUNCTION":
            fn = str((node.get("function") or {}).get("function_name", "")).lower()
            if fn not in TABLE_FUNCTIONS:
                raise ZfauditError(
                    f"不允许的表函数 {fn} / table function {fn} is not allowed in ad-hoc SQL "
                    f"(allowed: {', '.join(sorted(TABLE_FUNCTIONS))})"
                )


def _walk(node: object):
    if isinstance(node, dict):
        yield node
        for v in node.values():
            yield from _walk(v)
    elif isinstance(node, list):
        for v in node:
            yield from _walk(v)


def _ident(s: str) -> str:
    return '"' + s.replace('"', '""') + '"'
