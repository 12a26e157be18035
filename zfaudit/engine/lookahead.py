"""Deadline warnings (超期预警, RULES.md "Supervision cycle"): `zfaudit warn`.

As of an instant, for the deadline rules the profile runs (yaml `deadline: true`: ZF04 upload,
ZF05 archive, ZF14 emergency approval), every item whose event lies in [as_of − lookback, as_of]
and whose act is not done as of as_of: red (红牌) when due_at < as_of, yellow (黄牌) when
as_of ≤ due_at ≤ as_of + within.

The rules' own SQL computes the items and due times (one definition: a warning's due time is
the later audit's). It runs in an in-memory catalog over the database opened read-only — the
profile's parameter tables and the shared models live in memory, the contract tables are views
of the file — so `warn` records nothing, needs no write lock and never imports GX. When another
process holds the write lock (a load or an audit running), it reads a snapshot copy of the file.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import re
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import duckdb
import pandas as pd

from ..contract import contract
from ..db import attach, check_db_path
from ..errors import DatabaseLockedError, ZfauditError, option
from ..periods import parse_as_of
from ..profiles import Profile, get_profile
from ..rules.catalogue import Rule, catalogue
from ..workdays import ensure_years
from .params import install_params

LEVEL_ZH = {"red": "红牌（已超期）", "yellow": "黄牌（即将到期）"}
COLUMNS = (
    "level", "level_zh", "unit_id", "unit_name", "rule_id", "rule_title", "finding_key",
    "case_id", "media_id", "officer_id", "officer_name", "event_zh", "event_at", "due_at",
    "hours_left", "time_text", "action_zh",
)
MAX_DAYS = 3660  # ten years: a look-back or window beyond it is a typing error
_DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(d|day|days|天|h|hour|hours|小时)\s*$", re.I)


def parse_duration(text: str | dt.timedelta, what: str) -> dt.timedelta:
    """'2d', '48h', '90天' → timedelta."""
    if isinstance(text, dt.timedelta):
        return text
    m = _DURATION.match(str(text))
    if not m:
        raise ZfauditError(f"无法识别的时长 {what}={text!r}，请写作 2d、48h 或 90d / cannot read "
                           f"{what} {text!r}: use 2d, 48h or 90d")
    n, unit = float(m.group(1)), m.group(2).lower()
    days = n if unit in ("d", "day", "days", "天") else n / 24
    if days > MAX_DAYS:
        raise ZfauditError(f"时长 {what}={text!r} 过长（最多 {MAX_DAYS} 天）/ {what} {text!r} is too "
                           f"long (at most {MAX_DAYS} days)")
    return dt.timedelta(days=days)


def deadline_rules(profile: Profile) -> list[Rule]:
    """The profile's deadline rules, in its order."""
    known = catalogue()
    return [known[r.lower()] for r in profile.rules
            if r.lower() in known and known[r.lower()].is_deadline]


def warnings(db: str | Path, profile: str | Path | Profile, as_of: str | dt.datetime | None = None,
             within: str | dt.timedelta = "2d", lookback: str | dt.timedelta = "90d",
             unit: str | None = None) -> pd.DataFrame:
    """Red and yellow items as of `as_of` (default now), one row each (COLUMNS order), red
    first, then by due time. Officer names are not masked here (callers mask)."""
    prof = get_profile(profile)
    at = parse_as_of(as_of)
    ahead, back = parse_duration(within, "within"), parse_duration(lookback, "lookback")
    if not dt.datetime(1950, 1, 1) + back <= at <= dt.datetime(2200, 1, 1) - ahead:
        raise ZfauditError(f"{option('as_of')} {at:%Y-%m-%d} 与时间窗不在可计算的范围内 / "
                           f"{option('as_of')} {at:%Y-%m-%d} "
                           "with this window is outside the years zfaudit can compute")
    rules = deadline_rules(prof)
    about = {"bureau": getattr(prof, "title", None) or "", "as_of": at}  # for the printed title
    if not rules:
        empty = pd.DataFrame(columns=list(COLUMNS))
        empty.attrs.update(about)
        return empty
    with _reading(Path(db)) as con:
        _install(con, prof, at - back, at, ahead)
        frames = [_rule_warnings(con, r, at, ahead, unit) for r in rules]
    df = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=list(COLUMNS))
    df = df.sort_values(["level", "due_at", "finding_key"], ascending=[True, True, True],
                        key=lambda s: s.map({"red": 0, "yellow": 1}) if s.name == "level" else s)
    out = df.reset_index(drop=True)[list(COLUMNS)]
    out.attrs.update(about)
    return out


