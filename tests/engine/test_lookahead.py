"""超期预警 (RULES.md "Deadline warnings") on a hand-built bureau at instants around deadlines:
the due times are the rules' own (zhuzhou_cgzf: upload 2 working days, archive 30 days,
emergency approval 24 h), across National Day 2026 (10-01..10-07 off, Saturday 10-10 worked)."""

from __future__ import annotations

import subprocess
import sys
import time

import pandas as pd
import pytest
from warn_bureau import make_warn_bureau

import zfaudit
from zfaudit.db import connect


@pytest.fixture(scope="module")
def bureau(tmp_path_factory):
    return make_warn_bureau(tmp_path_factory.mktemp("warn") / "bureau.duckdb")


def levels(db, as_of, **kw) -> dict[str, tuple[str, str]]:
    df = zfaudit.warnings(db, "zhuzhou_cgzf", as_of=as_of, **kw)
    return {k: (lv, str(d)) for k, lv, d in zip(df.finding_key, df.level, df.due_at, strict=True)}


def test_one_second_before_and_after_due(bureau):
    due = "2026-10-09 23:59:59"
    assert levels(bureau, "2026-10-09 23:59:58")["ZF04|M1"] == ("yellow", due)
    assert levels(bureau, "2026-10-09 23:59:59")["ZF04|M1"] == ("yellow", due)  # as_of ≤ due_at
    assert levels(bureau, "2026-10-10 00:00:00")["ZF04|M1"] == ("red", due)


def test_yellow_window_is_within_inclusive(bureau):
    assert "ZF04|M1" not in levels(bureau, "2026-10-07 23:59:58")  # due 2 days and 1 s ahead
    assert levels(bureau, "2026-10-07 23:59:59")["ZF04|M1"][0] == "yellow"
    assert levels(bureau, "2026-10-05 10:00:00", within="5d")["ZF04|M1"][0] == "yellow"


def test_an_upload_stamped_after_as_of_is_not_done(bureau):
    got = levels(bureau, "2026-10-11 12:00:00")
    assert got["ZF04|M2"] == ("red", "2026-10-10 23:59:59")
    assert "ZF04|M2" not in levels(bureau, "2026-10-12 12:00:00")  # done by then (late: the audit's)


def test_archive_and_emergency_approval(bureau):
    got = levels(bureau, "2026-10-09 12:00:00")
    assert got["ZF05|K1"] == ("red", "2026-10-01 23:59:59")      # concluded 09-01 + 30 days
    assert got["ZF14|K2"] == ("yellow", "2026-10-10 08:00:00")   # opened 10-09 08:00 + 24 h
    assert "ZF05|K3" not in got                                  # archived in time
    df = zfaudit.warnings(bureau, "zhuzhou_cgzf", as_of="2026-10-09 12:00:00").set_index("finding_key")
    assert df.loc["ZF14|K2", "hours_left"] == 20.0 and df.loc["ZF14|K2", "time_text"] == "剩余 20.0小时"
    assert df.loc["ZF05|K1", "action_zh"] == "立卷归档" and df.loc["ZF04|M1", "action_zh"] == "上传存储"
    assert str(df.loc["ZF04|M1", "event_at"]) == "2026-09-30 10:00:00"
    assert list(df.index) == ["ZF05|K1", "ZF04|M1", "ZF14|K2", "ZF04|M2"]  # red first, then by due


def test_lookback_and_unit(bureau):
    assert "ZF04|M3" not in levels(bureau, "2026-10-10 00:00:00")
    assert levels(bureau, "2026-10-10 00:00:00", lookback="180d")["ZF04|M3"][0] == "red"
    only = zfaudit.warnings(bureau, "zhuzhou_cgzf", as_of="2026-10-10 00:00:00", unit="U2",
                            lookback="180d")
    assert set(only.unit_id) == {"U2"} and set(only.finding_key) == {"ZF04|M3", "ZF14|K2"}


def test_masked_unless_asked(bureau):
    df = zfaudit.warnings(bureau, "zhuzhou_cgzf", as_of="2026-10-10 00:00:00")
    assert set(df.officer_name.dropna()) == {"张**"}
    raw = zfaudit.warnings(bureau, "zhuzhou_cgzf", as_of="2026-10-10 00:00:00", unmasked=True)
    assert set(raw.officer_name.dropna()) == {"张三丰"}


