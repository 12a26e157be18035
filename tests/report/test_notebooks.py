"""The three report notebooks executed by papermill on one audited database: the numbers in
the HTML are the numbers in findings / rule_results, and no personal data leaks when masked."""

from __future__ import annotations

import json
import re

import openpyxl
import pandas as pd
import pytest
from bs4 import BeautifulSoup

from zfaudit.contract import contract
from zfaudit.db import connect
from zfaudit.profiles import cite, get_profile


def sql(db, query, params=None) -> pd.DataFrame:
    with connect(db, read_only=True) as con:
        return con.execute(query, params or []).df()


def html_table(path, name) -> pd.DataFrame:
    soup = BeautifulSoup(path.read_text("utf-8"), "html.parser")
    t = soup.find("table", id=f"zf-{name}")
    assert t is not None, f"table zf-{name} missing"
    heads = [th.get_text(strip=True) for th in t.find("thead").find_all("th")]
    rows = [[td.get_text(strip=True) for td in tr.find_all("td")] for tr in t.find("tbody").find_all("tr")]
    return pd.DataFrame(rows, columns=heads)


def pct(p, v) -> str:
    return "—" if p + v == 0 else f"{100 * p / (p + v):.1f}%"


def test_quarterly_headline_rates_equal_rule_results(audited_db, rendered):
    db, run = audited_db
    got = html_table(rendered["quarterly"], "headline").set_index("规则")
    want = sql(db, """SELECT rule_id, sum(passed)::BIGINT p, sum(violations)::BIGINT v
                      FROM rule_results WHERE run_id = ? GROUP BY rule_id""", [run]).set_index("rule_id")
    assert list(got.index) == ["ZF03", "ZF04", "ZF05", "ZF01", "ZF12"]
    for rule in got.index:
        p, v = (int(want.p[rule]), int(want.v[rule])) if rule in want.index else (0, 0)
        assert got.loc[rule, "合规"] == (str(p) if rule in want.index else "")
        assert got.loc[rule, "违规"] == (str(v) if rule in want.index else "")
        assert got.loc[rule, "本期合规率"] == pct(p, v)


def test_quarterly_rule_breakdown_equals_rule_results(audited_db, rendered):
    db, run = audited_db
    got = html_table(rendered["quarterly"], "rules").set_index("规则")
    want = sql(db, """SELECT rule_id, sum(opportunities)::BIGINT o, sum(passed)::BIGINT p,
                             sum(violations)::BIGINT v, sum(advisories)::BIGINT a,
                             sum(pending)::BIGINT pe, sum(not_checked)::BIGINT nc,
                             sum(excused)::BIGINT ex
                      FROM rule_results WHERE run_id = ? AND rule_id NOT LIKE 'DQ%'
                      GROUP BY rule_id ORDER BY rule_id""", [run])
    assert list(got.index) == list(want.rule_id)
    for r in want.itertuples():
        row = got.loc[r.rule_id]
        assert [row["检查项"], row["合规"], row["违规"], row["提示"], row["待到期"], row["未检查"],
                row["例外"]] == [str(x) for x in (r.o, r.p, r.v, r.a, r.pe, r.nc, r.ex)]
        assert row["合规率"] == pct(r.p, r.v)
    assert got.loc["ZF07", "例外"] == "2" and got.loc["ZF05", "例外"] == "1"  # the sample register
    clauses = get_profile(sql(db, "SELECT profile FROM audit_runs WHERE run_id = ?", [run]).profile[0]).clauses
    prof = get_profile(sql(db, "SELECT profile FROM audit_runs WHERE run_id = ?", [run]).profile[0])
    # the profile's own regulation cited by its name, not by its seed number ("001 第十二条")
    assert got.loc[want.rule_id[0], "依据条款"] == cite(clauses[want.rule_id[0]], prof.data)
    assert "《株洲市城市管理和综合执法局行政执法全过程记录制度》第十二条" in got.loc["ZF01", "依据条款"]


def test_quarterly_scores_follow_the_default_score_sheet(audited_db, rendered):
    """RULES.md "Evaluation and assessment", recomputed from rule_results: a rule is scored for
    a unit when p + v >= 1 and nc <= share × (p + v + nc); weights spread to 100 over the scored
    rules; points = ew × (1 − v / max(p + v, min_items))."""
    db, run = audited_db
    got = html_table(rendered["quarterly"], "scores")
    prof = json.loads(sql(db, "SELECT profile_json FROM audit_runs WHERE run_id = ?", [run]).profile_json[0])
    rr = sql(db, """SELECT unit_id, rule_id, sum(passed)::BIGINT p, sum(violations)::BIGINT v,
                           sum(not_checked)::BIGINT nc
                    FROM rule_results WHERE run_id = ? AND rule_id LIKE 'ZF%' GROUP BY ALL""", [run])
    n_min, share = prof["min_items"], prof["max_not_checked_share"]
    want = {}
    for unit, g in rr.groupby("unit_id"):
        g = g[(g.p + g.v >= 1) & (g.nc <= share * (g.p + g.v + g.nc))
              & g.rule_id.map(lambda r: (prof["weights"].get(r) or 0) > 0)]
        if len(g):
            ew = 100 * g.rule_id.map(prof["weights"]).astype(float)
            ew = ew / g.rule_id.map(prof["weights"]).astype(float).sum()
            want[unit] = round(float((ew * (1 - g.v / (g.p + g.v).clip(lower=n_min))).sum()), 2)
    assert dict(zip(got["单位编码"], got["得分"].astype(float), strict=True)) == pytest.approx(want)
    ranks = got["名次"].astype(int).tolist()
    assert ranks == sorted(ranks) and ranks[0] == 1


