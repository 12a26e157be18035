"""The analyst's Python API on the audited sample (sample → load → audit, real DuckDB file).

Every expected number is computed here by SQL on the same database, never copied from a run."""

from __future__ import annotations

import pandas as pd
import pytest
from pipeline import AS_OF, PERIOD, PROFILE, copy_db

import zfaudit
from zfaudit.db import connect
from zfaudit.errors import ZfauditError

HOSTILE = "'; DROP TABLE findings; --"


def q(db, sql, params=None) -> pd.DataFrame:
    with connect(db, read_only=True) as con:
        return con.execute(sql, params or []).df()


@pytest.fixture(scope="module")
def run(audited_db):
    db, run_id = audited_db
    return zfaudit.run(db, run_id)


def test_run_latest_and_metadata(audited_db, run):
    db, run_id = audited_db
    newest = q(db, "SELECT run_id FROM audit_runs ORDER BY finished_at DESC, run_id DESC LIMIT 1")
    assert zfaudit.run(db).run_id == newest.run_id[0]
    assert run.run_id == run_id and run.profile == PROFILE and run.period == PERIOD
    assert isinstance(run, zfaudit.Run)
    with pytest.raises(ZfauditError, match="找不到审计批次"):
        zfaudit.run(db, "no-such-run")


def test_summary_equals_rule_results(audited_db, run):
    db, run_id = audited_db
    want = q(db, """SELECT rule_id, sum(opportunities)::BIGINT o, sum(passed)::BIGINT p,
                           sum(violations)::BIGINT v FROM rule_results WHERE run_id = ?
                    GROUP BY rule_id""", [run_id]).set_index("rule_id")
    got = run.summary().set_index("rule_id")
    assert list(got.index[:2]) == ["DQ01", "DQ02"]
    for r in want.index:
        assert tuple(got.loc[r, ["opportunities", "passed", "violations"]]) == tuple(want.loc[r])
        p, v = want.loc[r, "p"], want.loc[r, "v"]
        assert got.loc[r, "rate"] == pytest.approx(p / (p + v)) if p + v else pd.isna(got.loc[r, "rate"])
    zh = run.summary(labels="zh")
    assert list(zh.columns[:3]) == ["规则", "名称", "检查项"] and "合规率" in zh.columns
    with pytest.raises(ZfauditError, match="labels"):
        run.summary(labels="fr")


def test_findings_filters_equal_sql(audited_db, run):
    db, run_id = audited_db
    top = q(db, """SELECT rule_id, unit_id, count(*) n FROM findings WHERE run_id = ?
                   AND outcome = 'violation' AND unit_id IS NOT NULL
                   GROUP BY ALL ORDER BY n DESC, rule_id, unit_id LIMIT 1""", [run_id]).iloc[0]
    by_rule = q(db, "SELECT count(*) n FROM findings WHERE run_id = ? AND rule_id = ? "
                    "AND outcome = 'violation'", [run_id, top.rule_id]).n[0]
    everything = q(db, "SELECT count(*) n FROM findings WHERE run_id = ?", [run_id]).n[0]
    got = run.findings(rule=top.rule_id)
    assert len(got) == by_rule and set(got.rule_id) == {top.rule_id}
    assert len(run.findings(rule=top.rule_id.lower())) == by_rule  # zf04 = ZF04
    assert len(run.findings(rule=top.rule_id, unit=top.unit_id)) == top.n
    assert len(run.findings(outcome=None)) == everything
    assert set(run.findings(outcome=["pending", "advisory"]).outcome) <= {"pending", "advisory"}
    zh = run.findings(rule=top.rule_id, labels="zh")
    assert {"规则", "结果", "案件编号", "问题描述"} <= set(zh.columns) and set(zh["结果"]) == {"违规"}


