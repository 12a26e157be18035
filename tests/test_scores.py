"""The 评议考核 score sheet (zfaudit.scores): the default method of RULES.md on real DuckDB files."""

from __future__ import annotations

import json

import openpyxl
import pandas as pd
import pytest

from zfaudit.db import connect
from zfaudit.profiles import cite
from zfaudit.rules.catalogue import step_rules
from zfaudit.scores import (
    create_score_views,
    officer_counts,
    score_items,
    unit_scores,
    write_score_sheet,
)

WEIGHTS = {"ZF01": 50, "ZF03": 30, "ZF04": 20}


def _run(con, run_id, weights, rows, started="2026-10-20 09:00", min_items=1, nc=None):
    # min_items 1: points are effective_weight × rate, whatever the number of items (the
    # min_items rule has its own tests below)
    prof = {"name": "test", "rules": list(weights), "weights": weights,
            "clauses": {r: f"{r} 条款" for r in weights}, "min_items": min_items}
    con.execute("INSERT INTO audit_runs (run_id, profile, period_start, period_end, as_of, "
                "started_at, finished_at, profile_json) VALUES (?, 'test', '2026-07-01', "
                "'2026-10-01', '2026-10-20', ?, ?, ?)",
                [run_id, started, started, json.dumps(prof)])
    # (rule, unit, passed, violations, advisories)
    con.executemany("INSERT INTO rule_results VALUES (?, ?, ?, ?, ?, ?, ?, 0, 0, 0)",
                    [(run_id, r, u, p + v + a, p, v, a) for r, u, p, v, a in rows])


@pytest.fixture()
def hand_db(tmp_path):
    """Three units, one run: U1 has only advisories for ZF03 and nothing for ZF04."""
    db = tmp_path / "scores.duckdb"
    with connect(db) as con:
        con.execute("INSERT INTO units VALUES ('U1','一中队',NULL), ('U2','二中队',NULL), "
                    "('U3','三中队',NULL), ('U4','四中队',NULL)")
        _run(con, "R1", WEIGHTS, [
            ("ZF01", "U1", 3, 1, 0), ("ZF03", "U1", 0, 0, 2),
            ("ZF01", "U2", 1, 1, 0), ("ZF03", "U2", 2, 2, 0), ("ZF04", "U2", 4, 0, 0),
            ("ZF01", "U3", 2, 2, 0), ("ZF03", "U3", 1, 1, 0), ("ZF04", "U3", 3, 0, 0),
            ("ZF03", "U4", 0, 0, 5),                      # nothing scorable: no score
            ("DQ01", "U1", 0, 9, 0), ("DQ02", "U2", 0, 9, 0),  # data quality: never scored
        ])
    return db


def test_weights_of_rules_without_opportunities_are_spread(hand_db):
    with connect(hand_db, read_only=True) as con:
        items = score_items(con, "R1").set_index(["unit_id", "rule_id"])
        got = unit_scores(con, "R1").set_index("unit_id")
    # U1: ZF03 (advisories only) and ZF04 (no rows) have no scorable item, so ZF01 carries all
    # 100 points: 100 × 3/4
    assert items.loc[("U1", "ZF01"), "effective_weight"] == pytest.approx(100)
    assert items.loc[("U1", "ZF03"), "effective_weight"] == 0
    assert pd.isna(items.loc[("U1", "ZF03"), "rate"])
    assert got.loc["U1", "score"] == 75.0 and got.loc["U1", "rules_scored"] == 1
    # U2: 50 × 1/2 + 30 × 2/4 + 20 × 4/4 = 25 + 15 + 20
    assert got.loc["U2", "score"] == 60.0 and got.loc["U2", "rules_scored"] == 3
    assert got.loc["U3", "score"] == 60.0
    assert got.loc["U2", "rate_zf03"] == 0.5 and pd.isna(got.loc["U1", "rate_zf04"])
    assert "U4" not in got.index  # no scorable rule: no score, not a zero
    assert "U4" in items.index.get_level_values(0)  # but its items are listed
    assert not items.index.get_level_values(1).str.startswith("DQ").any()


