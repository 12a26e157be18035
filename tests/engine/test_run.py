"""run_audit end to end on a hand-built bureau in a real DuckDB file (real GX runs)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import duckdb
import pytest
from small_bureau import AS_OF, make_bureau, zf01_profile

import zfaudit
from zfaudit.cli import summary_text
from zfaudit.db import connect
from zfaudit.engine.run import parse_as_of, run_audit
from zfaudit.errors import AuditError, CalendarError, ZfauditError
from zfaudit.runs import find_run
from zfaudit.scores import rule_summary


@pytest.fixture
def bureau(tmp_path) -> Path:
    return make_bureau(tmp_path / "bureau.duckdb")


def _findings(db, run_id):
    with connect(db, read_only=True) as con:
        return con.execute(
            "SELECT rule_id, outcome, case_id, step_id, unit_id, clauses FROM findings "
            "WHERE run_id = ? ORDER BY rule_id, step_id", [run_id]
        ).fetchall()


def test_audit_records_findings_results_and_run(bureau, tmp_path):
    run_id = run_audit(bureau, zf01_profile(tmp_path), "2026Q3", as_of=AS_OF, progress=False)
    assert run_id.endswith("-test_bureau-2026Q3")
    clause = "《行政处罚法》第四十二条; 001 第十二条"
    assert _findings(bureau, run_id) == [
        ("ZF01", "violation", "K1", "S2", "U1", clause),
        ("ZF01", "violation", "K2", "S3", "U2", clause),
    ]
    with connect(bureau, read_only=True) as con:
        results = con.execute(
            "SELECT rule_id, unit_id, opportunities, passed, violations, advisories, pending, "
            "not_checked FROM rule_results WHERE run_id = ? AND rule_id = 'ZF01' ORDER BY unit_id",
            [run_id],
        ).fetchall()
        run = con.execute(
            "SELECT profile, period_start, period_end, as_of, load_ids, media_store, gx_version "
            "FROM audit_runs WHERE run_id = ?", [run_id]
        ).fetchone()
        items = con.execute("SELECT count(*) FROM audit.items_zf01").fetchone()[0]
    assert results == [("ZF01", "U1", 2, 1, 1, 0, 0, 0), ("ZF01", "U2", 1, 0, 1, 0, 0, 0)]
    assert run == (
        "test_bureau", dt.datetime(2026, 7, 1), dt.datetime(2026, 10, 1),
        dt.datetime(2026, 10, 20, 10), [1], None, "1.24.1",
    )
    assert items == 3


def test_same_audit_twice_gives_identical_findings(bureau, tmp_path):
    profile = zf01_profile(tmp_path)
    first = run_audit(bureau, profile, "2026Q3", as_of=AS_OF, progress=False)
    second = run_audit(bureau, profile, "2026Q3", as_of=AS_OF, progress=False)
    assert first != second  # a second run gets its own id (suffix when the second is the same)
    assert _findings(bureau, first) == _findings(bureau, second)
    assert len(_findings(bureau, first)) == 2


def test_summary_counts_and_rate(bureau, tmp_path):
    run_id = run_audit(bureau, zf01_profile(tmp_path), "2026Q3", as_of=AS_OF, progress=False)
    rows = {r["rule_id"]: r for r in rule_summary(bureau, find_run(bureau, run_id))}
    assert list(rows) == ["DQ01", "DQ02", "ZF01"]
    zf01 = rows["ZF01"]
    assert (zf01["opportunities"], zf01["passed"], zf01["violations"]) == (3, 1, 2)
    assert zf01["rate"] == pytest.approx(1 / 3)
    assert zfaudit.run(bureau, run_id).violation_count() == 2
    text = summary_text(zfaudit.run(bureau, run_id))
    assert "ZF01" in text and "33.3%" in text and "合规率" in text


def test_audit_is_atomic_when_recording_fails(tmp_path):
    """A failure while recording leaves no findings, rule_results or audit_runs rows."""
    db = tmp_path / "broken.duckdb"
    with connect(db) as con:
        # an incompatible audit_runs table (an extra NOT NULL column): the run's INSERT fails
        con.execute("DROP TABLE audit_runs")
        con.execute("CREATE TABLE audit_runs (run_id VARCHAR, extra VARCHAR NOT NULL)")
    make_bureau(db)
    with pytest.raises(duckdb.Error):  # the INSERT INTO audit_runs fails
        run_audit(db, zf01_profile(tmp_path), "2026Q3", as_of=AS_OF, progress=False)
    with connect(db, read_only=True) as con:
        counts = con.execute(
            "SELECT (SELECT count(*) FROM findings), (SELECT count(*) FROM rule_results), "
            "(SELECT count(*) FROM audit_runs)"
        ).fetchone()
    assert counts == (0, 0, 0)


def test_missing_calendar_year_stops_the_audit(bureau, tmp_path):
    # 2026Q4's deadlines run into 2027 (period end + 60 days), which chinesecalendar 1.11
    # does not cover; nobody supplied it
    with pytest.raises(CalendarError, match="2027"):
        run_audit(bureau, zf01_profile(tmp_path), "2026Q4", as_of="2026-11-25", progress=False)
    with connect(bureau, read_only=True) as con:
        assert con.execute("SELECT count(*) FROM audit_runs").fetchone()[0] == 0


def test_empty_database_is_refused(tmp_path):
    empty = tmp_path / "empty.duckdb"
    with connect(empty):  # the tables, no rows
        pass
    with pytest.raises(AuditError, match="nothing to audit"):
        run_audit(empty, "zhuzhou_cgzf", "2026Q3", as_of=AS_OF)


def test_missing_database_is_refused_and_not_created(tmp_path):
    with pytest.raises(ZfauditError, match="database not found"):
        run_audit(tmp_path / "typo.duckdb", "zhuzhou_cgzf", "2026Q3", as_of=AS_OF)
    assert not (tmp_path / "typo.duckdb").exists()


def test_parse_as_of():
    assert parse_as_of("2026-11-25") == dt.datetime(2026, 11, 25)
    assert parse_as_of("2026-11-25 10:15:30.5") == dt.datetime(2026, 11, 25, 10, 15, 30)
    assert parse_as_of(None).microsecond == 0
    with pytest.raises(AuditError, match="as-of"):
        parse_as_of("yesterday")


@pytest.mark.parametrize("name", ["audit.duckdb", "main.duckdb", "memory.duckdb", "zf.duckdb"])
def test_database_named_like_a_schema_or_catalog_works(tmp_path, name):
    """issue 10: every file is opened under one fixed catalog alias, so `audit.duckdb` (the
    name users pick first) no longer clashes with the schema `audit`."""
    db = make_bureau(tmp_path / name)
    run_id = run_audit(db, zf01_profile(tmp_path), "2026Q3", as_of=AS_OF, progress=False)
    assert [f[3] for f in _findings(db, run_id)] == ["S2", "S3"]


def test_audit_makes_no_network_connection(bureau, tmp_path, monkeypatch):
    """GX runs offline: no socket is opened during a whole audit (Data Docs included)."""
    import socket

    attempts = []
    real_connect = socket.socket.connect

    def record(self, address):
        attempts.append(address)
        return real_connect(self, address)

    monkeypatch.setattr(socket.socket, "connect", record)
    run_audit(bureau, zf01_profile(tmp_path), "2026Q3", as_of=AS_OF, docs=tmp_path / "docs",
              progress=False)
    assert attempts == []


def test_an_audit_without_media_store_warns_and_records_it(bureau, tmp_path):
    """issue 11: an audit without --media-store scored ZF13 on the few NULL-hash items while
    the rest were not_checked — and said nothing."""
    from click.testing import CliRunner
    from small_bureau import rules_profile

    from zfaudit.cli import cli

    with connect(bureau) as con:
        con.execute("INSERT INTO devices (device_id, kind, unit_id) VALUES ('D1', 'bodycam', 'U1')")
        for i in range(6):  # U1: 1 item without a hash (violation), 5 that need the store
            con.execute("INSERT INTO media (media_id, device_id, officer_id, case_id, kind, "
                        "recorded_end, sha256, path) VALUES (?, 'D1', 'O1', 'K1', 'video', "
                        "'2026-07-05 10:00:00', ?, ?)",
                        [f"M{i}", None if i == 0 else "a" * 64, f"{i}.mp4"])
    profile = rules_profile(tmp_path, ["ZF01", "ZF13"])
    r = CliRunner().invoke(cli, ["audit", "--db", str(bureau), "--profile", str(profile),
                                 "--period", "2026Q3", "--as-of", AS_OF, "--no-progress"])
    assert r.exit_code == 0, r.output
    warned = [line for line in r.output.splitlines() if line.startswith("注意 / warning:")]
    assert len(warned) == 2 and "ZF13" in warned[0] and "--media-store" in warned[0]
    assert "ZF13 在 1 个单位的未检查项过半（U1）" in warned[1]
    run = zfaudit.run(bureau)
    assert run.warnings == [w.removeprefix("注意 / warning: ") for w in warned]
    items = run.score_items().set_index(["unit_id", "rule_id"])
    assert items.loc[("U1", "ZF13"), "not_scored_reason"] == "mostly_not_checked"
    assert items.loc[("U1", "ZF13"), "points_lost"] == 0  # the one violation is still a finding
    assert len(run.findings(rule="ZF13")) == 1
    with_store = run_audit(bureau, profile, "2026Q3", as_of=AS_OF, media_store=tmp_path,
                           progress=False)
    assert zfaudit.run(bureau, with_store).warnings == []
