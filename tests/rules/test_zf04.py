"""ZF04 upload deadline (000 §8; 001 §37; 002 §25; 003 §10; 004 §32): the deadline differs per
profile (48 h; 2 working days; 24 h; 2 working days or 24 h after return; 24 h)."""

import datetime as dt

import pandas as pd
import pytest

from zfaudit.profiles import list_profiles

PROFILES = list_profiles()  # ZF04 runs in all five
HOURS = {"shandong_district_zhzf": 48, "linzi_amr": 24, "mingshan_emergency": 24}
WORKING_DAYS = ["zhuzhou_cgzf", "pengyang_county"]
REMOTE = ["linzi_amr", "pengyang_county"]  # 24 h after returned_at


def ts(s: str) -> dt.datetime:
    return dt.datetime.fromisoformat(s)


def medium(b, media_id, recorded_end, uploaded_at=None, **kw):
    values = dict(media_id=media_id, device_id="D1", officer_id="O1", case_id="C1",
                  kind="video", recorded_start=recorded_end, recorded_end=recorded_end,
                  uploaded_at=uploaded_at)
    values.update(kw)
    b.add("media", **values)


@pytest.fixture(scope="module")
def uploads(module_bureau):
    b = module_bureau
    b.add("cases", case_id="C1", unit_id="U1")
    b.add("devices", device_id="D1", unit_id="U2")
    b.add("officers", officer_id="O1", unit_id="U2")
    # National Day: 2026-09-30 is a Wednesday, 10-01..10-07 are off, 10-08 is the 1st
    # working day after 09-30 and 10-09 the 2nd
    medium(b, "M_ONTIME", "2026-09-30 15:00:00", "2026-10-09 23:59:59")
    medium(b, "M_LATE", "2026-09-30 15:00:00", "2026-10-10 00:00:00")
    # 48 h / 24 h met to the second and missed by one second
    medium(b, "M_H24", "2026-07-10 10:00:00", "2026-07-11 10:00:00")
    medium(b, "M_H24_LATE", "2026-07-10 10:00:00", "2026-07-11 10:00:01")
    medium(b, "M_H48", "2026-07-10 10:00:00", "2026-07-12 10:00:00")
    medium(b, "M_H48_LATE", "2026-07-10 10:00:00", "2026-07-12 10:00:01")
    medium(b, "M_NEVER", "2026-07-10 10:00:00")  # never uploaded, long overdue by as_of
    medium(b, "M_PATROL", "2026-07-10 10:00:00", "2026-07-10 11:00:00", case_id=None,
           patrol=True)  # no case: the device's unit
    medium(b, "M_PHOTO", "2026-07-10 10:00:00", "2026-07-10 11:00:00", kind="photo")
    # remote step: returned 2026-07-20 18:00, so 24 h after return is 07-21 18:00
    b.add("steps", step_id="S_REMOTE", case_id="C1", stage="inspection",
          started_at="2026-07-10 09:00:00", remote=True, returned_at="2026-07-20 18:00:00")
    b.add("steps", step_id="S_REMOTE_NORETURN", case_id="C1", stage="inspection",
          started_at="2026-07-10 09:00:00", remote=True)
    medium(b, "M_REMOTE", "2026-07-10 10:00:00", "2026-07-21 18:00:00", step_id="S_REMOTE")
    medium(b, "M_REMOTE_LATE", "2026-07-10 10:00:00", "2026-07-21 18:00:01",
           step_id="S_REMOTE")
    medium(b, "M_NORETURN", "2026-07-10 10:00:00", "2026-07-11 10:00:00",
           step_id="S_REMOTE_NORETURN")
    # data problems
    medium(b, "M_BEFORE_END", "2026-07-10 10:00:00", "2026-07-10 09:59:59")  # DQ02
    medium(b, "M_NOCASE_ONTIME", "2026-07-10 10:00:00", "2026-07-10 11:00:00", case_id="C9")
    medium(b, "M_NOCASE_LATE", "2026-07-10 10:00:00", "2026-08-10 11:00:00", case_id="C9")
    medium(b, "M_NOSTEP_ONTIME", "2026-07-10 10:00:00", "2026-07-10 11:00:00", step_id="S9")
    # scope: by recorded_end
    medium(b, "M_OUT", "2026-10-01 00:00:00")
    medium(b, "M_FIRST", "2026-07-01 00:00:00", "2026-07-01 00:00:00")
    return b