def test_quarterly_cases_dq_and_quarantine_equal_sql(audited_db, rendered):
    db, run = audited_db
    cases = html_table(rendered["quarterly"], "cases")
    want = sql(db, """SELECT case_id, count(*) n FROM findings WHERE run_id = ?
                      AND outcome = 'violation' AND case_id IS NOT NULL
                      AND rule_id NOT LIKE 'DQ%' GROUP BY case_id ORDER BY n DESC, case_id LIMIT 10""", [run])
    assert list(zip(cases["案件编号"], cases["违规数"].astype(int), strict=True)) == list(
        zip(want.case_id, want.n, strict=True))
    q = sql(db, "SELECT table_name, reason, count(*) n FROM quarantine GROUP BY ALL")
    html = rendered["quarterly"].read_text("utf-8")
    if len(q):
        got = html_table(rendered["quarterly"], "quarantine")
        ct = contract()  # shown in Chinese: 案件, 时间无法识别
        assert sorted(zip(got["数据表"], got["原因"], got["行数"].astype(int), strict=True)) == sorted(
            zip([ct.tables[t].zh for t in q.table_name],
                [ct.reason_labels[r] for r in q.reason], q.n, strict=True))
        assert not any(r in html for r in ("bad_timestamp", "unknown_code", "duplicate_key"))
    dq = sql(db, "SELECT rule_id, count(*) n FROM findings WHERE run_id = ? AND rule_id LIKE 'DQ%' "
                 "GROUP BY rule_id ORDER BY rule_id", [run])
    if len(dq):
        got = html_table(rendered["quarterly"], "dq")
        assert list(zip(got["检查"], got["问题数"].astype(int), strict=True)) == list(
            zip(dq.rule_id, dq.n, strict=True))
    # the method appendix names every input file with its SHA-256
    for sha in sql(db, "SELECT sha256 FROM loads").sha256:
        assert sha in html
    assert run in html


def test_case_review_lists_every_finding_of_the_case(audited_db, rendered):
    db, run = audited_db
    case_id = rendered["case_id"]
    got = html_table(rendered["case"], "findings")
    want = sql(db, "SELECT rule_id, count(*) n FROM findings WHERE run_id = ? AND case_id = ? "
                   "GROUP BY rule_id ORDER BY rule_id", [run, case_id])
    assert got["规则"].value_counts().sort_index().to_dict() == dict(zip(want.rule_id, want.n, strict=True))
    steps = html_table(rendered["case"], "steps")
    assert sorted(steps["环节编号"]) == sorted(
        sql(db, "SELECT step_id FROM steps WHERE case_id = ?", [case_id]).step_id)
    assert f"案件复查：{case_id}" in rendered["case"].read_text("utf-8")


def test_spot_check_ledger_matches_the_report_and_records_the_seed(audited_db, rendered):
    html = rendered["spot-check"].read_text("utf-8")
    assert "20261125" in html  # the seed is in the output
    sample = html_table(rendered["spot-check"], "sample")
    wb = openpyxl.load_workbook(rendered["ledger"])
    ws = wb["回放检查台帐"]
    rows = list(ws.iter_rows(values_only=True))
    head = list(rows[0])
    assert head[0] == "抽检编号" and head[-5:] == ["检查结论", "问题类型", "检查人", "检查时间", "备注"]
    body = rows[1:]
    assert [r[head.index("文件编号")] for r in body] == list(sample["文件编号"])
    assert [r[0] for r in body] == [f"CJ20261125-{m}" for m in sample["文件编号"]]
    assert all(r[-5:] == (None,) * 5 for r in body)  # blank for the reviewer
    about = dict(wb["抽样说明"].iter_rows(min_row=2, values_only=True))
    assert about["随机种子"] == "20261125"
    # stratified: at most per_stage (2) per unit and stage
    assert sample.groupby(["单位", "环节"]).size().max() <= 2


def _pii(db) -> set[str]:
    """Every personal-data value in the database (names, party names, ID numbers)."""
    ids = set(sql(db, "SELECT officer_id v FROM officers UNION SELECT unit_id FROM units").v)
    vals = sql(db, """
        SELECT name v FROM officers UNION SELECT party_name FROM cases
        UNION SELECT party_id_no FROM cases UNION SELECT label_party FROM media
        UNION SELECT label_officer FROM media UNION SELECT made_by FROM media
        UNION SELECT requested_by FROM media_access UNION SELECT approved_by FROM media_access
        UNION SELECT requested_by FROM exceptions UNION SELECT approved_by FROM exceptions""").v
    return {v for v in vals.dropna() if len(v) >= 2 and v not in ids}