def test_ties_share_a_rank(hand_db):
    with connect(hand_db, read_only=True) as con:
        got = unit_scores(con, "R1")
    assert list(zip(got.unit_id, got["rank"], strict=True)) == [("U1", 1), ("U2", 2), ("U3", 2)]
    assert got.unit_name.tolist() == ["一中队", "二中队", "三中队"]


def test_weights_come_from_the_run_not_todays_profile(hand_db):
    with connect(hand_db) as con:
        _run(con, "R2", {"ZF01": 10, "ZF03": 90}, [("ZF01", "U1", 1, 1, 0), ("ZF03", "U1", 1, 0, 0)],
             started="2026-10-21 09:00")
        create_score_views(con)
        create_score_views(con)  # idempotent
        view = con.execute("SELECT unit_id, score, rank FROM scores WHERE run_id = 'R2'").fetchall()
        r1 = con.execute("SELECT unit_id, score FROM scores WHERE run_id = 'R1' ORDER BY 1").fetchall()
    assert view == [("U1", 95.0, 1)]  # 10 × 1/2 + 90 × 1
    assert r1 == [("U1", 75.0), ("U2", 60.0), ("U3", 60.0)]


def test_officer_attribution(tmp_path):
    """A step finding counts for every officer on the step; a media finding for the holder;
    ZF02 for its officer; case and access findings for nobody."""
    db = tmp_path / "o.duckdb"
    with connect(db) as con:
        con.execute("INSERT INTO officers (officer_id, name, unit_id) VALUES "
                    "('O1','张三','U1'), ('O2','李四','U1'), ('O3','王五','U1')")
        con.execute("INSERT INTO step_officers VALUES ('S1','O1',true), ('S1','O2',true), "
                    "('S2','O3',true)")
        f = [("ZF01", "violation", "S1", None, None, None),   # step rule → O1, O2
             ("ZF16", "violation", "S1", None, None, None),   # step rule → O1, O2
             ("ZF02", "violation", "S2", None, None, "O3"),   # its officer
             ("ZF04", "pending", "S1", "M1", None, "O3"),     # media: holder O3 only
             ("ZF12", "violation", "S1", "M1", "A1", None),   # access: nobody
             ("ZF05", "violation", None, None, None, None),   # case: nobody
             ("DQ01", "violation", "S1", None, None, "O9")]   # data quality: not counted
        con.executemany("INSERT INTO findings (run_id, rule_id, outcome, case_id, step_id, "
                        "media_id, access_id, officer_id, unit_id) VALUES ('R1',?,?,'C1',?,?,?,?,'U1')", f)
        got = officer_counts(con, "R1")
    assert {"ZF01", "ZF03", "ZF16"} <= set(step_rules()) and "ZF04" not in step_rules()
    assert sorted(zip(got.officer_id, got.rule_id, got.outcome, got.findings, strict=True)) == [
        ("O1", "ZF01", "violation", 1), ("O1", "ZF16", "violation", 1),
        ("O2", "ZF01", "violation", 1), ("O2", "ZF16", "violation", 1),
        ("O3", "ZF02", "violation", 1), ("O3", "ZF04", "pending", 1)]


def _sheet(path, name) -> pd.DataFrame:
    return pd.read_excel(path, sheet_name=name, engine="openpyxl",
                         dtype={"人员编号": str, "单位编码": str})  # ids stay text


