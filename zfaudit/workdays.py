"""The working-day calendar (official schedule with 调休 make-up days) as a DuckDB table.

Years 2004–2026 come from the `chinesecalendar` package; a bureau supplies any other year as a
small CSV file (docs/calendar.md). An audit that needs a year nobody supplied stops with a
CalendarError instead of guessing.
"""

from __future__ import annotations

import datetime as dt

import duckdb

from .errors import CalendarError


def _package_year(year: int) -> list[tuple[dt.date, bool, str | None, str]]:
    import chinese_calendar as cc

    rows = []
    day = dt.date(year, 1, 1)
    while day.year == year:
        try:
            workday = cc.is_workday(day)
            _, name = cc.get_holiday_detail(day)
        except NotImplementedError as e:
            raise CalendarError(
                f"缺少 {year} 年工作日历 / no working-day calendar for {year}: "
                f"supply it with `zfaudit calendar add FILE --db DB` (see docs/calendar.md)"
            ) from e
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
        rows = _package_year(year)
        con.executemany("INSERT OR REPLACE INTO calendar VALUES (?, ?, ?, ?)", rows)
