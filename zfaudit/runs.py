"""Recorded audit runs (`audit_runs`): finding one, the latest, the previous period's, and
what each recorded — its profile as audited, its period label.

Every reader of a run goes through here, so "latest" means the same thing everywhere.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import duckdb

from .db import connect
from .errors import AuditError
from .periods import label, parse_period, previous, recorded
from .rules.catalogue import DQ_RULES

NEWEST_FIRST = "coalesce(finished_at, started_at) DESC, run_id DESC"  # what "latest" means
_NEWEST = f"ORDER BY {NEWEST_FIRST}"

Db = str | Path | duckdb.DuckDBPyConnection  # a database file, or a connection already open


@contextmanager
def reading(db: Db) -> Iterator[duckdb.DuckDBPyConnection]:
    """The connection given, or the file opened read-only for the duration."""
    if isinstance(db, duckdb.DuckDBPyConnection):
        yield db
    else:
        with connect(db, read_only=True) as con:
            yield con


def profile_name(profile: str | Path | None) -> str | None:
    """The name runs are recorded under: a shipped name as it is, a profile file's own name
    (`--profile my_bureau.yaml` finds the runs audited with that file)."""
    if profile is None:
        return None
    text = str(profile)
    if "/" in text or "\\" in text or text.endswith((".yaml", ".yml")):
        from .profiles import get_profile

        return get_profile(text).name
    return text


def find_run(
    db: Db,
    run: str = "latest",
    profile: str | Path | None = None,
    period: tuple[dt.datetime, dt.datetime] | str | None = None,
) -> dict:
    """The audit_runs row of `run` ('latest' = the newest matching profile and period) as a
    dict, with its period `label`. `profile` may be a profile file (its recorded name is
    used); `period` (start, end) or text ('2026Q3')."""
    profile = profile_name(profile)
    if isinstance(period, str):
        p = parse_period(period)
        period = (p.start, p.end)
    where, params = ["TRUE"], []
    if run and run != "latest":
        where.append("run_id = ?")
        params.append(run)
    if profile:
        where.append("profile = ?")
        params.append(profile)
    if period:
        where += ["period_start = ?", "period_end = ?"]
        params += [period[0], period[1]]
    with reading(db) as con:
        df = con.execute(
            f"SELECT * FROM audit_runs WHERE {' AND '.join(where)} {_NEWEST} LIMIT 1", params
        ).df()
    if df.empty:
        what = run if run and run != "latest" else "latest"
        raise AuditError(
            f"找不到审计批次 / no audit run {what}"
            + (f" for profile {profile}" if profile else "")
            + (f" for period {label(*period)}" if period else "")
            + ("" if profile or period else ": run zfaudit audit first")
        )
    return _with_label(df.iloc[0].to_dict())


def previous_run(db: Db, run: dict) -> dict | None:
    """The newest run of the same profile for the period just before this one
    (zfaudit.periods.previous: 2026Q3 → 2026Q2), or None."""
    before = previous(recorded(run["period_start"], run["period_end"]))
    with reading(db) as con:
        df = con.execute(
            f"SELECT * FROM audit_runs WHERE profile = ? AND period_start = ? AND period_end = ? "
            f"{_NEWEST} LIMIT 1",
            [run["profile"], before.start, before.end],
        ).df()
    return None if df.empty else _with_label(df.iloc[0].to_dict())


def _with_label(row: dict) -> dict:
    row["label"] = label(row["period_start"], row["period_end"])
    return row


def load_ids(run: dict) -> list[int]:
    """The loads the run read (audit_runs.load_ids): a list, whatever pandas made of the
    array (a numpy array has no truth value, so `or []` would fail on two loads)."""
    ids = run.get("load_ids")
    if ids is None or (isinstance(ids, float) and ids != ids):
        return []
    return [int(i) for i in list(ids)]


def run_warnings(run: dict) -> list[str]:
    """What the audit said it could not check (audit_runs.warnings; none for older runs)."""
    ws = run.get("warnings")
    if ws is None or (isinstance(ws, float) and ws != ws):
        return []
    return [str(w) for w in list(ws)]


def recorded_profile(run: dict) -> dict:
    """The resolved profile the run was audited with (audit_runs.profile_json)."""
    try:
        return json.loads(run.get("profile_json") or "{}")
    except json.JSONDecodeError:
        return {}


def profile_rules(run: dict) -> tuple[list[str], dict[str, float], dict[str, str]]:
    """(ZF rules run, weights, clauses) from the run's recorded profile."""
    prof = recorded_profile(run)
    rules = [r.upper() for r in prof.get("rules") or [] if r.upper() not in DQ_RULES]
    weights = {k.upper(): float(v) for k, v in (prof.get("weights") or {}).items() if v is not None}
    clauses = {k.upper(): str(v) for k, v in (prof.get("clauses") or {}).items()}
    return rules, weights, clauses
