"""RULES.md "Exceptions register": every status from a hand-built register imported as a
Chinese-header xlsx (one bad row quarantined), applied by a real audit with GX."""

from __future__ import annotations

import datetime as dt

import openpyxl
import pandas as pd
import pytest
from cycle_bureau import AS_OF, cycle_profile, make_cycle_bureau

import zfaudit
from zfaudit.db import connect
from zfaudit.errors import ProfileError
from zfaudit.profiles import get_profile

T = dt.datetime
HEADERS = ["登记编号", "规则编号", "环节编号", "案件编号", "人员编号", "例外理由", "情况说明",
           "申请人", "申请时间", "审批人", "审批时间", "依据文号"]
ASKED, OK = T(2026, 7, 2, 9), T(2026, 7, 3, 10)
ROWS = [
    # id, rule, step, case, officer, reason, note, requested_by, at, approved_by, at, doc
    ("E01", "ZF07", "S1", None, None, "客观条件限制", "现场突发暴雨，记录仪开启滞后", "张三丰", ASKED, "李四光", OK, None),
    ("E02", "ZF01", "S2", None, None, "客观条件限制", None, "张三丰", ASKED, "李四光", OK, None),
    ("E03", "ZF02", "S3", None, "O3", "objective_limits", "证件遗失", "王五福", ASKED, "李四光", OK, None),
    ("E04", "ZF07", "S1", None, None, "objective_limits", "  ", "张三丰", ASKED, "李四光", OK, None),
    ("E05", "zf05", None, "K1", None, "法律、法规、规章另有规定", "依法暂缓归档", "张三丰", ASKED, "李四光", OK, None),
    ("E06", "ZF05", None, "K1", None, "special_legal_provision", "依法暂缓归档", "张三丰", ASKED, "李四光", OK, "《某某条例》第十条"),
    ("E07", "ZF07", "S1", None, None, "objective_limits", "信号中断", "张三丰", ASKED, None, None, None),
    ("E08", "ZF07", "S1", None, None, "objective_limits", "信号中断", "张三丰", ASKED, "张三丰", OK, None),
    ("E09", "ZF07", "S1", None, None, "objective_limits", "信号中断", "张三丰", ASKED, "李四光", T(2026, 10, 21, 9), None),
    ("E10", "ZF07", "S2", None, None, "objective_limits", "信号中断", "张三丰", ASKED, "李四光", OK, None),
    ("E11", "ZF07", "S9", None, None, "objective_limits", "信号中断", "张三丰", ASKED, "李四光", OK, None),
    ("E12", "ZF14", None, "K1", None, "objective_limits", "信号中断", "张三丰", ASKED, "李四光", OK, None),
    ("E13", "ZF07", "S1", None, None, "天气恶劣", "暴雨", "张三丰", ASKED, "李四光", OK, None),
    ("E14", "ZF07", "S1", None, None, "下雨了", "暴雨", "张三丰", ASKED, "李四光", OK, None),  # bad code
]
EXPECTED = {
    "E01": ("applied", "ZF07|S1"),
    "E02": ("reason_not_allowed", "ZF01|S2"),   # first in RULES.md's order, before no_note
    "E03": ("reason_not_allowed", "ZF02|S3|O3"),
    "E04": ("no_note", "ZF07|S1"),
    "E05": ("no_document", "ZF05|K1"),
    "E06": ("applied", "ZF05|K1"),
    "E07": ("not_approved", "ZF07|S1"),
    "E08": ("self_approved", "ZF07|S1"),
    "E09": ("approved_after_as_of", "ZF07|S1"),
    "E10": ("no_such_violation", "ZF07|S2"),    # S2 passes ZF07
    "E11": ("no_such_violation", "ZF07|S9"),    # no such step
    "E12": ("no_such_violation", "ZF14|K1"),    # a rule the profile does not run
    "E13": ("reason_not_allowed", "ZF07|S1"),   # a valid reason zhuzhou_cgzf does not accept
}


def write_register(path, rows=ROWS):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "例外登记"
    ws.append(HEADERS)
    for r in rows:
        ws.append(list(r))
    wb.save(path)
    return path


@pytest.fixture(scope="module")
def judged(tmp_path_factory):
    d = tmp_path_factory.mktemp("exc")
    db = make_cycle_bureau(d / "bureau.duckdb")
    prof = cycle_profile(d)
    report = zfaudit.exceptions_import(write_register(d / "例外登记表.xlsx"), db)
    run = zfaudit.audit(db, prof, "2026Q3", as_of=AS_OF)
    return db, prof, report, run, d


def test_bad_row_quarantined_with_its_line(judged):
    db, _, report, _, _ = judged
    t = report.tables[0]
    assert (t.table, t.rows_read, t.rows_loaded, t.rows_quarantined) == ("exceptions", 14, 13, 1)
    with connect(db, read_only=True) as con:
        q = con.execute("SELECT line, column_name, raw_value, reason FROM quarantine "
                        "WHERE table_name = 'exceptions'").fetchall()
    assert q == [(15, "reason", "下雨了", "unknown_code")]


