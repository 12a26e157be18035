"""The exceptions register (例外登记 / 情况说明) in an audit: which rows excuse which items.

RULES.md "Supervision cycle": a register row applies to a violation of the run when it names
the same rule and item, its reason is allowed for the rule in the run's profile, it has a note
(and a document_no where the reason needs one), it is approved by someone other than the
requester, and approved at or before the run's as_of. Each row is checked against the rule's
items before GX judges them; an applying row turns the item's outcome into `excused` in
audit.items_<id>, and GX — whose suite allows `excused` only for a rule the profile lets be
excused — decides the findings as always (docs/engine.md "The exceptions register").

Every register row gets a status in every run (audit.exception_checks, recorded as
run_exceptions): an exception that does not apply is never silent.
"""

from __future__ import annotations

import duckdb

from ..contract import contract
from ..profiles import REASONS_NEEDING_DOCUMENT, Profile
from ..rules.catalogue import KEY_COLUMNS, Rule, catalogue

# The first reason a row does not apply, in the order RULES.md checks them; `applied` last.
STATUSES = (
    "no_such_violation", "reason_not_allowed", "no_note", "no_document", "not_approved",
    "self_approved", "approved_after_as_of", "applied",
)
# a rule id as an office types it: `zf07`, ` ZF 07`, full-width ＺＦ０７ → ZF07
RULE_ID = ("upper(regexp_replace(translate(coalesce(e.rule_id, ''), 'ＺＦＤＱｚｆｄｑ０１２３４５６７８９',"
           " 'ZFDQzfdq0123456789'), '[\\s　]', '', 'g'))")


def prepare(con: duckdb.DuckDBPyConnection, profile: Profile) -> None:
    """audit.exception_reasons (what the profile allows) and an empty audit.exception_checks."""
    labels = contract().codesets["exception_reason"]
    con.execute("CREATE OR REPLACE TABLE audit.exception_reasons "
                "(rule_id VARCHAR, reason VARCHAR, reason_zh VARCHAR, needs_document BOOLEAN)")
    rows = sorted({(rule, r, labels.get(r, r), r in REASONS_NEEDING_DOCUMENT)
                   for rule, reasons in profile.exception_reasons.items() if rule in profile.rules
                   for r in reasons})  # a reason listed twice is one reason
    if rows:
        con.executemany("INSERT INTO audit.exception_reasons VALUES (?, ?, ?, ?)", rows)
    con.execute("CREATE OR REPLACE TABLE audit.exception_checks (exception_id VARCHAR, "
                "rule_id VARCHAR, finding_key VARCHAR, status VARCHAR, unit_id VARCHAR)")


def excusable(profile: Profile, rule: Rule) -> bool:
    """May an item of this rule be `excused` in a run of this profile? (GX's outcome domain)"""
    return rule.rule_id in profile.rules and bool(profile.exception_reasons.get(rule.rule_id))


def _blank(col: str) -> str:
    return f"nullif(trim(e.{col}), '') IS NULL"


def check_and_apply(con: duckdb.DuckDBPyConnection, rule: Rule) -> None:
    """Give each register row of `rule` its status against audit.items_<id>, then mark the
    items an applying row names `excused` (detail says by which row and why)."""
    rid = rule.rule_id
    on = " AND ".join(f"i.{k} = e.{k}" for k in rule.item_key)
    con.execute(f"""
        INSERT INTO audit.exception_checks
        SELECT e.exception_id, '{rid}', {rule.finding_key_sql('e')},
               CASE WHEN i.outcome IS DISTINCT FROM 'violation' THEN 'no_such_violation'
                    WHEN a.reason IS NULL THEN 'reason_not_allowed'
                    WHEN {_blank('note')} THEN 'no_note'
                    WHEN a.needs_document AND {_blank('document_no')} THEN 'no_document'
                    WHEN {_blank('approved_by')} OR e.approved_at IS NULL THEN 'not_approved'
                    WHEN trim(e.approved_by) = trim(e.requested_by) THEN 'self_approved'
                    WHEN e.approved_at > s.as_of THEN 'approved_after_as_of'
                    ELSE 'applied' END,
               i.unit_id
        FROM exceptions AS e
        CROSS JOIN audit.scope AS s
        LEFT JOIN audit.{rule.table} AS i ON {on}
        LEFT JOIN audit.exception_reasons AS a ON a.rule_id = '{rid}' AND a.reason = e.reason
        WHERE {RULE_ID} = '{rid}'""")
    keys = ", ".join(f"e.{k}" for k in rule.item_key)
    on_x = " AND ".join(f"i.{k} = x.{k}" for k in rule.item_key)
    con.execute(f"""
        UPDATE audit.{rule.table} AS i
        SET outcome = 'excused', detail = i.detail || '；' || x.why
        FROM (
            SELECT {keys},
                   '已按例外登记 ' || string_agg(e.exception_id || '（' || a.reason_zh || '）', '、'
                                              ORDER BY e.exception_id) || ' 予以例外' AS why
            FROM exceptions AS e
            JOIN audit.exception_checks AS c
              ON c.exception_id = e.exception_id AND c.rule_id = '{rid}' AND c.status = 'applied'
            JOIN audit.exception_reasons AS a ON a.rule_id = '{rid}' AND a.reason = e.reason
            GROUP BY {keys}
        ) AS x
        WHERE {on_x}""")


def finish(con: duckdb.DuckDBPyConnection, ran: list[Rule]) -> None:
    """Rows naming a rule the run did not run: no such violation in this run."""
    ran_ids = {r.rule_id for r in ran}
    known = {r.rule_id: r for r in catalogue().values()}
    names = ", ".join(f"'{r}'" for r in sorted(ran_ids)) or "''"
    # a known rule's key from its item key; an unknown rule's from whatever the row names
    cases = " ".join(f"WHEN '{rid}' THEN {r.finding_key_sql('e')}"
                     for rid, r in sorted(known.items()) if rid not in ran_ids)
    other = f"{RULE_ID} || '|' || concat_ws('|', " + ", ".join(
        f"e.{k}" for k in KEY_COLUMNS) + ")"
    key = f"CASE {RULE_ID} {cases} ELSE {other} END" if cases else other
    con.execute(f"""
        INSERT INTO audit.exception_checks
        SELECT e.exception_id, {RULE_ID}, {key}, 'no_such_violation', NULL
        FROM exceptions AS e
        WHERE {RULE_ID} NOT IN ({names})""")


def record(con: duckdb.DuckDBPyConnection, run_id: str) -> None:
    """The run's statuses, with each row as it was when judged (a later version of the
    register never rewrites what a run applied). In the caller's transaction."""
    con.execute("""
        INSERT INTO run_exceptions
        SELECT ?, c.exception_id, c.rule_id, c.finding_key, c.status, e.reason, e.note,
               e.requested_by, e.requested_at, e.approved_by, e.approved_at, e.document_no,
               c.unit_id
        FROM audit.exception_checks AS c JOIN exceptions AS e USING (exception_id)""", [run_id])
