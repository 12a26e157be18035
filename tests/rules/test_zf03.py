"""ZF03 required stage recorded (RULES.md stage tables): the stage table differs per profile,
so one fixture is checked against each profile's own expected outcomes."""

import pandas as pd
import pytest

from zfaudit.profiles import list_profiles

PROFILES = list_profiles()  # ZF03 runs in all five

T = "2026-07-10 09:00:00"

# step_id: (stage, case, media kinds linked by step_id)
STEPS = {
    "INQ_NONE": ("inquiry", "C1", []),
    "INQ_VIDEO": ("inquiry", "C1", ["video"]),
    "INQ_AUDIO": ("inquiry", "C1", ["audio"]),
    "INQ_PHOTO": ("inquiry", "C1", ["photo"]),
    "LEFT_PHOTO": ("service_left", "C1", ["photo", "photo"]),
    "NOTICE_AUDIO": ("service_notice", "C1", ["audio"]),
    "NOTICE_NONE": ("service_notice", "C1", []),
    "RECT_NONE": ("rectification_check", "C1", []),
    "INSP_CASE_ONLY": ("inspection", "C1", []),  # a video linked to the case only, below
    "INSP_NOCASE_REC": ("inspection", "C9", ["video"]),
    "HEAR_NOCASE": ("hearing", "C9", []),
    "DECISION": ("decision", "C1", []),  # no profile lists it
}

# expected outcome per profile; steps not listed are not items
EXPECTED = {
    "shandong_district_zhzf": {  # inquiry req; service_left req; service_notice photo; hearing req
        "INQ_NONE": "violation", "INQ_VIDEO": "pass", "INQ_AUDIO": "pass",
        "INQ_PHOTO": "violation", "LEFT_PHOTO": "violation", "NOTICE_AUDIO": "pass",
        "NOTICE_NONE": "violation", "INSP_CASE_ONLY": "violation",
        "INSP_NOCASE_REC": "not_checked", "HEAR_NOCASE": "violation",
    },
    "zhuzhou_cgzf": {  # service_left photo; hearing rec
        "INQ_NONE": "violation", "INQ_VIDEO": "pass", "INQ_AUDIO": "pass",
        "INQ_PHOTO": "violation", "LEFT_PHOTO": "pass", "NOTICE_AUDIO": "pass",
        "NOTICE_NONE": "violation", "INSP_CASE_ONLY": "violation",
        "INSP_NOCASE_REC": "not_checked", "HEAR_NOCASE": "advisory",
    },
    "linzi_amr": {  # service_left req; no service_notice
        "INQ_NONE": "violation", "INQ_VIDEO": "pass", "INQ_AUDIO": "pass",
        "INQ_PHOTO": "violation", "LEFT_PHOTO": "violation", "INSP_CASE_ONLY": "violation",
        "INSP_NOCASE_REC": "not_checked", "HEAR_NOCASE": "violation",
    },
    "pengyang_county": {  # inquiry, inspection, hearing, service_left, service_notice: rec
        "INQ_NONE": "advisory", "INQ_PHOTO": "advisory", "LEFT_PHOTO": "advisory",
        "NOTICE_NONE": "advisory", "INSP_CASE_ONLY": "advisory", "HEAR_NOCASE": "advisory",
    },
    "mingshan_emergency": {  # no inquiry; service_notice, rectification_check photo
        "LEFT_PHOTO": "violation", "NOTICE_AUDIO": "pass", "NOTICE_NONE": "violation",
        "RECT_NONE": "violation", "INSP_CASE_ONLY": "violation",
        "INSP_NOCASE_REC": "not_checked", "HEAR_NOCASE": "violation",
    },
}


@pytest.fixture(scope="module")
def stages(module_bureau):
    b = module_bureau
    b.add("cases", case_id="C1", unit_id="U1")
    n = 0
    for step_id, (stage, case_id, kinds) in STEPS.items():
        b.add("steps", step_id=step_id, case_id=case_id, stage=stage, started_at=T)
        for kind in kinds:
            n += 1
            b.add("media", media_id=f"M{n}", case_id=case_id, step_id=step_id, kind=kind,
                  recorded_start=T, recorded_end=T)
    b.add("media", media_id="M_CASE", case_id="C1", kind="video", recorded_start=T,
          recorded_end=T)  # linked to C1 but to no step: shows no particular step was recorded
    b.add("steps", step_id="INQ_OUT", case_id="C1", stage="inquiry",
          started_at="2026-10-01 00:00:00")
    return b


def test_interface(check_interface):
    for profile in PROFILES:
        check_interface("zf03", profile)


@pytest.mark.parametrize("profile", PROFILES)
def test_required_stages(stages, profile):
    items = stages.run("zf03", profile).set_index("step_id")
    assert dict(items["outcome"]) == EXPECTED[profile]
    on_c1 = [s for s in items.index if STEPS[s][1] == "C1"]
    assert set(items.loc[on_c1, "unit_id"]) == {"U1"}  # 评议考核: the case's unit
    assert items.drop(on_c1)["unit_id"].isna().all()  # C9 does not exist
    assert set(items["rule_id"]) == {"ZF03"}


def test_details(stages):
    d = stages.run("zf03", "zhuzhou_cgzf").set_index("step_id")["detail"]
    assert d["INQ_NONE"] == "应当录音录像的环节未关联任何录音或录像"
    assert d["INQ_PHOTO"] == "仅关联照片，本环节应当录音或录像"
    assert d["NOTICE_NONE"] == "应当音像记录的环节未关联任何照片、录音或录像"
    assert d["HEAR_NOCASE"] == "建议音像记录的环节未关联音像记录"
    assert d["INSP_NOCASE_REC"] == "环节所属案件 C9 不存在（见 DQ01），未检查"
    assert pd.isna(d["INQ_VIDEO"])
