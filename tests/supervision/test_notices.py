"""通报 → 整改反馈 → 复核 (RULES.md "Notices and responses") on the hand-built cycle bureau:
the notice read back with python-docx, the attachment filled with openpyxl as a unit would,
imported, and the rectified claims confirmed or not by a second run."""

from __future__ import annotations

import datetime as dt

import docx
import openpyxl
import pytest
from cycle_bureau import AS_OF, change_export, cycle_profile, make_cycle_bureau

import zfaudit
from zfaudit.db import connect

ISSUED = dt.date(2026, 10, 21)


@pytest.fixture(scope="module")
def noticed(tmp_path_factory):
    d = tmp_path_factory.mktemp("notice")
    db = make_cycle_bureau(d / "bureau.duckdb")
    prof = cycle_profile(d)
    run = zfaudit.audit(db, prof, "2026Q3", as_of=AS_OF)
    notices = zfaudit.notice(db, d / "out", run.run_id, issued_on=ISSUED)
    return db, prof, run, {n.unit_id: n for n in notices}, d


def doc_text(path) -> tuple[list[str], list[list[list[str]]]]:
    d = docx.Document(str(path))
    return ([p.text for p in d.paragraphs],
            [[[c.text for c in r.cells] for r in t.rows] for t in d.tables])


def test_one_notice_per_unit_recorded(noticed):
    db, _, run, notices, _ = noticed
    assert sorted(notices) == ["U1", "U2"]
    with connect(db, read_only=True) as con:
        rows = con.execute("SELECT notice_id, notice_no, run_id, unit_id, issued_on, due_on, "
                           "violations FROM notices ORDER BY notice_id").fetchall()
        items = con.execute("SELECT notice_id, finding_key FROM notice_items ORDER BY 1, 2").fetchall()
    assert rows == [
        ("TB2026-001", "执法监督通报〔2026〕1号", run.run_id, "U1", ISSUED, dt.date(2026, 11, 5), 6),
        ("TB2026-002", "执法监督通报〔2026〕2号", run.run_id, "U2", ISSUED, dt.date(2026, 11, 5), 3)]
    assert [k for n, k in items if n == "TB2026-002"] == ["ZF01|S3", "ZF02|S3|O3", "ZF04|M3"]


def test_the_notice_lists_exactly_the_units_violations(noticed):
    _, _, run, notices, _ = noticed
    paras, tables = doc_text(notices["U1"].docx)
    assert paras[0] == "关于一中队2026年第三季度执法全过程记录检查情况的通报"
    assert paras[1] == "执法监督通报〔2026〕1号"
    assert any("2026年11月5日前完成整改" in p for p in paras)
    assert paras[-1] == "2026年10月21日" and paras[-2].endswith("法规科")
    listed = [r[1] for r in tables[1][1:]]
    assert listed == ["ZF01|S2", "ZF01|S5", "ZF04|M2", "ZF05|K1", "ZF07|S1", "ZF08|M2"]
    f = run.findings(unit="U1")
    keys = {f"{r}|{m if r in ('ZF04', 'ZF08') else (c if r == 'ZF05' else s)}"
            for r, s, m, c in zip(f.rule_id, f.step_id, f.media_id, f.case_id, strict=True)}
    assert set(listed) == keys  # every violation of the unit, and nothing else
    text = "\n".join(paras + [c for t in tables for r in t for c in r])
    assert "张三丰" not in text and "赵六顺" not in text and "张**" in text


def test_a_second_notice_gets_the_next_number_and_never_overwrites(noticed):
    db, _, run, notices, d = noticed
    again = zfaudit.notice(db, d / "out2", run.run_id, unit="U2", issued_on=ISSUED,
                           rectification_days=10)
    assert [(n.notice_id, n.due_on) for n in again] == [("TB2026-003", dt.date(2026, 10, 31))]
    assert again[0].docx.name == "TB2026-003-二中队-通报.docx" and notices["U2"].docx.exists()
    with pytest.raises(zfaudit.api.ZfauditError, match="no audit run"):
        zfaudit.notice(db, d / "out3", "no-such-run", issued_on=ISSUED)
    with pytest.raises(zfaudit.api.ZfauditError, match="rectification"):
        zfaudit.notice(db, d / "out3", run.run_id, rectification_days=0)
    with connect(db, read_only=True) as con:  # the refused calls recorded nothing
        assert con.execute("SELECT count(*) FROM notices").fetchone()[0] == 3
    assert not (d / "out3").exists()


