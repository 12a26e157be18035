"""Write a DataFrame to a .csv, .json or .xlsx file (ad-hoc SQL exports, score sheets).

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
from pathlib import Path

import numpy as np
import pandas as pd

from .errors import ZfauditError

FORMATS = ("csv", "json", "xlsx")


def format_for(path: str | Path, fmt: str | None = None) -> str:
    """The export format: as given, else from the file suffix."""
    fmt = (fmt or Path(path).suffix.lstrip(".")).lower()
    if fmt not in FORMATS:
        raise ZfauditError(
            f"不支持的导出格式 {fmt or '(无后缀)'}，可用 csv / json / xlsx / "
            f"unsupported export format {fmt or '(no suffix)'}: use csv, json or xlsx"
        )
    return fmt


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
        return v.item()
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


def _text_width(s: str) -> int:
    return sum(2 if ord(ch) > 0x2E80 else 1 for ch in s)


def _write_xlsx(df: pd.DataFrame, path: Path, sheet_name: str) -> None:
    import xlsxwriter

    wb = xlsxwriter.Workbook(
        str(path),
        {"strings_to_formulas": False, "strings_to_urls": False, "strings_to_numbers": False},
    )
    try:
        ws = wb.add_worksheet(sheet_name[:31])
        head = wb.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1})
        ts = wb.add_format({"num_format": "yyyy-mm-dd hh:mm:ss"})
        day = wb.add_format({"num_format": "yyyy-mm-dd"})
        widths = [_text_width(str(c)) for c in df.columns]
        for j, c in enumerate(df.columns):
            ws.write_string(0, j, str(c), head)
        # cell by cell on purpose: the writer must choose write_string for every text value
        for i, row in enumerate(df.itertuples(index=False, name=None), start=1):
            for j, v in enumerate(row):
                if v is pd.NaT or not isinstance(v, pd.Timestamp | dt.date):
                    v = _json_value(v)  # NaT is a datetime subclass: handle it first
                if v is None:
                    ws.write_blank(i, j, None)
                elif isinstance(v, bool):
                    ws.write_boolean(i, j, v)
                elif isinstance(v, int | float):
                    ws.write_number(i, j, v)
                elif isinstance(v, pd.Timestamp | dt.datetime):
                    ws.write_datetime(i, j, pd.Timestamp(v).to_pydatetime().replace(tzinfo=None), ts)
                elif isinstance(v, dt.date):
                    ws.write_datetime(i, j, dt.datetime.combine(v, dt.time()), day)
                else:
                    text = v if isinstance(v, str) else json.dumps(v, ensure_ascii=False)
                    ws.write_string(i, j, text)
                    widths[j] = max(widths[j], _text_width(text))
                    continue
                widths[j] = max(widths[j], 19 if isinstance(v, dt.date) else len(str(v)))
        for j, w in enumerate(widths):
            ws.set_column(j, j, min(max(w, 6) + 2, 60))
        ws.freeze_panes(1, 0)
        if len(df.columns):
            ws.autofilter(0, 0, max(len(df), 1), len(df.columns) - 1)
    finally:
        wb.close()


def write_frame(
    df: pd.DataFrame, path: str | Path, fmt: str | None = None, sheet_name: str = "数据"
) -> Path:
    """Write `df` to `path` as csv, json or xlsx (default: from the suffix); returns the path."""
    path = Path(path)
    fmt = format_for(path, fmt)
    path.parent.mkdir(parents=True, exist_ok=True)
    if fmt == "csv":
        df.to_csv(path, index=False, encoding="utf-8-sig")
    elif fmt == "json":
        path.write_text(
            json.dumps(frame_records(df), ensure_ascii=False, indent=1) + "\n", encoding="utf-8"
        )
    else:
        _write_xlsx(df, path, sheet_name)
    return path