def test_every_status(judged):
    _, _, _, run, _ = judged
    df = run.exceptions()
    got = {e: (s, k) for e, s, k in zip(df.exception_id, df.status, df.finding_key, strict=True)}
    assert got == EXPECTED
    assert df.status_zh[df.exception_id == "E08"].item() == "申请人自行审批"
    assert list(df.exception_id[:2]) == ["E06", "E01"]  # applied first, then by rule


def test_applied_exceptions_excuse_the_items(judged):
    db, _, _, run, _ = judged
    f = run.findings(outcome="excused")
    assert sorted(zip(f.rule_id, f.step_id.fillna(""), f.case_id, strict=True)) == [
        ("ZF05", "", "K1"), ("ZF07", "S1", "K1")]
    assert "已按例外登记 E01（客观条件限制） 予以例外" in f.detail[f.rule_id == "ZF07"].item()
    assert run.findings(rule="ZF07").empty  # no ZF07 violation left
    with connect(db, read_only=True) as con:
        rr = con.execute("SELECT rule_id, passed, violations, excused FROM rule_results WHERE "
                         "run_id = ? AND unit_id = 'U1' AND rule_id IN ('ZF05', 'ZF07') ORDER BY 1",
                         [run.run_id]).fetchall()
    assert rr == [("ZF05", 0, 0, 1), ("ZF07", 1, 0, 1)]


def test_excused_neither_pass_nor_violation_in_scores(judged):
    """U1 by hand (weights ZF01 10, ZF02 8, ZF04 10, ZF05 8, ZF07 8, ZF08 4; min_items 5):
    ZF05 has only an excused item → not scored (no_items), the others share 100 by 40:
    ZF01 25 × (1 − 2/5) = 15, ZF02 20, ZF04 25 × (1 − 1/5) = 20, ZF07 20 × (1 − 0/5) = 20,
    ZF08 10 × (1 − 1/5) = 8 → 83.00; ZF07's rate is 1/1, not 1/2 or 2/2."""
    _, _, _, run, _ = judged
    items = run.score_items().set_index(["unit_id", "rule_id"])
    u1 = items.loc["U1"]
    assert u1.loc["ZF05", "not_scored_reason"] == "no_items"
    assert u1.loc["ZF07", "rate"] == 1.0
    assert u1.loc["ZF07", "passed"] == 1 and u1.loc["ZF07", "violations"] == 0
    assert round(u1.loc["ZF01", "effective_weight"], 6) == 25.0
    scores = run.scores().set_index("unit_id")
    assert scores.loc["U1", "score"] == 83.0


def test_without_the_register_the_same_unit_scores_less(judged, tmp_path):
    """The same bureau with no register: ZF05 1 violation, ZF07 1 of 2 → 79.17 (by hand:
    100/48 × (10 × 0.6 + 8 + 10 × 0.8 + 8 × 0.8 + 8 × 0.8 + 4 × 0.8))."""
    db = make_cycle_bureau(tmp_path / "plain.duckdb")
    run = zfaudit.audit(db, cycle_profile(tmp_path), "2026Q3", as_of=AS_OF)
    assert run.scores().set_index("unit_id").loc["U1", "score"] == 79.17


def test_same_as_of_same_result_later_as_of_applies_late_approval(judged):
    db, prof, _, run, _ = judged
    again = zfaudit.audit(db, prof, "2026Q3", as_of=AS_OF)
    a = again.exceptions().set_index("exception_id").status
    assert a.to_dict() == {k: v[0] for k, v in EXPECTED.items()}
    later = zfaudit.audit(db, prof, "2026Q3", as_of="2026-10-22 00:00:00")
    assert later.exceptions().set_index("exception_id").status["E09"] == "applied"


def test_newer_register_replaces_by_key_and_runs_keep_what_they_judged(judged, tmp_path):
    db, prof, _, run, _ = judged
    rows = [r if r[0] != "E07" else r[:9] + ("李四光", OK, None) for r in ROWS[:-1]]
    rep = zfaudit.exceptions_import(write_register(tmp_path / "例外登记表v2.xlsx", rows), db)
    assert (rep.tables[0].rows_replaced, rep.tables[0].rows_quarantined) == (13, 0)
    newer = zfaudit.audit(db, prof, "2026Q3", as_of=AS_OF)
    assert newer.exceptions().set_index("exception_id").status["E07"] == "applied"
    # the first run's record is as it was judged then
    assert run.exceptions().set_index("exception_id").status["E07"] == "not_approved"
    assert pd.isna(run.exceptions(unmasked=True).set_index("exception_id").approved_by["E07"])


def test_names_masked_by_default(judged):
    _, _, _, run, _ = judged
    df = run.exceptions()
    assert set(df.requested_by) <= {"张**", "王**"}
    assert "李四光" not in df.to_string() and "张三丰" not in df.to_string()
    assert run.exceptions(unmasked=True).set_index("exception_id").approved_by["E01"] == "李四光"


