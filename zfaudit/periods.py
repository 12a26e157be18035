"""Audit periods from short text: `2026Q3`, `2026-07`, `2026`, `2026-07-01..2026-09-30`,
`last-quarter`, `this-quarter`, `last-month`, `this-month`, `last-year`, `this-year`.

A period is half-open, [start, end): `2026Q3` ends at 2026-10-01 00:00, so a step started at
2026-09-30 23:59:59 is in it and one at 2026-10-01 00:00:00 is not.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from .errors import AuditError, PeriodError, option

EXAMPLES = "2026Q3, 2026-07, 2026, 2026-07-01..2026-09-30, last-quarter, this-quarter, last-month"


@dataclass(frozen=True)
class Period:
    start: dt.datetime
    end: dt.datetime  # exclusive
    label: str

    @property
    def last_day(self) -> dt.date:
        """The last calendar day inside the period (for display: 2026-07-01 至 2026-09-30)."""
        return (self.end - dt.timedelta(microseconds=1)).date()

    def __str__(self) -> str:
        return self.label


def _month_start(year: int, month: int) -> dt.datetime:
    # month may run past 12 or below 1: normalise into the right year
    year += (month - 1) // 12
    month = (month - 1) % 12 + 1
    return dt.datetime(year, month, 1)


def _quarter(year: int, q: int) -> Period:
    start = _month_start(year, 3 * (q - 1) + 1)
    return Period(start, _month_start(year, 3 * q + 1), f"{start.year}Q{(start.month - 1) // 3 + 1}")


def _month(year: int, month: int) -> Period:
    start = _month_start(year, month)
    return Period(start, _month_start(start.year, start.month + 1), f"{start:%Y-%m}")


def _year(year: int) -> Period:
    return Period(dt.datetime(year, 1, 1), dt.datetime(year + 1, 1, 1), str(year))


def _range(first: dt.date, last: dt.date) -> Period:
    return Period(
        dt.datetime.combine(first, dt.time()),
        dt.datetime.combine(last + dt.timedelta(days=1), dt.time()),
        f"{first:%Y-%m-%d}..{last:%Y-%m-%d}",
    )


def _date(text: str) -> dt.date:
    m = re.fullmatch(r"(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})", text.strip())
    if not m:
        raise ValueError(text)
    return dt.date(int(m[1]), int(m[2]), int(m[3]))


def _error(text: str) -> PeriodError:
    return PeriodError(f"无法识别的期间 {text!r}，示例：{EXAMPLES} / cannot parse period {text!r}; examples: {EXAMPLES}")


def parse_period(text: str, today: dt.date | None = None) -> Period:
    """Parse a period; relative names (last-quarter, …) count from `today` (default: today)."""
    raw = text
    t = str(text).strip().lower().replace("_", "-").replace(" ", "")
    today = today or dt.date.today()
    q_now = (today.month - 1) // 3 + 1
    relative = {
        "this-quarter": lambda: _quarter(today.year, q_now),
        "last-quarter": lambda: _quarter(today.year, q_now - 1),
        "this-month": lambda: _month(today.year, today.month),
        "last-month": lambda: _month(today.year, today.month - 1),
        "this-year": lambda: _year(today.year),
        "last-year": lambda: _year(today.year - 1),
    }
    if t in relative:
        return relative[t]()
    try:
        if m := re.fullmatch(r"(\d{4})-?q([1-4])", t):
            return _quarter(int(m[1]), int(m[2]))
        if m := re.fullmatch(r"(\d{4})-(\d{1,2})", t):
            if not 1 <= int(m[2]) <= 12:
                raise ValueError(t)
            return _month(int(m[1]), int(m[2]))
        if re.fullmatch(r"\d{4}", t):
            return _year(int(t))
        if ".." in t:
            a, b = t.split("..", 1)
            first, last = _date(a), _date(b)
            if last < first:
                raise PeriodError(
                    f"期间结束日早于开始日 {raw!r} / period ends before it starts: {raw!r}"
                )
            return _range(first, last)
    except ValueError as e:
        raise _error(raw) from e
    raise _error(raw)


def _kind(start: dt.datetime, end: dt.datetime) -> tuple[str, dt.datetime, dt.datetime]:
    """('quarter' | 'month' | 'year' | 'span', start, last instant inside) of a recorded
    [start, end): the one classification both labels write out."""
    s, e = _naive(start), _naive(end)
    aligned = s.day == 1 and e.day == 1 and s.time() == dt.time() and e.time() == dt.time()
    months = (e.year - s.year) * 12 + e.month - s.month
    if aligned and months == 3 and s.month % 3 == 1:
        kind = "quarter"
    elif aligned and months == 1:
        kind = "month"
    elif aligned and months == 12 and s.month == 1:
        kind = "year"
    else:
        kind = "span"
    return kind, s, e - dt.timedelta(seconds=1)


def label(start: dt.datetime, end: dt.datetime) -> str:
    """The label of a recorded [start, end): '2026Q3', '2026-07', '2026' for aligned periods,
    else 'YYYY-MM-DD~YYYY-MM-DD' (the last day inside)."""
    kind, s, last = _kind(start, end)
    return {"quarter": f"{s.year}Q{(s.month - 1) // 3 + 1}", "month": f"{s.year}-{s.month:02d}",
            "year": f"{s.year}", "span": f"{s:%Y-%m-%d}~{last:%Y-%m-%d}"}[kind]


QUARTER_ZH = ("一", "二", "三", "四")


def date_zh(d: dt.date | dt.datetime) -> str:
    """2026年10月9日 — how a bureau's documents write a date."""
    return f"{d.year}年{d.month}月{d.day}日"


