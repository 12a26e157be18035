"""zfaudit.runs: what "latest" and "previous" mean, on a real DuckDB file."""

from __future__ import annotations

import numpy as np
import pytest

from zfaudit.db import connect
from zfaudit.errors import AuditError
from zfaudit.runs import find_run, load_ids, previous_run


@pytest.fixture
def db(tmp_path):
    path = tmp_path / "runs.duckdb"
    rows = [  # run_id, profile, period_start, period_end, finished_at
        ("q2", "p", "2026-04-01", "2026-07-01", "2026-07-05 09:00"),
        ("jun", "p", "2026-06-01", "2026-07-01", "2026-07-06 09:00"),  # newer, ends where Q3 starts
        ("q3a", "p", "2026-07-01", "2026-10-01", "2026-10-05 09:00"),
        ("q3b", "p", "2026-07-01", "2026-10-01", "2026-10-05 09:00"),  # same time: run_id decides
        ("q3other", "other", "2026-07-01", "2026-10-01", "2026-10-06 09:00"),
    ]
    with connect(path) as con:
        for r in rows:
            con.execute("INSERT INTO audit_runs (run_id, profile, period_start, period_end, "
                        "started_at, finished_at, load_ids) VALUES (?, ?, ?, ?, ?, ?, [1, 2])",
                        [*r, r[4]])
    return path


def test_latest_is_the_newest_and_ties_go_to_the_larger_run_id(db):
    assert find_run(db)["run_id"] == "q3other"
    assert find_run(db, profile="p")["run_id"] == "q3b"
    import datetime as dt
    q2 = find_run(db, profile="p", period=(dt.datetime(2026, 4, 1), dt.datetime(2026, 7, 1)))
    assert q2["run_id"] == "q2" and q2["label"] == "2026Q2"
    with pytest.raises(AuditError, match="no audit run latest for profile nobody"):
        find_run(db, profile="nobody")


def test_previous_is_the_period_of_the_same_length_just_before(db):
    # the June-only run also ends where Q3 starts and is newer, but a quarter is compared
    # with the quarter before it (docs/decisions.md "Reports")
    assert previous_run(db, find_run(db, "q3b"))["run_id"] == "q2"
    assert previous_run(db, find_run(db, "q2")) is None
    assert previous_run(db, find_run(db, "q3other")) is None  # another profile's Q2: none


def test_load_ids_of_a_run_are_a_list_whatever_pandas_made_of_them(db):
    assert load_ids(find_run(db, "q2")) == [1, 2]
    assert load_ids({"load_ids": np.array([3, 4])}) == [3, 4]
    assert load_ids({"load_ids": None}) == [] and load_ids({}) == []
