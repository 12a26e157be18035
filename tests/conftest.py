"""Shared test helpers and session fixtures."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from zfaudit.contract import contract

# ---------------------------------------------------------------- loader (tests/ingest/test_load_*.py)

# One small valid file per required table (English headers, UTF-8).
BASE_EXPORT = {
    "units.csv": "unit_id,unit_name,parent_id\nU1,一中队,\n",
    "officers.csv": "officer_id,name,cert_no,unit_id\nO1,张三,Z001,U1\n",
    "devices.csv": "device_id,kind,unit_id\nD1,bodycam,U1\n",
    "cases.csv": "case_id,unit_id,category,opened_at\nC1,U1,penalty,2026-07-01 09:30:00\n",
    "steps.csv": "step_id,case_id,stage,started_at\nS1,C1,inquiry,2026-07-01 10:00:00\n",
    "step_officers.csv": "step_id,officer_id,cert_shown\nS1,O1,是\n",
    "media.csv": "media_id,device_id,kind,recorded_end\nM1,D1,video,2026-07-01 10:30:00\n",
}


@pytest.fixture
def make_export(tmp_path: Path):
    """make_export(files, name="export", base=True) -> directory with real files on disk.

    files maps a file name to text (written UTF-8), bytes (written as is) or a callable
    taking the path (e.g. an xlsx writer). With base=True the required tables not given in
    `files` come from BASE_EXPORT.
    """

    def make(files: dict | None = None, name: str = "export", base: bool = True) -> Path:
        files = dict(files or {})
        d = tmp_path / name
        d.mkdir()
        given = {
            t.name
            for f in files
            if (t := contract().table_for_filename(Path(f).stem)) is not None
        }
        if base:
            for fname, text in BASE_EXPORT.items():
                if Path(fname).stem not in given:
                    files.setdefault(fname, text)
        for fname, content in files.items():
            p = d / fname
            if callable(content):
                content(p)
            elif isinstance(content, bytes):
                p.write_bytes(content)
            else:
                p.write_text(content, encoding="utf-8")
        return d

    return make


def db_rows(db: Path, sql: str, params: list | None = None) -> list[tuple]:
    """Run one query on a database file (read-only) and return all rows."""
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute(sql, params or []).fetchall()
    finally:
        con.close()


def db_snapshot(db: Path) -> dict[str, list[tuple]]:
    """Every table's full content, sorted, for before/after comparisons."""
    con = duckdb.connect(str(db), read_only=True)
    try:
        names = [r[0] for r in con.execute("SELECT table_name FROM duckdb_tables()").fetchall()]
        return {n: sorted(con.execute(f"SELECT * FROM {n}").fetchall(), key=repr) for n in names}
    finally:
        con.close()


@pytest.fixture
def q():
    """q(db, sql, params=None) -> rows: a read-only query on a database file."""
    return db_rows


@pytest.fixture
def snapshot():
    """snapshot(db) -> {table: sorted rows} for every table in the database."""
    return db_snapshot


# ------------------------------------- the audited sample bureau (reports, scores, API, notebooks)


@pytest.fixture(scope="session")
def audited_db(tmp_path_factory) -> tuple[Path, str]:
    """(database path, run id): the committed sample loaded and audited once per session;
    tests that write copy it first (pipeline.copy_db)."""
    from pipeline import build_pipeline_db

    db = tmp_path_factory.mktemp("audited") / "bureau.duckdb"
    return db, build_pipeline_db(db)


@pytest.fixture(scope="session")
def rendered(audited_db, tmp_path_factory) -> dict[str, Path]:
    """The three reports rendered once (masked): {'quarterly': html, 'case': html, ...}; with
    headless Chromium also their PDF (and the quarterly Word file) beside the HTML."""
    from pipeline import busiest_case

    from zfaudit.errors import ReportError
    from zfaudit.report.browser import chromium_path
    from zfaudit.report.render import render_report
    from zfaudit.runs import find_run

    try:
        chromium_path()
        pdf, word = ("html", "pdf"), ("html", "pdf", "docx")
    except ReportError:
        pdf = word = ("html",)
    db, run = audited_db
    out = tmp_path_factory.mktemp("reports")
    case_id = busiest_case(db, run)
    paths = {
        "quarterly": render_report("quarterly", db, out / "quarterly.html", run=run, formats=word),
        "case": render_report("case", db, out / "case.html", run=run, case_id=case_id, formats=pdf),
        "spot-check": render_report("spot-check", db, out / "spot.html", run=run, seed=20261125,
                                    formats=pdf),
    }
    paths["ledger"] = out / "spot.xlsx"
    paths["case_id"] = case_id  # type: ignore[assignment]
    assert find_run(db, run)["run_id"] == run
    return paths
