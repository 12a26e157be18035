"""Masking at scale (issue 15): free text is scrubbed with the personal values of the shown
rows' own records, and a finding's detail never carries personal data in the first place."""

from __future__ import annotations

import pytest
from click.testing import CliRunner
from cycle_bureau import AS_OF, cycle_profile, make_cycle_bureau

import zfaudit
from zfaudit.db import connect
from zfaudit.engine import gx as zgx
from zfaudit.engine.findings import write_results
from zfaudit.engine.run import evaluate
from zfaudit.pii import personal_values
from zfaudit.rules.catalogue import Rule


@pytest.fixture
def bureau(tmp_path):
    db = make_cycle_bureau(tmp_path / "bureau.duckdb")
    with connect(db) as con:
        con.execute("UPDATE cases SET party_id_no = '430203199001011234' WHERE case_id = 'K1'")
    return db


def test_values_are_those_of_the_shown_items_only(bureau):
    with connect(bureau, read_only=True) as con:
        k1 = personal_values(con, case_ids=["K1"])
        by_step = personal_values(con, step_ids=["S3"])
        none = personal_values(con)
    assert "赵六顺" in k1 and "430203199001011234" in k1 and "钱七宝" not in k1
    assert "钱七宝" in by_step and "赵六顺" not in by_step  # S3 belongs to K2
    assert {"张三丰", "李四光", "王五福"} <= set(none)      # officers always
    assert "赵六顺" not in none and "钱七宝" not in none
    assert k1 == sorted(k1, key=len, reverse=True)


def test_a_detail_quoting_its_party_is_masked_when_written(bureau, tmp_path):
    """A rule (here a hand-written one) whose detail quotes the party's name and ID number:
    the findings table holds the masked text, so even the unmasked console and --out show
    no personal value."""
    sql = ("select 'ZF07' as rule_id, 'violation' as outcome, c.case_id, 'S1' as step_id, "
           "null::varchar as media_id, null::varchar as access_id, null::varchar as officer_id, "
           "c.unit_id, null::timestamp as due_at, null::timestamp as observed_at, "
           "'当事人 ' || c.party_name || '（' || c.party_id_no || '）拒绝配合' as detail "
           "from cases c where c.case_id = 'K1'")
    rule = Rule("zf07", sql, {"item_key": ["step_id"]})
    with connect(bureau) as con:
        with zgx.gx_session(con) as session:
            verdicts = evaluate(con, session, [rule], False, progress=False)
        write_results(con, "R1", verdicts, {})
        detail = con.execute("SELECT detail FROM findings WHERE run_id = 'R1'").fetchone()[0]
    assert detail == "当事人 赵**（4*****************）拒绝配合"
    out = tmp_path / "f.csv"
    from zfaudit.cli import cli

    res = CliRunner().invoke(cli, [
        "sql", "--db", str(bureau), "--unmasked", "--out", str(out),
        "SELECT detail FROM findings WHERE run_id = 'R1'"])
    assert res.exit_code == 0, res.output
    text = out.read_text("utf-8-sig")
    assert "赵六顺" not in text and "430203199001011234" not in text


def test_masked_case_report_never_shows_a_quoted_party(bureau, tmp_path):
    """Even a detail written some other way (an older zfaudit): the case report scrubs it with
    the case's own people, in the HTML and in the executed notebook."""
    run = zfaudit.audit(bureau, cycle_profile(tmp_path), "2026Q3", as_of=AS_OF)
    with connect(bureau) as con:
        con.execute("UPDATE findings SET detail = detail || '；当事人赵六顺，证件号430203199001011234' "
                    "WHERE run_id = ? AND case_id = 'K1'", [run.run_id])
    html = run.report("case", tmp_path / "case.html", case_id="K1")
    for text in (html.read_text("utf-8"), html.with_suffix(".ipynb").read_text("utf-8")):
        assert "赵六顺" not in text and "430203199001011234" not in text
        assert "赵**" in text
    masked = run.findings(rule="ZF01")
    assert not masked.detail.str.contains("赵六顺").any()
    assert run.findings(rule="ZF01", unmasked=True).detail.str.contains("赵六顺").any()


def test_only_rules_that_name_a_personal_column_are_checked():
    """The write-time check is skipped for a rule whose SQL never names a personal column
    (it cannot quote one); the shipped rules that do name one are checked."""
    from zfaudit.engine.findings import may_quote_personal
    from zfaudit.rules.catalogue import catalogue

    rules = catalogue()
    assert not may_quote_personal(rules["zf13"]) and not may_quote_personal(rules["zf04"])
    assert may_quote_personal(rules["zf08"]) and may_quote_personal(rules["zf12"])
    assert may_quote_personal(Rule("zf99", "select party_name as detail from cases", {}))
    assert not may_quote_personal(Rule("zf99", "-- party_name in a comment\nselect 1", {}))
