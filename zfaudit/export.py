"""Files and text a reader opens: DataFrames to .csv / .json / .xlsx, terminal widths, and
HTML made safe to open offline. The one xlsx writer of zfaudit (score sheet, spot-check ledger,
`sql --out`, exports).

- csv: UTF-8 with BOM, so Excel on Chinese Windows shows the Chinese text correctly.
- json: a list of records, Chinese kept as is, timestamps as ISO text.
- xlsx: every text cell is written with write_string and the workbook has
  `strings_to_formulas: False`: a cell that starts with = + - @ (a party name, a free-text
  reason typed by anyone) is shown as text and never evaluated as a formula.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import re
import unicodedata
from pathlib import Path

import numpy as np
import pandas as pd

from .errors import OutputExistsError, ZfauditError

FORMATS = ("csv", "json", "xlsx", "html")


def writable(path: str | Path, overwrite: bool = False) -> Path:
    """The one rule for every file zfaudit writes: never over a database (DuckDB file or
    .duckdb name, whatever `overwrite` says), and an existing file only with `overwrite`."""
    from .db import is_duckdb_file

    path = Path(path)
    if path.is_dir():
        raise ZfauditError(f"输出路径是一个目录 / the output path is a directory: {path}")
    if is_duckdb_file(path) or (path.exists() and path.suffix.lower() in (".duckdb", ".db", ".wal")):
        raise ZfauditError(
            f"不会覆盖数据库文件 / refusing to write over a database file: {path} "
            "(choose another output name)"
        )
    if path.exists() and not overwrite:
        raise OutputExistsError(
            f"文件已存在，未覆盖（替换请用 {{option}}）/ {path} exists, not overwritten (use "
            "{option} to replace it)"
        )
    return path


def format_for(path: str | Path, fmt: str | None = None) -> str:
    """The export format: as given, else from the file suffix."""
    fmt = (fmt or Path(path).suffix.lstrip(".")).lower()
    if fmt not in FORMATS:
        raise ZfauditError(
            f"不支持的导出格式 {fmt or '(无后缀)'}，可用 csv / json / xlsx / html / "
            f"unsupported export format {fmt or '(no suffix)'}: use csv, json, xlsx or html"
        )
    return fmt


def writable_dir(d: str | Path, overwrite: bool = False) -> Path:
    """The rule of `writable` for a folder of outputs: a new or empty folder, or with
    `overwrite` one whose files may be replaced — never one holding a database file or a link
    (writing through a link would write wherever it points)."""
    from .db import is_duckdb_file

    d = Path(d)
    if d.exists() and not d.is_dir():
        raise ZfauditError(f"输出路径不是目录 / the output path is not a folder: {d}")
    entries = list(d.rglob("*")) if d.is_dir() else []
    if not entries:
        return d
    if not overwrite:
        raise OutputExistsError(
            f"输出目录非空，未覆盖（替换其中文件请用 {{option}}）/ {d} is not empty, nothing "
            "overwritten (use {option} to replace its files)"
        )
    for p in entries:
        if p.is_symlink() or (p.is_file() and is_duckdb_file(p)):
            raise ZfauditError(
                f"输出目录中有链接或数据库文件，不会写入 / refusing to write into {d}: it holds "
                f"a link or a database file ({p.name})"
            )
    return d


def _json_value(v: object) -> object:
    if v is None or v is pd.NaT or v is pd.NA or (isinstance(v, np.floating) and np.isnan(v)):
        return None
    if isinstance(v, float) and math.isnan(v):
        return None
    if isinstance(v, pd.Timestamp | dt.datetime):
        return v.isoformat(sep=" ")
    if isinstance(v, dt.date | dt.time):
        return v.isoformat()
    if isinstance(v, np.generic):
        return _json_value(v.item())
    if isinstance(v, float) and math.isinf(v):
        return "inf" if v > 0 else "-inf"
    if isinstance(v, dt.timedelta | pd.Timedelta):
        return str(v)
    if not isinstance(v, str | int | float | bool | list | tuple | dict | np.ndarray | bytes
                      | bytearray | pd.Timestamp | dt.date | dt.time):
        return str(v)  # UUID, Decimal, intervals …: their text
    if isinstance(v, bytes | bytearray):
        return v.hex()
    if isinstance(v, list | tuple | np.ndarray):
        return [_json_value(x) for x in v]
    if isinstance(v, dict):
        return {str(k): _json_value(x) for k, x in v.items()}
    return v


def frame_records(df: pd.DataFrame) -> list[dict]:
    """Rows as JSON-ready dicts (NULL → None, timestamps → text)."""
    cols = [str(c) for c in df.columns]
    return [
        {c: _json_value(v) for c, v in zip(cols, row, strict=True)}
        for row in df.itertuples(index=False, name=None)
    ]


def display_width(s: str) -> int:
    """Columns `s` takes on a terminal or in a spreadsheet: wide (CJK) characters count two."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in s)


