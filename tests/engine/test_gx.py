"""The engine on hand-written rule SQL: GX decides, findings come from its index query."""

from __future__ import annotations

import json

import duckdb
import great_expectations as gx
import pytest

from zfaudit.db import create_schema
from zfaudit.engine import gx as zgx
from zfaudit.engine.findings import write_results
from zfaudit.engine.run import evaluate
from zfaudit.errors import AuditError
from zfaudit.profiles import get_profile
from zfaudit.rules import catalogue
from zfaudit.rules.catalogue import ITEM_COLUMNS, OUTCOMES, Rule


def items_sql(rule_id: str, rows: list[tuple[str, str, str]]) -> str:
    """A rule SQL yielding (outcome, step_id, unit_id) items in the interface columns."""
    values = ", ".join(f"('{o}', '{s}', '{u}')" for o, s, u in rows)
    return (
        f"select '{rule_id}' as rule_id, outcome, 'K1' as case_id, step_id, "
        "null::varchar as media_id, null::varchar as access_id, null::varchar as officer_id, "
        "unit_id, null::timestamp as due_at, null::timestamp as observed_at, "
        "case when outcome <> 'pass' then '说明 ' || step_id end as detail "
        f"from (values {values}) as v(outcome, step_id, unit_id)"
    )


ROWS = [
    ("pass", "S1", "U1"), ("violation", "S2", "U1"), ("advisory", "S3", "U2"),
    ("pending", "S4", "U2"), ("pass", "S5", "U2"), ("not_checked", "S6", "U1"),
]


@pytest.fixture
def con(tmp_path):
    c = duckdb.connect(str(tmp_path / "engine.duckdb"))
    create_schema(c)
    yield c
    c.close()


def run(con, rule: Rule, store_checked: bool = False, run_id: str = "R1"):
    with zgx.gx_session(con) as session:
        verdicts = evaluate(con, session, [rule], store_checked, progress=False)
    write_results(con, run_id, verdicts, {rule.rule_id: "第十二条"})
    return verdicts[0]


def test_gx_verdict_counts_and_findings(con):
    rule = Rule("zf01", items_sql("ZF01", ROWS), {"item_key": ["step_id"]})
    v = run(con, rule)
    assert (v.success, v.element_count, v.unexpected_count, v.violation_count) == (False, 6, 4, 1)
    assert "audit.items_zf01" in v.unexpected_index_query
    found = con.execute(
        "SELECT step_id, outcome, unit_id, detail, clauses FROM findings WHERE run_id = 'R1' ORDER BY 1"
    ).fetchall()
    assert found == [
        ("S2", "violation", "U1", "说明 S2", "第十二条"),
        ("S3", "advisory", "U2", "说明 S3", "第十二条"),
        ("S4", "pending", "U2", "说明 S4", "第十二条"),
        ("S6", "not_checked", "U1", "说明 S6", "第十二条"),
    ]
    results = con.execute(
        "SELECT unit_id, opportunities, passed, violations, advisories, pending, not_checked "
        "FROM rule_results WHERE run_id = 'R1' ORDER BY 1"
    ).fetchall()
    assert results == [("U1", 3, 1, 1, 0, 0, 1), ("U2", 3, 1, 0, 1, 1, 0)]


def test_rule_without_violations_succeeds(con):
    rule = Rule("zf01", items_sql("ZF01", [("pass", "S1", "U1"), ("advisory", "S2", "U1")]),
                {"item_key": ["step_id"]})
    v = run(con, rule)
    assert (v.success, v.unexpected_count, v.violation_count) == (True, 1, 0)


def test_findings_keyed_by_compound_key_with_nulls(con):
    """ZF02-style (step, officer) keys; DQ-style keys with NULL parts still match exactly."""
    sql = items_sql("DQ01", [("violation", "S1", "U1"), ("pass", "S2", "U1")]).replace(
        "null::varchar as officer_id", "case when step_id = 'S1' then 'O1' end as officer_id"
    )
    rule = Rule("dq01", sql, {"item_key": ["step_id", "officer_id", "media_id", "access_id"]})
    v = run(con, rule)
    assert v.unexpected_count == 1
    assert con.execute("SELECT step_id, officer_id FROM findings").fetchall() == [("S1", "O1")]


def test_duplicate_items_break_the_interface(con):
    rule = Rule("zf01", items_sql("ZF01", [("pass", "S1", "U1"), ("violation", "S1", "U1")]),
                {"item_key": ["step_id"]})
    with pytest.raises(AuditError, match="expect_column_proportion_of_unique_values_to_be_between"):
        run(con, rule)
    assert con.execute("SELECT count(*) FROM findings").fetchone()[0] == 0


