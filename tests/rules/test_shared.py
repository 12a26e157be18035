"""The SQL the rules share (zfaudit/rules/shared/): audit.media_linked, the unit and the
dangling-reference flags of every media item (ZF08–ZF11, ZF13), and audit.with_due_at, the
hours / days / working-days deadline (ZF04, ZF05). Both are installed with the profile
parameters; neither is a rule."""

import datetime as dt

import pandas as pd
import pytest

from zfaudit.db import connect
from zfaudit.engine.params import install_params
from zfaudit.profiles import get_profile
from zfaudit.rules import catalogue
from zfaudit.rules.catalogue import shared_dir

FLAGS = ["case_missing", "step_missing", "device_missing", "officer_missing"]


def query(bureau, sql: str):
    """`sql` on the bureau after the parameters (and so the shared objects) are installed."""
    with connect(bureau.path) as con:
        install_params(con, get_profile("zhuzhou_cgzf"), dt.datetime(2026, 7, 1),
                       dt.datetime(2026, 10, 1), dt.datetime(2026, 11, 25))
        return con.execute(sql).df()


@pytest.fixture(scope="module")
def linked(module_bureau):
    b = module_bureau
    b.add("cases", case_id="C1", unit_id="U1", risk_level="high", major=True,
          procedure="general", category="coercion")
    b.add("cases", case_id="C_NOUNIT", unit_id=None)
    b.add("steps", step_id="S1", case_id="C1", stage="inquiry")
    b.camera()  # D1 and O1, unit U2

    def medium(media_id, **kw):
        values = dict(media_id=media_id, case_id="C1", step_id="S1", device_id="D1",
                      officer_id="O1", recorded_end="2026-07-10 10:00:00")
        values.update(kw)
        b.add("media", **values)

    medium("M_OK")
    medium("M_PATROL", case_id=None, step_id=None, patrol=True)  # no case: the device's unit
    medium("M_CASE_GONE", case_id="C9")  # the case cannot be found: the device's unit
    medium("M_STEP_GONE", step_id="S9")
    medium("M_DEVICE_GONE", device_id="D9")  # the case's unit all the same
    medium("M_DEVICE_GONE_NOCASE", case_id=None, step_id=None, device_id="D9")
    medium("M_OFFICER_GONE", officer_id="O9")
    medium("M_ALL_GONE", case_id="C9", step_id="S9", device_id="D9", officer_id="O9")
    medium("M_BARE", case_id=None, step_id=None, device_id=None, officer_id=None)
    medium("M_CASE_NOUNIT", case_id="C_NOUNIT", step_id=None)  # the case's unit, even NULL
    medium("M_OUT_OF_PERIOD", recorded_end="2025-01-01 00:00:00")  # the view is unfiltered
    medium("M_NO_TIME", recorded_end=None)
    return query(b, "select * from audit.media_linked").set_index("media_id")


def test_media_linked_unit_and_flags(linked):
    got = {
        mid: (row["unit_id"] if pd.notna(row["unit_id"]) else None, *[bool(row[f]) for f in FLAGS])
        for mid, row in linked.iterrows()
    }
    #                        unit  case   step   device officer
    assert got == {
        "M_OK":                 ("U1", False, False, False, False),
        "M_PATROL":             ("U2", False, False, False, False),
        "M_CASE_GONE":          ("U2", True, False, False, False),
        "M_STEP_GONE":          ("U1", False, True, False, False),
        "M_DEVICE_GONE":        ("U1", False, False, True, False),
        "M_DEVICE_GONE_NOCASE": (None, False, False, True, False),
        "M_OFFICER_GONE":       ("U1", False, False, False, True),
        "M_ALL_GONE":           (None, True, True, True, True),
        "M_BARE":               (None, False, False, False, False),
        "M_CASE_NOUNIT":        (None, False, False, False, False),
        "M_OUT_OF_PERIOD":      ("U1", False, False, False, False),
        "M_NO_TIME":            ("U1", False, False, False, False),
    }


def test_media_linked_one_row_per_media_item_flags_never_null(linked):
    assert linked.index.is_unique and len(linked) == 12
    assert linked[FLAGS].notna().all().all()


