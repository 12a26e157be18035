"""The sample office's register (zfaudit sample): every status RULES.md names, as its oracle
_register_expected.csv says, through the real load → import → audit."""

from __future__ import annotations

import csv

from pipeline import SAMPLE

from zfaudit.db import connect
from zfaudit.supervision.exceptions import exception_rows


def test_sample_register_statuses(audited_db):
    db, run = audited_db
    with open(SAMPLE / "_register_expected.csv", encoding="utf-8") as f:
        expected = list(csv.DictReader(f))
    with connect(db, read_only=True) as con:
        got = exception_rows(con, run).set_index("exception_id").status.to_dict()
        quarantined = con.execute("SELECT line, column_name, raw_value, reason FROM quarantine "
                                  "WHERE table_name = 'exceptions'").fetchall()
    assert got == {e["exception_id"]: e["expected_status"] for e in expected
                   if e["expected_status"] != "quarantine"}
    bad = [e for e in expected if e["expected_status"] == "quarantine"]
    assert quarantined == [(int(bad[0]["line"]), "reason", "下大雨", "unknown_code")]
    assert {"applied", "no_note", "self_approved", "not_approved", "approved_after_as_of",
            "reason_not_allowed", "no_document", "no_such_violation"} <= set(got.values())