@contextlib.contextmanager
def _reading(db: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    """An in-memory connection with the file attached read-only as `zf` (a snapshot copy when
    another process holds the write lock); the memory catalog is the current one."""
    check_db_path(db)
    if not db.is_file():
        raise ZfauditError(f"数据库不存在 / database not found: {db}")
    con = duckdb.connect(":memory:")
    tmp = None
    try:
        try:
            attach(con, db, "zf", read_only=True)
        except DatabaseLockedError:
            tmp = tempfile.TemporaryDirectory(prefix="zfaudit-warn-")
            copy = Path(tmp.name) / "snapshot.duckdb"
            shutil.copyfile(db, copy)
            wal = db.with_name(db.name + ".wal")
            if wal.exists():
                shutil.copyfile(wal, copy.with_name(copy.name + ".wal"))
            attach(con, copy, "zf", read_only=True)
        yield con
    finally:
        con.close()
        if tmp is not None:
            tmp.cleanup()


def _install(con: duckdb.DuckDBPyConnection, prof: Profile, start: dt.datetime, at: dt.datetime,
             ahead: dt.timedelta) -> None:
    """The rules' world in memory: views of the contract tables, a calendar copy completed
    with the years the window needs, the profile's parameter tables and shared models."""
    con.execute("USE memory")
    present = {r[0] for r in con.execute(
        "SELECT table_name FROM duckdb_tables() WHERE database_name = 'zf' AND schema_name = 'main'"
    ).fetchall()}
    for name, table in contract().tables.items():
        # a table a database made by an older zfaudit lacks is empty, as it would be there
        con.execute(f"CREATE VIEW {name} AS SELECT * FROM zf.main.{name}" if name in present
                    else table.ddl(name))
    con.execute("CREATE TABLE calendar (date DATE PRIMARY KEY, is_workday BOOLEAN, "
                "holiday_name VARCHAR, source VARCHAR)")
    con.execute("INSERT INTO calendar SELECT * FROM zf.main.calendar")
    # a warning needs due times up to as_of + within only: a due time beyond the calendar is
    # beyond that window (not yellow, not red), so next year's calendar is not needed until
    # the window reaches it
    ensure_years(con, range(start.year, (at + ahead).year + 1))
    # events in [as_of − lookback, as_of]: the rule's half-open scope ends just after as_of
    install_params(con, prof, start, at + dt.timedelta(microseconds=1), at, None)


def _rule_warnings(con: duckdb.DuckDBPyConnection, rule: Rule, at: dt.datetime,
                   ahead: dt.timedelta, unit: str | None) -> pd.DataFrame:
    ev = rule.meta["deadline_event"]
    table, key, column = ev["table"], ev["key"], ev["column"]
    df = con.execute(f"""
        WITH items AS ({rule.sql}),
        flagged AS (
            SELECT *,
                   CASE WHEN outcome = 'violation' AND (observed_at IS NULL OR observed_at > $at)
                        THEN 'red'
                        WHEN outcome = 'pending' AND due_at <= $until THEN 'yellow' END AS level
            FROM items
        )
        SELECT f.level, f.unit_id, u.unit_name, f.rule_id, {rule.finding_key_sql('f')} AS finding_key,
               f.case_id, f.media_id, f.officer_id, o.name AS officer_name, e.{column} AS event_at,
               f.due_at, round(date_diff('second', $at, f.due_at) / 3600.0, 2) AS hours_left
        FROM flagged AS f
        LEFT JOIN {table} AS e ON e.{key} = f.{key}
        LEFT JOIN units AS u ON u.unit_id = f.unit_id
        LEFT JOIN officers AS o ON o.officer_id = f.officer_id
        WHERE f.level IS NOT NULL AND (CAST($unit AS VARCHAR) IS NULL OR f.unit_id = CAST($unit AS VARCHAR))""",
        {"at": at, "until": at + ahead, "unit": unit}).df()
    df["level_zh"] = df.level.map(LEVEL_ZH)
    df["rule_title"] = rule.title_zh
    df["event_zh"] = ev.get("label_zh", column)
    df["action_zh"] = rule.meta.get("action_zh", "")
    df["time_text"] = [time_text(lv, h) for lv, h in zip(df.level, df.hours_left, strict=True)]
    return df


def time_text(level: str, hours: float) -> str:
    """'已超期 3天2小时' / '剩余 45分钟': the words follow the level (a red item is late even
    when it is a fraction of a minute past due); minutes under an hour, days past two days."""
    h = abs(float(hours))
    if h < 1:
        span = f"{max(round(h * 60), 1)}分钟"
    elif h < 48:
        span = f"{h:.1f}小时"
    else:
        days, rest = divmod(round(h), 24)
        span = f"{days}天" + (f"{rest}小时" if rest else "")
    return ("已超期 " if level == "red" else "剩余 ") + span


def duration_zh(text: str | dt.timedelta) -> str:
    """'2d' → '2天', '48h' → '48小时' (for messages)."""
    d = parse_duration(text, "within")
    hours = d.total_seconds() / 3600
    return f"{hours / 24:g}天" if hours % 24 == 0 else f"{hours:g}小时"
