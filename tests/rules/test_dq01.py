"""DQ01 dangling references (RULES.md "Data-quality checks"): same on every profile."""

import pandas as pd
import pytest

from zfaudit.profiles import list_profiles

PROFILES = list_profiles()
KEY = ["step_id", "officer_id", "media_id", "access_id"]


def keyed(items: pd.DataFrame, cols: list[str]) -> dict:
    """{(item key…): row} with NULLs as None, whatever pandas made of them."""
    rows = items.astype(object).where(items.notna(), None).to_dict("records")
    return {tuple(r[c] for c in cols): r for r in rows}


@pytest.fixture(scope="module")
def dangling(module_bureau):
    b = module_bureau
    b.add("units", unit_id="U1")
    b.add("cases", case_id="C1", unit_id="U1")
    b.add("devices", device_id="D1", unit_id="U2")
    b.add("officers", officer_id="O1", unit_id="U1")
    t = "2026-07-10 09:00:00"
    b.add("steps", step_id="S_OK", case_id="C1", stage="inquiry", started_at=t)
    b.add("steps", step_id="S_DANG", case_id="C9", stage="inquiry", started_at=t)
    b.add("steps", step_id="S_NULL", case_id=None, stage="inquiry", started_at=t)
    b.add("steps", step_id="S_OUT", case_id="C9", stage="inquiry", started_at="2026-10-01 00:00:00")
    b.add("step_officers", step_id="S_OK", officer_id="O1")
    b.add("step_officers", step_id="S_OK", officer_id="O9")
    b.add("step_officers", step_id="S_GONE", officer_id="O1")  # orphan: no time, always reported
    b.add("step_officers", step_id="S_OUT", officer_id="O9")  # its step is out of the period
    end = "2026-07-10 10:00:00"
    b.add("media", media_id="M_OK", device_id="D1", officer_id="O1", case_id="C1",
          step_id="S_OK", kind="video", recorded_end=end)
    b.add("media", media_id="M_BAD", device_id="D9", officer_id="O9", case_id="C9",
          step_id="S9", kind="video", recorded_end=end)
    b.add("media", media_id="M_PATROL", device_id="D1", officer_id="O1", patrol=True,
          kind="video", recorded_end=end)  # no case, no step: nothing to resolve but the device
    b.add("media", media_id="M_OUT", device_id="D9", kind="video", recorded_end="2026-06-30 23:59:59")
    b.add("media_access", access_id="A_OK", media_id="M_OK", action="copy", accessed_at=end)
    b.add("media_access", access_id="A_GONE", media_id="M_GONE", action="copy", accessed_at=end)
    b.add("media_access", access_id="A_NULL", media_id=None, action="view", accessed_at=end)
    b.add("media_access", access_id="A_OUT", media_id="M_GONE", action="copy",
          accessed_at="2026-10-01 00:00:00")
    return b


def test_interface(check_interface):
    for profile in PROFILES:
        check_interface("dq01", profile)


@pytest.mark.parametrize("profile", PROFILES)
def test_dangling_references(dangling, profile):
    items = keyed(dangling.run("dq01", profile), KEY)
    assert {k: r["outcome"] for k, r in items.items()} == {
        ("S_OK", None, None, None): "pass",
        ("S_DANG", None, None, None): "violation",
        ("S_NULL", None, None, None): "violation",
        ("S_OK", "O1", None, None): "pass",
        ("S_OK", "O9", None, None): "violation",
        ("S_GONE", "O1", None, None): "violation",
        ("S_OK", "O1", "M_OK", None): "pass",
        ("S9", "O9", "M_BAD", None): "violation",
        (None, "O1", "M_PATROL", None): "pass",
        (None, None, "M_OK", "A_OK"): "pass",
        (None, None, "M_GONE", "A_GONE"): "violation",
        (None, None, None, "A_NULL"): "violation",
    }
    detail = {k: r["detail"] for k, r in items.items()}
    assert detail[("S_DANG", None, None, None)] == "环节所属案件 C9 在案件表中不存在"
    assert detail[("S_NULL", None, None, None)] == "环节所属案件 (空) 在案件表中不存在"
    assert detail[("S_OK", "O9", None, None)] == "执法人员 O9 在人员表中不存在"
    assert detail[("S_GONE", "O1", None, None)] == "环节 S_GONE 在环节表中不存在"
    assert detail[("S9", "O9", "M_BAD", None)] == (
        "设备 D9 在设备表中不存在；使用人 O9 在人员表中不存在；"
        "案件 C9 在案件表中不存在；环节 S9 在环节表中不存在"
    )
    assert detail[(None, None, "M_GONE", "A_GONE")] == "调阅的音像记录 M_GONE 在音像记录表中不存在"
    assert detail[("S_OK", "O1", "M_OK", None)] is None
    # 评议考核 attribution: case's unit; device's unit for media without a (found) case;
    # an access goes with the media item it reads
    unit = {k: r["unit_id"] for k, r in items.items()}
    assert unit[("S_OK", "O9", None, None)] == "U1"
    assert unit[(None, "O1", "M_PATROL", None)] == "U2"
    assert unit[(None, None, "M_OK", "A_OK")] == "U1"
    assert unit[("S_DANG", None, None, None)] is None
    assert {r["rule_id"] for r in items.values()} == {"DQ01"}


def test_media_step_of_another_case(bureau):
    # the step exists, but in another case: ZF03 (by step) and ZF08 (by case) would disagree
    bureau.camera("U1")
    t, end = "2026-07-10 09:00:00", "2026-07-10 10:00:00"
    for c in ("C1", "C2"):
        bureau.add("cases", case_id=c, unit_id="U1")
    bureau.add("steps", step_id="S1", case_id="C1", stage="inquiry", started_at=t)
    bureau.add("steps", step_id="S2", case_id="C2", stage="inquiry", started_at=t)
    for m, case, step in (("M_SAME", "C1", "S1"), ("M_OTHER", "C1", "S2"), ("M_NO_CASE", None, "S2")):
        bureau.add("media", media_id=m, device_id="D1", officer_id="O1", case_id=case,
                   step_id=step, kind="video", recorded_end=end)
    items = bureau.run("dq01", "zhuzhou_cgzf").dropna(subset=["media_id"]).set_index("media_id")
    assert dict(items["outcome"]) == {"M_SAME": "pass", "M_OTHER": "violation", "M_NO_CASE": "pass"}
    assert items.loc["M_OTHER", "detail"] == "环节 S2 属于案件 C2，与登记的案件 C1 不一致"