XLSX_OPTIONS = {"strings_to_formulas": False, "strings_to_urls": False, "strings_to_numbers": False}


class _Formats:
    """The workbook's cell formats, made once per workbook."""

    def __init__(self, wb):
        self.head = wb.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1, "text_wrap": True})
        self.ts = wb.add_format({"num_format": "yyyy-mm-dd hh:mm:ss"})
        self.day = wb.add_format({"num_format": "yyyy-mm-dd"})
        self.pct = wb.add_format({"num_format": "0.0%"})
        self.num = wb.add_format({"num_format": "0.00"})
        self.wrap = wb.add_format({"text_wrap": True, "valign": "top"})

    def column(self, name: str) -> object | None:
        """A column's number format by its (display) name: rates as %, scores with 2 decimals."""
        if "率" in name:
            return self.pct
        if name in ("得分", "权重", "扣分", "有效权重"):
            return self.num
        return None


def _write_cell(ws: object, i: int, j: int, v: object, fmt: _Formats) -> int:
    """One cell, by the value's type; returns the width its text takes."""
    if v is pd.NaT or not isinstance(v, pd.Timestamp | dt.date):
        v = _json_value(v)  # NaT is a datetime subclass: handle it first
    if v is None:
        ws.write_blank(i, j, None)
        return 0
    if isinstance(v, bool):
        ws.write_boolean(i, j, v)
        return 5
    if isinstance(v, int | float):
        ws.write_number(i, j, v)
        return min(len(str(v)), 11)  # Excel shows a number in at most 11 characters (General)
    if isinstance(v, pd.Timestamp | dt.datetime):
        ws.write_datetime(i, j, pd.Timestamp(v).to_pydatetime().replace(tzinfo=None), fmt.ts)
        return 19
    if isinstance(v, dt.date):
        ws.write_datetime(i, j, dt.datetime.combine(v, dt.time()), fmt.day)
        return 10
    text = v if isinstance(v, str) else json.dumps(v, ensure_ascii=False)
    if text == "":
        ws.write_blank(i, j, None)  # an empty text is an empty cell (a column left to fill in)
        return 0
    ws.write_string(i, j, text)  # every text value goes through write_string
    return display_width(text)


WRAP_WIDTH = 40  # a wider text column wraps at this width, so the sheet fits a page's width
WIDTH_SAMPLE = 2000  # rows a column's width is judged on


PAGE_WIDTH = 230  # column-width units an A4 landscape page holds at a still legible scale (≈55 %)
# the same scale on A4 portrait: a sheet this narrow prints portrait, one page wide — long lists
# (人员明细, 回放检查台帐) then take about half the pages landscape would
PORTRAIT_WIDTH = 160
MIN_WRAP = 14  # a text column wraps no narrower than this to save a page
HEAD_WIDTH = 8  # "ZF01 两名以上执法人员" over a column of "97.7%" wraps onto two lines


def _page_setup(ws, title: str | None) -> None:
    """Print as a bureau prints: A4 landscape (portrait when narrow), the header row on every page, the title at the
    top and page numbers at the bottom of each page (the width: _fit_width)."""
    ws.set_paper(9)
    ws.set_landscape()
    ws.repeat_rows(0)
    ws.set_margins(left=0.4, right=0.4, top=0.7, bottom=0.6)
    if title:
        ws.set_header("&C&12" + title.replace("&", "&&"))
    ws.set_footer("&C第 &P 页，共 &N 页")