def test_the_due_time_is_the_audits(bureau, tmp_path):
    """A later audit of the same items finds the same due times (one definition)."""
    import shutil

    db = tmp_path / "copy.duckdb"
    shutil.copyfile(bureau, db)
    warned = zfaudit.warnings(db, "zhuzhou_cgzf", as_of="2026-10-10 00:00:00").set_index("finding_key")
    run = zfaudit.audit(db, "zhuzhou_cgzf", "2026Q3", as_of="2026-10-10 00:00:00")
    f = run.findings(rule="ZF04").set_index("media_id")
    assert f.loc["M1", "due_at"] == warned.loc["ZF04|M1", "due_at"]


def test_records_nothing_and_never_imports_gx(bureau):
    before = (bureau.stat().st_mtime_ns, bureau.stat().st_size)
    code = ("import sys, zfaudit; zfaudit.warnings(sys.argv[1], 'zhuzhou_cgzf', "
            "as_of='2026-10-10'); print('great_expectations' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code, str(bureau)], capture_output=True, text=True,
                         check=True).stdout.strip()
    assert out == "False"
    assert (bureau.stat().st_mtime_ns, bureau.stat().st_size) == before
    with connect(bureau, read_only=True) as con:
        assert con.execute("SELECT count(*) FROM audit_runs").fetchone()[0] == 0


def test_runs_while_another_process_holds_the_write_lock(bureau, tmp_path):
    import shutil

    db = tmp_path / "locked.duckdb"
    shutil.copyfile(bureau, db)
    holder = subprocess.Popen(
        [sys.executable, "-c", "import duckdb, sys, time; c = duckdb.connect(sys.argv[1]); "
         "print('ready', flush=True); time.sleep(60)", str(db)], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "ready"
        t0 = time.perf_counter()
        got = levels(db, "2026-10-10 00:00:00")
        assert got["ZF04|M1"][0] == "red" and time.perf_counter() - t0 < 30
    finally:
        holder.kill()
        holder.wait()


def test_bad_duration_is_a_clear_error(bureau):
    with pytest.raises(zfaudit.api.ZfauditError, match="2d"):
        zfaudit.warnings(bureau, "zhuzhou_cgzf", within="soon")
    assert isinstance(zfaudit.warnings(bureau, "zhuzhou_cgzf", as_of="2026-10-10", within="48h"),
                      pd.DataFrame)


def test_the_words_follow_the_level():
    """A red item a fraction of a minute past due still reads as late (never 剩余 -0.0)."""
    from zfaudit.engine.lookahead import time_text

    assert time_text("red", -0.0003) == "已超期 1分钟"
    assert time_text("yellow", 0.75) == "剩余 45分钟"
    assert time_text("yellow", 20.0) == "剩余 20.0小时"
    assert time_text("red", -194.0) == "已超期 8天2小时"


@pytest.mark.parametrize("kw", [{"lookback": "10000000d"}, {"within": "99999999999d"},
                                {"within": "3650000d"}, {"as_of": "0001-01-01"},
                                {"as_of": "9999-12-31"}])
def test_absurd_windows_are_one_line_errors(bureau, kw):
    with pytest.raises(zfaudit.api.ZfauditError):
        zfaudit.warnings(bureau, "zhuzhou_cgzf", **{"as_of": "2026-10-10", **kw})


def test_next_years_calendar_is_needed_only_when_the_window_reaches_it(bureau):
    """chinesecalendar ships 2026 only: a warning on 2026-12-01 with a 2-day window needs no
    2027 (a due time in 2027 is beyond the window), a 60-day window does."""
    df = zfaudit.warnings(bureau, "zhuzhou_cgzf", as_of="2026-12-01 10:00:00", lookback="180d")
    assert set(df.level) <= {"red", "yellow"}
    with pytest.raises(zfaudit.api.ZfauditError, match="2027"):
        zfaudit.warnings(bureau, "zhuzhou_cgzf", as_of="2026-12-01 10:00:00", within="60d")
