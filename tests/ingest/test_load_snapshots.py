"""Reloading the same file changes nothing; a later export replaces rows by key."""

from __future__ import annotations

import datetime as dt

from zfaudit.ingest.loader import load


def test_same_files_again_is_a_no_op(make_export, tmp_path, q, snapshot):
    export = make_export(
        {"cases.csv": "case_id,unit_id,opened_at\nC1,U1,2026-07-01 09:30\nC2,U1,坏时间\n"}
    )
    db = tmp_path / "t.duckdb"
    first = load(export, db)
    before = snapshot(db)
    again = load(export, db)
    assert again.load_id is None
    assert all(t.skipped_unchanged for t in again.tables)
    assert snapshot(db) == before
    assert first.load_id == 1
    assert q(db, "SELECT count(*), count(DISTINCT load_id) FROM loads") == [(7, 1)]
    assert "unchanged" in again.summary_text()


def test_same_content_under_another_name_is_unchanged(make_export, tmp_path, q):
    text = "case_id,unit_id,opened_at\nC1,U1,2026-07-01 09:30\n"
    db = tmp_path / "t.duckdb"
    load(make_export({"cases.csv": text}, name="a"), db)
    report = load(make_export({"案件.csv": text}, name="b"), db)
    assert report.load_id is None
    assert q(db, "SELECT count(*) FROM cases") == [(1,)]


def test_newer_snapshot_replaces_by_key(make_export, tmp_path, q):
    db = tmp_path / "t.duckdb"
    old = "case_id,unit_id,opened_at,archived_at\nC1,U1,2026-07-01 09:30,\nC2,U1,2026-07-02 09:30,\n"
    load(make_export({"cases.csv": old}, name="june"), db)
    # July export: C1 archived now, C2 unchanged (still counts as replaced), C3 new; other
    # tables are the same files, so they are skipped
    new = (
        "case_id,unit_id,opened_at,archived_at\n"
        "C1,U1,2026-07-01 09:30,2026-07-20 16:00\n"
        "C2,U1,2026-07-02 09:30,\n"
        "C3,U2,2026-07-03 09:30,\n"
    )
    report = load(make_export({"cases.csv": new}, name="july"), db)
    assert report.load_id == 2
    cases = next(t for t in report.tables if t.table == "cases")
    assert (cases.rows_read, cases.rows_loaded, cases.rows_replaced, cases.rows_quarantined) == (3, 1, 2, 0)
    assert q(db, "SELECT case_id, unit_id, archived_at FROM cases ORDER BY 1") == [
        ("C1", "U1", dt.datetime(2026, 7, 20, 16, 0)),
        ("C2", "U1", None),
        ("C3", "U2", None),
    ]
    assert [t.table for t in report.tables if not t.skipped_unchanged] == ["cases"]
    assert q(db, "SELECT load_id, rows_read, rows_loaded, rows_replaced FROM loads "
                 "WHERE table_name = 'cases' ORDER BY load_id") == [(1, 2, 2, 0), (2, 3, 1, 2)]


def test_snapshot_replaces_composite_keys(make_export, tmp_path, q):
    db = tmp_path / "t.duckdb"
    load(make_export({"step_officers.csv": "step_id,officer_id,cert_shown\nS1,O1,否\nS1,O2,否\n"},
                     name="a"), db)
    report = load(make_export({"step_officers.csv": "step_id,officer_id,cert_shown\nS1,O2,是\n"},
                              name="b"), db)
    so = next(t for t in report.tables if t.table == "step_officers")
    assert (so.rows_loaded, so.rows_replaced) == (0, 1)
    assert q(db, "SELECT step_id, officer_id, cert_shown FROM step_officers ORDER BY 2") == [
        ("S1", "O1", False), ("S1", "O2", True)
    ]


def test_required_table_may_come_from_an_earlier_load(make_export, tmp_path, q):
    db = tmp_path / "t.duckdb"
    load(make_export(name="full"), db)
    # a later export holding only media: the other required tables are already loaded
    report = load(
        make_export({"media.csv": "media_id,kind\nM2,audio\n"}, name="media_only", base=False), db
    )
    assert [t.table for t in report.tables] == ["media"]
    assert q(db, "SELECT media_id FROM media ORDER BY 1") == [("M1",), ("M2",)]


def test_calendar_years_ensured_for_loaded_data(make_export, tmp_path, q):
    db = tmp_path / "t.duckdb"
    report = load(make_export(
        {"cases.csv": "case_id,opened_at\nC1,2025-12-30 09:00\nC2,2026-01-04 09:00\n"}), db)
    assert q(db, "SELECT DISTINCT year(date) FROM calendar ORDER BY 1") == [(2025,), (2026,)]
    assert report.warnings == []


def test_missing_calendar_year_is_a_warning_not_a_failure(make_export, tmp_path, q):
    db = tmp_path / "t.duckdb"
    report = load(make_export({"cases.csv": "case_id,opened_at\nC1,2031-03-02 09:00\n"}), db)
    assert q(db, "SELECT case_id FROM cases") == [("C1",)]
    assert any("2031" in w for w in report.warnings)
    assert "2031" in report.summary_text()


def test_report_frame_lists_every_file(make_export, tmp_path):
    db = tmp_path / "t.duckdb"
    load(make_export({"cases.csv": "case_id,opened_at\nC1,2026-07-01 09:00\nC2,x\n"}), db)
    frame = load(make_export({"cases.csv": "case_id\nC3\n"}, name="again"), db).to_frame()
    assert list(frame["table"]) == [
        "units", "officers", "devices", "cases", "steps", "step_officers", "media"
    ]
    cases = frame.set_index("table").loc["cases"]
    assert (cases.rows_read, cases.rows_loaded, cases.skipped_unchanged) == (1, 1, False)
    assert frame.set_index("table").loc["units", "skipped_unchanged"]


def test_missing_calendar_years_are_one_warning(make_export, tmp_path, q):
    db = tmp_path / "t.duckdb"
    cases = "case_id,opened_at\nC1,1999-03-02 09:00\nC2,2026-03-02 09:00\n"
    report = load(make_export({"cases.csv": cases}), db)
    calendar_warnings = [w for w in report.warnings if "calendar" in w]
    assert len(calendar_warnings) == 1
    assert "1999–2003" in calendar_warnings[0]
    assert q(db, "SELECT min(year(date)), max(year(date)) FROM calendar") == [(2004, 2026)]
