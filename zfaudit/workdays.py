"""The working-day calendar (official schedule with 调休 make-up days) as a DuckDB table.

Years 2004–2026 come from the `chinesecalendar` package; a bureau supplies any other year as a
small CSV file (docs/calendar.md). An audit that needs a year nobody supplied stops with a
CalendarError instead of guessing. A supplied year takes precedence: `ensure_years` never
overwrites a year already in the table, and `add_year_file` replaces whatever was there.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from pathlib import Path

import duckdb
import pandas as pd

from .errors import CalendarError

WEEKDAYS_ZH = ("周一", "周二", "周三", "周四", "周五", "周六", "周日")
HOLIDAY_KINDS = {"holiday", "休", "假", "放假", "节假日", "休息"}
WORKDAY_KINDS = {"workday", "班", "上班", "补班", "调休", "调休上班", "工作日"}
_HEADERS = {
    "date": "date", "日期": "date",
    "kind": "kind", "类型": "kind", "类别": "kind",
    "name": "name", "名称": "name", "节日": "name", "节假日名称": "name",
}
_YEAR_LINE = re.compile(r"#\s*year\s*[:=：]\s*(\d{4})\s*$", re.IGNORECASE)
_DATE = re.compile(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?")


def _missing_year(year: int) -> CalendarError:
    return CalendarError(
        f"缺少 {year} 年工作日历，请按 docs/calendar.md 提供该年放假调休安排 / "
        f"no working-day calendar for {year}: supply the official schedule as a CSV file with "
        f"`zfaudit calendar add {year}.csv --db DB` (see docs/calendar.md)"
    )


def _package_year(year: int) -> list[tuple[dt.date, bool, str | None, str]]:
    import chinese_calendar as cc

    rows = []
    day = dt.date(year, 1, 1)
    while day.year == year:
        try:
            workday = cc.is_workday(day)
            _, name = cc.get_holiday_detail(day)
        except NotImplementedError as e:
            raise _missing_year(year) from e
        if name is not None:
            name = cc.Holiday(name).chinese  # Chinese names for analysts: 国庆节, not National Day
        rows.append((day, workday, name, "chinesecalendar"))
        day += dt.timedelta(days=1)
    return rows


def ensure_years(con: duckdb.DuckDBPyConnection, years: range | list[int]) -> None:
    """Make sure `calendar` holds every day of these years, or raise CalendarError."""
    have = {
        r[0]
        for r in con.execute(
            "SELECT year(date) FROM calendar GROUP BY 1 HAVING count(*) >= 365"
        ).fetchall()
    }
    for year in sorted(set(years) - have):
        rows = pd.DataFrame(
            _package_year(year), columns=["date", "is_workday", "holiday_name", "source"]
        )
        # one set-based insert: executemany of 365 rows costs about a second in DuckDB
        con.register("_cal_rows", rows)
        try:
            con.execute(
                "INSERT OR REPLACE INTO calendar SELECT date::DATE, is_workday, holiday_name, "
                "source FROM _cal_rows"
            )
        finally:
            con.unregister("_cal_rows")


# ------------------------------------------------------------------ supplied year files


def _read_text(path: Path) -> str:
    raw = path.read_bytes()
    for enc in ("utf-8-sig", "gb18030"):
        try:
            return raw.decode(enc)
        except UnicodeDecodeError:
            continue
    raise CalendarError(f"日历文件编码无法识别 / {path.name}: not UTF-8 or GB18030")


def _bad(path: Path, line: int, zh: str, en: str) -> CalendarError:
    return CalendarError(f"日历文件 {path.name} 第 {line} 行：{zh} / {path.name} line {line}: {en}")


def parse_year_file(path: str | Path) -> tuple[int, list[tuple[dt.date, bool, str | None]]]:
    """The declared year and the exception days (date, is_workday, name) of a supplied file."""
    path = Path(path)
    if not path.is_file():
        raise CalendarError(f"日历文件不存在 / calendar file not found: {path}")
    text = _read_text(path)
    declared: int | None = None
    body: list[tuple[int, str]] = []  # (physical line number, text) of the CSV part
    for no, line in enumerate(text.splitlines(), start=1):
        s = line.strip()
        if not s:
            continue
        if s.startswith("#"):
            m = _YEAR_LINE.match(s)
            if m:
                declared = int(m.group(1))
            continue
        body.append((no, line))
    years_in_name = set(re.findall(r"(?<!\d)((?:19|20)\d{2})(?!\d)", path.stem))
    if len(years_in_name) == 1:
        from_name = int(years_in_name.pop())
        if declared is not None and declared != from_name:
            raise CalendarError(
                f"日历文件 {path.name} 声明的年份 {declared} 与文件名不符 / "
                f"{path.name}: '# year: {declared}' contradicts the file name"
            )
        declared = from_name
    if declared is None:
        raise CalendarError(
            f"日历文件 {path.name} 未声明年份：请命名为 2027.csv 或在首行写 # year: 2027 / "
            f"{path.name}: name the file after the year (2027.csv) or start it with '# year: 2027'"
        )
    if not body:
        raise CalendarError(f"日历文件 {path.name} 没有表头 date,kind,name / {path.name}: no header")

    header_no, header_line = body[0]
    header = next(csv.reader(io.StringIO(header_line)))
    cols = [_HEADERS.get(h.strip().lower()) for h in header]
    if "date" not in cols or "kind" not in cols:
        raise _bad(path, header_no, "表头应为 date,kind,name", f"header must be date,kind,name, got {header}")

    rows: list[tuple[dt.date, bool, str | None]] = []
    seen: dict[dt.date, int] = {}
    for no, line in body[1:]:
        values = next(csv.reader(io.StringIO(line)))
        rec = {c: v.strip() for c, v in zip(cols, values, strict=False) if c}
        m = _DATE.fullmatch(rec.get("date", ""))
        try:
            day = dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3))) if m else None
        except ValueError:
            day = None
        if day is None:
            raise _bad(path, no, f"日期无法识别 {rec.get('date')!r}（应为 2027-10-01）",
                       f"bad date {rec.get('date')!r} (use 2027-10-01)")
        if day.year != declared:
            raise _bad(path, no, f"日期 {day} 不在 {declared} 年", f"{day} is not in {declared}")
        if day in seen:
            raise _bad(path, no, f"日期 {day} 与第 {seen[day]} 行重复",
                       f"{day} repeats line {seen[day]}")
        kind = rec.get("kind", "").lower()
        if kind in HOLIDAY_KINDS:
            workday = False
        elif kind in WORKDAY_KINDS:
            workday = True
        else:
            raise _bad(path, no, f"类型 {rec.get('kind')!r} 应为 holiday（休）或 workday（班）",
                       f"kind {rec.get('kind')!r} must be holiday or workday")
        seen[day] = no
        rows.append((day, workday, rec.get("name") or None))
    return declared, rows


def add_year_file(con: duckdb.DuckDBPyConnection, path: str | Path) -> int:
    """Load a bureau's official schedule for one year into `calendar`, replacing that year."""
    path = Path(path)
    year, rows = parse_year_file(path)
    con.execute("BEGIN")
    try:
        con.execute("CREATE OR REPLACE TEMP TABLE _cal_exceptions (date DATE, is_workday BOOLEAN, name VARCHAR)")
        if rows:
            con.executemany("INSERT INTO _cal_exceptions VALUES (?, ?, ?)", rows)
        con.execute("DELETE FROM calendar WHERE year(date) = ?", [year])
        # every day of the year: Mon–Fri work, Sat–Sun off, unless the file says otherwise
        con.execute(
            """
            INSERT INTO calendar
            SELECT d.day::DATE, coalesce(e.is_workday, isodow(d.day) < 6), e.name, ?
            FROM generate_series(make_date(?, 1, 1)::TIMESTAMP, make_date(?, 12, 31)::TIMESTAMP,
                                 INTERVAL 1 DAY) AS d(day)
            LEFT JOIN _cal_exceptions e ON e.date = d.day::DATE
            """,
            [f"supplied:{path.name}", year, year],
        )
        con.execute("DROP TABLE _cal_exceptions")
        con.execute("COMMIT")
    except Exception:
        con.execute("ROLLBACK")
        raise
    return year


