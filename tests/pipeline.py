"""The committed sample bureau through the real pipeline (load → audit), shared by the
report, notebook, browser, score and API tests via the session fixtures in conftest.py."""

from __future__ import annotations

import shutil
from pathlib import Path

from zfaudit.db import connect

REPO = Path(__file__).resolve().parents[1]
SAMPLE = REPO / "data_samples" / "bureau"
SAMPLE_MEDIA = REPO / "data_samples" / "bureau_media"
PROFILE = "zhuzhou_cgzf"
PERIOD = "2026Q3"
# A fixed instant, so the tests' numbers never depend on the day they run.
AS_OF = "2026-10-20 09:00:00"


def build_pipeline_db(db: Path) -> str:
    """Committed sample → real load → its exceptions register → real audit (with the sample
    media store); the run id."""
    from zfaudit.engine.run import run_audit
    from zfaudit.ingest.loader import import_records, load

    load(SAMPLE, db)
    import_records(SAMPLE / "例外登记.xlsx", db, "exceptions")
    return run_audit(db, PROFILE, PERIOD, as_of=AS_OF, media_store=SAMPLE_MEDIA)


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
