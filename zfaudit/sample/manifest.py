"""The list of deliberately injected defects (`_injected.csv`), collected chunk by chunk.

Columns: rule_id, outcome (violation / advisory / dq / quarantine), table, item_id, officer_id
(ZF02 items are (step, officer)), line (quarantined rows: the file line), scope_at (the item's
own time that puts it in an audit period, per RULES.md "Scope"), requires ("media_store" when
the finding needs the media store mounted), note. Rows of `_injected_other_profiles.csv` carry a
`profile` column: defects that are findings under another profile only, not under zhuzhou_cgzf.
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa

from .format import fmt_ts

COLUMNS = ["rule_id", "outcome", "table", "item_id", "officer_id", "line", "scope_at", "requires", "note"]


class Manifest:
    def __init__(self, profile_column: bool = False):
        self.parts: list[pa.Table] = []
        self.profile_column = profile_column

    def add(self, rule_id: str, outcome: str, table: str, item_ids, scope=None, note: str = "",
            officer_ids=None, lines=None, requires: str = "", profile: str | None = None) -> None:
        ids = item_ids if isinstance(item_ids, pa.Array) else pa.array(list(item_ids), pa.string())
        n = len(ids)
        if n == 0:
            return
        cols = {
            "rule_id": pa.array([rule_id] * n, pa.string()),
            "outcome": pa.array([outcome] * n, pa.string()),
            "table": pa.array([table] * n, pa.string()),
            "item_id": ids.cast(pa.string()),
            "officer_id": pa.array([None] * n, pa.string()) if officer_ids is None
            else pa.array(list(officer_ids), pa.string()),
            "line": pa.array([None] * n, pa.int64()) if lines is None else pa.array(list(lines), pa.int64()),
            "scope_at": pa.array([None] * n, pa.string()) if scope is None
            else fmt_ts(np.asarray(scope, dtype=np.int64), "iso"),
            "requires": pa.array([requires or None] * n, pa.string()),
            "note": pa.array([note] * n, pa.string()),
        }
        if self.profile_column:
            cols["profile"] = pa.array([profile] * n, pa.string())
        self.parts.append(pa.table(cols))

    def take(self) -> pa.Table | None:
        """The rows added since the last take (for chunked writing)."""
        if not self.parts:
            return None
        t = pa.concat_tables(self.parts)
        self.parts = []
        return t
