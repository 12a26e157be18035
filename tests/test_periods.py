"""Period parsing: half-open [start, end), relative names, previous period."""

from __future__ import annotations

import datetime as dt

import pytest

from zfaudit.errors import PeriodError
from zfaudit.periods import Period, parse_period, previous

T = dt.datetime


@pytest.mark.parametrize(
    "text,start,end,label",
    [
        ("2026Q3", T(2026, 7, 1), T(2026, 10, 1), "2026Q3"),
        ("2026q4", T(2026, 10, 1), T(2027, 1, 1), "2026Q4"),
        ("2026-Q1", T(2026, 1, 1), T(2026, 4, 1), "2026Q1"),
        ("2026-07", T(2026, 7, 1), T(2026, 8, 1), "2026-07"),
        ("2026-12", T(2026, 12, 1), T(2027, 1, 1), "2026-12"),
        ("2026", T(2026, 1, 1), T(2027, 1, 1), "2026"),
        ("2026-07-01..2026-09-30", T(2026, 7, 1), T(2026, 10, 1), "2026-07-01..2026-09-30"),
        (" 2026/7/1..2026/7/1 ", T(2026, 7, 1), T(2026, 7, 2), "2026-07-01..2026-07-01"),
    ],
)
def test_absolute(text, start, end, label):
    assert parse_period(text) == Period(start, end, label)


@pytest.mark.parametrize(
    "text,today,label,start,end",
    [
        ("last-quarter", dt.date(2026, 1, 15), "2025Q4", T(2025, 10, 1), T(2026, 1, 1)),
        ("last-quarter", dt.date(2026, 11, 25), "2026Q3", T(2026, 7, 1), T(2026, 10, 1)),
        ("this-quarter", dt.date(2026, 11, 25), "2026Q4", T(2026, 10, 1), T(2027, 1, 1)),
        ("last-month", dt.date(2026, 1, 15), "2025-12", T(2025, 12, 1), T(2026, 1, 1)),
        ("last-month", dt.date(2026, 3, 31), "2026-02", T(2026, 2, 1), T(2026, 3, 1)),
        ("this-month", dt.date(2026, 2, 10), "2026-02", T(2026, 2, 1), T(2026, 3, 1)),
        ("last-year", dt.date(2026, 5, 1), "2025", T(2025, 1, 1), T(2026, 1, 1)),
        ("Last_Quarter", dt.date(2026, 4, 1), "2026Q1", T(2026, 1, 1), T(2026, 4, 1)),
    ],
)
def test_relative(text, today, label, start, end):
    assert parse_period(text, today=today) == Period(start, end, label)


def test_relative_defaults_to_today():
    p = parse_period("this-quarter")
    assert p.start <= dt.datetime.now() < p.end


@pytest.mark.parametrize(
    "text", ["2026Q5", "2026-13", "Q3", "last-week", "2026-02-30..2026-03-01", "", "2026-07-01..x"]
)
def test_bad_text_gives_examples(text):
    with pytest.raises(PeriodError) as e:
        parse_period(text)
    assert "无法识别的期间" in str(e.value) and "2026Q3" in str(e.value)


def test_range_backwards():
    with pytest.raises(PeriodError, match="ends before it starts"):
        parse_period("2026-09-30..2026-07-01")


def test_half_open_and_last_day():
    p = parse_period("2026Q3")
    assert p.start <= T(2026, 9, 30, 23, 59, 59) < p.end
    assert not (T(2026, 10, 1) < p.end)
    assert p.last_day == dt.date(2026, 9, 30)
    assert str(p) == "2026Q3"


@pytest.mark.parametrize(
    "text,label,start,end",
    [
        ("2026Q3", "2026Q2", T(2026, 4, 1), T(2026, 7, 1)),
        ("2026Q1", "2025Q4", T(2025, 10, 1), T(2026, 1, 1)),
        ("2026-03", "2026-02", T(2026, 2, 1), T(2026, 3, 1)),
        ("2026-01", "2025-12", T(2025, 12, 1), T(2026, 1, 1)),
        ("2026", "2025", T(2025, 1, 1), T(2026, 1, 1)),
        # two whole months: the two months before
        ("2026-07-01..2026-08-31", "2026-05-01..2026-06-30", T(2026, 5, 1), T(2026, 7, 1)),
        # ten days: the ten days before
        ("2026-07-11..2026-07-20", "2026-07-01..2026-07-10", T(2026, 7, 1), T(2026, 7, 11)),
    ],
)
def test_previous(text, label, start, end):
    assert previous(parse_period(text)) == Period(start, end, label)
