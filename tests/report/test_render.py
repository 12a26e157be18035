"""render_report / `zfaudit report`: offline HTML, dated outputs, no silent overwrite,
read-only access alongside an analyst's open connection, auditing a missing period."""

from __future__ import annotations

import datetime as dt
import math
import re
import subprocess
import sys

import openpyxl
import pytest
from click.testing import CliRunner
from pipeline import AS_OF, copy_db
from plotly.offline import get_plotlyjs

from zfaudit import api
from zfaudit.cli import cli
from zfaudit.db import connect
from zfaudit.report.queries import headline_rates, spot_sample, write_ledger
from zfaudit.report.render import ReportError, render_report
from zfaudit.runs import find_run

URL = re.compile(r"https?://[^\s\"'<>()\\`]+")
# XML namespace identifiers: names, never fetched.
NAMESPACES = {"http://www.w3.org/2000/svg", "http://www.w3.org/1999/xlink",
              "http://www.w3.org/2000/xmlns/", "http://www.w3.org/XML/1998/namespace"}



@pytest.mark.parametrize("kind", ["quarterly", "case", "spot-check"])
def test_html_is_self_contained(rendered, kind):
    html = rendered[kind].read_text("utf-8")
    assert '<meta charset="utf-8"' in html.lower() or "charset=utf-8" in html.lower()
    assert "Noto Sans CJK SC" in html and "Microsoft YaHei" in html  # CJK font stack
    assert not re.search(r"<script[^>]*\bsrc=", html)  # no external scripts at all
    assert not re.search(r"<link[^>]*\bhref=[\"']https?:", html)
    # Every URL left is a string inside plotly.js itself (map tiles, docs links: only used by
    # map traces we never draw — test_browser checks that nothing is requested) or a namespace.
    inert = set(URL.findall(get_plotlyjs())) | NAMESPACES
    assert set(URL.findall(html)) - inert == set()
    assert "find_run(" not in html and "import zfaudit" not in html  # input cells excluded
    if kind != "spot-check":
        assert "Plotly.newPlot" in html and html.count("plotly.js v") >= 1  # plotly.js inline


def test_out_directory_gets_dated_names_and_no_silent_overwrite(audited_db, tmp_path):
    db, run = audited_db
    label = find_run(db, run)["label"]
    when = dt.datetime(2026, 11, 25, 9, 30)
    out = render_report("spot-check", db, tmp_path, run=run, seed=7, now=when)
    assert out == tmp_path / label / f"spot-check-{label}-20261125T093000.html"
    assert out.with_suffix(".ipynb").is_file() and out.with_suffix(".xlsx").is_file()
    first = out.read_bytes()
    # a second render into the folder in the same second gets its own name (cron, a retry)
    second = render_report("spot-check", db, tmp_path, run=run, seed=8, now=when)
    assert second == tmp_path / label / f"spot-check-{label}-20261125T093000-2.html"
    assert second.with_suffix(".xlsx").is_file() and out.read_bytes() == first
    # a named file is replaced only when asked; Python names its parameter
    with pytest.raises(ReportError, match="overwrite=True") as e:
        render_report("spot-check", db, out, run=run, seed=8)
    assert "--overwrite" not in str(e.value)
    assert out.read_bytes() == first
    again = render_report("spot-check", db, out, run=run, seed=8, overwrite=True)
    assert again == out and "8" in out.read_text("utf-8")


def test_bad_requests_are_domain_errors(audited_db, tmp_path):
    db, run = audited_db
    with pytest.raises(ReportError, match="unknown report kind"):
        render_report("monthly", db, tmp_path / "x.html")
    with pytest.raises(ReportError, match="case_id="):
        render_report("case", db, tmp_path / "x.html", run=run)
    with pytest.raises(ReportError, match="database not found"):
        render_report("quarterly", tmp_path / "none.duckdb", tmp_path / "x.html")
    result = CliRunner().invoke(cli, ["report", "quarterly", "--db", str(db), "--run", "nope",
                                      "--out", str(tmp_path / "x.html")])
    assert result.exit_code == 1 and "no audit run nope" in result.output
    assert not (tmp_path / "x.html").exists()


