"""A database made by an older zfaudit (no supervision tables, no finding keys) still opens
read-only for reports and the score sheet: the first open adds what is missing."""

from __future__ import annotations

import duckdb
from cycle_bureau import AS_OF, cycle_profile, make_cycle_bureau

import zfaudit
from zfaudit.db import connect


def test_an_older_database_is_upgraded_and_its_runs_read(tmp_path):
    db = make_cycle_bureau(tmp_path / "old.duckdb")
    run = zfaudit.audit(db, cycle_profile(tmp_path), "2026Q3", as_of=AS_OF)
    con = duckdb.connect(str(db))  # what an older zfaudit left behind
    for t in ("exceptions", "responses", "reviews", "notices", "notice_items", "run_exceptions",
              "recheck_outcomes"):
        con.execute(f"DROP TABLE {t}")
    con.execute("DROP VIEW IF EXISTS finding_status")
    con.execute("DROP VIEW IF EXISTS exception_status")
    con.execute("ALTER TABLE findings DROP COLUMN finding_key")
    con.execute("ALTER TABLE audit_runs DROP COLUMN previous_run_id")
    con.close()
    old = zfaudit.run(db, run.run_id)
    keys = set(old.lifecycle().finding_key)
    assert "ZF02|S3|O3" in keys and None not in keys  # computed from the item key
    assert old.exceptions().empty
    sheet = old.score_sheet(tmp_path / "scores.xlsx")
    assert sheet.units == 2
    with connect(db, read_only=True) as c:
        assert c.execute("SELECT count(*) FROM notices").fetchone()[0] == 0