def test_findings_masked_by_default(audited_db, run):
    db, run_id = audited_db
    raw = run.findings(outcome=None, unmasked=True)
    masked = run.findings(outcome=None)
    people = q(db, "SELECT name FROM officers WHERE length(name) >= 2 UNION "
                   "SELECT party_name FROM cases WHERE length(party_name) >= 2").iloc[:, 0]
    named = raw[raw.officer_name.notna()]
    assert len(named) > 0  # the sample has findings naming an officer (ZF02, media holders)
    assert set(masked.loc[named.index, "officer_name"]).isdisjoint(set(people))
    leaking = [d for d in masked.detail.dropna() for p in people if p in d]
    assert leaking == []
    pd.testing.assert_frame_equal(masked.drop(columns=["officer_name", "detail"]),
                                  raw.drop(columns=["officer_name", "detail"]))


def test_scores_equal_score_items(run):
    scores = run.scores().set_index("unit_id")
    items = run.score_items()
    pts = items.dropna(subset=["unit_id"]).groupby("unit_id").points.sum().round(2)
    assert len(scores) > 0
    assert scores.score.to_dict() == pytest.approx(pts[scores.index].to_dict())
    assert (scores["rank"] == scores.score.rank(ascending=False, method="min").astype(int)).all()
    assert scores.index.notna().all()  # no unit, no rank
    ew = items[items.effective_weight > 0].groupby("unit_id").effective_weight.sum()
    assert ew[scores.index].to_numpy() == pytest.approx(100)  # every unit out of 100
    zh = run.scores(labels="zh")
    assert list(zh.columns[:4]) == ["单位编码", "单位名称", "得分", "名次"]


def test_case_has_its_steps_media_and_findings(audited_db, run):
    db, run_id = audited_db
    case_id = q(db, """SELECT case_id FROM findings WHERE run_id = ? AND case_id IS NOT NULL
                       GROUP BY 1 ORDER BY count(*) DESC, 1 LIMIT 1""", [run_id]).case_id[0]
    c = run.case(case_id)
    assert c.found and c.info["case_id"] == case_id
    assert sorted(c.steps.step_id) == sorted(q(db, "SELECT step_id FROM steps WHERE case_id = ?", [case_id]).step_id)
    assert sorted(c.media.media_id) == sorted(q(db, "SELECT media_id FROM media WHERE case_id = ?", [case_id]).media_id)
    assert len(c.findings) == q(db, "SELECT count(*) n FROM findings WHERE run_id = ? AND case_id = ?",
                                [run_id, case_id]).n[0]
    party = q(db, "SELECT party_name FROM cases WHERE case_id = ?", [case_id]).party_name[0]
    assert c.info["party_name"] != party  # masked by default
    assert run.case(case_id, unmasked=True).info["party_name"] == party
    assert case_id in c._repr_html_()
    assert len(c.timeline().data) >= len(c.steps)


def test_hostile_values_are_data(audited_db, run):
    db, run_id = audited_db
    before = q(db, "SELECT count(*) n FROM findings").n[0]
    # issue 11: a value that cannot match is refused naming the valid ones (still data: the
    # table is untouched, and nothing is pasted into SQL)
    for kw in ({"unit": HOSTILE}, {"rule": HOSTILE}, {"outcome": HOSTILE}):
        with pytest.raises(ZfauditError, match="unknown (unit|rule|outcome)"):
            run.findings(**kw)
    with pytest.raises(ZfauditError, match="case not found"):
        run.case(HOSTILE)
    assert zfaudit.sql(db, "SELECT count(*) n FROM findings WHERE unit_id = ?", [HOSTILE]).n[0] == 0
    assert q(db, "SELECT count(*) n FROM findings").n[0] == before > 0


def test_sql_is_read_only_and_parameterised(audited_db):
    db, run_id = audited_db
    got = zfaudit.sql(db, "SELECT count(*) AS n FROM findings WHERE run_id = $run", {"run": run_id})
    assert got.n[0] == q(db, "SELECT count(*) n FROM findings WHERE run_id = ?", [run_id]).n[0]
    with pytest.raises(ZfauditError, match="只读"):
        zfaudit.sql(db, "DELETE FROM findings")


