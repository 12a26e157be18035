"""Each finding's life across runs (RULES.md "Lifecycle"): the frames behind
`Run.lifecycle()`, the audit's summary line, the report's 整改跟踪 and the score sheet."""

from __future__ import annotations

import duckdb
import pandas as pd

from ..rules.catalogue import rule_text
from .labels import STATUS_ZH
from .views import finding_status_sql

STATUSES = tuple(STATUS_ZH)


def lifecycle(con: duckdb.DuckDBPyConnection, run_id: str) -> pd.DataFrame:
    """One row per finding key of the run's lifecycle (finding_status), with the rule title
    and unit name; read from the recorded tables, so runs of any zfaudit version read alike."""
    df = con.execute(
        f"""SELECT s.finding_key, s.rule_id, s.unit_id, u.unit_name, s.status, s.outcome,
                   s.previous_run_id
            FROM ({finding_status_sql()}) AS s LEFT JOIN units AS u USING (unit_id)
            WHERE s.run_id = ?
            ORDER BY s.rule_id, s.unit_id, s.finding_key""", [run_id]).df()
    df.insert(2, "rule_title", [rule_text(r)[0] for r in df.rule_id])
    df.insert(df.columns.get_loc("status") + 1, "status_zh", df.status.map(STATUS_ZH))
    return df


def status_counts(con: duckdb.DuckDBPyConnection, run_id: str) -> dict[str, int]:
    """status → number of finding keys, every status present (0 when none)."""
    rows = con.execute(
        f"SELECT status, count(*) FROM ({finding_status_sql()}) WHERE run_id = ? GROUP BY status",
        [run_id]).fetchall()
    got = dict(rows)
    return {s: int(got.get(s, 0)) for s in STATUSES}


def unit_counts(con: duckdb.DuckDBPyConnection, run_id: str) -> pd.DataFrame:
    """Per unit: the number of finding keys in each status (新发现 / 持续存在 / 已整改 …)."""
    cols = ", ".join(f"count(*) FILTER (status = '{s}') AS {s}" for s in STATUSES)
    return con.execute(
        f"""SELECT s.unit_id, u.unit_name, {cols}
            FROM ({finding_status_sql()}) AS s LEFT JOIN units AS u USING (unit_id)
            WHERE s.run_id = ?
            GROUP BY s.unit_id, u.unit_name ORDER BY s.unit_id NULLS LAST""", [run_id]).df()


def summary_line(con: duckdb.DuckDBPyConnection, run: dict) -> str | None:
    """'与上一批次 … 相比：新发现 3，持续存在 5 …' — None when the run has no previous run."""
    prev = run.get("previous_run_id")
    if prev is None or (isinstance(prev, float) and prev != prev):
        return None
    n = status_counts(con, run["run_id"])
    zh = "，".join(f"{STATUS_ZH[s]} {n[s]}" for s in STATUSES)
    en = ", ".join(f"{s} {n[s]}" for s in STATUSES)
    return f"与上一批次 {prev} 相比：{zh} / against the previous run {prev}: {en}"
