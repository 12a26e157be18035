"""DQ02 impossible times (RULES.md "Data-quality checks"): same on every profile."""

import pandas as pd
import pytest

from zfaudit.profiles import list_profiles

PROFILES = list_profiles()


def by(items: pd.DataFrame, col: str) -> pd.DataFrame:
    return items[items[col].notna()].set_index(col)


@pytest.fixture(scope="module")
def times(module_bureau):
    b = module_bureau
    b.add("devices", device_id="D1", unit_id="U2")
    b.add("cases", case_id="C_OK", unit_id="U1", concluded_at="2026-07-10 10:00:00",
          archived_at="2026-07-10 10:00:00")
    b.add("cases", case_id="C_BAD", unit_id="U1", concluded_at="2026-07-10 10:00:00",
          archived_at="2026-07-10 09:59:59")
    b.add("cases", case_id="C_OPEN", unit_id="U1", concluded_at="2026-07-10 10:00:00")
    b.add("cases", case_id="C_OUT", unit_id="U1", concluded_at="2026-10-01 00:00:00",
          archived_at="2026-09-01 00:00:00")
    b.add("steps", step_id="S_OK", case_id="C_OK", started_at="2026-07-10 09:00:00",
          ended_at="2026-07-10 09:00:00")
    b.add("steps", step_id="S_BAD", case_id="C_OK", started_at="2026-07-10 09:00:00",
          ended_at="2026-07-10 08:59:59")
    b.add("steps", step_id="S_NOEND", case_id="C_OK", started_at="2026-07-10 09:00:00")
    b.add("media", media_id="M_PHOTO", case_id="C_OK", kind="photo",
          recorded_start="2026-07-10 09:00:00", recorded_end="2026-07-10 09:00:00",
          uploaded_at="2026-07-10 09:00:00")
    b.add("media", media_id="M_REV", device_id="D1", kind="video",
          recorded_start="2026-07-10 09:00:01", recorded_end="2026-07-10 09:00:00")
    b.add("media", media_id="M_UP", case_id="C_OK", kind="video",
          recorded_start="2026-07-10 09:00:00", recorded_end="2026-07-10 09:30:00",
          uploaded_at="2026-07-10 09:29:59")
    b.add("media", media_id="M_BOTH", case_id="C_OK", kind="video",
          recorded_start="2026-07-10 09:30:00", recorded_end="2026-07-10 09:00:00",
          uploaded_at="2026-07-10 08:00:00")
    return b


def test_interface(check_interface):
    for profile in PROFILES:
        check_interface("dq02", profile)


@pytest.mark.parametrize("profile", PROFILES)
def test_impossible_times(times, profile):
    items = times.run("dq02", profile)
    media = by(items, "media_id")
    steps = by(items[items["media_id"].isna()], "step_id")
    cases = by(items[items["step_id"].isna() & items["media_id"].isna()], "case_id")
    assert dict(cases["outcome"]) == {"C_OK": "pass", "C_BAD": "violation"}
    assert dict(steps["outcome"]) == {"S_OK": "pass", "S_BAD": "violation"}
    assert dict(media["outcome"]) == {
        "M_PHOTO": "pass", "M_REV": "violation", "M_UP": "violation", "M_BOTH": "violation",
    }
    assert len(items) == 8
    assert cases.loc["C_BAD", "detail"] == "归档时间 2026-07-10 09:59:59 早于结案时间 2026-07-10 10:00:00"
    assert steps.loc["S_BAD", "detail"] == "环节结束时间 2026-07-10 08:59:59 早于开始时间 2026-07-10 09:00:00"
    assert media.loc["M_UP", "detail"] == "上传时间 2026-07-10 09:29:59 早于拍摄结束时间 2026-07-10 09:30:00"
    assert media.loc["M_BOTH", "detail"] == (
        "拍摄结束时间 2026-07-10 09:00:00 早于开始时间 2026-07-10 09:30:00；"
        "上传时间 2026-07-10 08:00:00 早于拍摄结束时间 2026-07-10 09:00:00"
    )
    assert media.loc["M_REV", "unit_id"] == "U2"  # no case: the device's unit
    assert steps.loc["S_BAD", "unit_id"] == "U1"