def label_zh(start: dt.datetime, end: dt.datetime) -> str:
    """The period as a bureau writes it: 2026年第三季度, 2026年7月, 2026年, or
    2026年7月1日至2026年9月30日 (the last day inside)."""
    kind, s, last = _kind(start, end)
    return {"quarter": f"{s.year}年第{QUARTER_ZH[(s.month - 1) // 3]}季度",
            "month": f"{s.year}年{s.month}月", "year": f"{s.year}年",
            "span": f"{date_zh(s)}至{date_zh(last)}"}[kind]


def recorded(start: dt.datetime, end: dt.datetime) -> Period:
    """A Period from a run's recorded bounds (audit_runs.period_start / period_end)."""
    s, e = _naive(start), _naive(end)
    return Period(s, e, label(s, e))


def _naive(v: dt.datetime | dt.date) -> dt.datetime:
    # pandas Timestamps and dates from query results become plain datetimes
    if isinstance(v, dt.datetime):
        return dt.datetime(v.year, v.month, v.day, v.hour, v.minute, v.second, v.microsecond)
    return dt.datetime(v.year, v.month, v.day)


def previous(period: Period) -> Period:
    """The period of the same length just before: 2026Q3 → 2026Q2, 2026-03 → 2026-02,
    2026 → 2025; a span of whole months shifts by months, any other span by its length."""
    s, e = period.start, period.end
    aligned = s.day == 1 and e.day == 1 and s.time() == dt.time() and e.time() == dt.time()
    months = (e.year - s.year) * 12 + e.month - s.month
    if aligned and months > 0:
        start = _month_start(s.year, s.month - months)
        if months == 3 and s.month % 3 == 1:
            return _quarter(start.year, (start.month - 1) // 3 + 1)
        if months == 1:
            return _month(start.year, start.month)
        if months == 12 and s.month == 1:
            return _year(start.year)
        return _range(start.date(), (s - dt.timedelta(days=1)).date())
    length = e - s
    start = s - length
    if s.time() == dt.time() and e.time() == dt.time():
        return _range(start.date(), (s - dt.timedelta(days=1)).date())
    return Period(start, s, f"{start:%Y-%m-%d %H:%M}..{s:%Y-%m-%d %H:%M}")


def parse_as_of(value: str | dt.datetime | dt.date | None) -> dt.datetime:
    """as_of as naive China local time, whole seconds; default now."""
    if value is None:
        return dt.datetime.now().replace(microsecond=0)
    if isinstance(value, dt.datetime):
        return value.replace(microsecond=0, tzinfo=None)
    if isinstance(value, dt.date):
        return dt.datetime.combine(value, dt.time())
    try:
        return dt.datetime.fromisoformat(str(value).strip()).replace(microsecond=0, tzinfo=None)
    except ValueError as e:
        raise AuditError(
            f"无法识别的 as-of 时间 / cannot read {option('as_of')} {value!r}: use 2026-11-25 or "
            "'2026-11-25 10:15:00'"
        ) from e
