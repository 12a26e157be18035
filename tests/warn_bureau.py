"""A hand-built bureau around the deadlines of zhuzhou_cgzf and National Day 2026, shared by
tests/engine/test_lookahead.py and tests/test_cli_warn.py."""

from __future__ import annotations

from pathlib import Path

from zfaudit.db import connect


def make_warn_bureau(db: Path) -> Path:
    """Two units; M1 (due 10-09 23:59:59, not uploaded), M2 (due 10-10 23:59:59, uploaded
    10-12), M3 (June, never uploaded), K1 (archive due 10-01 23:59:59, not archived), K2
    (emergency start 10-09 08:00, not approved), K3 (archived in time)."""
    with connect(db) as con:
        con.execute("INSERT INTO units VALUES ('U1', '一中队', NULL), ('U2', '二中队', NULL)")
        con.execute("INSERT INTO officers VALUES ('O1', '张三丰', 'Z1', 'U1', '2020-01-01', "
                    "'2030-12-31'), ('O2', '李四光', 'Z2', 'U2', '2020-01-01', '2030-12-31')")
        con.execute("INSERT INTO devices VALUES ('D1', 'bodycam', 'U1'), ('D2', 'bodycam', 'U2')")
        con.execute(
            "INSERT INTO cases (case_id, unit_id, category, procedure, opened_at, concluded_at, "
            "archived_at, emergency_start, approved_at) VALUES "
            "('K1', 'U1', 'penalty', 'general', '2026-08-01 09:00:00', '2026-09-01 10:00:00', NULL, false, NULL), "
            "('K2', 'U2', 'coercion', 'general', '2026-10-09 08:00:00', NULL, NULL, true, NULL), "
            "('K3', 'U1', 'penalty', 'general', '2026-08-01 09:00:00', '2026-09-05 10:00:00', "
            "'2026-09-20 10:00:00', false, NULL)")
        media = [
            # M1: recorded 09-30 (Wed): due = 2nd working day after = 10-09 23:59:59, not uploaded
            ("M1", "D1", "O1", "K1", "2026-09-30 09:00:00", "2026-09-30 10:00:00", None),
            # M2: recorded 10-08: due 10-10 23:59:59 (a worked Saturday), uploaded 10-12 10:00
            ("M2", "D1", "O1", "K1", "2026-10-08 08:00:00", "2026-10-08 09:00:00", "2026-10-12 10:00:00"),
            # M3: recorded 06-01, never uploaded: outside a 90-day look-back from October
            ("M3", "D2", "O2", "K2", "2026-06-01 08:00:00", "2026-06-01 09:00:00", None),
        ]
        con.executemany("INSERT INTO media (media_id, device_id, officer_id, case_id, kind, "
                        "recorded_start, recorded_end, uploaded_at, sha256) VALUES "
                        "(?, ?, ?, ?, 'video', ?, ?, ?, repeat('a', 64))", media)
    return db
