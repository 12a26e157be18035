"""RULES.md "Lifecycle": a hand-built bureau audited twice with a changed export."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest
from cycle_bureau import AS_OF, change_export, cycle_profile, make_cycle_bureau

import zfaudit
from zfaudit.db import connect


@pytest.fixture(scope="module")
def two_runs(tmp_path_factory):
    d = tmp_path_factory.mktemp("cycle")
    db = make_cycle_bureau(d / "bureau.duckdb")
    prof = cycle_profile(d)
    first = zfaudit.audit(db, prof, "2026Q3", as_of=AS_OF)
    change_export(db)
    reg = d / "例外登记.csv"
    reg.write_text(
        "登记编号,规则,环节编号,例外理由,情况说明,申请人,申请时间,审批人,审批时间\n"
        "E1,ZF07,S1,客观条件限制,现场突发暴雨，记录仪开启滞后,张三丰,2026-07-02 09:00:00,"
        "李四光,2026-07-03 10:00:00\n", "utf-8")
    zfaudit.exceptions_import(reg, db)
    second = zfaudit.audit(db, prof, "2026Q3", as_of=AS_OF)
    return db, prof, first, second


def statuses(run) -> dict[str, tuple[str, str]]:
    df = run.lifecycle()
    return {k: (s, u) for k, s, u in zip(df.finding_key, df.status, df.unit_id, strict=True)}


def test_first_run_everything_is_new(two_runs):
    _, _, first, _ = two_runs
    assert statuses(first) == {
        "ZF01|S2": ("new", "U1"), "ZF01|S3": ("new", "U2"), "ZF01|S5": ("new", "U1"),
        "ZF02|S3|O3": ("new", "U2"), "ZF04|M2": ("new", "U1"), "ZF04|M3": ("new", "U2"),
        "ZF05|K1": ("new", "U1"), "ZF07|S1": ("new", "U1"), "ZF08|M2": ("new", "U1"),
    }
    assert first.lifecycle_summary() is None  # no previous run to compare with


def test_second_run_statuses(two_runs):
    _, _, first, second = two_runs
    assert statuses(second) == {
        "ZF01|S2": ("rectified", "U1"),    # a second officer now on the step
        "ZF01|S3": ("persisting", "U2"),
        "ZF01|S4": ("new", "U2"),          # an officer left the step
        "ZF01|S5": ("gone", "U1"),         # moved out of the period
        "ZF02|S3|O3": ("persisting", "U2"),
        "ZF04|M2": ("persisting", "U1"),   # a late upload stays late
        "ZF04|M3": ("gone", "U2"),         # corrected upload time: a deadline rule is never rectified
        "ZF05|K1": ("persisting", "U1"),
        "ZF07|S1": ("excused", "U1"),      # E1 applies
        "ZF08|M2": ("rectified", "U1"),    # the label was fixed
    }
    df = second.lifecycle()
    assert set(df.previous_run_id) == {first.run_id}
    assert pd.isna(df.set_index("finding_key").outcome["ZF01|S5"])  # out of scope
    assert df.set_index("finding_key").outcome.to_dict()["ZF04|M3"] == "pass"


def test_view_and_summary_agree(two_runs):
    db, _, first, second = two_runs
    with connect(db, read_only=True) as con:
        rows = con.execute("SELECT status, count(*) FROM finding_status WHERE run_id = ? "
                           "GROUP BY 1 ORDER BY 1", [second.run_id]).fetchall()
        cols = [r[0] for r in con.execute("DESCRIBE finding_status").fetchall()]
    assert rows == [("excused", 1), ("gone", 2), ("new", 1), ("persisting", 4), ("rectified", 2)]
    assert cols[:6] == ["run_id", "finding_key", "rule_id", "unit_id", "status", "previous_run_id"]
    assert second.lifecycle_summary() == (
        f"与上一批次 {first.run_id} 相比：新发现 1，持续存在 4，已整改 2，予以例外 1，不再列为违规 2 / "
        f"against the previous run {first.run_id}: new 1, persisting 4, rectified 2, excused 1, gone 2")


def test_finding_keys_are_stable_across_profiles(two_runs, tmp_path):
    """The same item has the same key under another profile and in every run."""
    db, _, first, second = two_runs
    other = cycle_profile(tmp_path, name="other_bureau")
    third = zfaudit.audit(db, other, "2026Q3", as_of=AS_OF)
    keys = set(third.findings(rule="ZF01").pipe(lambda d: "ZF01|" + d.step_id))
    with connect(db, read_only=True) as con:
        got = {k for (k,) in con.execute("SELECT finding_key FROM findings WHERE run_id = ? AND "
                                         "rule_id = 'ZF01'", [third.run_id]).fetchall()}
    assert got == keys == {"ZF01|S3", "ZF01|S4"}
    # another profile is another sequence: its first run has no previous run
    assert set(third.lifecycle().status) <= {"new", "excused"}


def test_sequence_orders_by_as_of(two_runs):
    """A run recorded later with an earlier as_of follows the runs before its as_of."""
    db, prof, first, second = two_runs
    early = zfaudit.audit(db, prof, "2026Q3", as_of="2026-10-15 10:00:00")
    with connect(db, read_only=True) as con:
        prev = con.execute("SELECT previous_run_id FROM audit_runs WHERE run_id = ?",
                           [early.run_id]).fetchone()[0]
    assert prev is None  # both earlier runs have as_of 2026-10-20
    later = zfaudit.audit(db, prof, "2026Q3", as_of=dt.datetime(2026, 10, 25))
    assert set(later.lifecycle().previous_run_id) == {second.run_id}
    assert set(statuses(later).values()) >= {("persisting", "U2"), ("excused", "U1")}


def test_cli_audit_prints_the_counts(two_runs, tmp_path):
    from click.testing import CliRunner

    from zfaudit.cli import cli

    db, prof, _, _ = two_runs
    res = CliRunner().invoke(cli, ["audit", "--db", str(db), "--profile", str(prof),
                                   "--period", "2026Q3", "--as-of", "2026-10-25 10:00:00"])
    assert res.exit_code == 0, res.output
    line = next(s for s in res.output.splitlines() if s.startswith("与上一批次"))
    assert "新发现 0，持续存在 5，已整改 0，予以例外 1，不再列为违规 0" in line
