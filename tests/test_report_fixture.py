"""Shared fixtures of the report tests (imported by test_report*.py, test_notebooks.py,
test_browser.py): one audited database per session, and the three rendered reports.

The database comes from the real pipeline (committed sample → load → audit) when those
modules exist; until then from a small hand-made database in the same schemas.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
from pathlib import Path

import pytest

from zfaudit.contract import contract
from zfaudit.db import connect
from zfaudit.profiles import get_profile

REPO = Path(__file__).resolve().parents[1]
SAMPLE = REPO / "data_samples" / "bureau"
SAMPLE_MEDIA = REPO / "data_samples" / "bureau_media"
PROFILE = "zhuzhou_cgzf"
PERIOD = "2026Q3"
# Deadlines of the period's events run up to 60 days past as_of: keep them within 2026, the
# last year the installed chinesecalendar knows.
AS_OF = "2026-10-20 09:00:00"


def real_pipeline_available() -> bool:
    try:
        import zfaudit.auditor  # noqa: F401
        import zfaudit.loader  # noqa: F401
    except ImportError:
        return False
    return True


def build_pipeline_db(db: Path) -> str:
    """Committed sample → load → audit; returns the run id. Until the sample is committed,
    the hand-made contract rows go through the same real load and audit."""
    from zfaudit.auditor import run_audit
    from zfaudit.loader import load

    export, media = SAMPLE, SAMPLE_MEDIA
    if not any(SAMPLE.glob("*.*")):
        export, media = db.parent / "export", db.parent / "no_media"
        hand = build_hand_db(db.parent / "hand.duckdb")
        assert hand
        export.mkdir()
        with connect(db.parent / "hand.duckdb", read_only=True) as con:
            for t in contract().tables:
                con.execute(f"COPY {t} TO '{export / t}.csv' (HEADER)")
    load(export, db)
    return run_audit(db, PROFILE, PERIOD, as_of=AS_OF, media_store=media if media.is_dir() else None)


def build_hand_db(db: Path) -> str:
    """A small database with plausible rows in the contract and audit schemas (two runs)."""
    prof = get_profile(PROFILE).to_dict()
    with connect(db) as con:
        con.execute("""INSERT INTO units VALUES ('B0','株洲市城管局',NULL),
            ('U1','城管一中队','B0'), ('U2','城管二中队','B0')""")
        con.execute("""INSERT INTO officers VALUES
            ('O1','张三丰','ZF-001','U1','2024-01-01','2028-12-31'),
            ('O2','李四光','ZF-002','U1','2024-01-01','2028-12-31'),
            ('O3','王五常','ZF-003','U2','2024-01-01','2028-12-31'),
            ('O4','赵六合',NULL,'U2',NULL,NULL)""")
        con.execute("INSERT INTO devices VALUES ('D1','bodycam','U1'), ('D2','bodycam','U2')")
        con.execute("""INSERT INTO cases (case_id, unit_id, category, procedure, party_name,
                party_id_no, opened_at, concluded_at, archived_at) VALUES
            ('C1','U1','penalty','general','某某餐饮有限公司','91430200MA4L000001',
             '2026-07-01 09:00','2026-08-01 10:00','2026-08-20 10:00'),
            ('C2','U1','penalty','simple','刘小明','430203199001011234',
             '2026-07-05 09:00','2026-07-05 12:00',NULL),
            ('C3','U2','coercion','general','陈大文','430203198502023456',
             '2026-08-01 09:00',NULL,NULL),
            ('C4','U2','inspection','general','=HYPERLINK("x")','430203197003034567',
             '2026-09-01 09:00',NULL,NULL)""")
        con.execute("""INSERT INTO steps (step_id, case_id, stage, started_at, ended_at) VALUES
            ('S1','C1','inquiry','2026-07-03 09:00','2026-07-03 09:40'),
            ('S2','C1','inspection','2026-07-02 14:00','2026-07-02 15:00'),
            ('S3','C2','inquiry','2026-07-05 09:10','2026-07-05 09:30'),
            ('S4','C3','seizure','2026-08-02 10:00','2026-08-02 11:00'),
            ('S5','C4','inspection','2026-09-02 10:00','2026-09-02 10:30')""")
        con.execute("""INSERT INTO step_officers VALUES ('S1','O1',true),('S1','O2',true),
            ('S2','O1',true),('S3','O2',true),('S4','O3',true),('S4','O4',false),('S5','O3',true)""")
        con.execute("""INSERT INTO media (media_id, device_id, officer_id, case_id, step_id, kind,
                recorded_start, recorded_end, uploaded_at, path, label_party, label_officer, made_by)
            VALUES
            ('M1','D1','O1','C1','S1','video','2026-07-03 09:00','2026-07-03 09:38',
             '2026-07-09 10:00','U1/M1.mp4','某某餐饮有限公司','张三丰','张三丰'),
            ('M2','D1','O2','C1','S2','video','2026-07-02 14:00','2026-07-02 14:59',
             '2026-07-02 18:00','U1/M2.mp4','某某餐饮有限公司','李四光',NULL),
            ('M3','D2','O3','C3','S4','video','2026-08-02 10:00','2026-08-02 10:20',
             '2026-08-02 12:00','U2/M3.mp4','陈大文','王五常',NULL),
            ('M4','D2','O3','C3','S4','video','2026-08-02 10:40','2026-08-02 11:00',
             '2026-08-02 12:00','U2/M4.mp4','陈大文','王五常',NULL),
            ('M5','D2','O3',NULL,NULL,'video','2026-09-10 08:00','2026-09-10 08:30',
             '2026-09-10 12:00','U2/M5.mp4',NULL,NULL,NULL)""")
        con.execute("""INSERT INTO media_access (access_id, media_id, action, requested_by,
                approved_by, approved_at, accessed_at) VALUES
            ('A1','M1','copy','李四光','张三丰','2026-07-10 09:00','2026-07-10 10:00'),
            ('A2','M3','view','王五常',NULL,NULL,'2026-08-10 10:00')""")
        con.execute("""INSERT INTO loads VALUES
            (1,'cases','export/cases.csv','ab12',1000,4,4,0,1,'2026-10-05 10:00'),
            (1,'media','export/media.csv','cd34',2000,6,5,0,1,'2026-10-05 10:00')""")
        con.execute("""INSERT INTO quarantine VALUES
            (1,'cases','export/cases.csv',7,'opened_at','2026-13-01','{}','bad_timestamp'),
            (1,'media','export/media.csv',9,'kind','胶片','{}','unknown_code')""")
        for run_id, start, end in (("R2", "2026-04-01", "2026-07-01"),
                                   ("R3", "2026-07-01", "2026-10-01")):
            con.execute(
                "INSERT INTO audit_runs VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
                [run_id, PROFILE, start, end, "2026-11-25 09:00", dt.datetime(2026, 11, 25, 9),
                 dt.datetime(2026, 11, 25, 9, 1 if run_id == "R3" else 0), "0.1.0", "1.24.1",
                 [1], json.dumps(prof, ensure_ascii=False), None],
            )
        # rule_results: (run, rule, unit, opp, passed, violations, advisories, pending, nc)
        rr = [
            ("R3", "ZF01", "U1", 3, 2, 1, 0, 0, 0), ("R3", "ZF01", "U2", 2, 2, 0, 0, 0, 0),
            ("R3", "ZF02", "U2", 3, 2, 1, 0, 0, 0), ("R3", "ZF03", "U1", 3, 2, 1, 0, 0, 0),
            ("R3", "ZF03", "U2", 2, 2, 0, 0, 0, 0), ("R3", "ZF04", "U1", 2, 1, 1, 0, 0, 0),
            ("R3", "ZF04", "U2", 3, 3, 0, 0, 0, 0), ("R3", "ZF05", "U1", 2, 1, 0, 0, 1, 0),
            ("R3", "ZF07", "U2", 1, 0, 1, 0, 0, 0), ("R3", "ZF12", "U1", 1, 1, 0, 0, 0, 0),
            ("R3", "ZF12", "U2", 1, 0, 1, 0, 0, 0), ("R3", "ZF15", "U2", 1, 0, 0, 1, 0, 0),
            ("R2", "ZF01", "U1", 4, 2, 2, 0, 0, 0), ("R2", "ZF03", "U1", 4, 3, 1, 0, 0, 0),
            ("R2", "ZF04", "U1", 4, 4, 0, 0, 0, 0), ("R2", "ZF12", "U2", 2, 1, 1, 0, 0, 0),
        ]
        con.executemany("INSERT INTO rule_results VALUES (?,?,?,?,?,?,?,?,?)", rr)
        f = [
            ("ZF01", "violation", "C2", "S3", None, None, None, "U1", None,
             "简易程序询问仅一名执法人员在场。"),
            ("ZF02", "violation", "C3", "S4", None, None, "O4", "U2", None,
             "执法人员赵六合未持有执法证。"),
            ("ZF03", "violation", "C2", "S3", None, None, None, "U1", None,
             "调查询问环节无音像记录。"),
            ("ZF04", "violation", "C1", "S1", "M1", None, None, "U1", "2026-07-07 23:59:59",
             "音像记录上传超期（应于2026-07-07前上传，张三丰持有设备）。"),
            ("ZF05", "pending", "C2", None, None, None, None, "U1", "2026-11-28 23:59:59",
             "结案后尚未归档，期限未到。"),
            ("ZF07", "violation", "C3", "S4", "M4", None, None, "U2", None,
             "查封扣押环节记录中断1200秒且无中断说明。"),
            ("ZF12", "violation", "C3", None, "M3", "A2", None, "U2", None,
             "调阅音像记录未经审批。"),
            ("ZF15", "advisory", None, None, "M5", None, None, "U2", None,
             "与执法无关的记录，请复核。"),
            ("DQ01", "violation", "C4", "S5", None, None, None, "U2", None,
             "环节执法人员不存在。"),
        ]
        con.executemany(
            "INSERT INTO findings VALUES ('R3',?,?,?,?,?,?,?,?,?,NULL,?,NULL)",
            [(*r[:9], r[9]) for r in f],
        )
        con.execute(
            "UPDATE findings f SET clauses = c.v FROM (SELECT unnest(?) AS k, unnest(?) AS v) c "
            "WHERE c.k = f.rule_id",
            [list(prof["clauses"]), list(prof["clauses"].values())],
        )
    return "R3"


@pytest.fixture(scope="session")
def audited_db(tmp_path_factory) -> tuple[Path, str]:
    """(database path, run id) — built once per session; tests copy it if they write."""
    db = tmp_path_factory.mktemp("report_db") / "bureau.duckdb"
    # ZF_REPORT_HAND_DB=1 forces the hand-made database (quick checks of the report code alone)
    use_real = real_pipeline_available() and not os.environ.get("ZF_REPORT_HAND_DB")
    run = build_pipeline_db(db) if use_real else build_hand_db(db)
    return db, run


@pytest.fixture(scope="session")
def rendered(audited_db, tmp_path_factory) -> dict[str, Path]:
    """The three reports rendered once (masked): {'quarterly': html, 'case': html, ...}."""
    from zfaudit.report import render_report
    from zfaudit.report_queries import find_run

    db, run = audited_db
    out = tmp_path_factory.mktemp("reports")
    case_id = busiest_case(db, run)
    paths = {
        "quarterly": render_report("quarterly", db, out / "quarterly.html", run=run),
        "case": render_report("case", db, out / "case.html", run=run, case_id=case_id),
        "spot-check": render_report("spot-check", db, out / "spot.html", run=run, seed=20261125),
    }
    paths["ledger"] = out / "spot.xlsx"
    paths["case_id"] = case_id  # type: ignore[assignment]
    assert find_run(db, run)["run_id"] == run
    return paths


def busiest_case(db: Path, run: str) -> str:
    """The case with most findings of the run (it has the richest timeline)."""
    with connect(db, read_only=True) as con:
        return con.execute(
            "SELECT case_id FROM findings WHERE run_id = ? AND case_id IS NOT NULL "
            "GROUP BY case_id ORDER BY count(*) DESC, case_id LIMIT 1",
            [run],
        ).fetchone()[0]


def copy_db(src: Path, dst_dir: Path) -> Path:
    dst = dst_dir / src.name
    shutil.copy(src, dst)
    return dst