def test_score_sheet_equals_sql_over_rule_results(audited_db, tmp_path):
    """Recomputed here with pandas from rule_results and the run's recorded weights."""
    db, run = audited_db
    out = write_score_sheet(db, tmp_path / "s.xlsx", run)
    with connect(db, read_only=True) as con:
        # rows without a unit (e.g. patrol footage of an unknown device) score no unit
        rr = con.execute("SELECT unit_id, rule_id, sum(passed)::BIGINT p, sum(violations)::BIGINT v, "
                         "sum(not_checked)::BIGINT nc "
                         "FROM rule_results WHERE run_id = ? AND rule_id LIKE 'ZF%' "
                         "AND unit_id IS NOT NULL GROUP BY ALL",
                         [run]).df()
        prof = json.loads(con.execute("SELECT profile_json FROM audit_runs WHERE run_id = ?",
                                      [run]).fetchone()[0])
    # RULES.md "Evaluation and assessment", recomputed: scored when p + v >= 1 and
    # nc <= share × (p + v + nc); points = ew × (1 − v / max(p + v, min_items))
    w = {k: float(v) for k, v in prof["weights"].items() if v is not None}
    n_min, share = prof.get("min_items", 5), prof.get("max_not_checked_share", 0.5)
    scored = (rr.p + rr.v >= 1) & (rr.nc <= share * (rr.p + rr.v + rr.nc))
    rr = rr[scored & (rr.rule_id.map(w).fillna(0) > 0)].copy()
    rr["w"] = rr.rule_id.map(w)
    rr["ew"] = 100 * rr.w / rr.groupby("unit_id").w.transform("sum")
    rr["pts"] = rr.ew * (1 - rr.v / (rr.p + rr.v).clip(lower=n_min))
    want = rr.groupby("unit_id").pts.sum().round(2)
    want_rank = want.rank(ascending=False, method="min").astype(int)

    units = _sheet(out.path, "单位得分")
    assert len(want) >= 2 and out.units == len(want)
    assert dict(zip(units["单位编码"], units["得分"], strict=True)) == pytest.approx(want.to_dict())
    assert dict(zip(units["单位编码"], units["名次"], strict=True)) == want_rank.to_dict()
    assert units["名次"].is_monotonic_increasing
    # one rate column per rule of the profile, equal to passed / (passed + violations)
    some = rr.iloc[0]
    col = next(c for c in units.columns if c.startswith(some.rule_id + " "))
    assert units.set_index("单位编码").loc[some.unit_id, col] == pytest.approx(some.p / (some.p + some.v))

    rules = _sheet(out.path, "规则").set_index("规则")
    with connect(db, read_only=True) as con:
        tot = con.execute("SELECT rule_id, sum(opportunities)::BIGINT o, sum(passed)::BIGINT p, "
                          "sum(violations)::BIGINT v FROM rule_results WHERE run_id = ? "
                          "GROUP BY rule_id", [run]).df().set_index("rule_id")
    assert list(rules.index) == [r for r in prof["rules"] if r.startswith("ZF")]
    for r in tot.index.intersection(rules.index):
        assert (rules.loc[r, "检查项"], rules.loc[r, "合规"], rules.loc[r, "违规"]) == tuple(tot.loc[r, ["o", "p", "v"]])
        assert rules.loc[r, "权重"] == w.get(r, 0)
        assert rules.loc[r, "依据条款"] == cite(prof["clauses"][r], prof)  # the regulation by name


def test_officer_sheet_counts_equal_findings(audited_db, tmp_path):
    db, run = audited_db
    out = write_score_sheet(db, tmp_path / "s.xlsx", run)
    people = _sheet(out.path, "人员").set_index("人员编号")
    with connect(db, read_only=True) as con:
        # recomputed from findings and step_officers by the rule of RULES.md
        want = con.execute(f"""
            SELECT officer_id, count(*) n FROM (
                SELECT officer_id FROM findings
                WHERE run_id = $1 AND outcome = 'violation' AND officer_id IS NOT NULL
                  AND rule_id LIKE 'ZF%'
                UNION ALL
                SELECT so.officer_id FROM findings f JOIN step_officers so USING (step_id)
                WHERE f.run_id = $1 AND f.outcome = 'violation' AND f.officer_id IS NULL
                  AND f.rule_id IN ({",".join(f"'{r}'" for r in step_rules())}))
            GROUP BY 1""", [run]).df().set_index("officer_id").n
        names = dict(con.execute("SELECT officer_id, name FROM officers").fetchall())
    assert len(want) > 0
    got = people["违规合计"]
    assert got[got > 0].to_dict() == want.to_dict()
    for oid, masked in people["姓名"].dropna().items():  # masked by default
        assert masked != names[oid] and masked[0] == names[oid][0] and "*" in masked


def test_no_run_is_a_domain_error(tmp_path):
    from zfaudit.errors import AuditError

    db = tmp_path / "empty.duckdb"
    with connect(db):
        pass
    with pytest.raises(AuditError, match="找不到审计批次"):
        write_score_sheet(db, tmp_path / "x.xlsx")


