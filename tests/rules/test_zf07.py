"""ZF07 continuous recording (000 清单; 001 §15, §27; 002 §9; 003 §8, §9): runs in the four
profiles with full-coverage stages. seizure is `full` in all four, so the gap semantics are
checked on seizure steps under every profile; stage membership is checked per profile."""

import copy
import datetime as dt

import pandas as pd
import pytest

from zfaudit.profiles import Profile, get_profile

PROFILES = ["shandong_district_zhzf", "zhuzhou_cgzf", "linzi_amr", "pengyang_county"]
D = "2026-07-10 "


def ts(s: str) -> dt.datetime:
    return dt.datetime.fromisoformat(s)


class Builder:
    def __init__(self, b):
        self.b, self.n = b, 0

    def step(self, step_id, start, end, *segments, stage="seizure", case_id="C1"):
        """segments: (start, end) or (start, end, interruption_note) or (…, kind)."""
        self.b.add("steps", step_id=step_id, case_id=case_id, stage=stage,
                   started_at=D + start if start else None, ended_at=D + end if end else None)
        for seg in segments:
            s, e, note, kind = (*seg, *(None, "video")[len(seg) - 2:])
            self.n += 1
            self.b.add("media", media_id=f"M{self.n}", case_id=case_id, step_id=step_id,
                       kind=kind, recorded_start=D + s if s else None,
                       recorded_end=D + e if e else None, interruption_note=note)


@pytest.fixture(scope="module")
def gaps(module_bureau):
    b = module_bureau
    b.add("cases", case_id="C1", unit_id="U1")
    b.add("cases", case_id="C_OBS", unit_id="U2", obstructed=True)
    x = Builder(b)
    x.step("START_120", "09:00:00", "10:00:00", ("09:02:00", "10:00:00"))
    x.step("START_121", "09:00:00", "10:00:00", ("09:02:01", "10:00:00"))
    x.step("END_120", "09:00:00", "10:00:00", ("08:55:00", "09:58:00"))
    x.step("END_121", "09:00:00", "10:00:00", ("08:55:00", "09:57:59"))
    x.step("MID_120", "09:00:00", "10:00:00", ("09:00:00", "09:20:00"),
           ("09:22:00", "10:00:00"))
    x.step("MID_121", "09:00:00", "10:00:00", ("09:00:00", "09:20:00"),
           ("09:22:01", "10:00:00"))
    x.step("MID_NOTED", "09:00:00", "10:00:00", ("09:00:00", "09:20:00"),
           ("09:30:00", "10:00:00", "执法记录仪电量耗尽，更换设备后继续记录"))
    x.step("MID_BLANK_NOTE", "09:00:00", "10:00:00", ("09:00:00", "09:20:00"),
           ("09:30:00", "10:00:00", "  "))
    # the note sits on the recording that stopped, not the one that resumed: not excused
    x.step("MID_NOTE_WRONG_SIDE", "09:00:00", "10:00:00",
           ("09:00:00", "09:20:00", "设备故障"), ("09:30:00", "10:00:00"))
    # a note excuses an interruption, never a late start
    x.step("START_NOTED", "09:00:00", "10:00:00", ("09:05:00", "10:00:00", "到场后开机"))
    # overlapping cameras: the union covers 09:00–09:58; audio counts like video
    x.step("UNION", "09:00:00", "10:00:00", ("09:00:00", "09:40:00"),
           ("09:30:00", "09:58:00", None, "audio"), ("09:35:00", "09:36:00"))
    # a short recording inside a longer one must not hide the gap after the longer one
    x.step("NESTED_GAP", "09:00:00", "10:00:00", ("09:00:00", "09:40:00"),
           ("09:10:00", "09:20:00"), ("09:45:00", "10:00:00"))
    x.step("OUTSIDE", "09:00:00", "10:00:00", ("08:00:00", "08:30:00"))  # nothing in the window
    x.step("PHOTO_ONLY", "09:00:00", "10:00:00", ("09:00:00", "09:00:00", None, "photo"))
    x.step("NO_END", "09:00:00", None, ("09:00:00", "09:30:00"))
    x.step("NO_END_GAP", "09:00:00", None, ("09:05:00", "09:30:00"))
    x.step("BAD_SEGMENT", "09:00:00", "10:00:00", ("09:00:00", "10:00:00"),
           ("09:30:00", None))
    x.step("BAD_STEP", "09:00:00", "08:00:00", ("08:00:00", "09:00:00"))
    x.step("NOCASE_OK", "09:00:00", "10:00:00", ("09:00:00", "10:00:00"), case_id="C9")
    x.step("NOCASE_GAP", "09:00:00", "10:00:00", ("09:05:00", "10:00:00"), case_id="C9")
    # stage membership: inquiry is full in 000 and 001 only; sampling nowhere but 001;
    # obstructed cases make every FIELD step full in linzi_amr (002 §9)
    x.step("INQ_GAP", "09:00:00", "10:00:00", ("09:05:00", "10:00:00"), stage="inquiry")
    x.step("SAMPLING_OBS", "09:00:00", "10:00:00", ("09:05:00", "10:00:00"),
           stage="sampling", case_id="C_OBS")
    x.step("RECT_OBS", "09:00:00", "10:00:00", ("09:00:00", "10:00:00"),
           stage="rectification_check", case_id="C_OBS")
    x.step("SAMPLING_PLAIN", "09:00:00", "10:00:00", ("09:05:00", "10:00:00"),
           stage="sampling")
    x.step("HEARING_OBS", "09:00:00", "10:00:00", ("09:05:00", "10:00:00"),
           stage="hearing", case_id="C_OBS")  # not FIELD: full only where listed (000)
    b.add("steps", step_id="OUT", case_id="C1", stage="seizure",
          started_at="2026-10-01 09:00:00", ended_at="2026-10-01 10:00:00")
    b.add("media", media_id="M_OUT", case_id="C1", step_id="OUT", kind="video",
          recorded_start="2026-10-01 09:30:00", recorded_end="2026-10-01 10:00:00")
    return b