# ------------------------------------------------------------------ queries


def calendar_frame(
    con: duckdb.DuckDBPyConnection, year: int, month: int | None = None, exceptions_only: bool = False
) -> pd.DataFrame:
    """Days of a year (or month) with Chinese labels; `exceptions_only`: weekday holidays and
    weekend make-up days, i.e. what an official 放假调休 notice lists."""
    ensure_years(con, [year])
    df = con.execute(
        """
        SELECT date, isodow(date) AS dow, is_workday, holiday_name, source
        FROM calendar
        WHERE year(date) = ? AND (? IS NULL OR month(date) = ?)
          AND (NOT ? OR is_workday = (isodow(date) >= 6))
        ORDER BY date
        """,
        [year, month, month, exceptions_only],
    ).df()
    df.insert(1, "weekday", [WEEKDAYS_ZH[d - 1] for d in df.pop("dow")])
    weekend = df["weekday"].isin(WEEKDAYS_ZH[5:])
    df.insert(
        3,
        "kind",
        [
            ("调休上班" if wk else "工作日") if work else ("节假日" if named or not wk else "休息日")
            for work, wk, named in zip(df["is_workday"], weekend, df["holiday_name"].notna(), strict=True)
        ],
    )
    df["date"] = pd.to_datetime(df["date"]).dt.date
    return df