def test_text_is_never_a_formula(hand_db, tmp_path):
    with connect(hand_db) as con:
        con.execute("UPDATE units SET unit_name = '=HYPERLINK(\"http://x\",\"点我\")' WHERE unit_id = 'U1'")
    out = write_score_sheet(hand_db, tmp_path / "s.xlsx", "R1")
    ws = openpyxl.load_workbook(out.path)["单位得分"]
    cell = next(c for row in ws.iter_rows() for c in row if c.value == '=HYPERLINK("http://x","点我")')
    assert cell.data_type == "s"


# ---------------------------------------------------------------- RULES.md scoring rule (issue 11)


def _one_unit(tmp_path, rows, weights, **profile):
    """rows: (rule, passed, violations, not_checked) for unit U1; returns score_items, scores."""
    db = tmp_path / "rule.duckdb"
    prof = {"name": "t", "rules": list(weights), "weights": weights, **profile}
    with connect(db) as con:
        con.execute("INSERT INTO units VALUES ('U1', '一中队', NULL)")
        con.execute("INSERT INTO audit_runs (run_id, profile, period_start, period_end, as_of, "
                    "started_at, finished_at, profile_json) VALUES ('R', 't', '2026-07-01', "
                    "'2026-10-01', '2026-10-20', '2026-10-20', '2026-10-20', ?)", [json.dumps(prof)])
        con.executemany("INSERT INTO rule_results VALUES ('R', ?, 'U1', ?, ?, ?, 0, 0, ?, 0)",
                        [(r, p + v + nc, p, v, nc) for r, p, v, nc in rows])
        items = score_items(con, "R").set_index("rule_id")
        scores = unit_scores(con, "R")
    return items, scores


@pytest.mark.parametrize("p, v, lost", [
    (0, 1, 50 / 5),        # 1 item, 1 violation: loses effective_weight / min_items
    (0, 4, 50 * 4 / 5),    # 4 violations of 4
    (4, 1, 50 * 1 / 5),    # exactly min_items items: effective_weight × rate
    (90, 10, 50 * 10 / 100),  # 100 items: the rate
])
def test_points_follow_the_rules_formula(tmp_path, p, v, lost):
    items, scores = _one_unit(tmp_path, [("ZF01", p, v, 0), ("ZF03", 5, 0, 0)],
                              {"ZF01": 50, "ZF03": 50})
    assert items.loc["ZF01", "effective_weight"] == pytest.approx(50)
    assert items.loc["ZF01", "points_lost"] == pytest.approx(lost)
    assert items.loc["ZF01", "points"] == pytest.approx(50 - lost)
    assert scores.score[0] == pytest.approx(round(100 - lost, 2))
    assert scores.points_lost[0] == pytest.approx(round(lost, 2))


def test_a_rule_mostly_not_checked_is_not_scored_and_its_weight_is_spread(tmp_path):
    # ZF13 without a media store: 1 violation, 9 not_checked → 9 > 0.5 × 10: not scored
    items, scores = _one_unit(tmp_path, [("ZF01", 10, 0, 0), ("ZF13", 0, 1, 9), ("ZF03", 0, 0, 0)],
                              {"ZF01": 60, "ZF13": 40, "ZF03": 10})
    assert items.loc["ZF13", "scored"] == False  # noqa: E712 (numpy bool)
    assert items.loc["ZF13", "not_scored_reason"] == "mostly_not_checked"
    assert items.loc["ZF03", "not_scored_reason"] == "no_items"
    assert items.loc["ZF13", "effective_weight"] == 0 and items.loc["ZF13", "points_lost"] == 0
    assert items.loc["ZF01", "effective_weight"] == pytest.approx(100)  # the weight is spread
    assert scores.score[0] == 100.0 and scores.rules_scored[0] == 1
    # exactly half not_checked is still scored
    items, _ = _one_unit(tmp_path / "half", [("ZF13", 0, 5, 5)], {"ZF13": 40})
    assert bool(items.loc["ZF13", "scored"]) and items.loc["ZF13", "points_lost"] == 100


def test_a_unit_with_no_scored_rule_has_no_score(tmp_path):
    items, scores = _one_unit(tmp_path, [("ZF13", 0, 1, 9)], {"ZF13": 40})
    assert scores.empty and items.loc["ZF13", "not_scored_reason"] == "mostly_not_checked"


