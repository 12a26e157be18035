"""The personal values free text about some items could quote, for masking that text.

Finding details are written by the rules' SQL from the item's own records (its case, step,
media item, access, officers); notes in the office's records are written by people. A
Scrubber over *every* personal value in the database costs in proportion to the database
(a million party names); this one holds only what the shown rows could quote: every officer's
name and the people in the office's own records (a bureau's staff: small), and the personal
columns of the shown items' own cases, media items and accesses. Which columns are personal
comes from the contract (`pii: true`), so a new one is covered without a change here.
"""

from __future__ import annotations

from collections.abc import Iterable

import duckdb

from .contract import contract
from .masking import Scrubber

MIN_LENGTH = 2  # a one-character value would mask ordinary words


def _ids(values: Iterable[object]) -> list[str]:
    return sorted({str(v) for v in values if isinstance(v, str) and v})


def personal_values(con: duckdb.DuckDBPyConnection, case_ids: Iterable[object] = (),
                    media_ids: Iterable[object] = (), step_ids: Iterable[object] = (),
                    access_ids: Iterable[object] = ()) -> list[str]:
    """The values, longest first (张三丰 must be replaced before 张三)."""
    params = {"cases": _ids(case_ids), "media": _ids(media_ids), "steps": _ids(step_ids),
              "access": _ids(access_ids)}
    # the items' own records: cases named or reached through a step or a media item; media
    # items named or of those cases; accesses named or of those media items
    scope = """
        WITH cs AS (
            SELECT unnest($cases) AS case_id
            UNION SELECT s.case_id FROM steps AS s JOIN (SELECT unnest($steps) AS step_id) USING (step_id)
            UNION SELECT m.case_id FROM media AS m JOIN (SELECT unnest($media) AS media_id) USING (media_id)
        ), md AS (
            SELECT unnest($media) AS media_id
            UNION SELECT m.media_id FROM media AS m SEMI JOIN cs USING (case_id)
        ), ac AS (
            SELECT unnest($access) AS access_id
            UNION SELECT a.access_id FROM media_access AS a SEMI JOIN md USING (media_id)
        )"""
    where = {"cases": "SEMI JOIN cs USING (case_id)", "media": "SEMI JOIN md USING (media_id)",
             "media_access": "SEMI JOIN ac USING (access_id)"}
    present = {r[0] for r in con.execute(
        "SELECT table_name FROM duckdb_tables() WHERE database_name = current_database() "
        "AND schema_name = 'main'").fetchall()}  # a database of an older zfaudit may lack some
    parts = [f"SELECT CAST({c.name} AS VARCHAR) AS v FROM {t.name} {where.get(t.name, '')}"
             for t in contract().tables.values() if t.name in present
             for c in t.columns if c.pii and not c.free_text]
    rows = con.execute(
        f"{scope} SELECT DISTINCT trim(v) FROM ({' UNION ALL '.join(parts)}) "
        f"WHERE length(trim(v)) >= {MIN_LENGTH}", params).fetchall()
    return sorted((v for (v,) in rows), key=len, reverse=True)


def scrubber(con: duckdb.DuckDBPyConnection, case_ids: Iterable[object] = (),
             media_ids: Iterable[object] = (), step_ids: Iterable[object] = (),
             access_ids: Iterable[object] = ()) -> Scrubber:
    """A Scrubber for free text about these items (zfaudit.masking.Scrubber)."""
    return Scrubber(personal_values(con, case_ids, media_ids, step_ids, access_ids))


def frame_scrubber(con: duckdb.DuckDBPyConnection, df) -> Scrubber:
    """A Scrubber for the free text of a frame of findings-like rows (its case_id, media_id,
    step_id, access_id columns, where present)."""
    def col(name: str) -> list:
        return list(df[name]) if name in df.columns else []

    return scrubber(con, col("case_id"), col("media_id"), col("step_id"), col("access_id"))