def test_repr_html(run):
    h = run._repr_html_()
    assert run.run_id in h and "合规率" in h and PROFILE in h
    assert run.run_id in repr(run)


@pytest.mark.slow
def test_audit_returns_a_run(audited_db, tmp_path):
    """zfaudit.audit on a copy: same data, same profile → the same per-rule numbers."""
    db, run_id = audited_db
    db2 = copy_db(db, tmp_path)
    media = q(db, "SELECT media_store FROM audit_runs WHERE run_id = ?", [run_id]).media_store[0]
    new = zfaudit.audit(db2, PROFILE, PERIOD, as_of=AS_OF, media_store=media)
    assert isinstance(new, zfaudit.Run) and new.run_id != run_id
    assert zfaudit.run(db2).run_id == new.run_id
    # the views SQL users query exist after zfaudit.audit and agree with the API
    view = q(db2, "SELECT unit_id, score FROM scores WHERE run_id = ?", [new.run_id])
    assert dict(zip(view.unit_id, view.score, strict=True)) == dict(
        zip(new.scores().unit_id, new.scores().score, strict=True))
    cols = ["rule_id", "opportunities", "passed", "violations", "pending"]
    old = zfaudit.run(db2, run_id)
    assert new.summary()[cols].equals(old.summary()[cols])


def test_values_that_cannot_match_are_refused_with_the_closest_valid_ones(audited_db, run, tmp_path):
    """issue 11 item 6: an unknown rule, unit, outcome or case id returned an empty table."""
    from click.testing import CliRunner

    from zfaudit.cli import cli

    db, _ = audited_db
    with pytest.raises(ZfauditError, match="closest: ZF01"):
        run.findings(rule="ZF1")
    units = q(db, "SELECT unit_id, unit_name FROM units ORDER BY 1")
    some_unit, some_name = units.unit_id[1], units.unit_name[1]
    with pytest.raises(ZfauditError, match=f"closest: .*{some_unit}"):
        run.findings(unit=some_unit.lower())
    assert len(run.findings(unit=some_name)) == len(run.findings(unit=some_unit))  # a name works
    with pytest.raises(ZfauditError, match="valid: pass, violation"):
        run.findings(outcome="violations")
    assert len(run.findings(outcome="违规")) == len(run.findings(outcome="violation"))
    case_id = q(db, "SELECT case_id FROM cases WHERE case_id LIKE '%〔2026〕%' ORDER BY 1 LIMIT 1").case_id[0]
    ascii_brackets = case_id.replace("〔", "[").replace("〕", "]")
    with pytest.raises(ZfauditError, match="did you mean") as e:
        run.case(ascii_brackets)
    assert case_id in str(e.value)
    seq = int(case_id.split("〕")[1].rstrip("号"))
    with pytest.raises(ZfauditError) as e:
        run.case(str(seq))
    assert case_id in str(e.value)
    r = CliRunner().invoke(cli, ["report", "case", "--db", str(db), "--case", ascii_brackets,
                                 "--out", str(tmp_path / "c.html")])
    assert r.exit_code == 1 and case_id in r.output and not (tmp_path / "c.html").exists()


def test_case_view_reads_as_a_person_reads_it(audited_db, run):
    """issue 16 (partly): the case table showed 执法类别 "penalty" and "None"; media without a
    finding showed late_upload <NA>."""
    db, run_id = audited_db
    case_id = q(db, "SELECT case_id FROM cases WHERE category = 'penalty' AND procedure = 'general' "
                    "AND concluded_at IS NULL ORDER BY 1 LIMIT 1").case_id[0]
    c = run.case(case_id)
    h = c._repr_html_()
    assert "行政处罚" in h and "一般程序" in h and "penalty" not in h and "None" not in h


