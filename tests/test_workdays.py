"""Working-day calendar: 2026 holidays from chinesecalendar, supplied years, clear errors."""

from __future__ import annotations

import datetime as dt

import pytest

from zfaudit.db import connect
from zfaudit.engine.params import install_params
from zfaudit.errors import CalendarError
from zfaudit.profiles import get_profile
from zfaudit.workdays import add_year_file, calendar_frame, ensure_years

D = dt.date


def working_day_due(con, day: dt.date | dt.datetime, n: int) -> dt.datetime | None:
    """23:59:59 of the n-th working day after `day`, from the one definition the rules use:
    the table macro audit.with_due_at over the calendar (zfaudit/rules/shared/with_due_at.sql).
    The calendar covers what ensure_years loaded; beyond it the due time is unknown (None)."""
    ensure_years(con, [day.year])
    install_params(con, get_profile("zhuzhou_cgzf"), dt.datetime(2026, 7, 1),
                   dt.datetime(2026, 10, 1), dt.datetime(2026, 11, 25))
    con.execute("CREATE OR REPLACE TEMP TABLE ev AS SELECT ?::TIMESTAMP AS due_from, "
                "NULL::INTEGER AS n_hours, NULL::INTEGER AS n_days, ?::INTEGER AS n_working_days",
                [day, n])
    return con.execute("SELECT due_at FROM audit.with_due_at('ev')").fetchone()[0]

# A made-up 2027 schedule (nobody knows the real one yet): National Day 10-01..10-07 off,
# Saturday 10-09 a make-up working day, plus one weekday holiday in spring.
FILE_2027 = """\
date,kind,name
2027-01-01,holiday,元旦
2027-04-05,holiday,清明
2027-10-01,holiday,国庆节
2027-10-04,holiday,国庆节
2027-10-05,holiday,国庆节
2027-10-06,holiday,国庆节
2027-10-07,holiday,国庆节
2027-10-09,workday,国庆节
"""


@pytest.fixture
def con(tmp_path):
    with connect(tmp_path / "cal.duckdb") as c:
        yield c


def _workdays(con, start, end):
    return dict(
        con.execute(
            "SELECT date, is_workday FROM calendar WHERE date BETWEEN ? AND ? ORDER BY date",
            [start, end],
        ).fetchall()
    )


def test_2026_mid_autumn_and_national_day(con):
    ensure_years(con, [2026])
    days = _workdays(con, D(2026, 9, 24), D(2026, 10, 12))
    off = {d for d, w in days.items() if not w}
    assert {D(2026, 9, 25), D(2026, 9, 26), D(2026, 9, 27)} <= off
    assert {D(2026, 10, d) for d in range(1, 8)} <= off
    assert days[D(2026, 10, 10)] is True  # Saturday make-up day (调休上班)
    assert days[D(2026, 10, 11)] is False
    assert [d for d, w in days.items() if w] == [
        D(2026, 9, 24), D(2026, 9, 28), D(2026, 9, 29), D(2026, 9, 30),
        D(2026, 10, 8), D(2026, 10, 9), D(2026, 10, 10), D(2026, 10, 12),
    ]
    assert con.execute("SELECT count(*) FROM calendar WHERE year(date) = 2026").fetchone()[0] == 365
    name, source = con.execute(
        "SELECT holiday_name, source FROM calendar WHERE date = '2026-10-10'"
    ).fetchone()
    assert (name, source) == ("国庆节", "chinesecalendar")


def test_working_day_due(con):
    assert working_day_due(con, D(2026, 9, 30), 2) == dt.datetime(2026, 10, 9, 23, 59, 59)
    assert working_day_due(con, D(2026, 9, 24), 2) == dt.datetime(2026, 9, 29, 23, 59, 59)
    # the make-up Saturday counts; a datetime is taken by its date
    assert working_day_due(con, dt.datetime(2026, 10, 9, 18, 0), 1) == dt.datetime(
        2026, 10, 10, 23, 59, 59
    )
    # over a year end: 2025-12-31 + 1 working day is 2026-01-05 (01-01..01-03 off, 01-04 Sunday make-up)
    assert working_day_due(con, D(2025, 12, 31), 1) == dt.datetime(2026, 1, 4, 23, 59, 59)


def test_missing_year_raises_clear_error(con):
    with pytest.raises(CalendarError) as e:
        ensure_years(con, [2027])
    msg = str(e.value)
    assert "缺少 2027 年工作日历" in msg and "zfaudit calendar add 2027.csv" in msg
    assert "docs/calendar.md" in msg
    # the due date falls in the unknown year: no due time (the audit's ensure_years refuses
    # to run without that year; tests/engine/test_run.py)
    assert working_day_due(con, D(2026, 12, 31), 1) is None
    with pytest.raises(CalendarError, match="1999"):
        ensure_years(con, [1999])


