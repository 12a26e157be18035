"""Units' responses to a notice (整改反馈, RULES.md "Notices and responses").

A response names a finding key and one of `rectified` (已整改), `explain` (申请例外: with a
reason and note it becomes an unapproved row of the exceptions register), `dispute` (有异议).
A `rectified` claim is confirmed when the item is `pass` in a later run of the same profile
and period, not confirmed while it is still a violation there, and open until then.
"""

from __future__ import annotations

import duckdb
import pandas as pd

from ..contract import contract
from ..masking import mask_frame
from ..pii import frame_scrubber
from ..rules.catalogue import KEY_COLUMNS, catalogue
from .labels import EXCEPTION_STATUS_ZH

EXPLAIN_PREFIX = "FK:"  # exception_id of a register row made from an `explain` response
STATUS_ZH = {
    "confirmed": "整改已确认",
    "not_confirmed": "整改未确认（复查仍违规）",
    "open": "待复查",
    "registered": "已登记例外申请，待审批与下次审计",
    "disputed": "有异议，待法规科复核",
    "unknown_key": "问题编号不在任何通报中",
    "awaiting": "未反馈（整改期限未到）",
    "overdue": "逾期未反馈（按未整改处理）",
    **{f"exception_{k}": f"例外申请：{v}" for k, v in EXCEPTION_STATUS_ZH.items()},
}


def _key_part(column: str) -> str:
    """SQL: the value of item-key column `column` inside finding_key, by the rule's item key."""
    cases = []
    for r in catalogue().values():
        if column in r.item_key and not r.is_dq:
            cases.append(f"WHEN '{r.rule_id}' THEN nullif(split_part(r.finding_key, '|', "
                         f"{r.item_key.index(column) + 2}), '')")
    return f"CASE split_part(r.finding_key, '|', 1) {' '.join(cases)} END" if cases else "NULL"


def register_explanations(con: duckdb.DuckDBPyConnection) -> int:
    """`explain` responses → unapproved rows of the exceptions register (exception_id
    FK:<finding key>), in the caller's transaction; returns the rows written.

    The office owns a row once it touched it: a row approved (审批人 or 审批时间 filled) is never
    changed here. An unapproved row takes a newer explanation (a later 反馈时间), and goes when
    the unit's current response to that finding is no longer `explain` (withdrawn)."""
    keys = ", ".join(_key_part(c) for c in KEY_COLUMNS)
    con.execute(f"""
        CREATE OR REPLACE TEMP TABLE zf_explain AS
        SELECT '{EXPLAIN_PREFIX}' || r.finding_key AS exception_id,
               split_part(r.finding_key, '|', 1) AS rule_id, {keys}, r.reason, r.note,
               r.responded_by, r.responded_at, r.document_no
        FROM responses AS r WHERE r.response = 'explain'""")
    unapproved = "approved_by IS NULL AND approved_at IS NULL"
    # withdrawn: the current response to the finding is no longer an explanation
    con.execute(f"""DELETE FROM exceptions WHERE starts_with(exception_id, '{EXPLAIN_PREFIX}')
                    AND {unapproved}
                    AND exception_id NOT IN (SELECT exception_id FROM zf_explain)""")
    # superseded: a newer explanation of the same finding
    con.execute(f"""DELETE FROM exceptions WHERE {unapproved} AND exception_id IN (
                        SELECT x.exception_id FROM zf_explain AS x JOIN exceptions AS e USING (exception_id)
                        WHERE x.responded_at IS DISTINCT FROM e.requested_at
                          AND (e.requested_at IS NULL OR x.responded_at > e.requested_at))""")
    n = con.execute("""
        INSERT INTO exceptions (exception_id, rule_id, case_id, step_id, media_id, access_id,
                                officer_id, reason, note, requested_by, requested_at, document_no)
        SELECT * FROM zf_explain
        WHERE exception_id NOT IN (SELECT exception_id FROM exceptions)""").fetchone()[0]
    con.execute("DROP TABLE zf_explain")
    return int(n)