def test_report_runs_while_an_analyst_holds_the_database_open(audited_db, tmp_path):
    """Another process keeps a read-only connection (a notebook): the report still runs."""
    db, run = audited_db
    holder = subprocess.Popen(
        [sys.executable, "-c",
         "import duckdb, sys, time\n"
         f"c = duckdb.connect({str(db)!r}, read_only=True)\n"
         "c.execute('SELECT count(*) FROM findings').fetchall()\n"
         "print('held', flush=True); time.sleep(120)"],
        stdout=subprocess.PIPE, text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "held"
        result = CliRunner().invoke(cli, ["report", "spot-check", "--db", str(db), "--run", run,
                                          "--seed", "3", "--out", str(tmp_path / "s.html")])
        assert result.exit_code == 0, result.output
        assert result.output.split() == [str(tmp_path / "s.html"), str(tmp_path / "s.xlsx")]
        assert holder.poll() is None  # the analyst's session was not disturbed
    finally:
        holder.terminate()
        holder.wait(10)


@pytest.mark.slow  # runs a real audit (~12 s)
def test_missing_period_is_audited_first_and_compared(audited_db, tmp_path):
    """Scheduled use: `--period --profile --audit` with no run yet audits it (exactly the options
    given); the next quarter's report then shows the change against it."""
    pytest.importorskip("zfaudit.engine.run")
    src, run = audited_db
    db = copy_db(src, tmp_path)
    q3 = find_run(db, run)
    with connect(db) as con:  # a database where only the sample's quarter was audited
        con.execute("DELETE FROM audit_runs WHERE run_id <> ?", [run])
    out = api.report("quarterly", db, tmp_path / "out", period="2026Q2", as_of=AS_OF,
                     profile=q3["profile"], audit=True, now=dt.datetime(2026, 11, 25, 9, 30))
    q2 = find_run(db, "latest")
    assert q2["run_id"] != run and q2["profile"] == q3["profile"] and q2["label"] == "2026Q2"
    assert out == tmp_path / "out" / "2026Q2" / "quarterly-2026Q2-20261125T093000.html"
    assert q2["run_id"] in out.read_text("utf-8")
    # the Q3 report's headline (same query the notebook shows) now compares with Q2
    rates = headline_rates(db, q3).set_index("rule_id")
    assert rates.attrs["previous"] == "2026Q2"
    with connect(db, read_only=True) as con:
        prev = dict(con.execute(
            """SELECT rule_id, sum(passed) / nullif(sum(passed) + sum(violations), 0)
               FROM rule_results WHERE run_id = ? GROUP BY rule_id""", [q2["run_id"]]).fetchall())
    for rule, row in rates.iterrows():
        want = prev.get(rule)
        if want is None:
            assert math.isnan(row.prev_rate)
        else:
            assert row.prev_rate == pytest.approx(want)
        assert row.change == pytest.approx(row.rate - row.prev_rate, nan_ok=True)


def test_spot_sample_is_reproducible_stratified_and_weighted(audited_db):
    db, run = audited_db
    r = find_run(db, run)
    a = spot_sample(db, r, seed=11)
    assert list(spot_sample(db, r, seed=11).media_id) == list(a.media_id)  # same seed, same sample
    assert list(spot_sample(db, r, seed=12).media_id) != list(a.media_id)
    assert a.groupby(["unit_id", "stage"]).size().max() <= 2
    # with an overwhelming weight, a stratum with >= 2 flagged items yields only flagged items
    heavy = spot_sample(db, r, seed=11, finding_weight=1e9)
    with connect(db, read_only=True) as con:
        flagged = set(x for (x,) in con.execute(
            "SELECT DISTINCT media_id FROM findings WHERE run_id = ? AND outcome = 'violation' "
            "AND media_id IS NOT NULL", [run]).fetchall())
    everyone = spot_sample(db, r, seed=11, per_stage=10**6)
    everyone["flagged"] = everyone.media_id.isin(flagged)
    rich = everyone.groupby(["unit_id", "stage"]).flagged.sum()
    rich = set(rich[rich >= 2].index)
    assert rich, "the sample data should have strata with several flagged items"
    chosen = heavy[heavy.set_index(["unit_id", "stage"]).index.isin(rich)]
    assert len(chosen) == 2 * len(rich) and chosen.media_id.isin(flagged).all()


def test_ledger_writes_formula_like_text_as_text(tmp_path):
    import pandas as pd

    sample = pd.DataFrame({
        "sample_id": ["=CJ1-M1"], "unit_name": ["=1+2"], "stage_zh": ["+调查询问"], "media_id": ["-M1"], "case_id": ["@SUM(A1)"],
        "kind": ["video"], "recorded_start": [pd.Timestamp("2026-07-01 09:00")],
        "recorded_end": [pd.Timestamp("2026-07-01 09:30")], "officer": ["张*"],
        "path": ["=HYPERLINK(\"http://x\")"], "rules": ["ZF04"], "weight": [4.0],
    })
    path = write_ledger(sample, tmp_path / "l.xlsx", {"随机种子": 1})
    ws = openpyxl.load_workbook(path)["回放检查台帐"]
    row = {ws.cell(1, c).value: ws.cell(2, c) for c in range(1, ws.max_column + 1)}
    for col, text in (("单位", "=1+2"), ("环节", "+调查询问"), ("文件编号", "-M1"),
                      ("案件编号", "@SUM(A1)"), ("存储路径", "=HYPERLINK(\"http://x\")"),
                      ("抽检编号", "=CJ1-M1")):
        assert row[col].data_type == "s" and row[col].value == text


def test_auditing_a_missing_period_says_why_when_the_file_is_held(audited_db, tmp_path):
    """The one writing step: DuckDB refuses the writer while another process holds the file
    (docs/scheduling.md); the report says so instead of a raw lock error."""
    pytest.importorskip("zfaudit.engine.run")
    src, run = audited_db
    db = copy_db(src, tmp_path)
    holder = subprocess.Popen(
        [sys.executable, "-c",
         f"import duckdb, time\nc = duckdb.connect({str(db)!r}, read_only=True)\n"
         "print('held', flush=True); time.sleep(120)"],
        stdout=subprocess.PIPE, text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "held"
        with pytest.raises(ReportError, match="another process holds"):
            api.report("quarterly", db, tmp_path / "q2.html", period="2026Q2", as_of=AS_OF,
                       profile="zhuzhou_cgzf", audit=True, lock_wait=0)
        assert not (tmp_path / "q2.html").exists()
    finally:
        holder.terminate()
        holder.wait(10)


def test_report_of_a_run_that_read_several_loads(audited_db, tmp_path):
    """issue 10 item 7: a database loaded twice (audit_runs.load_ids with two entries) made
    quarantine_counts fail ("truth value of an array … is ambiguous")."""
    src, run = audited_db
    db = copy_db(src, tmp_path)
    with connect(db) as con:
        con.execute("UPDATE audit_runs SET load_ids = [1, 2] WHERE run_id = ?", [run])
        quarantined = con.execute("SELECT count(*) FROM quarantine WHERE load_id = 1").fetchone()[0]
    out = render_report("quarterly", db, tmp_path / "q.html", run=run)
    assert out.is_file() and quarantined > 0
    assert f">{quarantined}<" in out.read_text("utf-8") or str(quarantined) in out.read_text("utf-8")


def test_a_failed_render_leaves_no_file_behind(audited_db, tmp_path):
    """issue 10 item 7: the notebook fails (no such case): no .ipynb, .html or .part remains,
    and an older report of the same name is left as it was."""
    db, run = audited_db
    out = tmp_path / "case.html"
    with pytest.raises(ReportError, match="cell") as e:
        render_report("case", db, out, run=run, case_id="NO-SUCH-CASE")
    assert "找不到案件" in str(e.value) or "case not found" in str(e.value)
    assert sorted(p.name for p in tmp_path.iterdir()) == []
    out.write_text("older report", "utf-8")
    with pytest.raises(ReportError):
        render_report("case", db, out, run=run, case_id="NO-SUCH-CASE", overwrite=True)
    assert out.read_text("utf-8") == "older report"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["case.html"]


def test_a_bad_period_is_a_period_error_not_no_run(tmp_path):
    """A period that cannot be parsed says so, before any run lookup or audit."""
    from zfaudit.errors import PeriodError

    db = tmp_path / "empty.duckdb"
    with connect(db):
        pass
    with pytest.raises(PeriodError, match="2026Q5"):
        api.report("quarterly", db, tmp_path / "q.html", period="2026Q5")
