"""issue 11: run selection that cannot pick the wrong run — one database, two periods, two
profiles (one given as a file): `latest` is the newest run of the profile and period given, in
`scores`, `report` and the API, and no command audits unless told to, with exactly its options."""

from __future__ import annotations

import shutil

import openpyxl
import pytest
from click.testing import CliRunner
from pipeline import AS_OF, copy_db

import zfaudit
from zfaudit.cli import cli
from zfaudit.db import connect
from zfaudit.engine.run import run_audit


@pytest.fixture(scope="module")
def two_runs(audited_db, tmp_path_factory):
    """The sample database audited once more: 2026Q2 under a bureau's own profile file."""
    src, q3 = audited_db
    tmp = tmp_path_factory.mktemp("sel")
    db = copy_db(src, tmp)
    prof = tmp / "my_bureau.yaml"
    prof.write_text("extends: zhuzhou_cgzf\nname: my_bureau\ntitle: 某区城管局\n", "utf-8")
    q2_own = run_audit(db, prof, "2026Q2", as_of=AS_OF, progress=False)
    return db, q3, q2_own, prof


def runs_count(db):
    with connect(db, read_only=True) as con:
        return con.execute("SELECT count(*) FROM audit_runs").fetchone()[0]


def test_the_api_picks_the_run_of_the_profile_and_period_given(two_runs):
    db, q3, q2_own, prof = two_runs
    assert zfaudit.run(db).run_id == q2_own  # the newest of all
    assert zfaudit.run(db, profile="zhuzhou_cgzf").run_id == q3
    assert zfaudit.run(db, profile=prof).run_id == q2_own  # a file: its recorded name
    assert zfaudit.run(db, profile=str(prof), period="2026Q2").run_id == q2_own
    assert zfaudit.run(db, period="2026Q3").run_id == q3
    with pytest.raises(zfaudit.errors.ZfauditError if hasattr(zfaudit, "errors") else Exception,
                       match="no audit run latest for profile my_bureau"):
        zfaudit.run(db, profile=prof, period="2026Q3")


def test_scores_takes_period_and_profile(two_runs, tmp_path):
    db, q3, q2_own, prof = two_runs
    out = tmp_path / "s.xlsx"
    r = CliRunner().invoke(cli, ["scores", "--db", str(db), "--period", "2026Q3", "--profile",
                                 "zhuzhou_cgzf", "--out", str(out)])
    assert r.exit_code == 0, r.output
    about = {row[0]: row[1] for row in openpyxl.load_workbook(out)["说明"].iter_rows(values_only=True)}
    assert about["审计批次"] == q3 and "株洲市城市管理和综合执法局" in about["执法主体"]
    out2 = tmp_path / "s2.xlsx"
    r = CliRunner().invoke(cli, ["scores", "--db", str(db), "--profile", str(prof), "--out", str(out2)])
    about = {row[0]: row[1] for row in openpyxl.load_workbook(out2)["说明"].iter_rows(values_only=True)}
    assert about["审计批次"] == q2_own and "某区城管局" in about["执法主体"]


def test_reports_never_audit_implicitly(two_runs, tmp_path):
    db, q3, q2_own, prof = two_runs
    n = runs_count(db)
    r = CliRunner().invoke(cli, ["report", "quarterly", "--db", str(db), "--period", "2026Q2",
                                 "--profile", str(prof), "--out", str(tmp_path / "q.html")])
    assert r.exit_code == 0, r.output
    assert q2_own in (tmp_path / "q.html").read_text("utf-8")
    case_id = zfaudit.sql(db, "SELECT case_id FROM findings WHERE run_id = ? AND case_id IS NOT NULL "
                              "LIMIT 1", [q3]).case_id[0]
    r = CliRunner().invoke(cli, ["report", "case", "--db", str(db), "--period", "2026Q3",
                                 "--profile", "zhuzhou_cgzf", "--case", case_id,
                                 "--out", str(tmp_path / "c.html")])
    assert r.exit_code == 0, r.output
    assert q3 in (tmp_path / "c.html").read_text("utf-8")
    # a period with no run: an error that says how to get one, and nothing audited
    r = CliRunner().invoke(cli, ["report", "quarterly", "--db", str(db), "--period", "2026Q1",
                                 "--out", str(tmp_path / "q1.html")])
    assert r.exit_code == 1 and "no audit run" in r.output
    r = CliRunner().invoke(cli, ["report", "quarterly", "--db", str(db), "--period", "2026Q1",
                                 "--audit", "--out", str(tmp_path / "q1.html")])
    assert r.exit_code == 1 and "--profile" in r.output
    assert runs_count(db) == n and not (tmp_path / "q1.html").exists()


