"""`zfaudit scores`: the score sheet xlsx from the command line (real DuckDB file, real xlsx)."""

from __future__ import annotations

import json

import openpyxl
import pytest
from click.testing import CliRunner

from zfaudit.cli import cli
from zfaudit.db import connect
from zfaudit.profiles import get_profile

EVIL = '=HYPERLINK("http://evil.example","点我")'


@pytest.fixture()
def db(tmp_path):
    db = tmp_path / "b.duckdb"
    prof = get_profile("zhuzhou_cgzf").to_dict()
    with connect(db) as con:
        con.execute("INSERT INTO units VALUES ('U1', ?, NULL), ('U2', '城管二中队', NULL)", [EVIL])
        con.execute("INSERT INTO officers (officer_id, name, unit_id) VALUES (?, ?, 'U1'), "
                    "('O2', '张三丰', 'U1'), ('O3', '+李四', 'U2')", ["O1", EVIL])
        con.execute("INSERT INTO step_officers VALUES ('S1','O1',true), ('S1','O2',true), "
                    "('S2','O3',false)")
        for run_id, started in (("R-old", "2026-10-01 09:00"), ("R-new", "2026-10-02 09:00")):
            con.execute("INSERT INTO audit_runs (run_id, profile, period_start, period_end, as_of, "
                        "started_at, finished_at, profile_json) VALUES (?, 'zhuzhou_cgzf', "
                        "'2026-07-01', '2026-10-01', '2026-10-20', ?, ?, ?)",
                        [run_id, started, started, json.dumps(prof, ensure_ascii=False)])
        con.executemany("INSERT INTO rule_results VALUES (?, ?, ?, ?, ?, ?, 0, 0, 0, 0)", [
            ("R-new", "ZF01", "U1", 4, 3, 1), ("R-new", "ZF01", "U2", 2, 2, 0),
            ("R-new", "ZF02", "U2", 2, 1, 1), ("R-old", "ZF01", "U1", 1, 1, 0)])
        con.executemany("INSERT INTO findings (run_id, rule_id, outcome, step_id, officer_id, "
                        "unit_id) VALUES ('R-new', ?, 'violation', ?, ?, ?)",
                        [("ZF01", "S1", None, "U1"), ("ZF02", "S2", "O3", "U2")])
    return db


def _invoke(*args):
    return CliRunner().invoke(cli, ["scores", *map(str, args)])


def _cells(path, sheet):
    ws = openpyxl.load_workbook(path)[sheet]
    return {c.value: c for row in ws.iter_rows() for c in row if c.value is not None}


def test_scores_latest_run_masked_and_never_formulas(db, tmp_path):
    out = tmp_path / "scores.xlsx"
    res = _invoke("--db", db, "--out", out)
    assert res.exit_code == 0, res.output
    assert "R-new" in res.output and "2 个单位" in res.output and "3 名人员" in res.output
    wb = openpyxl.load_workbook(out)
    assert wb.sheetnames == ["单位得分", "扣分明细", "人员", "人员明细", "规则", "整改跟踪", "例外登记", "说明"]
    units = _cells(out, "单位得分")
    assert units[EVIL].data_type == "s"  # the unit name is text, not a formula
    # U2: ZF01 2/2 (weight 10), ZF02 1/2 (weight 8)
    # RULES.md: ZF02 has 2 items, fewer than min_items 5, so its violation costs ew / 5
    assert units["U2"].offset(column=2).value == round(100 * 10 / 18 + 100 * 8 / 18 * (1 - 1 / 5), 2)
    people = _cells(out, "人员")
    names = [people["O1"].offset(column=1).value, people["O2"].offset(column=1).value]
    assert "张三丰" not in people and "+李四" not in people and EVIL not in names
    assert people["张**"].data_type == "s"
    assert people[EVIL].data_type == "s"  # O1's unit name
    masked_evil = people["O1"].offset(column=1)
    assert masked_evil.value.startswith("=") and "*" in masked_evil.value
    assert masked_evil.data_type == "s"
    assert people["+**"].data_type == "s"  # mask_name("+李四")


def test_scores_unmasked_and_explicit_run(db, tmp_path):
    out = tmp_path / "scores.xlsx"
    res = _invoke("--db", db, "--run", "R-new", "--out", out, "--unmasked")
    assert res.exit_code == 0, res.output
    people = _cells(out, "人员")
    assert people[EVIL].data_type == "s" and people["+李四"].data_type == "s"
    assert people["张三丰"].offset(column=2).value == 1  # 违规合计: the ZF01 step finding
    res = _invoke("--db", db, "--run", "R-old", "--out", tmp_path / "old.xlsx")
    assert res.exit_code == 0 and "R-old" in res.output and "0 名人员" in res.output


def test_scores_unknown_run_is_one_line_error(db, tmp_path):
    res = _invoke("--db", db, "--run", "nope", "--out", tmp_path / "x.xlsx")
    assert res.exit_code == 1
    assert "找不到审计批次" in res.output and "Traceback" not in res.output
    assert not (tmp_path / "x.xlsx").exists()


def test_scores_needs_an_xlsx_name(db, tmp_path):
    res = _invoke("--db", db, "--out", tmp_path / "scores.csv")
    assert res.exit_code == 1 and ".xlsx" in res.output and not (tmp_path / "scores.csv").exists()
