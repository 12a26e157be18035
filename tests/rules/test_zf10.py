"""ZF10 kept long enough (001 §42; 002 §26; 000 §11 and 003 §14 long-term media only).

zhuzhou_cgzf and linzi_amr have the 6-month floor; shandong_district_zhzf and pengyang_county
check long-term media only; each profile has its own long-term triggers, so the expected
outcomes are written out per profile."""

import datetime as dt

import pandas as pd
import pytest

PROFILES = ["shandong_district_zhzf", "zhuzhou_cgzf", "linzi_amr", "pengyang_county"]
AS_OF = "2027-12-31 00:00:00"  # late enough for every deletion below to have happened


def deleted(bureau, media_id, case_id="C_SIMPLE", recorded_end="2026-08-31 10:00:00",
            deleted_at="2027-06-01 09:00:00", **kw):
    values = dict(media_id=media_id, case_id=case_id, device_id="D1", officer_id="O1",
                  kind="video", recorded_end=recorded_end, deleted_at=deleted_at)
    values.update(kw)
    bureau.add("media", **values)


@pytest.fixture
def base(bureau):
    for case_id, extra in {
        "C_SIMPLE": {},
        "C_GENERAL": {"procedure": "general"},
        "C_COERCION": {"category": "coercion"},
        "C_DISPUTED": {"disputed": True},
        "C_RISK": {"risk_level": "high"},
        "C_MAJOR": {"major": True},
    }.items():
        values = dict(case_id=case_id, unit_id="U1", category="penalty", procedure="simple",
                      disputed=False, obstructed=False, mass_incident=False, major=False,
                      risk_level="low")
        values.update(extra)
        bureau.add("cases", **values)
    bureau.camera()
    return bureau


def test_interface(check_interface):
    for profile in PROFILES:
        check_interface("zf10", profile)


def test_six_month_floor_to_the_second(base):
    # 2026-08-31 + 6 calendar months = 2027-02-28 (no 31 February)
    deleted(base, "M_ON_TIME", deleted_at="2027-02-28 10:00:00")
    deleted(base, "M_ONE_SECOND_EARLY", deleted_at="2027-02-28 09:59:59")
    deleted(base, "M_PATROL", case_id=None, patrol=True, recorded_end="2026-07-15 08:00:00",
            deleted_at="2027-01-15 08:00:00")
    for profile in ["zhuzhou_cgzf", "linzi_amr"]:
        items = base.run("zf10", profile, as_of=AS_OF).set_index("media_id")
        assert dict(items["outcome"]) == {
            "M_ON_TIME": "pass", "M_ONE_SECOND_EARLY": "violation", "M_PATROL": "pass",
        }, profile
        assert items.loc["M_ON_TIME", "due_at"] == pd.Timestamp("2027-02-28 10:00:00")
        assert items.loc["M_ONE_SECOND_EARLY", "due_at"] == pd.Timestamp("2027-02-28 10:00:00")
        assert items.loc["M_PATROL", "due_at"] == pd.Timestamp("2027-01-15 08:00:00")
        assert items.loc["M_ONE_SECOND_EARLY", "observed_at"] == pd.Timestamp("2027-02-28 09:59:59")
        assert items.loc["M_ONE_SECOND_EARLY", "detail"] == (
            "删除时间 2027-02-28 09:59:59 早于最短保存期限 2027-02-28 10:00:00"
        )
        # media without a case: the device's unit
        assert items.loc["M_PATROL", "unit_id"] == "U2"
        assert items.loc["M_ON_TIME", "unit_id"] == "U1"
    # without the floor, ordinary media are not items at all
    for profile in ["shandong_district_zhzf", "pengyang_county"]:
        assert base.run("zf10", profile, as_of=AS_OF).empty


