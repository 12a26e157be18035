"""A hand-built bureau for the supervision cycle, in a real DuckDB file, audited under a
bureau profile extending zhuzhou_cgzf (ZF07 may be excused for objective_limits, ZF05 for
special_legal_provision with a document number).

Run 1 (`make_cycle_bureau`), as of AS_OF, 2026Q3:
  ZF01  S1 pass · S2 violation (one officer) · S3 violation · S4 pass · S5 violation
  ZF02  S3/O3 violation (certificate not shown) · the others pass
  ZF04  M1 pass · M2 violation (uploaded 07-10, due 07-06) · M3 violation (uploaded 08-20)
  ZF05  K1 violation (concluded 07-05, not archived, due 08-04)
  ZF07  S1 violation (video starts 30 min late) · S2 pass · S3 pass
  ZF08  M2 violation (no case number on the label) · M1, M3 pass
`change_export` then makes run 2's data: O2 joins S2 (ZF01 fixed), O1 leaves S4 (a new ZF01
violation), S5 moves to October (out of scope), M3's upload time is corrected (a deadline rule:
gone, never rectified), M2 gets its label (ZF08 fixed); M2 stays late.
"""

from __future__ import annotations

from pathlib import Path

from zfaudit.db import connect

AS_OF = "2026-10-20 10:00:00"
RULES = ["ZF01", "ZF02", "ZF04", "ZF05", "ZF07", "ZF08"]


def make_cycle_bureau(path: Path) -> Path:
    with connect(path) as con:
        con.execute("INSERT INTO units VALUES ('U1', '一中队', NULL), ('U2', '二中队', NULL)")
        con.execute(
            "INSERT INTO officers VALUES ('O1', '张三丰', 'Z001', 'U1', '2020-01-01', '2030-12-31'), "
            "('O2', '李四光', 'Z002', 'U1', '2020-01-01', '2030-12-31'), "
            "('O3', '王五福', 'Z003', 'U2', '2020-01-01', '2030-12-31')")
        con.execute("INSERT INTO devices VALUES ('D1', 'bodycam', 'U1'), ('D2', 'bodycam', 'U2')")
        con.execute(
            "INSERT INTO cases (case_id, unit_id, category, procedure, party_name, opened_at, "
            "concluded_at) VALUES "
            "('K1', 'U1', 'penalty', 'general', '赵六顺', '2026-06-30 09:00:00', '2026-07-05 09:00:00'), "
            "('K2', 'U2', 'coercion', 'general', '钱七宝', '2026-07-30 09:00:00', NULL)")
        con.execute(
            "INSERT INTO steps (step_id, case_id, stage, started_at, ended_at) VALUES "
            "('S1', 'K1', 'inquiry', '2026-07-01 09:00:00', '2026-07-01 10:00:00'), "
            "('S2', 'K1', 'inspection', '2026-07-02 09:00:00', '2026-07-02 10:00:00'), "
            "('S3', 'K2', 'seizure', '2026-08-01 09:00:00', '2026-08-01 10:00:00'), "
            "('S4', 'K2', 'inquiry', '2026-08-05 09:00:00', '2026-08-05 10:00:00'), "
            "('S5', 'K1', 'inspection', '2026-07-10 09:00:00', '2026-07-10 10:00:00')")
        con.execute(
            "INSERT INTO step_officers VALUES ('S1', 'O1', true), ('S1', 'O2', true), "
            "('S2', 'O1', true), ('S3', 'O3', false), ('S4', 'O3', true), ('S4', 'O1', true), "
            "('S5', 'O1', true)")
        media = [
            # media_id, device, officer, case, step, start, end, uploaded, label_case_no
            ("M1", "D1", "O1", "K1", "S1", "2026-07-01 09:30:00", "2026-07-01 10:00:00",
             "2026-07-01 12:00:00", "K1"),
            ("M2", "D1", "O1", "K1", "S2", "2026-07-02 09:00:00", "2026-07-02 10:00:00",
             "2026-07-10 12:00:00", None),
            ("M3", "D2", "O3", "K2", "S3", "2026-08-01 09:00:00", "2026-08-01 10:00:00",
             "2026-08-20 12:00:00", "K2"),
        ]
        con.executemany(
            "INSERT INTO media (media_id, device_id, officer_id, case_id, step_id, kind, "
            "recorded_start, recorded_end, uploaded_at, sha256, label_case_no, label_party, "
            "label_officer) VALUES (?, ?, ?, ?, ?, 'video', ?, ?, ?, repeat('a', 64), ?, '当事人', "
            "'承办人')", media)
        con.execute("INSERT INTO loads (load_id, table_name, file, rows_read, rows_loaded, "
                    "loaded_at) VALUES (1, 'steps', 'steps.csv', 5, 5, '2026-10-19 08:00:00')")
    return path


def change_export(path: Path) -> None:
    """The second export: what the units fixed, what moved, what is new."""
    with connect(path) as con:
        con.execute("INSERT INTO step_officers VALUES ('S2', 'O2', true)")
        con.execute("DELETE FROM step_officers WHERE step_id = 'S4' AND officer_id = 'O1'")
        con.execute("UPDATE steps SET started_at = '2026-10-05 09:00:00', "
                    "ended_at = '2026-10-05 10:00:00' WHERE step_id = 'S5'")
        con.execute("UPDATE media SET uploaded_at = '2026-08-01 12:00:00' WHERE media_id = 'M3'")
        con.execute("UPDATE media SET label_case_no = 'K1' WHERE media_id = 'M2'")
        con.execute("INSERT INTO loads (load_id, table_name, file, rows_read, rows_loaded, "
                    "loaded_at) VALUES (2, 'steps', 'steps.csv', 5, 5, '2026-10-20 08:00:00')")


def cycle_profile(tmp_path: Path, name: str = "cycle_bureau") -> Path:
    others = ", ".join(f"ZF{i:02d}: null" for i in range(1, 18) if f"ZF{i:02d}" not in RULES)
    p = tmp_path / f"{name}.yaml"
    p.write_text(f"extends: zhuzhou_cgzf\nname: {name}\nrules: [{', '.join(RULES)}]\n"
                 f"weights: {{{others}}}\n", "utf-8")
    return p
