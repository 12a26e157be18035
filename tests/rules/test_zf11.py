"""ZF11 long-term keeping (000 §11; 001 §43; 002 §26; 003 §14). The four profiles that run it
have different triggers, so expected outcomes are written out per profile."""

import pytest

PROFILES = ["shandong_district_zhzf", "zhuzhou_cgzf", "linzi_amr", "pengyang_county"]


def media(bureau, media_id, case_id, long_term=False, recorded_end="2026-09-01 10:00:00", **kw):
    values = dict(media_id=media_id, case_id=case_id, device_id="D1", officer_id="O1",
                  kind="video", recorded_end=recorded_end, long_term=long_term)
    values.update(kw)
    bureau.add("media", **values)


@pytest.fixture
def base(bureau):
    for case_id, extra in {
        "C_PLAIN": {},
        "C_RISK": {"risk_level": "high"},
        "C_DISPUTED": {"disputed": True},
        "C_OBSTRUCTED": {"obstructed": True},
        "C_MASS": {"mass_incident": True},
        "C_MAJOR": {"major": True},
    }.items():
        values = dict(case_id=case_id, unit_id="U1", disputed=False, obstructed=False,
                      mass_incident=False, major=False, risk_level="medium")
        values.update(extra)
        bureau.add("cases", **values)
    bureau.camera()
    return bureau


def test_interface(check_interface):
    for profile in PROFILES:
        check_interface("zf11", profile)


def test_triggers_per_profile(base):
    for case_id in ["C_PLAIN", "C_RISK", "C_DISPUTED", "C_OBSTRUCTED", "C_MASS", "C_MAJOR"]:
        media(base, f"M{case_id[1:]}", case_id)  # not kept long-term
    media(base, "M_EVIDENCE", "C_PLAIN", evidence=True)
    media(base, "M_OBSTRUCTED_KEPT", "C_OBSTRUCTED", long_term=True)
    media(base, "M_OBSTRUCTED_UNKNOWN", "C_OBSTRUCTED", long_term=None)
    expected = {
        "shandong_district_zhzf": {
            "M_RISK": "violation", "M_DISPUTED": "violation", "M_OBSTRUCTED": "violation",
            "M_MASS": "violation",
        },
        "zhuzhou_cgzf": {
            "M_DISPUTED": "violation", "M_OBSTRUCTED": "violation", "M_MASS": "violation",
        },
        "linzi_amr": {
            "M_OBSTRUCTED": "violation", "M_MASS": "violation", "M_MAJOR": "violation",
            "M_EVIDENCE": "violation",
        },
        "pengyang_county": {
            "M_DISPUTED": "violation", "M_OBSTRUCTED": "violation", "M_MASS": "violation",
        },
    }
    for profile, outcomes in expected.items():
        outcomes = {**outcomes, "M_OBSTRUCTED_KEPT": "pass", "M_OBSTRUCTED_UNKNOWN": "violation"}
        items = base.run("zf11", profile).set_index("media_id")
        assert dict(items["outcome"]) == outcomes, profile
        assert set(items["unit_id"]) == {"U1"}
        assert items.loc["M_OBSTRUCTED", "detail"] == (
            "属应长期保存情形（阻碍执法），未长期保存（刻录光盘或移动介质）"
        )
    li = base.run("zf11", "linzi_amr").set_index("media_id")
    assert li.loc["M_EVIDENCE", "detail"] == (
        "属应长期保存情形（作为证据使用），未长期保存（刻录光盘或移动介质）"
    )


def test_several_triggers_named(bureau):
    bureau.add("cases", case_id="C1", unit_id="U1", risk_level="high", disputed=True,
               mass_incident=True)
    media(bureau, "M1", "C1")
    assert bureau.run("zf11", "shandong_district_zhzf")["detail"].tolist() == [
        "属应长期保存情形（高风险、当事人异议或投诉、群体性或突发事件），未长期保存（刻录光盘或移动介质）"
    ]


def test_deleted_and_out_of_period_are_not_items(base):
    media(base, "M_DELETED", "C_OBSTRUCTED", deleted_at="2026-10-15 00:00:00")  # ZF10's business
    media(base, "M_DELETED_AFTER_AS_OF", "C_OBSTRUCTED", deleted_at="2026-12-01 00:00:00")
    media(base, "M_BEFORE", "C_OBSTRUCTED", recorded_end="2026-06-30 23:59:59")
    media(base, "M_AFTER", "C_OBSTRUCTED", recorded_end="2026-10-01 00:00:00")
    media(base, "M_NO_CASE", None, patrol=True)
    for profile in PROFILES:
        # deleted only after as_of (2026-11-25): still kept at the audited instant
        assert base.outcomes("zf11", profile, key="media_id") == {
            "M_DELETED_AFTER_AS_OF": "violation",
        }, profile


def test_missing_case_is_never_a_pass(base):
    media(base, "M_GHOST", "C404")
    media(base, "M_GHOST_KEPT", "C404", long_term=True)
    media(base, "M_GHOST_EVIDENCE", "C404", evidence=True)
    media(base, "M_GHOST_STEP_KEPT", "C_OBSTRUCTED", long_term=True, step_id="S404")
    for profile in PROFILES:
        expected = {"M_GHOST": "not_checked", "M_GHOST_KEPT": "not_checked",
                    "M_GHOST_EVIDENCE": "not_checked", "M_GHOST_STEP_KEPT": "not_checked"}
        if profile == "linzi_amr":  # 002: evidence alone makes it long-term media
            expected["M_GHOST_EVIDENCE"] = "violation"
        assert base.outcomes("zf11", profile, key="media_id") == expected, profile
