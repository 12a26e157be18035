"""Ad-hoc SQL for analysts: one read-only SELECT, parameterised, results as a DataFrame.

The query runs in the console of zfaudit.sandbox: it sees the audited database and nothing
else (no file read or written, no extension, no setting), and personal data masked at the
source unless `unmasked`. Values go in as parameters (`?` or `$name`), never pasted into the
text, so a party name like `'; DROP TABLE findings; --` is just data.
Tables and columns: docs/schema.md.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import duckdb
import pandas as pd

from .errors import ZfauditError, first_line
from .export import display_width as _width
from .sandbox import check_query, open_console


def run_sql(db: str | Path, query: str, params: list | dict | None = None,
            unmasked: bool = False) -> pd.DataFrame:
    """Run one SELECT in the console (zfaudit.sandbox) and return its result; personal data
    masked unless `unmasked`."""
    if not str(query).strip():
        raise ZfauditError("SQL 为空 / empty query")
    con = open_console(db, unmasked=unmasked)
    try:
        check_query(con, query)
        rel = con.execute(query, params) if params else con.execute(query)
        if rel.description is None:
            return pd.DataFrame()
        desc = rel.description
        try:
            df = rel.df()
        except (OverflowError, ValueError, TypeError) as e:  # e.g. 'infinity'::TIMESTAMP
            raise ZfauditError(f"查询结果无法转换为表格 / the result cannot be shown as a table: {e}") from e
    except (duckdb.PermissionException, duckdb.InvalidInputException) as e:
        raise ZfauditError(
            "只读查询：不能读写文件、修改数据库或更改设置 / read-only: ad-hoc SQL cannot read or "
            f"write files, change the database or change settings ({first_line(e)})"
        ) from e
    except duckdb.Error as e:
        raise ZfauditError(f"SQL 执行失败 / query failed: {first_line(e)}") from e
    finally:
        con.close()
    # pandas turns DATE into midnight timestamps; give dates back as dates (2026-10-10)
    for j, d in enumerate(desc):
        if str(d[1]) == "DATE" and pd.api.types.is_datetime64_any_dtype(df.iloc[:, j]):
            df.isetitem(j, df.iloc[:, j].dt.date.astype(object))
    return df


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
    overwrite: bool = False,
) -> tuple[Path, int, list[str]]:
    """Run a query and write it to a file, personal data masked unless `unmasked`.
    Returns (path, rows written, the output columns named as personal data). The masking
    itself happens at the source (zfaudit.sandbox), whatever the columns are called."""
    from .export import format_for, writable, write_frame
    from .masking import masked_columns

    fmt = format_for(out, fmt)
    writable(out, overwrite)  # before the query: a refused output costs nothing
    df = run_sql(db, query, params, unmasked=unmasked)
    masked = [] if unmasked else masked_columns(df)
    # printed at the top of each page: which database, when, masked or not
    title = (f"zfaudit 查询结果 · {Path(db).name} · {dt.datetime.now():%Y-%m-%d %H:%M}"
             + (" · 含未脱敏个人信息，仅限内部使用" if unmasked else " · 个人信息已脱敏"))
    return write_frame(df, out, fmt, overwrite=overwrite, title=title), len(df), masked


def print_result(db: str | Path, query: str, params: list | dict | None, fmt: str = "table",
                 unmasked: bool = False) -> str:
    """The query result as terminal text: an aligned table, CSV or JSON; personal data masked
    unless `unmasked` (terminal output is piped into files as easily as --out writes one)."""
    import json

    from .export import frame_records

    df = run_sql(db, query, params, unmasked=unmasked)
    if fmt == "table":
        return format_table(df)
    if fmt == "csv":
        return df.to_csv(index=False).rstrip("\n")
    if fmt == "json":
        return json.dumps(frame_records(df), ensure_ascii=False, indent=1)
    raise ZfauditError(f"{fmt} 只能写入文件，请加 --out FILE / {fmt} needs --out FILE")