def test_media_linked_keeps_media_columns_and_case_facts(linked):
    assert linked.loc["M_OK", "recorded_end"] == dt.datetime(2026, 7, 10, 10)
    assert linked.loc["M_PATROL", "patrol"]
    ok = linked.loc["M_OK"]
    assert (ok["case_risk_level"], ok["case_major"], ok["case_procedure"],
            ok["case_category"]) == ("high", True, "general", "coercion")
    assert linked.loc[["M_CASE_GONE", "M_PATROL"], "case_risk_level"].isna().all()


def test_with_due_at(bureau):
    # decisions.md "ZF04, ZF05 deadlines": an event on a holiday counts from the next workday,
    # 调休 Saturdays count; hours to the second; days to 23:59:59
    items = query(bureau, """
        with events(k, due_from, n_hours, n_days, n_working_days) as (values
            ('hours', timestamp '2026-07-10 10:00:01', 24, null, null),
            ('days', timestamp '2026-07-10 10:00:00', null, 30, null),
            ('holiday', timestamp '2026-10-03 12:00:00', null, null, 2),
            ('tiaoxiu', timestamp '2026-10-09 08:00:00', null, null, 2),
            ('no_calendar', timestamp '2030-01-02 08:00:00', null, null, 2),
            ('no_deadline', timestamp '2026-07-10 10:00:00', null, null, null))
        select * from audit.with_due_at('events')
    """).set_index("k")
    assert list(items.columns) == ["due_from", "n_hours", "n_days", "n_working_days", "due_at"]
    due = items["due_at"].to_dict()
    assert due["hours"] == dt.datetime(2026, 7, 11, 10, 0, 1)
    assert due["days"] == dt.datetime(2026, 8, 9, 23, 59, 59)
    assert due["holiday"] == dt.datetime(2026, 10, 9, 23, 59, 59)
    assert due["tiaoxiu"] == dt.datetime(2026, 10, 12, 23, 59, 59)
    assert items.loc[["no_calendar", "no_deadline"], "due_at"].isna().all()


def test_shared_files_are_not_rules():
    staging = sorted(p.stem for p in shared_dir().glob("*.sql"))
    assert staging == ["media_linked", "steps_linked", "with_due_at"]
    rules = catalogue.discover_rules()
    assert shared_dir().parent == catalogue.rules_dir()
    assert not set(staging) & set(rules)
    assert set(rules) == {p.stem for p in catalogue.rules_dir().glob("*.sql")}


def test_install_params_installs_the_shared_objects(bureau):
    views = query(bureau, "select view_name from duckdb_views() where schema_name = 'audit'")
    macros = query(bureau, "select function_name from duckdb_functions() "
                           "where schema_name = 'audit' and function_type = 'table_macro'")
    assert set(views["view_name"]) == {"media_linked", "steps_linked"}
    assert set(macros["function_name"]) == {"with_due_at"}


def test_steps_linked_unit_case_found_and_case_facts(bureau):
    """Every step, unfiltered: the case's unit and facts, or NULL and case_found false."""
    bureau.add("cases", case_id="C1", unit_id="U1", procedure="simple", obstructed=True)
    bureau.add("cases", case_id="C_NOUNIT", unit_id=None, procedure="general")
    bureau.add("steps", step_id="S1", case_id="C1", stage="inquiry",
               started_at="2026-07-01 09:00:00")
    bureau.add("steps", step_id="S_GONE", case_id="C9", stage="decision",
               started_at="2026-07-02 09:00:00")
    bureau.add("steps", step_id="S_NOUNIT", case_id="C_NOUNIT", stage="inspection",
               started_at="2025-01-01 09:00:00")  # out of the period: the view is unfiltered
    df = query(bureau, "select * from audit.steps_linked order by step_id").set_index("step_id")

    def row(step):
        r = df.loc[step]
        return tuple(None if pd.isna(r[c]) else r[c] for c in
                     ("unit_id", "case_found", "case_procedure", "case_obstructed"))

    assert row("S1") == ("U1", True, "simple", True)
    assert row("S_GONE") == (None, False, None, None)
    assert row("S_NOUNIT") == (None, True, "general", None)
    assert list(df.columns[:6]) == ["case_id", "stage", "started_at", "ended_at",
                                    "recording_notice", "unit_id"]