def test_late_upload_is_zf04s_verdict(audited_db, run):
    """issue 16: late_upload was <NA> for media that passed ZF04 (YX0000002343) and then False
    for media ZF04 never judged. True: late (violation, excused or not); False: passed; <NA>:
    pending, not_checked or not an item of the run's ZF04 (the sample's not_checked ZF04 items
    have no case to show). The oracle is the run's own item list
    (audit.items_zf04 keeps passed items; the fixture's run is the database's last)."""
    db, run_id = audited_db
    assert q(db, "SELECT run_id FROM audit_runs ORDER BY started_at DESC LIMIT 1").run_id[0] == run_id
    case_id = q(db, "SELECT case_id FROM media WHERE media_id = 'YX0000002343'").case_id[0]
    media = run.case(case_id).media.set_index("media_id").late_upload
    items = q(db, "SELECT media_id, outcome FROM audit.items_zf04 WHERE case_id = ?", [case_id])
    verdict = {"violation": True, "excused": True, "pass": False}  # anything else: None (<NA>)
    expected = {m: verdict.get(o) for m, o in zip(items.media_id, items.outcome, strict=True)}
    assert str(media.dtype) == "boolean" and tri(media["YX0000002343"]) is False  # passed ZF04
    got = {m: tri(v) for m, v in media.items()}
    # media outside the period are no ZF04 item: unknown
    assert got == {m: expected.get(m) for m in media.index}
    assert set(got.values()) == {True, False, None}  # the case has all three


def tri(v) -> bool | None:
    """A nullable boolean cell as True, False or None."""
    return None if v is pd.NA else bool(v)


def test_findings_and_officers_name_the_rule_and_the_officer_alike(run):
    """issue 16: findings(labels="zh") had no rule title; officers() called the name `name`."""
    f = run.findings()
    assert list(f.columns[:3]) == ["rule_id", "rule_title", "outcome"]
    titles = dict(zip(run.summary().rule_id, run.summary().title_zh, strict=True))
    assert (f.rule_title == f.rule_id.map(titles)).all()
    zh = run.findings(labels="zh")
    assert list(zh.columns[:3]) == ["规则", "规则名称", "结果"]
    assert set(zh[zh["规则"] == "ZF04"]["规则名称"]) == {"按时上传存储"}
    o = run.officers()
    assert "officer_name" in o.columns and "name" not in o.columns
    assert run.findings(outcome=None, rule="ZF01").columns.equals(f.columns)


def test_an_existing_output_names_the_callers_own_switch(audited_db, run, tmp_path):
    """issue 16: run.report() on an existing file said "use --overwrite", a CLI flag. Python
    names `overwrite=True`, the command line `--overwrite`; nothing is written either way."""
    from click.testing import CliRunner

    from zfaudit.cli import cli

    db, run_id = audited_db
    out = tmp_path / "q.html"
    out.write_text("mine", "utf-8")
    for call in (lambda: run.report("quarterly", out),
                 lambda: run.score_sheet(out.with_suffix(".xlsx")),
                 lambda: zfaudit.audit(db, PROFILE, PERIOD, docs=tmp_path)):
        out.with_suffix(".xlsx").write_text("mine", "utf-8")
        with pytest.raises(ZfauditError) as e:
            call()
        assert "overwrite=True" in str(e.value) and "--overwrite" not in str(e.value)
    for args in (["report", "quarterly", "--out", str(out)],
                 ["scores", "--out", str(out.with_suffix(".xlsx"))],
                 ["sql", "SELECT 1", "--out", str(out.with_suffix(".xlsx"))],
                 ["audit", "--profile", PROFILE, "--period", PERIOD, "--docs", str(tmp_path)]):
        r = CliRunner().invoke(cli, [*args, "--db", str(db)])
        assert r.exit_code == 1 and "--overwrite" in r.output and "overwrite=True" not in r.output, r.output
    assert out.read_text("utf-8") == "mine" and out.with_suffix(".xlsx").read_text("utf-8") == "mine"
    assert q(db, "SELECT run_id FROM audit_runs ORDER BY started_at DESC LIMIT 1").run_id[0] == run_id