def test_supplied_2027_file(con, tmp_path):
    f = tmp_path / "2027.csv"
    f.write_text(FILE_2027, encoding="utf-8")
    assert add_year_file(con, f) == 2027
    assert con.execute("SELECT count(*) FROM calendar WHERE year(date) = 2027").fetchone()[0] == 365
    assert working_day_due(con, D(2027, 9, 30), 2) == dt.datetime(2027, 10, 9, 23, 59, 59)
    assert working_day_due(con, D(2027, 10, 8), 1) == dt.datetime(2027, 10, 9, 23, 59, 59)
    assert working_day_due(con, D(2027, 10, 9), 1) == dt.datetime(2027, 10, 11, 23, 59, 59)
    # now the 2026 year-end works too
    assert working_day_due(con, D(2026, 12, 31), 1) == dt.datetime(2027, 1, 4, 23, 59, 59)
    src = con.execute("SELECT DISTINCT source FROM calendar WHERE year(date) = 2027").fetchall()
    assert src == [("supplied:2027.csv",)]
    ensure_years(con, [2027])  # already there: no error, nothing replaced
    assert con.execute("SELECT is_workday FROM calendar WHERE date = '2027-10-09'").fetchone() == (True,)


def test_supplied_year_overrides_package_and_gb18030(con, tmp_path):
    ensure_years(con, [2026])
    # a bureau's correction for 2026, saved from Excel on Chinese Windows, year in a comment line
    f = tmp_path / "本局日历.csv"
    f.write_text("# year: 2026\n日期,类型,名称\n2026/10/12,休,本局补休\n", encoding="gb18030")
    assert add_year_file(con, f) == 2026
    row = con.execute(
        "SELECT is_workday, holiday_name, source FROM calendar WHERE date = '2026-10-12'"
    ).fetchone()
    assert row == (False, "本局补休", "supplied:本局日历.csv")
    # the file lists only exceptions: 10-01 is now an ordinary Thursday, 10-10 an ordinary Saturday
    assert _workdays(con, D(2026, 10, 1), D(2026, 10, 1)) == {D(2026, 10, 1): True}
    assert _workdays(con, D(2026, 10, 10), D(2026, 10, 10)) == {D(2026, 10, 10): False}
    ensure_years(con, [2026])  # must not bring the package year back
    assert con.execute("SELECT count(DISTINCT source) FROM calendar").fetchone()[0] == 1


@pytest.mark.parametrize(
    "name,text,expect",
    [
        ("2027.csv", "date,kind,name\n2027-01-01,holiday,元旦\n2027-13-01,holiday,x\n",
         "第 3 行：日期无法识别"),
        ("2027.csv", "date,kind,name\n2027-01-01,vacation,元旦\n", "2027.csv line 2: kind 'vacation'"),
        ("2027.csv", "date,kind,name\n2027-01-01,holiday,元旦\n\n2028-01-01,holiday,元旦\n",
         "line 4: 2028-01-01 is not in 2027"),
        ("2027.csv", "date,kind\n2027-01-01,holiday\n2027-01-01,workday\n", "line 3: 2027-01-01 repeats line 2"),
        ("2027.csv", "day,what\n2027-01-01,holiday\n", "line 1: header must be date,kind,name"),
        ("calendar.csv", "date,kind\n2027-01-01,holiday\n", "name the file after the year"),
        ("2027.csv", "# year: 2028\ndate,kind\n", "contradicts the file name"),
    ],
)
def test_malformed_file(con, tmp_path, name, text, expect):
    f = tmp_path / name
    f.write_text(text, encoding="utf-8")
    with pytest.raises(CalendarError) as e:
        add_year_file(con, f)
    assert expect in str(e.value)
    assert con.execute("SELECT count(*) FROM calendar").fetchone()[0] == 0  # nothing half-loaded


def test_calendar_frame_labels(con):
    df = calendar_frame(con, 2026, 10)
    assert len(df) == 31
    row = df.set_index("date").loc[D(2026, 10, 10)]
    assert (row["weekday"], row["kind"], row["holiday_name"]) == ("周六", "调休上班", "国庆节")
    assert df.set_index("date").loc[D(2026, 10, 11), "kind"] == "休息日"
    exc = calendar_frame(con, 2026, exceptions_only=True)
    assert D(2026, 10, 10) in set(exc["date"]) and D(2026, 10, 3) not in set(exc["date"])
    assert set(exc["kind"]) == {"节假日", "调休上班"}
