"""A hand-built two-unit bureau in a real DuckDB file, and bureau profiles that run a few
rules: shared by the audit, CLI, media-store and Data Docs tests."""

from __future__ import annotations

from pathlib import Path

from zfaudit.db import connect

AS_OF = "2026-10-20 10:00:00"


def make_bureau(path: Path) -> Path:
    """Two units; ZF01 items in 2026Q3: S1 pass (U1), S2 violation (U1), S3 violation (U2).
    S4 is after the period and S5 is not a FIELD stage: neither is an item."""
    with connect(path) as con:
        con.execute("INSERT INTO units VALUES ('U1', '一中队', NULL), ('U2', '二中队', NULL)")
        con.execute(
            "INSERT INTO officers VALUES ('O1', '张三', 'Z001', 'U1', '2020-01-01', '2030-12-31'), "
            "('O2', '李四', 'Z002', 'U1', '2020-01-01', '2030-12-31'), "
            "('O3', '王五', 'Z003', 'U2', '2020-01-01', '2030-12-31')"
        )
        con.execute(
            "INSERT INTO cases (case_id, unit_id, category, procedure, opened_at) VALUES "
            "('K1', 'U1', 'penalty', 'general', '2026-06-30 09:00:00'), "
            "('K2', 'U2', 'coercion', 'general', '2026-07-30 09:00:00')"
        )
        con.execute(
            "INSERT INTO steps (step_id, case_id, stage, started_at, ended_at) VALUES "
            "('S1', 'K1', 'inquiry', '2026-07-01 09:00:00', '2026-07-01 10:00:00'), "
            "('S2', 'K1', 'inspection', '2026-07-02 09:00:00', '2026-07-02 10:00:00'), "
            "('S3', 'K2', 'seizure', '2026-08-01 09:00:00', '2026-08-01 10:00:00'), "
            "('S4', 'K2', 'inquiry', '2026-10-02 09:00:00', '2026-10-02 10:00:00'), "
            "('S5', 'K1', 'decision', '2026-07-20 09:00:00', '2026-07-20 09:30:00')"
        )
        con.execute(
            "INSERT INTO step_officers VALUES ('S1', 'O1', true), ('S1', 'O2', true), "
            "('S2', 'O1', true), ('S3', 'O3', true), ('S4', 'O3', true), ('S5', 'O1', true)"
        )
        con.execute(
            "INSERT INTO loads (load_id, table_name, file, rows_read, rows_loaded, loaded_at) "
            "VALUES (1, 'steps', 'steps.csv', 5, 5, '2026-10-19 08:00:00')"
        )
    return path


def rules_profile(tmp_path: Path, rules: list[str], name: str = "test_bureau") -> Path:
    """A bureau's own profile: zhuzhou_cgzf running only `rules` (DQ01/DQ02 always run)."""
    others = ", ".join(f"ZF{i:02d}: null" for i in range(1, 18) if f"ZF{i:02d}" not in rules)
    p = tmp_path / f"{name}.yaml"
    p.write_text(
        f"extends: zhuzhou_cgzf\nname: {name}\nrules: [{', '.join(rules)}]\n"
        f"weights: {{{others}}}\n",
        "utf-8",
    )
    return p


def zf01_profile(tmp_path: Path) -> Path:
    return rules_profile(tmp_path, ["ZF01"])