def test_interface(check_interface):
    for profile in PROFILES:
        check_interface("zf04", profile)


def expected(profile: str) -> dict:
    wd = profile in WORKING_DAYS
    h = HOURS.get(profile)
    remote = profile in REMOTE
    return {
        "M_ONTIME": "pass" if wd else "violation",  # 9 days later: only working days allow it
        "M_LATE": "violation",
        "M_H24": "pass",
        "M_H24_LATE": "pass" if wd or h == 48 else "violation",
        "M_H48": "pass" if wd or h == 48 else "violation",
        "M_H48_LATE": "pass" if wd else "violation",
        "M_NEVER": "violation",
        "M_PATROL": "pass",
        "M_PHOTO": "pass",
        # remote: due 07-21 18:00; otherwise the ordinary deadline from 07-10 10:00 has passed
        "M_REMOTE": "pass" if remote else "violation",
        "M_REMOTE_LATE": "violation",
        "M_NORETURN": "pass",  # remote without returned_at: ordinary deadline
        "M_BEFORE_END": "not_checked",
        "M_NOCASE_ONTIME": "not_checked",
        "M_NOCASE_LATE": "violation",
        # a missing step could have made the deadline run from its return
        "M_NOSTEP_ONTIME": "not_checked",
        "M_FIRST": "pass",
    }


@pytest.mark.parametrize("profile", PROFILES)
def test_upload_deadline(uploads, profile):
    items = uploads.run("zf04", profile).set_index("media_id")
    assert dict(items["outcome"]) == expected(profile)
    due = items["due_at"]
    if profile in WORKING_DAYS:
        assert due["M_ONTIME"] == ts("2026-10-09 23:59:59")
        assert due["M_H24"] == ts("2026-07-14 23:59:59")  # Fri 07-10 → Mon 13th, Tue 14th
    else:
        assert due["M_ONTIME"] == ts("2026-09-30 15:00:00") + dt.timedelta(hours=HOURS[profile])
        assert due["M_H24"] == ts("2026-07-10 10:00:00") + dt.timedelta(hours=HOURS[profile])
    if profile in REMOTE:
        assert due["M_REMOTE"] == ts("2026-07-21 18:00:00")
    else:
        assert due["M_REMOTE"] == due["M_H24"]
    assert due["M_NORETURN"] == due["M_H24"]
    assert items.loc["M_PATROL", "unit_id"] == "U2" and items.loc["M_H24", "unit_id"] == "U1"
    assert set(items["officer_id"]) == {"O1"}  # the officer who held the device
    assert items.loc["M_H24", "observed_at"] == ts("2026-07-11 10:00:00")


def test_details(uploads):
    items = uploads.run("zf04", "pengyang_county").set_index("media_id")
    d = items["detail"]
    assert d["M_LATE"] == "上传时间 2026-10-10 00:00:00 晚于期限 2026-10-09 23:59:59"
    assert d["M_NEVER"] == "截至 2026-11-25 00:00:00 未上传，期限 2026-07-14 23:59:59 已过"
    assert d["M_BEFORE_END"] == "上传时间早于拍摄结束时间（见 DQ02），未检查"
    assert d["M_NOCASE_ONTIME"] == "所属案件 C9 不存在（见 DQ01），未检查"
    assert d["M_NOSTEP_ONTIME"] == (
        "所属环节 S9 不存在（见 DQ01），无法确定是否适用异地返回后的期限，未检查"
    )
    assert pd.isna(d["M_ONTIME"])


