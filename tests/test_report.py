"""render_report / `zfaudit report`: offline HTML, dated outputs, no silent overwrite,
read-only access alongside an analyst's open connection, auditing a missing period."""

from __future__ import annotations

import datetime as dt
import re
import subprocess
import sys

import pytest
from click.testing import CliRunner
from plotly.offline import get_plotlyjs
from test_notebooks import html_table
from test_report_fixture import AS_OF, copy_db

from zfaudit.cli import cli
from zfaudit.db import connect
from zfaudit.report import ReportError, render_report
from zfaudit.report_queries import find_run

URL = re.compile(r"https?://[^\s\"'<>()\\`]+")
# XML namespace identifiers: names, never fetched.
NAMESPACES = {"http://www.w3.org/2000/svg", "http://www.w3.org/1999/xlink",
              "http://www.w3.org/2000/xmlns/", "http://www.w3.org/XML/1998/namespace"}

# Session fixtures (audited_db, rendered) shared by all report test modules: one audit and
# one rendering per session.
pytest_plugins = ["test_report_fixture"]


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
    assert out == tmp_path / label / f"spot-check-{label}-20261125T0930.html"
    assert out.with_suffix(".ipynb").is_file() and out.with_suffix(".xlsx").is_file()
    first = out.read_bytes()
    with pytest.raises(ReportError, match="--overwrite"):
        render_report("spot-check", db, tmp_path, run=run, seed=8, now=when)
    assert out.read_bytes() == first
    again = render_report("spot-check", db, tmp_path, run=run, seed=8, now=when, overwrite=True)
    assert again == out and "8" in out.read_text("utf-8")


def test_bad_requests_are_domain_errors(audited_db, tmp_path):
    db, run = audited_db
    with pytest.raises(ReportError, match="unknown report kind"):
        render_report("monthly", db, tmp_path / "x.html")
    with pytest.raises(ReportError, match="--case"):
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
        assert result.output.strip() == str(tmp_path / "s.html")
        assert holder.poll() is None  # the analyst's session was not disturbed
    finally:
        holder.terminate()
        holder.wait(10)


def test_missing_period_is_audited_first_and_compared(audited_db, tmp_path):
    """Scheduled use: `--period` with no run yet audits it (profile of the latest run); the
    next quarter's report then shows the change against it."""
    pytest.importorskip("zfaudit.audit")
    src, run = audited_db
    db = copy_db(src, tmp_path)
    q3 = find_run(db, run)
    with connect(db) as con:  # a database where only the sample's quarter was audited
        con.execute("DELETE FROM audit_runs WHERE run_id <> ?", [run])
    out = render_report("quarterly", db, tmp_path / "out", period="2026Q2", as_of=AS_OF,
                        now=dt.datetime(2026, 11, 25, 9, 30))
    q2 = find_run(db, "latest")
    assert q2["run_id"] != run and q2["profile"] == q3["profile"] and q2["label"] == "2026Q2"
    assert out == tmp_path / "out" / "2026Q2" / "quarterly-2026Q2-20261125T0930.html"
    assert q2["run_id"] in out.read_text("utf-8")
    # the Q3 report now compares with Q2, rule by rule, as SQL over rule_results says
    q3_html = render_report("quarterly", db, tmp_path / "q3.html", run=run)
    got = html_table(q3_html, "headline").set_index("规则")
    with connect(db, read_only=True) as con:
        prev = dict(con.execute(
            """SELECT rule_id, sum(passed) / nullif(sum(passed) + sum(violations), 0)
               FROM rule_results WHERE run_id = ? GROUP BY rule_id""", [q2["run_id"]]).fetchall())
    assert "上期（2026Q2）" in got.columns
    for rule in got.index:
        rate = prev.get(rule)
        assert got.loc[rule, "上期（2026Q2）"] == ("—" if rate is None else f"{rate * 100:.1f}%")
