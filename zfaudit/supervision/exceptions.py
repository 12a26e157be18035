"""The exceptions register as a run judged it (run_exceptions / exception_status): the
frames behind `Run.exceptions()`, `zfaudit exceptions list`, the report's 例外情况 and the
score sheet's 例外登记 sheet. Names are masked unless asked."""

from __future__ import annotations

import duckdb
import pandas as pd

from ..masking import mask_frame
from ..pii import frame_scrubber
from ..rules.catalogue import rule_text
from .labels import EXCEPTION_STATUS_ZH, reason_zh

COLUMNS = (
    "exception_id", "rule_id", "rule_title", "finding_key", "unit_id", "unit_name", "reason",
    "reason_zh", "status", "status_zh", "note", "document_no", "requested_by", "requested_at",
    "approved_by", "approved_at",
)


def exception_rows(con: duckdb.DuckDBPyConnection, run_id: str, unmasked: bool = False
                   ) -> pd.DataFrame:
    """Every register row with its status in the run, applied first (a fixed column order)."""
    df = con.execute(
        """SELECT x.*, u.unit_name FROM run_exceptions AS x LEFT JOIN units AS u USING (unit_id)
           WHERE x.run_id = ?
           ORDER BY x.status <> 'applied', x.rule_id, x.exception_id""", [run_id]).df()
    df["rule_title"] = [rule_text(r)[0] for r in df.rule_id]
    df["reason_zh"] = pd.Series([reason_zh(r) for r in df.reason], index=df.index, dtype=object)
    df["status_zh"] = df.status.map(EXCEPTION_STATUS_ZH)
    df = df[list(COLUMNS)]
    if unmasked or df.empty:
        return df
    out = mask_frame(df)
    items = con.execute("""SELECT e.case_id, e.step_id, e.media_id, e.access_id FROM exceptions AS e
                           JOIN run_exceptions AS x USING (exception_id) WHERE x.run_id = ?""",
                        [run_id]).df()
    scrub = frame_scrubber(con, items)  # the note is free text about its item
    # free text: the names its items could quote are masked, the explanation stays readable
    out["note"] = pd.Series([scrub(v) for v in df.note], index=out.index, dtype=object)
    return out


def reason_counts(con: duckdb.DuckDBPyConnection, run_id: str) -> pd.DataFrame:
    """Per rule and reason: register rows, applied, and not applied (with why, in Chinese)."""
    df = con.execute(
        """SELECT rule_id, reason, count(*) AS exceptions,
                  count(*) FILTER (status = 'applied') AS applied,
                  count(*) FILTER (status <> 'applied') AS not_applied
           FROM run_exceptions WHERE run_id = ?
           GROUP BY rule_id, reason ORDER BY rule_id, reason NULLS LAST""", [run_id]).df()
    df.insert(1, "rule_title", [rule_text(r)[0] for r in df.rule_id])
    df.insert(3, "reason_zh", pd.Series([reason_zh(r) for r in df.reason], index=df.index,
                                        dtype=object))
    return df
