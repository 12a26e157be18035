"""抽检台帐 (001 §53; RULES.md "Spot-check ledger"): the spot-check sheet filled by a reviewer
(problem codes in Chinese separated by 、 and ；, one bad code), imported, and counted."""

from __future__ import annotations

import datetime as dt

import openpyxl
import pytest
from cycle_bureau import AS_OF, cycle_profile, make_cycle_bureau

import zfaudit
from zfaudit.db import connect
from zfaudit.report.queries import spot_sample, write_ledger
from zfaudit.runs import find_run


@pytest.fixture(scope="module")
def reviewed(tmp_path_factory):
    d = tmp_path_factory.mktemp("reviews")
    db = make_cycle_bureau(d / "bureau.duckdb")
    run = zfaudit.audit(db, cycle_profile(d), "2026Q3", as_of=AS_OF)
    sample = spot_sample(db, find_run(db, run.run_id), seed=7, per_stage=5)
    sheet = write_ledger(sample, d / "回放检查台帐.xlsx", {"随机种子": 7})
    wb = openpyxl.load_workbook(sheet)
    ws = wb["回放检查台帐"]
    head = [c.value for c in ws[1]]
    col = {h: i + 1 for i, h in enumerate(head)}
    answers = {"CJ7-M1": ("合格", None, None),
               "CJ7-M2": ("不合格", "未佩戴或未开启、开启滞后；用语不规范", None),
               "CJ7-M3": ("不合格", "其他", None)}
    notes = {"CJ7-M1": "张三丰与赵六顺交谈清楚"}
    for r in range(2, ws.max_row + 1):
        result, problems, note = answers[ws.cell(r, col["抽检编号"]).value]
        ws.cell(r, col["检查结论"]).value = result
        ws.cell(r, col["问题类型"]).value = problems
        ws.cell(r, col["备注"]).value = note or notes.get(ws.cell(r, col["抽检编号"]).value)
        ws.cell(r, col["检查人"]).value = "法制科钱审核"
        ws.cell(r, col["检查时间"]).value = dt.datetime(2026, 11, 5, 14, 30)
    ws.append(["CJ7-M9", *[None] * (len(head) - 6), "合格", None, "法制科钱审核", dt.datetime(2026, 11, 5, 15), None])
    ws.append(["CJ7-M1x", *[None] * (len(head) - 6), "不合格", "乱码、开启滞后", "法制科钱审核", dt.datetime(2026, 11, 5, 15), None])
    wb.save(sheet)
    report = zfaudit.reviews_import(sheet, db)
    return db, sample, report, d


def test_the_sheet_has_a_sample_id_per_item(reviewed):
    _, sample, _, _ = reviewed
    assert list(sample.sample_id) == ["CJ7-M1", "CJ7-M2", "CJ7-M3"]


def test_import_reads_chinese_codes_and_quarantines_the_bad_one(reviewed):
    db, _, report, _ = reviewed
    t = report.tables[0]
    assert (t.rows_read, t.rows_loaded, t.rows_quarantined) == (5, 4, 1)
    with connect(db, read_only=True) as con:
        got = con.execute("SELECT sample_id, result, problems FROM reviews ORDER BY 1").fetchall()
        q = con.execute("SELECT line, column_name, raw_value, reason FROM quarantine "
                        "WHERE table_name = 'reviews'").fetchall()
    assert got == [("CJ7-M1", "ok", None), ("CJ7-M2", "problem", "not_worn,late_start,language"),
                   ("CJ7-M3", "problem", "other"), ("CJ7-M9", "ok", None)]
    assert q == [(6, "problems", "乱码、开启滞后", "unknown_code")]


def test_ledger_counts_per_unit_and_officer(reviewed):
    db, *_ = reviewed
    led = zfaudit.review_ledger(db, "2026Q3")
    by_unit = led["by_unit"].set_index("unit_id")
    assert by_unit.loc["U1", ["reviews", "ok", "problem", "未佩戴或未开启", "开启滞后", "用语不规范"]].tolist() == [2, 1, 1, 1, 1, 1]
    assert by_unit.loc["U2", ["reviews", "ok", "problem", "其他"]].tolist() == [1, 0, 1, 1]
    by_officer = led["by_officer"].set_index("officer_id")
    assert by_officer.loc["O1", "officer_name"] == "张**" and by_officer.loc["O1", "reviews"] == 2
    assert list(led["unmatched"].sample_id) == ["CJ7-M9"]
    assert led["detail"].set_index("sample_id").other_without_note["CJ7-M3"]
    assert zfaudit.review_ledger(db, "2026Q4")["by_unit"].empty


def test_ledger_xlsx(reviewed, tmp_path):
    from click.testing import CliRunner

    from zfaudit.cli import cli

    db, *_ = reviewed
    out = tmp_path / "抽检台帐.xlsx"
    res = CliRunner().invoke(cli, ["reviews", "ledger", "--db", str(db), "--period", "2026Q3",
                                   "--out", str(out)])
    assert res.exit_code == 0, res.output
    wb = openpyxl.load_workbook(out)
    assert wb.sheetnames == ["按单位", "按人员", "明细", "未能对应", "说明"]
    rows = list(wb["明细"].iter_rows(values_only=True))
    detail = {r[0]: dict(zip(rows[0], r, strict=True)) for r in rows[1:]}
    assert detail["CJ7-M2"]["问题类型"] == "未佩戴或未开启、开启滞后、用语不规范"
    assert detail["CJ7-M3"]["提示"] == "选“其他”但备注为空"
    text = "\n".join(str(c) for ws in wb for r in ws.iter_rows(values_only=True) for c in r if c)
    assert "张三丰" not in text and "钱审核" not in text


def test_notes_are_free_text_and_masked(reviewed):
    db, *_ = reviewed
    detail = zfaudit.review_ledger(db, "2026Q3")["detail"].set_index("sample_id")
    assert detail.note["CJ7-M1"] == "张**与赵**交谈清楚"
    assert zfaudit.review_ledger(db, "2026Q3", unmasked=True)["detail"].set_index(
        "sample_id").note["CJ7-M1"] == "张三丰与赵六顺交谈清楚"
    console = zfaudit.sql(db, "SELECT note FROM reviews WHERE sample_id = 'CJ7-M1'")
    assert "张三丰" not in console.note[0] and "赵六顺" not in console.note[0]