def test_missing_step_without_remote_rule(uploads):
    # zhuzhou has no remote deadline: a missing step cannot change the due time, but an upload
    # in time still cannot pass on a dangling reference
    d = uploads.run("zf04", "zhuzhou_cgzf").set_index("media_id")["detail"]
    assert d["M_NOSTEP_ONTIME"] == "所属环节 S9 不存在（见 DQ01），未检查"


def test_working_days_with_make_up_day(bureau):
    # 2026-10-10 (Saturday) is a 调休 working day: 10-09 + 2 working days = 10-12
    # 2026-10-03 is a holiday: the 1st working day after it is 10-08, the 2nd 10-09
    # 2026-09-24 (Thu) + 2: 09-25 Mid-Autumn and the weekend are off → 09-28, 09-29
    bureau.add("cases", case_id="C1", unit_id="U1")
    medium(bureau, "M_FRI", "2026-10-09 08:00:00")
    medium(bureau, "M_HOLIDAY", "2026-10-03 08:00:00")
    medium(bureau, "M_MIDAUTUMN", "2026-09-24 08:00:00")
    for profile in WORKING_DAYS:
        items = bureau.run("zf04", profile, start="2026-09-01", end="2026-11-01",
                           as_of="2026-10-11 12:00:00").set_index("media_id")
        assert dict(items["due_at"]) == {
            "M_FRI": ts("2026-10-12 23:59:59"),
            "M_HOLIDAY": ts("2026-10-09 23:59:59"),
            "M_MIDAUTUMN": ts("2026-09-29 23:59:59"),
        }
        assert dict(items["outcome"]) == {
            "M_FRI": "pending", "M_HOLIDAY": "violation", "M_MIDAUTUMN": "violation",
        }
        assert items.loc["M_FRI", "detail"] == "尚未上传，期限 2026-10-12 23:59:59 未到"


@pytest.mark.parametrize("profile", PROFILES)
def test_pending_as_of(bureau, profile):
    bureau.add("cases", case_id="C1", unit_id="U1")
    medium(bureau, "M_WAIT", "2026-09-30 15:00:00")
    # uploaded after as_of: not yet done as of as_of, so pending rather than judged
    medium(bureau, "M_LATER", "2026-09-30 15:00:00", "2026-09-30 23:00:00")
    as_of = "2026-09-30 20:00:00"  # every profile's deadline is still ahead
    items = bureau.run("zf04", profile, as_of=as_of).set_index("media_id")
    assert dict(items["outcome"]) == {"M_WAIT": "pending", "M_LATER": "pending"}
    # at the due second it is still pending; one second after it is overdue
    due = items.loc["M_WAIT", "due_at"]
    assert bureau.outcomes("zf04", profile, key="media_id", as_of=due)["M_WAIT"] == "pending"
    after = due + dt.timedelta(seconds=1)
    assert bureau.outcomes("zf04", profile, key="media_id", as_of=after) == {
        "M_WAIT": "violation", "M_LATER": "pass",
    }


def test_unit_is_the_cases_even_when_the_case_has_none(bureau):
    # RULES.md: the case's unit for media rules; the device's only when there is no case —
    # the same attribution as audit.media_linked (ZF08–ZF13) and DQ01/DQ02
    bureau.camera("U2")
    bureau.add("cases", case_id="C1", unit_id="U1")
    bureau.add("cases", case_id="C_NO_UNIT")
    medium(bureau, "M_CASE", "2026-08-01 09:00:00")
    medium(bureau, "M_CASE_NO_UNIT", "2026-08-01 09:00:00", case_id="C_NO_UNIT")
    medium(bureau, "M_PATROL", "2026-08-01 09:00:00", case_id=None)
    items = bureau.run("zf04", "zhuzhou_cgzf").set_index("media_id")
    assert dict(items["unit_id"].fillna("-")) == {"M_CASE": "U1", "M_CASE_NO_UNIT": "-", "M_PATROL": "U2"}