STATUS_SQL = """
WITH latest_notice AS (   -- the newest notice that listed the key
    SELECT i.finding_key, n.notice_id, n.notice_no, n.run_id, n.unit_id, n.due_on
    FROM notice_items AS i JOIN notices AS n USING (notice_id)
    QUALIFY row_number() OVER (PARTITION BY i.finding_key
                               ORDER BY n.issued_on DESC, n.notice_id DESC) = 1
), base AS (
    SELECT r.*, ln.notice_id, ln.notice_no, ln.run_id AS notice_run_id, ln.unit_id, ln.due_on,
           a0.profile, a0.period_start, a0.period_end, a0.as_of AS as_of0,
           a0.started_at AS started0
    FROM responses AS r
    LEFT JOIN latest_notice AS ln USING (finding_key)
    LEFT JOIN audit_runs AS a0 ON a0.run_id = ln.run_id
), later AS (             -- runs after the notice's run in its sequence, up to $upto
    SELECT b.finding_key, a.run_id, a.as_of, a.started_at
    FROM base AS b JOIN audit_runs AS a
      ON a.profile = b.profile AND a.period_start = b.period_start
     AND a.period_end = b.period_end
     AND (a.as_of > b.as_of0 OR (a.as_of = b.as_of0 AND a.started_at > b.started0))
    WHERE CAST($upto AS VARCHAR) IS NULL OR EXISTS (
          SELECT 1 FROM audit_runs AS u WHERE u.run_id = CAST($upto AS VARCHAR)
             AND (a.as_of < u.as_of OR (a.as_of = u.as_of AND a.started_at <= u.started_at)))
), last_run AS (
    SELECT finding_key, run_id FROM later
    QUALIFY row_number() OVER (PARTITION BY finding_key
                               ORDER BY as_of DESC, started_at DESC, run_id DESC) = 1
), passed AS (            -- the item was `pass` in some later run (recorded by the audit)
    SELECT DISTINCT l.finding_key FROM later AS l
    JOIN recheck_outcomes AS s ON s.run_id = l.run_id AND s.finding_key = l.finding_key
    WHERE s.outcome = 'pass'
), final AS (
    SELECT b.finding_key, b.unit_id, b.response, b.reason, b.note, b.responded_by,
           b.responded_at, b.notice_id, b.notice_no, b.notice_run_id, b.due_on,
           b.profile, b.period_start, b.period_end, lr.run_id AS checked_run_id,
           CASE WHEN b.notice_id IS NULL THEN 'unknown_key'
                WHEN b.response = 'dispute' THEN 'disputed'
                WHEN b.response = 'explain' AND x.status IS NOT NULL THEN 'exception_' || x.status
                WHEN b.response = 'explain' THEN 'registered'
                WHEN lr.run_id IS NULL THEN 'open'
                WHEN v.finding_key IS NOT NULL THEN 'not_confirmed'
                WHEN p.finding_key IS NOT NULL THEN 'confirmed'
                ELSE 'open' END AS status
    FROM base AS b
    LEFT JOIN last_run AS lr USING (finding_key)
    LEFT JOIN findings AS v
      ON v.run_id = lr.run_id AND v.finding_key = b.finding_key AND v.outcome = 'violation'
    LEFT JOIN passed AS p ON p.finding_key = b.finding_key
    LEFT JOIN run_exceptions AS x
      ON x.run_id = lr.run_id AND x.exception_id = '{prefix}' || b.finding_key
)
SELECT * FROM final ORDER BY unit_id NULLS LAST, finding_key
"""


def response_status(con: duckdb.DuckDBPyConnection, upto_run: str | None = None,
                    unmasked: bool = False) -> pd.DataFrame:
    """Each response with its status, checked against the runs after its notice's run (up to
    `upto_run` when given). Names masked unless `unmasked`; the note scrubbed of officers'
    names."""
    sql = STATUS_SQL.replace("{prefix}", EXPLAIN_PREFIX)
    df = con.execute(sql, {"upto": upto_run}).df()
    # a notified finding no one answered: awaiting until its due date, then overdue (the
    # notice says an unanswered problem counts as not rectified); judged on the day of the
    # run asked for, else today
    silent = con.execute("""
        WITH latest_notice AS (
            SELECT i.finding_key, n.notice_id, n.notice_no, n.run_id, n.unit_id, n.due_on,
                   a.profile, a.period_start, a.period_end
            FROM notice_items AS i JOIN notices AS n USING (notice_id)
            LEFT JOIN audit_runs AS a ON a.run_id = n.run_id
            QUALIFY row_number() OVER (PARTITION BY i.finding_key
                                       ORDER BY n.issued_on DESC, n.notice_id DESC) = 1
        )
        SELECT l.finding_key, l.unit_id, l.notice_id, l.notice_no, l.run_id AS notice_run_id,
               l.due_on, l.profile, l.period_start, l.period_end,
               CASE WHEN l.due_on < coalesce(
                        (SELECT CAST(as_of AS DATE) FROM audit_runs WHERE run_id = CAST($upto AS VARCHAR)),
                        current_date) THEN 'overdue' ELSE 'awaiting' END AS status
        FROM latest_notice AS l ANTI JOIN responses AS r USING (finding_key)
        ORDER BY l.unit_id, l.finding_key""", {"upto": upto_run}).df()
    if len(silent):
        df = pd.concat([df, silent], ignore_index=True) if len(df) else silent.reindex(
            columns=df.columns.union(silent.columns, sort=False))
        df = df.sort_values(["unit_id", "finding_key"], na_position="last").reset_index(drop=True)
    zh = contract().codesets["response_type"]
    df.insert(df.columns.get_loc("response") + 1, "response_zh",
              pd.Series([zh.get(r, r) for r in df.response], index=df.index, dtype=object))
    df["status_zh"] = df.status.map(STATUS_ZH)
    if unmasked or df.empty:
        return df
    out = mask_frame(df)
    items = con.execute("SELECT case_id, step_id, media_id, access_id FROM findings WHERE "
                        "list_contains($keys, finding_key)",
                        {"keys": sorted(set(df.finding_key.dropna()))}).df()
    scrub = frame_scrubber(con, items)  # the note is free text about its item
    out["note"] = pd.Series([scrub(v) for v in df.note], index=out.index, dtype=object)
    return out


def unit_counts(df: pd.DataFrame) -> pd.DataFrame:
    """Per unit: responses by type and the rectified claims' outcomes."""
    if df.empty:
        return pd.DataFrame(columns=["unit_id", "responses", "rectified", "explain", "dispute",
                                     "confirmed", "not_confirmed", "open", "overdue"])
    g = df.groupby("unit_id", dropna=False)
    return pd.DataFrame({
        "responses": g.response.apply(lambda s: int(s.notna().sum())),
        "rectified": g.response.apply(lambda s: int((s == "rectified").sum())),
        "explain": g.response.apply(lambda s: int((s == "explain").sum())),
        "dispute": g.response.apply(lambda s: int((s == "dispute").sum())),
        "confirmed": g.status.apply(lambda s: int((s == "confirmed").sum())),
        "not_confirmed": g.status.apply(lambda s: int((s == "not_confirmed").sum())),
        "open": g.status.apply(lambda s: int((s == "open").sum())),
        "overdue": g.status.apply(lambda s: int((s == "overdue").sum())),
    }).reset_index()