def _xlsx_text(path) -> str:
    wb = openpyxl.load_workbook(path)
    return "\n".join(str(c) for ws in wb for row in ws.iter_rows(values_only=True) for c in row if c)


def test_masked_reports_contain_no_personal_data(audited_db, rendered):
    db, _ = audited_db
    pii = _pii(db)
    assert len(pii) >= 5
    texts = {}
    for kind in ("quarterly", "case", "spot-check"):
        texts[f"{kind}.html"] = rendered[kind].read_text("utf-8")
        texts[f"{kind}.ipynb"] = rendered[kind].with_suffix(".ipynb").read_text("utf-8")
    texts["ledger.xlsx"] = _xlsx_text(rendered["ledger"])
    any_pii = re.compile("|".join(map(re.escape, sorted(pii, key=len, reverse=True))))
    leaks = {(name, m) for name, text in texts.items() for m in any_pii.findall(text)}
    assert leaks == set()


def test_unmasked_report_shows_names(audited_db, tmp_path):
    """The leak check above can see names: unmasked, the officers' names are there."""
    from zfaudit.report.render import render_report

    db, run = audited_db
    out = render_report("quarterly", db, tmp_path / "q.html", run=run, mask_pii=False)
    names = set(html_table(out, "officers")["姓名"])
    officers = set(sql(db, "SELECT name FROM officers").name)
    assert names and names <= officers
    assert "未脱敏" in out.read_text("utf-8")


def test_notebooks_have_a_parameters_cell():
    from zfaudit.report.render import KINDS, notebook_path

    for kind in KINDS:
        nb = json.loads(notebook_path(kind).read_text("utf-8"))
        tagged = [c for c in nb["cells"] if "parameters" in c.get("metadata", {}).get("tags", [])]
        assert len(tagged) == 1
        assert re.search(r"^mask_pii = True$", "".join(tagged[0]["source"]), re.M)


def test_reports_carry_no_warnings_or_errors(rendered):
    """Nothing a reader should not see: no stderr stream (warnings) or error in any output."""
    for kind in ("quarterly", "case", "spot-check"):
        nb = json.loads(rendered[kind].with_suffix(".ipynb").read_text("utf-8"))
        bad = [o for c in nb["cells"] for o in c.get("outputs", [])
               if o.get("name") == "stderr" or o.get("output_type") == "error"]
        assert bad == [], kind


def test_quarterly_shows_each_units_deductions_and_the_runs_warnings(audited_db, rendered):
    """issue 11: 扣分明细 per unit and rule, equal to score_items; the audit's warnings and the
    run's settings (entity title, media store, loads) stated at the top."""
    db, run = audited_db
    got = html_table(rendered["quarterly"], "deductions")
    want = sql(db, """WITH i AS (SELECT * FROM score_items WHERE run_id = ? AND unit_id IS NOT NULL
                                 AND (points_lost > 0 OR NOT scored))
                      SELECT rule_id, violations, round(points_lost, 2) AS lost FROM i
                      ORDER BY unit_id, points_lost DESC, rule_id""", [run])
    assert list(got["规则"]) == list(want.rule_id)
    assert [float(x) for x in got["扣分"]] == pytest.approx(list(want.lost), abs=0.005)
    html = rendered["quarterly"].read_text("utf-8")
    warnings = sql(db, "SELECT warnings FROM audit_runs WHERE run_id = ?", [run]).warnings[0]
    for w in list(warnings if warnings is not None else []):
        assert w.split(" / ")[0] in html
    assert "株洲市城市管理和综合执法局" in html and "音像存储" in html


def test_quarterly_lifecycle_and_exceptions_sections(audited_db, rendered):
    """整改跟踪 equals finding_status per unit; 例外情况 lists every register row as the run
    judged it, approvers masked."""
    db, run = audited_db
    life = html_table(rendered["quarterly"], "lifecycle").set_index("单位编码")
    want = sql(db, """SELECT unit_id, count(*) FILTER (status = 'new') n,
                             count(*) FILTER (status = 'excused') e
                      FROM finding_status WHERE run_id = ? GROUP BY unit_id""", [run]).set_index("unit_id")
    assert set(life.index) == set(want.index)
    for u in want.index:
        assert (life.loc[u, "新发现"], life.loc[u, "予以例外"]) == (str(want.n[u]), str(want.e[u]))
    assert set(life["持续存在"]) == {"0"}  # the first run of its sequence
    rows = html_table(rendered["quarterly"], "exceptions")
    statuses = sql(db, "SELECT exception_id, status FROM exception_status WHERE run_id = ?", [run])
    assert sorted(rows["登记编号"]) == sorted(statuses.exception_id) and len(rows) == 11
    assert (rows["审查结论"] == "已适用").sum() == (statuses.status == "applied").sum() == 3
    assert all(v == "" or v.endswith("*") for v in rows["审批人"])
    counts = html_table(rendered["quarterly"], "exception-counts")
    assert counts["登记数"].astype(int).sum() == 11
