"""ZF06 party told of recording (000 §7; 001 §50; 003 §6, §9): runs in the three profiles
with notice stages; decision steps of simple-procedure cases are notice stages in all three."""

import pandas as pd
import pytest

PROFILES = ["shandong_district_zhzf", "zhuzhou_cgzf", "pengyang_county"]
T = "2026-07-10 09:00:00"

# step_id: (stage, case, recording_notice, media kinds linked)
STEPS = {
    "INQ_TOLD": ("inquiry", "C_GEN", True, ["video"]),
    "INQ_NOT": ("inquiry", "C_GEN", False, ["audio"]),
    "INQ_NULL": ("inquiry", "C_GEN", None, ["video", "photo"]),
    "INQ_PHOTO": ("inquiry", "C_GEN", False, ["photo"]),  # no video/audio: no item
    "INQ_NONE": ("inquiry", "C_GEN", False, []),  # nothing recorded (ZF03's business)
    "SEIZ_NOT": ("seizure", "C_GEN", False, ["video"]),  # notice in 000, 001 only
    "INSP_NOT": ("inspection", "C_GEN", False, ["video"]),  # notice nowhere
    "DEC_SIMPLE": ("decision", "C_SIMPLE", False, ["video"]),
    "DEC_SIMPLE_TOLD": ("decision", "C_SIMPLE", True, ["audio"]),
    "DEC_GENERAL": ("decision", "C_GEN", False, ["video"]),  # general procedure: no item
    "INQ_NOCASE": ("inquiry", "C9", True, ["video"]),
    "INQ_NOCASE_NOT": ("inquiry", "C9", False, ["video"]),
}

EXPECTED_COMMON = {
    "INQ_TOLD": "pass", "INQ_NOT": "violation", "INQ_NULL": "violation",
    "DEC_SIMPLE": "violation", "DEC_SIMPLE_TOLD": "pass",
    "INQ_NOCASE": "not_checked", "INQ_NOCASE_NOT": "violation",
}
EXPECTED = {
    "shandong_district_zhzf": EXPECTED_COMMON | {"SEIZ_NOT": "violation"},
    "zhuzhou_cgzf": EXPECTED_COMMON | {"SEIZ_NOT": "violation"},
    "pengyang_county": EXPECTED_COMMON,
}


@pytest.fixture(scope="module")
def notices(module_bureau):
    b = module_bureau
    b.add("cases", case_id="C_GEN", unit_id="U1", procedure="general")
    b.add("cases", case_id="C_SIMPLE", unit_id="U2", procedure="simple")
    n = 0
    for step_id, (stage, case_id, told, kinds) in STEPS.items():
        b.add("steps", step_id=step_id, case_id=case_id, stage=stage, started_at=T,
              recording_notice=told)
        for kind in kinds:
            n += 1
            b.add("media", media_id=f"M{n}", case_id=case_id, step_id=step_id, kind=kind,
                  recorded_start=T, recorded_end=T)
    b.add("steps", step_id="INQ_OUT", case_id="C_GEN", stage="inquiry",
          started_at="2026-10-01 00:00:00", recording_notice=False)
    b.add("media", media_id="M_OUT", case_id="C_GEN", step_id="INQ_OUT", kind="video",
          recorded_start=T, recorded_end=T)
    return b


def test_interface(check_interface):
    for profile in PROFILES:
        check_interface("zf06", profile)


@pytest.mark.parametrize("profile", PROFILES)
def test_recording_notice(notices, profile):
    items = notices.run("zf06", profile).set_index("step_id")
    assert dict(items["outcome"]) == EXPECTED[profile]
    assert items.loc["INQ_NOT", "unit_id"] == "U1"
    assert items.loc["DEC_SIMPLE", "unit_id"] == "U2"
    d = items["detail"]
    assert d["INQ_NOT"] == "未告知当事人正在录音录像"
    assert d["INQ_NULL"] == "环节记录未载明已告知当事人正在录音录像"
    assert d["INQ_NOCASE"] == "环节所属案件 C9 不存在（见 DQ01），未检查"
    assert pd.isna(d["INQ_TOLD"])
    assert set(items["rule_id"]) == {"ZF06"}
