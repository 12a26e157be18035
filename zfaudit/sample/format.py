"""Value spellings real exports use (DATA_CONTRACT.md), applied column-wise with pyarrow.

Times are int64 seconds since 1970-01-01 in China local time (naive); -1 means NULL.
"""

from __future__ import annotations

import datetime as dt
from functools import cache

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

NULL_TS = -1
DAY = 86_400
EPOCH = dt.datetime(1970, 1, 1)


def ts(text: str) -> int:
    """'2026-07-01 09:30:00' -> seconds (naive local)."""
    return int((dt.datetime.fromisoformat(text) - EPOCH).total_seconds())


def _parts(secs: np.ndarray):
    d = secs.astype("datetime64[s]")
    days = d.astype("datetime64[D]")
    months = d.astype("datetime64[M]")
    y = months.astype(np.int64) // 12 + 1970
    m = months.astype(np.int64) % 12 + 1
    day = (days - months.astype("datetime64[D]")).astype(np.int64) + 1
    sod = secs - days.astype(np.int64) * DAY
    return y, m, day, sod // 3600, sod // 60 % 60, sod % 60


def _s(a: np.ndarray, width: int = 0) -> pa.Array:
    out = pc.cast(pa.array(a), pa.string())
    return pc.utf8_lpad(out, width, "0") if width else out


def fmt_ts(secs: np.ndarray, style: str) -> pa.Array:
    """Format seconds in one of the contract's timestamp spellings; NULL_TS -> null.

    iso: 2026-07-01 09:30:00   isot: 2026-07-01T09:30   slash: 2026/7/1 9:30
    zh: 2026年7月1日 9时30分 (with 15秒 when the seconds are not zero)
    """
    secs = np.asarray(secs, dtype=np.int64)
    null = pa.array(secs < 0)
    y, m, d, hh, mm, ss = _parts(np.where(secs < 0, 0, secs))
    if style == "iso":
        out = pc.binary_join_element_wise(_s(y), "-", _s(m, 2), "-", _s(d, 2), " ", _s(hh, 2), ":", _s(mm, 2), ":", _s(ss, 2), "")
    elif style == "isot":
        out = pc.binary_join_element_wise(_s(y), "-", _s(m, 2), "-", _s(d, 2), "T", _s(hh, 2), ":", _s(mm, 2), "")
    elif style == "slash":
        out = pc.binary_join_element_wise(_s(y), "/", _s(m), "/", _s(d), " ", _s(hh), ":", _s(mm, 2), "")
    elif style == "zh":
        sec = pc.if_else(pa.array(ss != 0), pc.binary_join_element_wise(_s(ss), "秒", ""), "")
        out = pc.binary_join_element_wise(_s(y), "年", _s(m), "月", _s(d), "日 ", _s(hh), "时", _s(mm), "分", sec, "")
    else:
        raise ValueError(style)
    return pc.if_else(null, pa.scalar(None, pa.string()), out)


def fmt_date(secs: np.ndarray) -> pa.Array:
    return pc.strftime(pa.array(np.asarray(secs, dtype=np.int64), pa.timestamp("s")), "%Y-%m-%d")


BOOL_SPELLINGS = {
    "zh": ("是", "否"), "have": ("有", "无"), "yn": ("Y", "N"), "10": ("1", "0"),
    "tf": ("true", "false"), "tick": ("√", "×"),
}


def fmt_bool(values: np.ndarray, style: str) -> pa.Array:
    """values: int8 array 1 / 0 / -1 (NULL)."""
    yes, no = BOOL_SPELLINGS[style]
    v = np.asarray(values)
    out = np.where(v == 1, yes, no).astype(object)
    out[v < 0] = None
    return pa.array(out, pa.string())


def fmt_code(codes: np.ndarray, names: list[str], labels: dict[str, str] | None) -> pa.Array:
    """codes: int index into `names` (-1 = NULL); labels: code -> Chinese label, or None for English.

    A label like '现场检查(勘验)' or '立案/程序启动' is written as its first part, as systems do.
    """
    words = [labels[c].split("/")[0].split("(")[0] if labels else c for c in names]
    arr = np.array(words + [None], dtype=object)
    c = np.asarray(codes)
    return pa.array(arr[np.where(c < 0, len(words), c)], pa.string())


@cache
def _workday_table(first: dt.date, last: dt.date) -> tuple[int, np.ndarray]:
    import chinese_calendar as cc

    n = (last - first).days + 1
    flags = np.array([cc.is_workday(first + dt.timedelta(days=i)) for i in range(n)])
    return (first - EPOCH.date()).days, flags


def due_working_days(event_secs: np.ndarray, n: int) -> np.ndarray:
    """23:59:59 of the n-th working day after the event's date (the event day not counted)."""
    first_day, flags = _workday_table(dt.date(2025, 1, 1), dt.date(2026, 12, 31))  # chinesecalendar ends 2026
    seq = np.cumsum(flags)  # working days on or before each day
    day = np.clip(np.asarray(event_secs) // DAY - first_day, 0, len(flags) - 20)
    target = seq[day] + n
    due_day = np.searchsorted(seq, target, side="left")
    return (due_day + first_day) * DAY + DAY - 1


def write_xlsx(path, headers: list[str], rows: list[list], date_cols: set[int],
               num_format: str = "yyyy-mm-dd", sheet: str = "Sheet1") -> None:
    """One sheet of real cells (dates as date cells in `num_format`), with fixed document
    properties so the same rows give the same bytes."""
    import xlsxwriter

    wb = xlsxwriter.Workbook(str(path))
    wb.set_properties({"created": dt.datetime(2026, 11, 25, 8, 0, 0), "author": "zfaudit sample"})
    ws = wb.add_worksheet(sheet)
    datef = wb.add_format({"num_format": num_format})
    ws.write_row(0, 0, headers)
    for r, row in enumerate(rows, start=1):
        for ci, v in enumerate(row):
            if v is None or v == "":
                continue
            if ci in date_cols and isinstance(v, dt.datetime):
                ws.write_datetime(r, ci, v, datef)
            else:
                ws.write_string(r, ci, str(v))
    wb.close()