SEIZURE = {
    "START_120": "pass", "START_121": "violation",
    "END_120": "pass", "END_121": "violation",
    "MID_120": "pass", "MID_121": "violation",
    "MID_NOTED": "pass", "MID_BLANK_NOTE": "violation", "MID_NOTE_WRONG_SIDE": "violation",
    "START_NOTED": "violation", "UNION": "pass", "NESTED_GAP": "violation",
    "OUTSIDE": "violation", "NO_END": "not_checked", "NO_END_GAP": "violation",
    "BAD_SEGMENT": "not_checked", "BAD_STEP": "not_checked",
    "NOCASE_OK": "not_checked", "NOCASE_GAP": "violation",
}
EXPECTED = {
    "shandong_district_zhzf": SEIZURE | {"INQ_GAP": "violation", "HEARING_OBS": "violation"},
    "zhuzhou_cgzf": SEIZURE | {"INQ_GAP": "violation", "SAMPLING_OBS": "violation",
                               "SAMPLING_PLAIN": "violation"},
    "linzi_amr": SEIZURE | {"SAMPLING_OBS": "violation", "RECT_OBS": "pass"},
    "pengyang_county": SEIZURE,
}


def test_interface(check_interface):
    for profile in PROFILES:
        check_interface("zf07", profile)


@pytest.mark.parametrize("profile", PROFILES)
def test_continuous_recording(gaps, profile):
    items = gaps.run("zf07", profile).set_index("step_id")
    assert dict(items["outcome"]) == EXPECTED[profile]
    assert items.loc["START_121", "unit_id"] == "U1"
    assert items["due_at"].isna().all()


def test_details(gaps):
    items = gaps.run("zf07", "pengyang_county").set_index("step_id")
    d = items["detail"]
    assert d["START_121"] == (
        "环节开始后 2026-07-10 09:00:00 至 2026-07-10 09:02:01 未录制 121 秒，超过容许的 120 秒"
    )
    assert d["END_121"] == (
        "环节结束前 2026-07-10 09:57:59 至 2026-07-10 10:00:00 未录制 121 秒，超过容许的 120 秒"
    )
    assert d["MID_121"] == (
        "录制中断 2026-07-10 09:20:00 至 2026-07-10 09:22:01 未录制 121 秒，超过容许的 120 秒，"
        "且恢复录制时未说明中断原因"
    )
    assert d["NESTED_GAP"].startswith("录制中断 2026-07-10 09:40:00 至 2026-07-10 09:45:00 ")
    assert d["OUTSIDE"] == (
        "环节开始后 2026-07-10 09:00:00 至 2026-07-10 10:00:00 未录制 3600 秒，超过容许的 120 秒"
    )
    assert d["NO_END"] == "环节结束时间缺失，无法检查结尾是否连续录制"
    assert d["BAD_SEGMENT"] == "关联录音录像的起止时间缺失或颠倒（见 DQ02），未检查"
    assert d["BAD_STEP"] == "环节结束时间早于开始时间（见 DQ02），未检查"
    assert d["NOCASE_OK"] == "环节所属案件 C9 不存在（见 DQ01），未检查"
    assert pd.isna(d["UNION"])
    # observed_at: where the first unexcused gap begins
    assert items.loc["MID_121", "observed_at"] == ts(D + "09:20:00")
    assert pd.isna(items.loc["MID_120", "observed_at"])


def test_several_gaps_counted(bureau):
    bureau.add("cases", case_id="C1", unit_id="U1")
    Builder(bureau).step("S", "09:00:00", "10:00:00", ("09:05:00", "09:20:00"),
                         ("09:30:00", "09:50:00"))
    d = bureau.run("zf07", "zhuzhou_cgzf").set_index("step_id").loc["S", "detail"]
    assert d == (
        "环节开始后 2026-07-10 09:00:00 至 2026-07-10 09:05:00 未录制 300 秒，"
        "超过容许的 120 秒（共 3 处）"
    )


def test_tolerance_from_profile(bureau):
    # a bureau's own profile may widen the tolerance: the rule reads audit.settings
    bureau.add("cases", case_id="C1", unit_id="U1")
    Builder(bureau).step("S", "09:00:00", "10:00:00", ("09:05:00", "10:00:00"))
    data = copy.deepcopy(get_profile("zhuzhou_cgzf").data)
    data["gap_tolerance_seconds"] = 300
    assert bureau.outcomes("zf07", Profile("zhuzhou_300s", data)) == {"S": "pass"}
    assert bureau.outcomes("zf07", "zhuzhou_cgzf") == {"S": "violation"}