def test_a_bureau_profile_overrides_min_items(tmp_path):
    items, _ = _one_unit(tmp_path, [("ZF01", 0, 1, 0)], {"ZF01": 50}, min_items=10)
    assert items.loc["ZF01", "points_lost"] == pytest.approx(100 / 10)
    items, _ = _one_unit(tmp_path / "b", [("ZF01", 1, 1, 0)], {"ZF01": 50},
                         min_items=2, max_not_checked_share=0.0)
    assert items.loc["ZF01", "points_lost"] == pytest.approx(50)


def test_the_score_sheet_shows_deductions_and_units_without_a_score(hand_db, tmp_path):
    out = write_score_sheet(hand_db, tmp_path / "s.xlsx", "R1")
    units = _sheet(out.path, "单位得分").set_index("单位编码")
    assert units.loc["U4", "说明"] == "无计分规则，本期不评分" and pd.isna(units.loc["U4", "得分"])
    assert units.loc["U1", "得分"] == 75.0 and units.loc["U1", "扣分"] == 25.0
    ded = _sheet(out.path, "扣分明细").set_index(["单位编码", "规则"])
    assert ded.loc[("U1", "ZF01"), "扣分"] == pytest.approx(25.0)  # 100 × 1/4 (min_items 1)
    assert ded.loc[("U1", "ZF03"), "说明"] == "无合规或违规检查项，不计分"
    assert ded.loc[("U2", "ZF03"), "违规"] == 2 and ded.loc[("U2", "ZF03"), "有效权重"] == 30


def test_officers_have_denominators(tmp_path):
    """issue 11 item 5: officers' counts had no denominators (2 late of 10 and 2 late of 200
    looked the same). An officer owns every item of a step they were on, and the media items
    of the device they held."""
    from small_bureau import AS_OF, make_bureau, rules_profile

    import zfaudit
    from zfaudit.engine.run import run_audit

    db = make_bureau(tmp_path / "o.duckdb")
    run_id = run_audit(db, rules_profile(tmp_path, ["ZF01"]), "2026Q3", as_of=AS_OF, progress=False)
    got = zfaudit.run(db, run_id).officers(unmasked=True).set_index(["officer_id", "rule_id"])
    # make_bureau: S1 (O1, O2) passes, S2 (O1 alone) and S3 (O3 alone) are violations
    assert got.loc[("O1", "ZF01"), ["items", "passed", "violations"]].tolist() == [2, 1, 1]
    assert got.loc[("O1", "ZF01"), "rate"] == pytest.approx(0.5)
    assert got.loc[("O2", "ZF01"), ["items", "violations"]].tolist() == [1, 0]
    assert got.loc[("O3", "ZF01"), ["items", "violations"]].tolist() == [1, 1]
    assert got.loc[("O1", "ZF01"), "officer_name"] == "张三"
    masked = zfaudit.run(db, run_id).officers()
    assert "张三" not in set(masked.officer_name)
    sheet = write_score_sheet(db, tmp_path / "s.xlsx", run_id)
    detail = _sheet(sheet.path, "人员明细").set_index("人员编号")
    assert detail.loc["O1", "检查项"] == 2 and detail.loc["O1", "合规率"] == 0.5
    assert "张三" not in set(detail["姓名"])


def test_a_rule_checked_for_none_of_its_items_is_mostly_not_checked(tmp_path):
    """Review of issue 11: p = v = 0 with nc > 0 is the "mostly not_checked" case of RULES.md
    (ZF13 without a store), not "no items"; and <= holds at the share exactly (float-safe)."""
    items, _ = _one_unit(tmp_path, [("ZF13", 0, 0, 10), ("ZF01", 5, 0, 0)], {"ZF13": 40, "ZF01": 60})
    assert items.loc["ZF13", "not_scored_reason"] == "mostly_not_checked"
    items, _ = _one_unit(tmp_path / "edge", [("ZF01", 71, 0, 29)], {"ZF01": 60},
                         max_not_checked_share=0.29)
    assert bool(items.loc["ZF01", "scored"])
    _, scores = _one_unit(tmp_path / "rate", [("ZF13", 0, 1, 9), ("ZF01", 5, 0, 0)],
                          {"ZF13": 40, "ZF01": 60})
    assert pd.isna(scores.rate_zf13[0])  # no rate shown for a rule the score leaves out
