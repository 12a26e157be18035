"""Ad-hoc SQL for analysts: read-only, parameterised, results as a DataFrame.

The database is opened read-only, so a query can never change the audit trail: an INSERT,
DELETE or DROP fails with a ZfauditError. Values go in as parameters (`?` or `$name`), never
pasted into the text, so a party name like `'; DROP TABLE findings; --` is just data.
Tables and columns: docs/schema.md.
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import pandas as pd

from .db import connect
from .errors import ZfauditError
from .export import display_width as _width


def run_sql(db: str | Path, query: str, params: list | dict | None = None) -> pd.DataFrame:
    """Run one query on a read-only connection and return its result."""
    if not str(query).strip():
        raise ZfauditError("SQL 为空 / empty query")
    with connect(db, read_only=True) as con:
        try:
            rel = con.execute(query, params) if params else con.execute(query)
            if rel.description is None:  # a statement without a result (SET, PRAGMA …)
                return pd.DataFrame()
            desc = rel.description
            df = rel.df()
        except duckdb.InvalidInputException as e:
            if "read-only" in str(e):
                raise ZfauditError(
                    "只读查询：不能修改数据库（INSERT/UPDATE/DELETE/CREATE/DROP 不允许） / "
                    f"read-only: ad-hoc SQL cannot change the database ({_first_line(e)})"
                ) from e
            raise ZfauditError(f"SQL 执行失败 / query failed: {_first_line(e)}") from e
        except duckdb.Error as e:
            raise ZfauditError(f"SQL 执行失败 / query failed: {_first_line(e)}") from e
    # pandas turns DATE into midnight timestamps; give dates back as dates (2026-10-10)
    for j, d in enumerate(desc):
        if str(d[1]) == "DATE" and pd.api.types.is_datetime64_any_dtype(df.iloc[:, j]):
            df.isetitem(j, df.iloc[:, j].dt.date.astype(object))
    return df


def _first_line(e: Exception) -> str:
    return str(e).strip().splitlines()[0] if str(e).strip() else type(e).__name__


# ------------------------------------------------------------------ terminal table


def _cell(v: object) -> str:
    if v is None or v is pd.NaT or (isinstance(v, float) and pd.isna(v)):
        return ""
    if isinstance(v, pd.Timestamp):
        return v.strftime("%Y-%m-%d %H:%M:%S")
    return str(v).replace("\n", " ")


def format_table(df: pd.DataFrame, max_width: int = 40, right: tuple[str, ...] = (),
                 footer: bool = True) -> str:
    """A plain text table; Chinese characters count as two columns so columns line up.
    Columns named in `right` are right-aligned (counts); `footer` adds the row count."""
    if df.columns.empty:
        return "(无结果 / no result)"
    header = [str(c) for c in df.columns]
    rows = [[_cell(v) for v in row] for row in df.itertuples(index=False, name=None)]

    def clip(s: str) -> str:
        if _width(s) <= max_width:
            return s
        out = ""
        for ch in s:
            if _width(out + ch) > max_width - 1:
                break
            out += ch
        return out + "…"

    header = [clip(h) for h in header]
    rows = [[clip(c) for c in r] for r in rows]
    widths = [max([_width(h)] + [_width(r[j]) for r in rows]) for j, h in enumerate(header)]

    align = [str(c) in right for c in df.columns]

    def line(cells: list[str]) -> str:
        return "  ".join(
            " " * (w - _width(c)) + c if r else c + " " * (w - _width(c))
            for c, w, r in zip(cells, widths, align, strict=True)
        ).rstrip()

    out = [line(header), "  ".join("-" * w for w in widths)]
    out += [line(r) for r in rows]
    if footer:
        out.append(f"({len(df)} 行 / rows)")
    return "\n".join(out)


def export_sql(
    db: str | Path,
    query: str,
    out: str | Path,
    params: list | dict | None = None,
    fmt: str | None = None,
    unmasked: bool = False,
) -> tuple[Path, int, list[str]]:
    """Run a query and write it to a file, personal-data columns masked unless `unmasked`.
    Returns (path, rows written, masked column names)."""
    from .export import format_for, write_frame
    from .masking import mask_frame, masked_columns

    fmt = format_for(out, fmt)
    df = run_sql(db, query, params)
    masked = [] if unmasked else masked_columns(df)
    if masked:
        df = mask_frame(df, masked)
    return write_frame(df, out, fmt), len(df), masked


def print_result(db: str | Path, query: str, params: list | dict | None, fmt: str = "table") -> str:
    """The query result as terminal text: an aligned table, CSV or JSON (not masked: the
    analyst's own screen; files written with --out are)."""
    import json

    from .export import frame_records

    df = run_sql(db, query, params)
    if fmt == "table":
        return format_table(df)
    if fmt == "csv":
        return df.to_csv(index=False).rstrip("\n")
    if fmt == "json":
        return json.dumps(frame_records(df), ensure_ascii=False, indent=1)
    raise ZfauditError(f"{fmt} 只能写入文件，请加 --out FILE / {fmt} needs --out FILE")