def fill(path, answers: dict[str, tuple], bad: str | None = None):
    """Fill the attachment as a unit would: Chinese codes, a datetime cell."""
    wb = openpyxl.load_workbook(path)
    ws = wb["整改反馈表"]
    head = [c.value for c in ws[1]]
    col = {h: i + 1 for i, h in enumerate(head)}
    for r in range(2, ws.max_row + 1):
        key = ws.cell(r, col["问题编号"]).value
        if key in answers:
            kind, reason, note = answers[key]
            ws.cell(r, col["反馈类型"]).value = kind
            ws.cell(r, col["例外理由"]).value = reason
            ws.cell(r, col["整改情况"]).value = note
            ws.cell(r, col["反馈人"]).value = "张三丰"
            ws.cell(r, col["反馈时间"]).value = dt.datetime(2026, 10, 28, 15, 30)
        if key == bad:
            ws.cell(r, col["反馈类型"]).value = "不知道"
    wb.save(path)
    return path


@pytest.fixture(scope="module")
def responded(noticed):
    db, prof, run, notices, d = noticed
    path = fill(notices["U1"].xlsx, {
        "ZF01|S2": ("已整改", None, "已补派第二名执法人员"),
        "ZF08|M2": ("已整改", None, "已补录案号"),
        "ZF04|M2": ("已整改", None, "已上传"),
        "ZF07|S1": ("申请例外", "客观条件限制", "现场暴雨，记录仪进水"),
        "ZF05|K1": ("有异议", None, "案件尚在司法鉴定"),
    }, bad="ZF01|S5")
    report, registered = zfaudit.responses_import(path, db)
    before = zfaudit.responses_status(db).set_index("finding_key")
    change_export(db)
    second = zfaudit.audit(db, prof, "2026Q3", as_of=AS_OF)
    return db, prof, report, registered, before, second


def test_import_quarantines_the_bad_row_and_registers_the_explanation(responded):
    db, _, report, registered, _, _ = responded
    t = report.tables[0]
    assert (t.rows_read, t.rows_loaded, t.rows_quarantined) == (6, 5, 1)
    assert registered == 1
    with connect(db, read_only=True) as con:
        q = con.execute("SELECT line, column_name, raw_value, reason FROM quarantine WHERE "
                        "table_name = 'responses'").fetchall()
        exc = con.execute("SELECT exception_id, rule_id, step_id, reason, note, requested_by, "
                          "approved_by FROM exceptions").fetchall()
    assert q == [(3, "response", "不知道", "unknown_code")]
    assert exc == [("FK:ZF07|S1", "ZF07", "S1", "objective_limits", "现场暴雨，记录仪进水", "张三丰", None)]


def test_statuses_before_and_after_the_second_run(responded):
    _, _, _, _, before, second = responded
    unanswered = {"ZF01|S5": "overdue",  # its row was quarantined: no response (due 11-05)
                  "ZF01|S3": "overdue", "ZF02|S3|O3": "overdue", "ZF04|M3": "overdue"}  # U2
    assert before.status.to_dict() == {
        "ZF01|S2": "open", "ZF04|M2": "open", "ZF05|K1": "disputed", "ZF07|S1": "registered",
        "ZF08|M2": "open", **unanswered}
    after = zfaudit.responses_status(responded[0]).set_index("finding_key")
    assert after.status.to_dict() == {
        "ZF01|S2": "confirmed",         # pass in the second run
        "ZF04|M2": "not_confirmed",     # still late
        "ZF05|K1": "disputed",
        "ZF07|S1": "exception_not_approved",  # registered, not yet approved
        "ZF08|M2": "confirmed",
        **unanswered,
    }
    assert set(after.checked_run_id.dropna()) == {second.run_id}
    assert after.status_zh["ZF04|M2"] == "整改未确认（复查仍违规）"
    assert set(after.responded_by.dropna()) == {"张**"}
    # judged only up to the first run (as of 10-20, before the due date 11-05): nothing is
    # checked yet, and the silent findings are still awaiting an answer
    upto_first = zfaudit.responses_status(responded[0], before.notice_run_id.iloc[0])
    assert set(upto_first.status) == {"open", "disputed", "registered", "awaiting"}


def test_an_approved_explanation_applies_in_the_next_run(responded, tmp_path):
    db, prof, *_ = responded
    reg = tmp_path / "例外登记.csv"
    reg.write_text("登记编号,规则,环节编号,例外理由,情况说明,申请人,申请时间,审批人,审批时间\n"
                   "FK:ZF07|S1,ZF07,S1,客观条件限制,现场暴雨，记录仪进水,张三丰,2026-10-28 15:30:00,"
                   "李四光,2026-10-29 09:00:00\n", "utf-8")
    zfaudit.exceptions_import(reg, db)
    third = zfaudit.audit(db, prof, "2026Q3", as_of="2026-10-30 10:00:00")
    st = zfaudit.responses_status(db, third.run_id).set_index("finding_key").status
    assert st["ZF07|S1"] == "exception_applied"
    assert third.lifecycle().set_index("finding_key").status["ZF07|S1"] == "excused"


