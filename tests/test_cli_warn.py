"""`zfaudit warn`: exit codes, the file outputs and masking (the warnings themselves:
tests/engine/test_lookahead.py)."""

from __future__ import annotations

import openpyxl
import pytest
from click.testing import CliRunner
from warn_bureau import make_warn_bureau

from zfaudit.cli import cli

AT = "2026-10-10 00:00:00"


@pytest.fixture(scope="module")
def bureau(tmp_path_factory):
    return make_warn_bureau(tmp_path_factory.mktemp("warn") / "bureau.duckdb")


def warn(db, *args):
    return CliRunner().invoke(cli, ["warn", "--db", str(db), "--profile", "zhuzhou_cgzf",
                                    "--as-of", AT, *args])


def test_prints_counts_and_fails_on_red(bureau):
    res = warn(bureau)
    assert res.exit_code == 0, res.output
    assert res.output.splitlines()[0].startswith("红牌（已超期未办）2 项，黄牌（2天内到期）2 项")
    assert "张三丰" not in res.output and "张**" in res.output
    assert warn(bureau, "--fail-on", "red").exit_code == 1
    quiet = CliRunner().invoke(cli, ["warn", "--db", str(bureau), "--profile", "zhuzhou_cgzf",
                                     "--as-of", "2026-05-01", "--fail-on", "red"])
    assert quiet.exit_code == 0 and "红牌（已超期未办）0 项" in quiet.output


def test_xlsx_keeps_the_interface_columns(bureau, tmp_path):
    out = tmp_path / "预警.xlsx"
    res = warn(bureau, "--out", str(out))
    assert res.exit_code == 0, res.output
    rows = list(openpyxl.load_workbook(out).active.iter_rows(values_only=True))
    head = rows[0]
    assert {"finding_key", "level", "due_at", "level_zh", "officer_name"} <= set(head)
    body = [dict(zip(head, r, strict=True)) for r in rows[1:]]
    assert sorted((r["finding_key"], r["level"]) for r in body) == [
        ("ZF04|M1", "red"), ("ZF04|M2", "yellow"), ("ZF05|K1", "red"), ("ZF14|K2", "yellow")]
    assert {r["officer_name"] for r in body} == {"张**", None}
    assert warn(bureau, "--out", str(out)).exit_code == 1  # never overwritten silently


def test_html_is_an_offline_page_in_chinese(bureau, tmp_path):
    out = tmp_path / "预警.html"
    assert warn(bureau, "--out", str(out)).exit_code == 0
    text = out.read_text("utf-8")
    assert "<script" not in text and "http" not in text
    assert "问题编号" in text and "红牌（已超期）" in text and "ZF04|M1" in text
    assert "张三丰" not in text
