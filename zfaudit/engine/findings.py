"""Rule SQL → items → findings: materialise a rule's items, then record what GX decided.

1. `CREATE OR REPLACE TABLE audit.items_<id> AS <rule SQL>` — one row per checked item.
2. (zfaudit.engine.gx judges the table.)
3. findings = the items GX's `unexpected_index_query` names; `rule_results` per unit; both
   cross-checked against GX's element and unexpected counts, in the caller's transaction.
"""

from __future__ import annotations

import duckdb

from ..errors import AuditError
from ..rules.catalogue import ITEM_COLUMNS, Rule, catalogue
from .gx import RuleVerdict


def materialise(con: duckdb.DuckDBPyConnection, rule: Rule) -> None:
    """Run the rule SQL once into audit.items_<id> (a real table in the audited file)."""
    con.execute("CREATE SCHEMA IF NOT EXISTS audit")
    try:
        con.execute(f"CREATE OR REPLACE TABLE audit.{rule.table} AS {rule.sql}")
    except duckdb.Error as e:
        raise AuditError(f"规则 {rule.rule_id} 的 SQL 执行失败 / rule SQL failed: {e}") from e


_COUNTS = (
    "count(*), count(*) FILTER (outcome = 'pass'), count(*) FILTER (outcome = 'violation'), "
    "count(*) FILTER (outcome = 'advisory'), count(*) FILTER (outcome = 'pending'), "
    "count(*) FILTER (outcome = 'not_checked'), count(*) FILTER (outcome = 'excused')"
)
_OFFICER_COLS = ("run_id, officer_id, rule_id, items, passed, violations, advisories, pending, "
                 "not_checked, excused")
_RESULT_COLS = ("run_id, rule_id, unit_id, opportunities, passed, violations, advisories, "
                "pending, not_checked, excused")


def write_officer_results(con: duckdb.DuckDBPyConnection, run_id: str, rule: Rule) -> None:
    """Items per officer and rule (RULES.md: a step item belongs to every officer on the step,
    a media item to the officer who held the device, a ZF02 item to its officer; case and
    access items to no officer), with their outcomes — the denominators of officers' rates."""
    if rule.item_key == ["step_id"]:
        # the step → officer pairs once per audit, not once per step rule (9M rows at 1M cases)
        con.execute("CREATE TEMP TABLE IF NOT EXISTS zf_step_officer_pairs AS SELECT DISTINCT "
                    "step_id, officer_id FROM step_officers WHERE officer_id IS NOT NULL")
        con.execute(
            f"INSERT INTO officer_results ({_OFFICER_COLS}) SELECT ?, so.officer_id, ?, {_COUNTS} "
            f"FROM audit.{rule.table} AS i JOIN zf_step_officer_pairs AS so "
            "ON so.step_id = i.step_id GROUP BY so.officer_id",
            [run_id, rule.rule_id],
        )
    else:
        con.execute(
            f"INSERT INTO officer_results ({_OFFICER_COLS}) SELECT ?, officer_id, ?, {_COUNTS} "
            f"FROM audit.{rule.table} WHERE officer_id IS NOT NULL GROUP BY officer_id",
            [run_id, rule.rule_id],
        )


