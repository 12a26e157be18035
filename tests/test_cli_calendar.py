"""`zfaudit calendar add` and `zfaudit calendar show`."""

from __future__ import annotations

from click.testing import CliRunner

from zfaudit.cli import cli
from zfaudit.db import connect


def test_calendar_show_month_and_year(tmp_path):
    db = tmp_path / "b.duckdb"
    r = CliRunner().invoke(cli, ["calendar", "show", "--db", str(db), "--year", "2026", "--month", "10"])
    assert r.exit_code == 0, r.output
    lines = r.output.splitlines()
    assert lines[-1] == "(31 行 / rows)"
    day10 = next(ln for ln in lines if ln.startswith("2026-10-10"))
    assert day10.split()[:5] == ["2026-10-10", "周六", "True", "调休上班", "国庆节"]
    r = CliRunner().invoke(cli, ["calendar", "show", "--db", str(db), "--year", "2026"])
    assert r.exit_code == 0
    assert r.output.splitlines()[-1] == "(25 行 / rows)"  # 2026's weekday holidays + make-up days


def test_calendar_add_then_show(tmp_path):
    db = tmp_path / "b.duckdb"
    f = tmp_path / "2027.csv"
    f.write_text("date,kind,name\n2027-10-01,holiday,国庆节\n2027-10-09,workday,国庆节\n", encoding="gb18030")
    r = CliRunner().invoke(cli, ["calendar", "add", str(f), "--db", str(db)])
    assert r.exit_code == 0, r.output
    assert "已载入 2027 年工作日历" in r.output
    r = CliRunner().invoke(cli, ["calendar", "show", "--db", str(db), "--year", "2027"])
    assert [ln.split()[:4] for ln in r.output.splitlines()[2:4]] == [
        ["2027-10-01", "周五", "False", "节假日"],
        ["2027-10-09", "周六", "True", "调休上班"],
    ]
    with connect(db, read_only=True) as con:
        assert con.execute("SELECT count(*) FROM calendar WHERE year(date)=2027").fetchone()[0] == 365


def test_calendar_errors(tmp_path):
    db = tmp_path / "b.duckdb"
    r = CliRunner().invoke(cli, ["calendar", "show", "--db", str(db), "--year", "2030"])
    assert r.exit_code == 1 and "缺少 2030 年工作日历" in r.output
    f = tmp_path / "2027.csv"
    f.write_text("date,kind,name\n2027-10-01,假期休息,国庆节\n", encoding="utf-8")
    r = CliRunner().invoke(cli, ["calendar", "add", str(f), "--db", str(db)])
    assert r.exit_code == 1 and "第 2 行" in r.output and "line 2" in r.output