def test_report_audit_uses_exactly_the_options_given(two_runs, tmp_path):
    src, q3, q2_own, prof = two_runs
    db = tmp_path / "copy.duckdb"
    shutil.copy(src, db)
    r = CliRunner().invoke(cli, ["report", "quarterly", "--db", str(db), "--period", "2026Q1",
                                 "--profile", "zhuzhou_cgzf", "--audit", "--as-of", AS_OF,
                                 "--out", str(tmp_path / "q1.html")])
    assert r.exit_code == 0, r.output
    assert "已按给定选项审计 2026Q1" in r.output and "未挂载音像存储" in r.output
    q1 = zfaudit.run(db, period="2026Q1")
    assert q1.profile == "zhuzhou_cgzf" and q1._row["media_store"] is None  # not the Q3 run's store
    assert f"{q1.as_of:%Y-%m-%d %H:%M:%S}" == AS_OF


def test_compare_two_runs_and_warn_on_every_setting_that_differs(two_runs, tmp_path):
    """issue 11 item 4: two runs could not be compared; nothing warned when they differed in
    media store, profile or as_of."""
    src, q3, q2_own, prof = two_runs
    db = tmp_path / "c.duckdb"
    shutil.copy(src, db)
    other_as_of = run_audit(db, "zhuzhou_cgzf", "2026Q3", as_of="2026-12-01 00:00:00", progress=False)
    a, b = zfaudit.run(db, q3), zfaudit.run(db, other_as_of)
    table, warnings = b.compare(a)
    text = "\n".join(warnings)
    assert "音像存储不同" in text and "media store differs" in text  # q3 had the store, b not
    assert "as_of differs" in text and "profiles differ" not in text
    row = table.set_index(["unit_id", "rule_id"]).loc[(table.unit_id.dropna().iloc[0], "ZF04")]
    assert row.violations_change == row.violations_b - row.violations_a
    with connect(db, read_only=True) as con:
        want = con.execute("""SELECT sum(violations) FILTER (WHERE run_id = $b)
                                   - sum(violations) FILTER (WHERE run_id = $a)
                              FROM rule_results WHERE rule_id = 'ZF04'""",
                           {"a": q3, "b": other_as_of}).fetchone()[0]
    assert table[table.rule_id == "ZF04"].violations_change.sum() == want
    _, warnings = zfaudit.run(db, q2_own).compare(a)
    assert any("profiles differ" in w for w in warnings) and any("periods differ" in w for w in warnings)
    r = CliRunner().invoke(cli, ["compare", q3, other_as_of, "--db", str(db)])
    assert r.exit_code == 0, r.output
    assert sum(line.startswith("注意 / warning:") for line in r.output.splitlines()) == len(
        b.compare(a)[1])


def test_every_report_states_its_run_and_the_change_column_warns(two_runs, tmp_path, rendered):
    """issue 11 item 3/4: every report states run id, entity, period, as_of, media store and
    loads; the quarterly change column warns when the previous run's settings differ."""
    for kind in ("quarterly", "case", "spot-check"):
        html = rendered[kind].read_text("utf-8")
        # the bureau by its name and the period as a bureau writes it (issue 12: no slugs)
        assert "执法主体：株洲市城市管理和综合执法局 · " in html, kind
        assert "期间：2026年第三季度" in html, kind
        assert "音像存储：" in html and "导入批次：" in html and "期限判断时点：" in html, kind
    src, q3, _, _ = two_runs
    db = tmp_path / "w.duckdb"
    shutil.copy(src, db)
    run_audit(db, "zhuzhou_cgzf", "2026Q2", as_of=AS_OF, progress=False)  # no media store
    out = zfaudit.run(db, q3).report("quarterly", tmp_path / "q3.html")
    html = out.read_text("utf-8")
    assert "与上期比较须注意" in html and "音像存储不同" in html