def write_results(
    con: duckdb.DuckDBPyConnection,
    run_id: str,
    verdicts: list[RuleVerdict],
    clauses: dict[str, str],
) -> None:
    """Insert findings (from GX's unexpected_index_query) and rule_results; in the caller's
    transaction. Any disagreement with GX's counts stops the audit."""
    con.execute("DROP TABLE IF EXISTS zf_step_officer_pairs")  # a fresh pairing per audit
    for v in verdicts:
        rule = v.rule
        key_match = " AND ".join(f"i.{k} IS NOT DISTINCT FROM u.{k}" for k in rule.item_key)
        cols = ", ".join(f"i.{c}" for c in ITEM_COLUMNS)
        con.execute(
            f"INSERT INTO findings (run_id, {', '.join(ITEM_COLUMNS)}, clauses, finding_key) "
            f"SELECT ?, {cols}, ?, {rule.finding_key_sql('i')} FROM audit.{rule.table} AS i "
            f"SEMI JOIN ({v.unexpected_index_query}) AS u ON {key_match}",
            [run_id, clauses.get(rule.rule_id)],
        )
        con.execute(
            f"INSERT INTO rule_results ({_RESULT_COLS}) SELECT ?, ?, unit_id, {_COUNTS} "
            f"FROM audit.{rule.table} GROUP BY unit_id",
            [run_id, rule.rule_id],
        )
        if not rule.is_dq:
            write_officer_results(con, run_id, rule)
        found, violations = con.execute(
            "SELECT count(*), count(*) FILTER (outcome = 'violation') FROM findings "
            "WHERE run_id = ? AND rule_id = ?",
            [run_id, rule.rule_id],
        ).fetchone()
        opportunities = con.execute(
            "SELECT coalesce(sum(opportunities), 0) FROM rule_results WHERE run_id = ? AND rule_id = ?",
            [run_id, rule.rule_id],
        ).fetchone()[0]
        if may_quote_personal(rule):
            mask_personal_details(con, run_id, rule.rule_id)
        if (found, violations, opportunities) != (
            v.unexpected_count, v.violation_count, v.element_count
        ):
            raise AuditError(
                f"规则 {rule.rule_id} 的结果与 GX 不一致 / {rule.rule_id}: findings {found}, "
                f"violations {violations}, items {opportunities} vs GX {v.unexpected_count}, "
                f"{v.violation_count}, {v.element_count}"
            )


def fill_finding_keys(con: duckdb.DuckDBPyConnection) -> None:
    """Give findings recorded before finding keys existed their key (so a run made with an
    older zfaudit can still be the previous run of a lifecycle)."""
    rules = list(catalogue().values())
    if not con.execute("SELECT count(*) FROM findings WHERE finding_key IS NULL").fetchone()[0]:
        return
    cases = " ".join(f"WHEN '{r.rule_id}' THEN {r.finding_key_sql('findings')}" for r in rules)
    con.execute(f"UPDATE findings SET finding_key = CASE rule_id {cases} END "
                "WHERE finding_key IS NULL")


def _recheck_notified(con: duckdb.DuckDBPyConnection, run_id: str, rules: list[Rule]) -> None:
    """The outcome now of every finding a notice listed that is no violation or excused now
    (whatever the previous run said): how a unit's `rectified` claim is confirmed even when
    a run in between had the item not_checked."""
    for rule in rules:
        on = " AND ".join(f"i.{k} IS NOT DISTINCT FROM n.{k}" for k in rule.item_key)
        con.execute(
            f"""INSERT INTO recheck_outcomes
                SELECT ?, n.finding_key, i.outcome
                FROM (SELECT DISTINCT f.finding_key, {', '.join('f.' + k for k in rule.item_key)}
                      FROM notice_items AS ni JOIN findings AS f
                        ON f.finding_key = ni.finding_key AND f.rule_id = ? ) AS n
                JOIN audit.{rule.table} AS i ON {on}
                WHERE i.outcome NOT IN ('violation', 'excused')
                  AND n.finding_key NOT IN (SELECT finding_key FROM recheck_outcomes WHERE run_id = ?)""",
            [run_id, rule.rule_id, run_id])


def record_rechecks(con: duckdb.DuckDBPyConnection, run_id: str, previous_run_id: str | None,
                    rules: list[Rule]) -> None:
    """recheck_outcomes: for each violation of the previous run that is neither a violation
    nor excused in this run, its outcome now (NULL: out of this run's scope) — what tells
    `rectified` from `gone` in the view finding_status. Needs this run's items tables."""
    if previous_run_id is not None:
        _recheck_previous(con, run_id, previous_run_id, rules)
    _recheck_notified(con, run_id, rules)