def test_cli_import_and_list(judged, tmp_path):
    from click.testing import CliRunner

    from zfaudit.cli import cli

    db, _, _, run, d = judged
    res = CliRunner().invoke(cli, ["exceptions", "list", "--db", str(db), "--run", run.run_id])
    assert res.exit_code == 0, res.output
    lines = [s for s in res.output.splitlines() if s.startswith("E")]
    assert len(lines) == 13
    assert any(s.startswith("E08") and "self_approved" in s and "申请人自行审批" in s for s in lines)
    assert "张三丰" not in res.output
    res = CliRunner().invoke(cli, ["exceptions", "import", str(tmp_path / "none.xlsx"),
                                   "--db", str(db)])
    assert res.exit_code == 2  # click: no such file


def test_a_bureau_profile_may_narrow_never_widen(tmp_path):
    narrow = tmp_path / "narrow.yaml"
    narrow.write_text("extends: zhuzhou_cgzf\nname: narrow\nexception_reasons: {ZF07: []}\n", "utf-8")
    assert get_profile(narrow).exception_reasons["ZF07"] == []
    wide = tmp_path / "wide.yaml"
    wide.write_text("extends: zhuzhou_cgzf\nname: wide\n"
                    "exception_reasons: {ZF07: [objective_limits, bad_weather]}\n", "utf-8")
    with pytest.raises(ProfileError, match="ZF07:bad_weather"):
        get_profile(wide)
    two_officers = tmp_path / "zf01.yaml"
    two_officers.write_text("extends: pengyang_county\nname: zf01\n"
                            "exception_reasons: {ZF01: [objective_limits]}\n", "utf-8")
    with pytest.raises(ProfileError, match="ZF01:objective_limits"):
        get_profile(two_officers)


def test_shipped_profiles_transcribe_the_rules_md_table():
    table = {
        "shandong_district_zhzf": {"ZF03": ["objective_limits"], "ZF07": ["objective_limits"]},
        "zhuzhou_cgzf": {"ZF07": ["objective_limits"], "ZF05": ["special_legal_provision"]},
        "linzi_amr": {"ZF07": ["device_failure", "bad_weather"], "ZF05": ["special_legal_provision"]},
        "pengyang_county": {"ZF07": ["objective_limits", "device_failure", "bad_weather",
                                     "power_or_storage"], "ZF03": ["written_record_sufficient"]},
        "mingshan_emergency": {"ZF03": ["not_suitable_for_recording"],
                               "ZF05": ["special_legal_provision"]},
    }
    for name, reasons in table.items():
        got = get_profile(name).exception_reasons
        assert {k: sorted(v) for k, v in got.items()} == {k: sorted(v) for k, v in reasons.items()}


def test_score_sheet_lists_the_register_and_the_lifecycle(judged, tmp_path):
    _, _, _, run, _ = judged
    out = run.score_sheet(tmp_path / "scores.xlsx").path
    wb = openpyxl.load_workbook(out)
    assert wb.sheetnames == ["单位得分", "扣分明细", "人员", "人员明细", "规则", "整改跟踪", "例外登记", "说明"]
    reg = list(wb["例外登记"].iter_rows(values_only=True))
    head, rows = reg[0], reg[1:]
    assert len(rows) == 13
    by_id = {r[0]: dict(zip(head, r, strict=True)) for r in rows}
    assert by_id["E01"]["审查结论"] == "已适用" and by_id["E01"]["审批人"] == "李**"
    assert by_id["E09"]["审查结论"] == "审批晚于审计时点"
    text = "\n".join(str(c) for r in reg for c in r if c)
    assert "李四光" not in text and "张三丰" not in text
    life = list(wb["整改跟踪"].iter_rows(values_only=True))
    assert life[0][:7] == ("单位编码", "单位名称", "新发现", "持续存在", "已整改", "予以例外", "不再列为违规")
    # U1: ZF01 S2, S5, ZF04 M2, ZF08 M2 new; ZF05 K1 and ZF07 S1 excused
    assert [r[:7] for r in life[1:]] == [("U1", "一中队", 4, 0, 0, 2, 0), ("U2", "二中队", 3, 0, 0, 0, 0)]


def test_rule_ids_as_an_office_types_them(tmp_path):
    db = make_cycle_bureau(tmp_path / "b.duckdb")
    reg = tmp_path / "例外登记.csv"
    reg.write_text(
        "登记编号,规则,环节编号,例外理由,情况说明,申请人,审批人,审批时间\n"
        "A1, zf 07 ,S1,客观条件限制,暴雨,张三丰,李四光,2026-07-03 10:00:00\n"
        "A2,ＺＦ０７,S1,客观条件限制,暴雨,张三丰,李四光,2026-07-03 10:00:00\n", "utf-8")
    zfaudit.exceptions_import(reg, db)
    run = zfaudit.audit(db, cycle_profile(tmp_path), "2026Q3", as_of=AS_OF)
    st = run.exceptions().set_index("exception_id")
    assert st.status.to_dict() == {"A1": "applied", "A2": "applied"}
    assert set(st.finding_key) == {"ZF07|S1"}