def _fit_widths(widths: list[int], numeric: list[bool], text: list[bool]) -> tuple[list[int], list[bool]]:
    """Column widths and which columns wrap: text wider than WRAP_WIDTH wraps; and when the
    sheet is a little wider than a whole number of pages, the widest text columns (never ids,
    numbers or times) wrap at one common width ≥ MIN_WRAP so that it prints a page narrower —
    the reviewer's columns of a spot-check sheet then stay on the page of their items."""
    final, wrap = [], []
    for w, num in zip(widths, numeric, strict=True):
        if num:
            w = min(w, 7)  # shown as "100.0%" or "97.59", whatever digits the float has
        wide = w + 2 > WRAP_WIDTH and not num
        final.append(WRAP_WIDTH if wide else max(w, 6) + 2)
        wrap.append(wide)
    pages = -(-sum(final) // PAGE_WIDTH)
    if pages > 1:
        fixed = sum(f for f, t in zip(final, text, strict=True) if not t)
        flexible = [f for f, t in zip(final, text, strict=True) if t]
        room = (pages - 1) * PAGE_WIDTH - fixed
        cap = max(flexible, default=0)
        while cap > MIN_WRAP and sum(min(f, cap) for f in flexible) > room:
            cap -= 1
        if flexible and sum(min(f, cap) for f in flexible) <= room:
            for j, t in enumerate(text):
                if t and final[j] > cap:
                    final[j], wrap[j] = cap, True
    return final, wrap


def _write_sheet(wb, fmt: _Formats, name: str, df: pd.DataFrame,
                 choices: dict[str, list[str]] | None = None, title: str | None = None) -> None:
    ws = wb.add_worksheet(name[:31])
    _page_setup(ws, title)
    # a header wraps (its format does): it asks for at most HEAD_WIDTH, the values decide beyond
    widths = [min(display_width(str(c)), HEAD_WIDTH) for c in df.columns]
    for j, c in enumerate(df.columns):
        ws.write_string(0, j, str(c), fmt.head)
    # cell by cell on purpose: the writer must choose write_string for every text value.
    # A column of text only (the common case: ids, names, details) takes a direct path; its
    # width is judged on the first WIDTH_SAMPLE rows (a sheet of 10^5 rows need not measure all)
    for j, c in enumerate(df.columns):
        values = df[c].tolist()
        if all(v is None or isinstance(v, str) for v in values):
            for i, v in enumerate(values, start=1):
                if v:
                    ws.write_string(i, j, v)
            widths[j] = max([widths[j], *(display_width(v) for v in values[:WIDTH_SAMPLE] if v)])
            continue
        for i, v in enumerate(values, start=1):
            w = _write_cell(ws, i, j, v, fmt)
            if i <= WIDTH_SAMPLE:
                widths[j] = max(widths[j], w)
    strings = [all(v is None or isinstance(v, str) for v in df[c].tolist()[:WIDTH_SAMPLE])
               for c in df.columns]
    text = [t and not str(c).endswith(("编号", "编码")) for t, c in zip(strings, df.columns, strict=True)]
    numeric = [fmt.column(str(c)) is not None and not t for t, c in zip(strings, df.columns, strict=True)]
    final, wrap = _fit_widths(widths, numeric, text)
    lines = 1
    for j, width in enumerate(final):
        own = fmt.column(str(df.columns[j]))
        lines = max(lines, -(-display_width(str(df.columns[j])) // (width - 1)))
        ws.set_column(j, j, width, fmt.wrap if wrap[j] else own)
    ws.set_row(0, 15 * min(lines, 4))  # the wrapped header's lines (no reader auto-fits row 1)
    total = sum(final)
    # one page wide when that stays legible, else as few pages wide as keep the text readable
    if total <= PORTRAIT_WIDTH:
        ws.set_portrait()
    ws.fit_to_pages(max(1, -(-total // PAGE_WIDTH)), 0)
    ws.freeze_panes(1, 0)
    if len(df.columns):
        ws.autofilter(0, 0, max(len(df), 1), len(df.columns) - 1)
    for col, values in (choices or {}).items():
        # a drop-down where the reader fills in a code (a warning, not a refusal: the importer
        # also reads the codes' other spellings)
        j = list(df.columns).index(col)
        ws.data_validation(1, j, max(len(df), 1), j, {
            "validate": "list", "source": list(values), "error_type": "warning",
            "error_message": "请从下拉列表中选择 / choose from the list"})


def write_sheets(sheets: dict[str, pd.DataFrame], path: str | Path, overwrite: bool = False,
                 choices: dict[str, dict[str, list[str]]] | None = None,
                 title: str | None = None) -> Path:
    """Several frames to one xlsx, a sheet each, in order; returns the path. `choices`:
    sheet → column → the values of a drop-down list on that column's rows. `title` is printed
    at the top of every page (bureau, period, run), without moving the header out of row 1."""
    import xlsxwriter

    path = writable(path, overwrite)
    path.parent.mkdir(parents=True, exist_ok=True)
    part = path.with_name(f".{path.name}.part")  # moved into place only when complete
    wb = xlsxwriter.Workbook(str(part), XLSX_OPTIONS)
    try:
        try:
            fmt = _Formats(wb)
            for name, df in sheets.items():
                _write_sheet(wb, fmt, name, df, (choices or {}).get(name), title)
        finally:
            wb.close()
        part.replace(path)
    finally:
        part.unlink(missing_ok=True)
    return path


def write_frame(
    df: pd.DataFrame, path: str | Path, fmt: str | None = None, sheet_name: str = "数据",
    overwrite: bool = False, title: str | None = None,
) -> Path:
    """Write `df` to `path` as csv, json, xlsx or html (default: from the suffix); returns the
    path. An existing file is replaced only with `overwrite`, a database never (`writable`).
    html is one offline page: `title` and the table, every value escaped."""
    path = writable(path, overwrite)
    fmt = format_for(path, fmt)
    path.parent.mkdir(parents=True, exist_ok=True)
    if fmt == "csv":
        df.to_csv(path, index=False, encoding="utf-8-sig")
    elif fmt == "html":
        path.write_text(html_page(df, title or sheet_name), encoding="utf-8")
    elif fmt == "json":
        path.write_text(
            json.dumps(frame_records(df), ensure_ascii=False, indent=1) + "\n", encoding="utf-8"
        )
    else:
        write_sheets({sheet_name: df}, path, overwrite=True, title=title)  # checked above
    return path


# ---------------------------------------------------------------- offline HTML

_PAGE_CSS = ("body{font-family:'Noto Sans CJK SC','WenQuanYi Micro Hei','Microsoft YaHei',sans-serif;"
             "margin:24px;color:#222}h1{font-size:20px}table{border-collapse:collapse;font-size:13px}"
             "th,td{border:1px solid #ccc;padding:4px 8px;text-align:left}th{background:#f2f2f2}")


def html_page(df: pd.DataFrame, title: str) -> str:
    """A self-contained HTML page of one table (no script, no remote reference)."""
    import html as _html

    body = df.to_html(index=False, escape=True, na_rep="", border=0)
    return (f'<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8"><title>'
            f"{_html.escape(title)}</title><style>{_PAGE_CSS}</style></head><body><h1>"
            f"{_html.escape(title)}</h1>{body}</body></html>\n")

# Any reference to a host other than localhost (http://, https:// or protocol-relative //).
REMOTE_URL = r"(?:https?:)?//(?!localhost[:/\"'])[^\s\"'<>)]+"
_REMOTE_TAGS = [
    # <link ... href="https://..."> (stylesheets, fonts, preconnect)
    (re.compile(rf"<link\b[^>]*\bhref\s*=\s*[\"']{REMOTE_URL}[\"'][^>]*>", re.I), ""),
    # <script src="https://..."></script>
    (re.compile(rf"<script\b[^>]*\bsrc\s*=\s*[\"']{REMOTE_URL}[\"'][^>]*>\s*</script>", re.I | re.S), ""),
    # <img src="https://..."> (the GX logo, with the data-context id in its URL)
    (re.compile(rf"<img\b[^>]*\bsrc\s*=\s*[\"']{REMOTE_URL}[\"'][^>]*>", re.I), ""),
]


def strip_remote_tags(html: str) -> str:
    """Drop every <link>, <script src> and <img> that would load something from the network."""
    for pattern, repl in _REMOTE_TAGS:
        html = pattern.sub(repl, html)
    return html