def _recheck_previous(con: duckdb.DuckDBPyConnection, run_id: str, previous_run_id: str,
                      rules: list[Rule]) -> None:
    for rule in rules:
        on = " AND ".join(f"i.{k} IS NOT DISTINCT FROM p.{k}" for k in rule.item_key)
        con.execute(
            f"INSERT INTO recheck_outcomes SELECT ?, p.finding_key, i.outcome FROM findings AS p "
            f"LEFT JOIN audit.{rule.table} AS i ON {on} "
            "WHERE p.run_id = ? AND p.rule_id = ? AND p.outcome = 'violation' "
            "AND coalesce(i.outcome, '') NOT IN ('violation', 'excused')",
            [run_id, previous_run_id, rule.rule_id],
        )
    names = ", ".join(f"'{r.rule_id}'" for r in rules)
    con.execute(
        "INSERT INTO recheck_outcomes SELECT ?, finding_key, NULL FROM findings WHERE run_id = ? "
        f"AND outcome = 'violation' AND rule_id NOT IN ({names})",
        [run_id, previous_run_id],
    )


# The personal values a finding's own records hold: what its detail must never quote. Each
# branch joins the run's findings of one rule to one kind of record by key and tests the
# record's personal columns in place (no unpivot of the whole media table).
def _hit(source: str, column: str) -> str:
    v = f"trim(CAST({column} AS VARCHAR))"
    return f"SELECT f.rid, {v} AS value FROM f {source} WHERE length({v}) >= 2 AND contains(f.detail, {v})"


_OWN_PEOPLE = "WITH f AS (SELECT rowid AS rid, * FROM findings WHERE run_id = $run AND rule_id = $rule " \
    "AND detail IS NOT NULL) " + " UNION ALL ".join([
        _hit("JOIN cases AS c USING (case_id)", "c.party_name"),
        _hit("JOIN cases AS c USING (case_id)", "c.party_id_no"),
        _hit("JOIN media AS m USING (media_id)", "m.label_party"),
        _hit("JOIN media AS m USING (media_id)", "m.label_officer"),
        _hit("JOIN media AS m USING (media_id)", "m.made_by"),
        _hit("JOIN officers AS o USING (officer_id)", "o.name"),
        _hit("JOIN step_officers AS so USING (step_id) JOIN officers AS o ON o.officer_id = so.officer_id",
             "o.name"),
        _hit("JOIN media_access AS a USING (access_id)", "a.requested_by"),
        _hit("JOIN media_access AS a USING (access_id)", "a.approved_by"),
    ])


def may_quote_personal(rule: Rule) -> bool:
    """Could the rule's detail quote personal data at all? Only if its SQL or a shared model it
    reads names a personal column (contract `pii`): a detail is an expression, and an
    expression quotes a column only by naming it (a `select *` carries the column along but
    never into the detail's text). A rule that names none cannot write one, and its details
    (a million ZF13 items in a run without a media store) need no check."""
    import re

    from ..contract import contract
    from ..rules.catalogue import shared_models

    def code(sql: str) -> str:
        return re.sub(r"--[^\n]*", "", sql)  # comments are no code

    text = code(rule.sql) + "".join(code(sql) for name, sql in shared_models()
                                    if re.search(rf"\baudit\.{name}\b", rule.sql))
    personal = {c.name for t in contract().tables.values() for c in t.columns if c.pii}
    return bool(re.search(r"\b(" + "|".join(sorted(personal)) + r")\b", text, re.I))


def mask_personal_details(con: duckdb.DuckDBPyConnection, run_id: str, rule_id: str) -> int:
    """Findings' details never carry personal data (issue 15): a detail quoting a personal
    value of its own records (a party, an ID number, an officer, a label) has it masked as it
    is written, so no report, console or export can show it, masked or not. Set-based: the
    rows to fix are found in SQL (normally none); only those are rewritten. Returns how many."""
    from ..masking import Scrubber

    hits = con.execute(
        f"""SELECT h.rid, any_value(f.detail), list(DISTINCT h.value) AS vals
            FROM ({_OWN_PEOPLE}) AS h JOIN findings AS f ON f.rowid = h.rid
            GROUP BY h.rid""", {"run": run_id, "rule": rule_id}).fetchall()
    for rid, detail, vals in hits:
        masked = Scrubber(sorted(vals, key=len, reverse=True))(detail)
        con.execute("UPDATE findings SET detail = ? WHERE rowid = ?", [masked, rid])
    return len(hits)
