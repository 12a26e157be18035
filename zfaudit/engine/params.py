"""Profile parameters and audit scope as tables in schema `audit`, which every rule SQL reads.

Rule SQL files never contain profile literals: they join these tables, so one SQL file serves
all five profiles (and a bureau's own).

    audit.scope        one row: period_start, period_end, as_of, media_store_checked
    audit.settings     one row: the profile's scalar parameters (columns below)
    audit.stages       one row per stage the profile lists: req, photo, rec, full_rec, notice
    audit.field_stages the FIELD stage set of RULES.md
    audit.calendar_seq every calendar day with workday_seq = workdays on or before that day
    audit.media_files  media_id, present, sha256_actual (the digest, by the recorded one's
                       algorithm), problem (only when a media store is given)

Then the SQL the rules share (zfaudit/rules/shared/*.sql, one object a file, dbt-style staging
models; docs/engine.md), installed before any rule runs:

    audit.media_linked   view: every media item with its unit and dangling-reference flags
    audit.with_due_at    table macro: due_at of an event under an hours/days/working-days deadline
"""

from __future__ import annotations

import datetime as dt

import duckdb

from ..profiles import DEADLINES, FIELD_STAGES, LONG_TERM_TRIGGERS, STAGE_MARKS, Profile
from ..rules.catalogue import shared_models


def _deadline(profile: Profile, name: str) -> dict:
    d = profile.get(f"deadlines.{name}") or {}
    return {
        f"{name}_hours": d.get("hours"),
        f"{name}_days": d.get("days"),
        f"{name}_working_days": d.get("working_days"),
    }


def settings_row(profile: Profile) -> dict:
    """The profile's scalar parameters, one column each (None where the profile has none)."""
    row: dict = {
        "profile": profile.name,
        "simple_decision_notice": bool(profile.get("simple_decision_notice", False)),
        "obstructed_field_full": bool(profile.get("obstructed_field_full", False)),
        "gap_tolerance_seconds": int(profile.get("gap_tolerance_seconds", 120)),
        "six_month_floor": bool(profile.get("keeping.six_month_floor", False)),
        "floor_months": int(profile.get("keeping.six_month_floor_months", 6)),
        "view_needs_approval": bool(profile.get("access.view_needs_approval", False)),
        "full_register": bool(profile.get("access.full_register", False)),
    }
    for name in DEADLINES:
        row.update(_deadline(profile, name))
    triggers = set(profile.get("keeping.long_term_triggers", []) or [])
    for t in LONG_TERM_TRIGGERS:
        row[f"lt_{t}"] = t in triggers
    return row


def install_params(
    con: duckdb.DuckDBPyConnection,
    profile: Profile,
    period_start: dt.datetime,
    period_end: dt.datetime,
    as_of: dt.datetime,
    media_files: list[tuple] | None = None,
) -> None:
    """(Re)create the `audit` schema tables for one run. Uses the caller's transaction."""
    con.execute("CREATE SCHEMA IF NOT EXISTS audit")
    con.execute(
        "CREATE OR REPLACE TABLE audit.scope AS SELECT ?::TIMESTAMP AS period_start, "
        "?::TIMESTAMP AS period_end, ?::TIMESTAMP AS as_of, ?::BOOLEAN AS media_store_checked",
        [period_start, period_end, as_of, media_files is not None],
    )
    row = settings_row(profile)
    cols = ", ".join(f"?::{_sql_type(k, v)} AS {k}" for k, v in row.items())
    con.execute(f"CREATE OR REPLACE TABLE audit.settings AS SELECT {cols}", list(row.values()))
    con.execute(
        "CREATE OR REPLACE TABLE audit.stages (stage VARCHAR, req BOOLEAN, photo BOOLEAN, "
        "rec BOOLEAN, full_rec BOOLEAN, notice BOOLEAN)"
    )
    stage_rows = [
        (stage, *[(m in marks) for m in STAGE_MARKS]) for stage, marks in profile.stages.items()
    ]
    if stage_rows:
        con.executemany("INSERT INTO audit.stages VALUES (?, ?, ?, ?, ?, ?)", stage_rows)
    con.execute("CREATE OR REPLACE TABLE audit.field_stages (stage VARCHAR)")
    con.executemany("INSERT INTO audit.field_stages VALUES (?)", [(s,) for s in FIELD_STAGES])
    con.execute(
        "CREATE OR REPLACE TABLE audit.calendar_seq AS SELECT date, is_workday, "
        "sum(is_workday::INT) OVER (ORDER BY date) AS workday_seq FROM calendar"
    )
    con.execute(
        "CREATE OR REPLACE TABLE audit.media_files "
        "(media_id VARCHAR, present BOOLEAN, sha256_actual VARCHAR, problem VARCHAR)"
    )
    if media_files:
        # (media_id, present, digest[, problem]): the problem is optional for callers
        rows = [tuple(r) + (None,) * (4 - len(r)) for r in media_files]
        con.executemany("INSERT INTO audit.media_files VALUES (?, ?, ?, ?)", rows)
    install_shared(con)


def install_shared(con: duckdb.DuckDBPyConnection) -> None:
    """(Re)create the shared views and macros of zfaudit/rules/shared, in file-name order.
    Uses the caller's transaction."""
    for _, sql in shared_models():
        con.execute(sql)


def _sql_type(name: str, v: object) -> str:
    if isinstance(v, bool):
        return "BOOLEAN"
    if name.endswith(("_hours", "_days", "_seconds", "_months")):
        return "INTEGER"  # typed even when NULL, so rule SQL can do arithmetic with it
    return "VARCHAR"