def test_wrong_rule_id_and_unknown_outcome_are_refused(con):
    with pytest.raises(AuditError, match="expect_column_values_to_be_in_set"):
        run(con, Rule("zf01", items_sql("ZF02", [("pass", "S1", "U1")]), {"item_key": ["step_id"]}))
    with pytest.raises(AuditError, match="expect_column_values_to_be_in_set"):
        run(con, Rule("zf01", items_sql("ZF01", [("ok", "S1", "U1")]), {"item_key": ["step_id"]}))


def test_zf13_cannot_pass_without_a_media_store(con):
    sql = items_sql("ZF13", [("pass", "S1", "U1")]).replace(
        "null::varchar as media_id", "'M1' as media_id")
    rule = Rule("zf13", sql, {"item_key": ["media_id"]})
    with pytest.raises(AuditError, match="interface"):
        run(con, rule, store_checked=False)
    assert run(con, rule, store_checked=True).success is True


def test_rule_sql_error_is_reported(con):
    with pytest.raises(AuditError, match="ZF01"):
        run(con, Rule("zf01", "select * from no_such_table", {"item_key": ["step_id"]}))


def test_run_parameters():
    zf13 = Rule("zf13", "", {"item_key": ["media_id"]})
    assert zgx.run_parameters(zf13, False)["allowed_outcomes"] == [
        "violation", "advisory", "pending", "not_checked"]
    assert zgx.run_parameters(zf13, True)["allowed_outcomes"] == [
        o for o in OUTCOMES if o != "excused"]
    assert zgx.run_parameters(zf13, True)["rule_ids"] == ["ZF13"]
    zf07 = Rule("zf07", "", {"item_key": ["step_id"]})
    assert zgx.run_parameters(zf07, True, excusable=True)["allowed_outcomes"] == list(OUTCOMES)


def test_gx_refuses_excused_where_no_exception_can_apply(con):
    """RULES.md: ZF01 can never be excused; GX, the decider, refuses such an item whatever
    put it there."""
    rule = Rule("zf01", items_sql("ZF01", [("pass", "S1", "U1"), ("excused", "S2", "U1")]),
                {"item_key": ["step_id"]})
    with pytest.raises(AuditError, match="interface"):
        run(con, rule)


def test_excused_is_a_finding_but_not_a_violation(con):
    rule = Rule("zf07", items_sql("ZF07", [("pass", "S1", "U1"), ("excused", "S2", "U1"),
                                           ("violation", "S3", "U1")]),
                {"item_key": ["step_id"]})
    with zgx.gx_session(con) as session:
        from zfaudit.engine.findings import materialise

        materialise(con, rule)
        result = session.validate(rule, zgx.run_parameters(rule, True, excusable=True), "R1")
        v = zgx.verdict_from(rule, result)
    assert (v.element_count, v.unexpected_count, v.violation_count) == (3, 2, 1)


def test_profile_rules_start_with_data_quality():
    ids = [r.rule_id for r in catalogue.rules_for_profile(get_profile("mingshan_emergency"))]
    assert ids[:2] == ["DQ01", "DQ02"]
    assert ids[2:] == [r.upper() for r in get_profile("mingshan_emergency").rules]


def test_every_rule_has_a_consistent_suite():
    """One suite per rule: loads in GX, keyed like the rule's yaml, one verdict, one findings."""
    rules = catalogue.discover_rules()
    assert {"dq01", "dq02"} <= set(rules) and len(rules) >= 19
    for rid, rule in rules.items():
        data = json.loads((catalogue.expectations_dir() / f"{rid}.json").read_text("utf-8"))
        assert data["name"] == rid
        assert data["meta"]["item_key"] == rule.item_key, rid
        roles = [e["meta"]["zfaudit_role"] for e in data["expectations"]]
        assert roles.count("verdict") == 1 and roles.count("findings") == 1, rid
        suite = zgx.load_suite(rule)
        assert isinstance(suite, gx.ExpectationSuite)
        assert len(suite.expectations) == len(data["expectations"]), rid
        columns = data["expectations"][0]["kwargs"]["column_list"]
        assert columns == list(ITEM_COLUMNS)


def test_duplicate_compound_keys_break_the_interface(con):
    sql = items_sql("ZF02", [("pass", "S1", "U1"), ("violation", "S1", "U1")]).replace(
        "null::varchar as officer_id", "'O1' as officer_id")
    with pytest.raises(AuditError, match="unexpected_rows_expectation"):
        run(con, Rule("zf02", sql, {"item_key": ["step_id", "officer_id"]}))


def test_rule_with_no_items_in_scope(con):
    sql = items_sql("ZF01", [("pass", "S1", "U1")]) + " where false"
    v = run(con, Rule("zf01", sql, {"item_key": ["step_id"]}))
    assert (v.success, v.element_count, v.unexpected_count) == (True, 0, 0)
    assert con.execute("SELECT count(*) FROM rule_results").fetchone()[0] == 0