def test_quarterly_report_shows_the_responses(responded, tmp_path):
    from bs4 import BeautifulSoup

    from zfaudit.report.render import render_report

    db, _, _, _, _, second = responded
    html = render_report("quarterly", db, tmp_path / "q.html", run=second.run_id)
    soup = BeautifulSoup(html.read_text("utf-8"), "html.parser")
    units = soup.find("table", id="zf-response-units")
    cells = [[td.get_text(strip=True) for td in tr.find_all("td")] for tr in units.find("tbody").find_all("tr")]
    head = [th.get_text(strip=True) for th in units.find("thead").find_all("th")]
    row = dict(zip(head, cells[0], strict=True))
    assert (row["单位编码"], row["反馈数"], row["已整改"], row["整改已确认"], row["整改未确认"],
            row["逾期未反馈"]) == ("U1", "5", "3", "2", "1", "0")  # as of the run: not yet due
    text = soup.get_text()
    assert "张三丰" not in text and "七、整改落实情况" in text


def test_a_withdrawn_explanation_leaves_the_register(noticed, tmp_path):
    """The unit first asks for an exception, then disputes instead: the unapproved register
    row made from the first answer goes (an approved one would stay the office's)."""
    db, *_ = noticed
    path = tmp_path / "反馈.csv"
    path.write_text("问题编号,反馈类型,例外理由,整改情况,反馈人,反馈时间\n"
                    "ZF01|S3,申请例外,客观条件限制,人手不足,王五福,2026-10-25 09:00:00\n", "utf-8")
    assert zfaudit.responses_import(path, db)[1] == 1
    path.write_text("问题编号,反馈类型,例外理由,整改情况,反馈人,反馈时间\n"
                    "ZF01|S3,有异议,,当日另有一名协管员在场,王五福,2026-10-26 09:00:00\n", "utf-8")
    zfaudit.responses_import(path, db)
    with connect(db, read_only=True) as con:
        assert con.execute("SELECT count(*) FROM exceptions WHERE exception_id = 'FK:ZF01|S3'"
                           ).fetchone()[0] == 0
        assert con.execute("SELECT response FROM responses WHERE finding_key = 'ZF01|S3'"
                           ).fetchone()[0] == "dispute"


def test_rows_left_blank_are_no_answers_and_keep_earlier_ones(noticed, tmp_path):
    """A unit returns its sheet twice, the second time with only one more row filled: the
    blank rows are skipped (counted), the earlier answers stay."""
    import shutil

    db, _, _, notices, _ = noticed
    first = fill(shutil.copy(notices["U2"].xlsx, tmp_path / "u2-1.xlsx"),
                 {"ZF01|S3": ("已整改", None, "已补派人员")})
    report, _ = zfaudit.responses_import(first, db)
    t = report.tables[0]
    assert (t.rows_read, t.rows_loaded + t.rows_replaced, t.rows_blank) == (3, 1, 2)
    assert "2 行未填写" in report.summary_text()
    second = fill(shutil.copy(notices["U2"].xlsx, tmp_path / "u2-2.xlsx"),
                  {"ZF04|M3": ("有异议", None, "已按时上传")})
    zfaudit.responses_import(second, db)
    with connect(db, read_only=True) as con:
        got = dict(con.execute("SELECT finding_key, response FROM responses WHERE finding_key "
                               "IN ('ZF01|S3', 'ZF04|M3', 'ZF02|S3|O3')").fetchall())
        blank = con.execute("SELECT sum(rows_blank) FROM loads WHERE table_name = 'responses'").fetchone()[0]
    assert got == {"ZF01|S3": "rectified", "ZF04|M3": "dispute"}
    assert blank >= 4
    st = zfaudit.responses_status(db).set_index("finding_key").status
    assert st["ZF02|S3|O3"] in ("awaiting", "overdue")  # still unanswered, not "open"
    # the first sheet again, after the second: a unit's own rows, never refused as a rollback
    assert zfaudit.responses_import(first, db)[0].tables[0].rows_blank == 2


def test_hostile_notice_arguments_are_one_line_errors(noticed, tmp_path):
    db, _, run, *_ = noticed
    for kw in ({"rectification_days": 99999999}, {"issued_on": "9999-12-30"},
               {"issued_on": "tomorrow"}):
        with pytest.raises(zfaudit.api.ZfauditError):
            zfaudit.notice(db, tmp_path / "x", run.run_id, **kw)
    assert not (tmp_path / "x").exists()


def test_a_unit_name_that_is_no_file_name(tmp_path):
    db = make_cycle_bureau(tmp_path / "slash.duckdb")
    with connect(db) as con:
        con.execute("UPDATE units SET unit_name = '一中队/第1组:东' WHERE unit_id = 'U1'")
    run = zfaudit.audit(db, cycle_profile(tmp_path), "2026Q3", as_of=AS_OF)
    notices = {n.unit_id: n for n in zfaudit.notice(db, tmp_path / "out", run.run_id, issued_on=ISSUED)}
    assert notices["U1"].docx.name == "TB2026-001-一中队_第1组_东-通报.docx"
    assert notices["U1"].docx.parent == tmp_path / "out"
    assert doc_text(notices["U1"].docx)[0][0].startswith("关于一中队/第1组:东")