def test_never_deletable_per_profile(base):
    # every deletion here is after the 6-month floor, so only "never" makes a violation
    deleted(base, "M_PLAIN")
    deleted(base, "M_EVIDENCE", evidence=True)
    deleted(base, "M_GENERAL", case_id="C_GENERAL")
    deleted(base, "M_COERCION", case_id="C_COERCION")
    deleted(base, "M_DISPUTED", case_id="C_DISPUTED")
    deleted(base, "M_RISK", case_id="C_RISK")
    deleted(base, "M_MAJOR", case_id="C_MAJOR")
    expected = {
        "shandong_district_zhzf": {"M_DISPUTED": "violation", "M_RISK": "violation"},
        "zhuzhou_cgzf": {
            "M_PLAIN": "pass", "M_EVIDENCE": "violation", "M_GENERAL": "violation",
            "M_COERCION": "violation", "M_DISPUTED": "violation", "M_RISK": "pass",
            "M_MAJOR": "pass",
        },
        "linzi_amr": {
            "M_PLAIN": "pass", "M_EVIDENCE": "violation", "M_GENERAL": "violation",
            "M_COERCION": "violation", "M_DISPUTED": "pass", "M_RISK": "pass",
            "M_MAJOR": "violation",
        },
        "pengyang_county": {"M_DISPUTED": "violation"},
    }
    for profile, outcomes in expected.items():
        items = base.run("zf10", profile, as_of=AS_OF).set_index("media_id")
        assert dict(items["outcome"]) == outcomes, profile
        for media_id, outcome in outcomes.items():
            # never-deletable media have no permitted deletion time
            if outcome == "violation":
                assert pd.isna(items.loc[media_id, "due_at"])
    z = base.run("zf10", "zhuzhou_cgzf", as_of=AS_OF).set_index("media_id")
    assert z.loc["M_DISPUTED", "detail"] == (
        "应长期保存的音像记录（长期保存情形）于 2027-06-01 09:00:00 被删除"
    )
    assert z.loc["M_GENERAL", "detail"] == (
        "应长期保存的音像记录（一般程序案件）于 2027-06-01 09:00:00 被删除"
    )
    li = base.run("zf10", "linzi_amr", as_of=AS_OF).set_index("media_id")
    assert li.loc["M_EVIDENCE", "detail"] == (
        "应长期保存的音像记录（长期保存情形、作为证据使用）于 2027-06-01 09:00:00 被删除"
    )


def test_scope_and_as_of(base):
    deleted(base, "M_KEPT", case_id="C_DISPUTED", deleted_at=None)
    deleted(base, "M_DELETED_AFTER_AS_OF", case_id="C_DISPUTED", deleted_at="2028-01-05 00:00:00")
    deleted(base, "M_OLD", case_id="C_DISPUTED", recorded_end="2026-06-30 23:59:59")
    deleted(base, "M_NEXT_QUARTER", case_id="C_DISPUTED", recorded_end="2026-10-01 00:00:00")
    deleted(base, "M_IN", case_id="C_DISPUTED", recorded_end="2026-07-01 00:00:00")
    for profile in ["shandong_district_zhzf", "zhuzhou_cgzf", "pengyang_county"]:
        assert base.outcomes("zf10", profile, key="media_id", as_of=AS_OF) == {
            "M_IN": "violation",
        }, profile


def test_missing_case_is_never_a_pass(base):
    deleted(base, "M_GHOST", case_id="C404")  # after the floor: unknown whether it was "never"
    deleted(base, "M_GHOST_EARLY", case_id="C404", deleted_at="2026-12-01 00:00:00")
    deleted(base, "M_GHOST_EVIDENCE", case_id="C404", evidence=True)
    expected = {
        "shandong_district_zhzf": {"M_GHOST": "not_checked", "M_GHOST_EARLY": "not_checked",
                                   "M_GHOST_EVIDENCE": "not_checked"},
        "zhuzhou_cgzf": {"M_GHOST": "not_checked", "M_GHOST_EARLY": "violation",
                         "M_GHOST_EVIDENCE": "violation"},
        "linzi_amr": {"M_GHOST": "not_checked", "M_GHOST_EARLY": "violation",
                      "M_GHOST_EVIDENCE": "violation"},
        "pengyang_county": {"M_GHOST": "not_checked", "M_GHOST_EARLY": "not_checked",
                            "M_GHOST_EVIDENCE": "not_checked"},
    }
    for profile, outcomes in expected.items():
        items = base.run("zf10", profile, as_of=AS_OF).set_index("media_id")
        assert dict(items["outcome"]) == outcomes, profile
        assert items.loc["M_GHOST", "detail"] == "关联案件不存在，无法确定最短保存期限"
        assert items.loc["M_GHOST", "observed_at"] == dt.datetime(2027, 6, 1, 9, 0, 0)
