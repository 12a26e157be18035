"""`zfaudit audit` from the command line: summary, exit codes, clear errors."""

from __future__ import annotations

from click.testing import CliRunner
from small_bureau import AS_OF, make_bureau, zf01_profile

from zfaudit.cli import cli
from zfaudit.db import connect


def invoke(*args):
    return CliRunner().invoke(cli, ["audit", *map(str, args), "--no-progress"])


def test_audit_prints_summary_and_fail_on(tmp_path):
    db = make_bureau(tmp_path / "b.duckdb")
    profile = zf01_profile(tmp_path)
    ok = invoke("--db", db, "--profile", profile, "--period", "2026Q3", "--as-of", AS_OF)
    assert ok.exit_code == 0, ok.output
    lines = ok.output.splitlines()
    assert lines[0].startswith("审计完成 / audit run ") and lines[0].endswith("-test_bureau-2026Q3")
    zf01 = next(line for line in lines if line.startswith("ZF01")).split()
    # rule, title, opportunities, passed, violations, advisories, pending, not_checked, rate
    assert zf01[2:] == ["3", "1", "2", "0", "0", "0", "33.3%"]
    failed = invoke("--db", db, "--profile", profile, "--period", "2026Q3", "--as-of", AS_OF,
                    "--fail-on", "violation")
    assert failed.exit_code == 1
    assert "ZF01" in failed.output  # the summary is printed before failing
    with connect(db, read_only=True) as con:
        assert con.execute("SELECT count(*) FROM audit_runs").fetchone()[0] == 2


def test_audit_errors_are_one_line_messages(tmp_path):
    db = make_bureau(tmp_path / "b.duckdb")
    bad_period = invoke("--db", db, "--profile", "zhuzhou_cgzf", "--period", "2026Q5")
    assert bad_period.exit_code == 1 and "Error:" in bad_period.output
    assert "2026Q5" in bad_period.output
    no_calendar = invoke("--db", db, "--profile", zf01_profile(tmp_path), "--period", "2026Q4",
                         "--as-of", "2026-11-25")
    assert no_calendar.exit_code == 1
    assert "2027" in no_calendar.output and "Traceback" not in no_calendar.output
    bad_profile = invoke("--db", db, "--profile", "no_such_bureau", "--period", "2026Q3")
    assert bad_profile.exit_code == 1 and "no_such_bureau" in bad_profile.output


def test_audit_of_a_missing_database_creates_nothing(tmp_path):
    missing = tmp_path / "typo.duckdb"
    result = invoke("--db", missing, "--profile", "zhuzhou_cgzf", "--period", "2026Q3")
    assert result.exit_code == 1 and "database not found" in result.output
    assert not missing.exists()
