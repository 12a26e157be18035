"""ZF12 access approved and logged. Copy/external need approval everywhere; viewing needs it in
zhuzhou_cgzf (001 §47) and linzi_amr (002 §29); linzi_amr also keeps a full register."""

import pandas as pd
import pytest

PROFILES = ["shandong_district_zhzf", "zhuzhou_cgzf", "linzi_amr", "pengyang_county",
            "mingshan_emergency"]
VIEW_APPROVAL = {"zhuzhou_cgzf", "linzi_amr"}


def access(bureau, access_id, action="copy", media_id="M1", accessed_at="2026-08-03 10:00:00",
           **kw):
    values = dict(access_id=access_id, media_id=media_id, action=action, requested_by="O7",
                  approved_by="局长", approved_at="2026-08-03 09:00:00", accessed_at=accessed_at,
                  reason="行政复议举证", recipient="区人民法院" if action == "external" else None)
    values.update(kw)
    bureau.add("media_access", **values)


@pytest.fixture
def base(bureau):
    bureau.add("cases", case_id="C1", unit_id="U1")
    bureau.add("devices", device_id="D1", unit_id="U9")
    bureau.add("devices", device_id="D2", unit_id="U2")
    bureau.add("media", media_id="M1", case_id="C1", device_id="D1",
               recorded_end="2026-05-01 10:00:00")
    bureau.add("media", media_id="M2", case_id=None, patrol=True, device_id="D2",
               recorded_end="2026-05-01 10:00:00")
    return bureau


def test_interface(check_interface):
    for profile in PROFILES:
        check_interface("zf12", profile)


def test_copy_and_external_need_prior_approval_everywhere(base):
    access(base, "A_COPY_OK")
    access(base, "A_SAME_SECOND", approved_at="2026-08-03 10:00:00")
    access(base, "A_ONE_SECOND_LATE", approved_at="2026-08-03 10:00:01")
    access(base, "A_NO_APPROVAL", approved_by=None, approved_at=None)
    access(base, "A_NO_APPROVER", approved_by=" ")
    access(base, "A_EXTERNAL_NO_APPROVAL", action="external", approved_by=None, approved_at=None)
    access(base, "A_EXTERNAL_OK", action="external", media_id="M2")
    for profile in PROFILES:
        items = base.run("zf12", profile).set_index("access_id")
        assert dict(items["outcome"]) == {
            "A_COPY_OK": "pass", "A_SAME_SECOND": "pass", "A_ONE_SECOND_LATE": "violation",
            "A_NO_APPROVAL": "violation", "A_NO_APPROVER": "violation",
            "A_EXTERNAL_NO_APPROVAL": "violation", "A_EXTERNAL_OK": "pass",
        }, profile
        assert items.loc["A_ONE_SECOND_LATE", "due_at"] == pd.Timestamp("2026-08-03 10:00:00")
        assert items.loc["A_ONE_SECOND_LATE", "observed_at"] == pd.Timestamp("2026-08-03 10:00:01")
        assert items.loc["A_ONE_SECOND_LATE", "detail"] == (
            "审批时间 2026-08-03 10:00:01 晚于调阅时间 2026-08-03 10:00:00"
        )
        assert items.loc["A_NO_APPROVAL", "detail"] == "复制未经审批"
        assert items.loc["A_EXTERNAL_NO_APPROVAL", "detail"] == "对外提供未经审批"
        assert items.loc["A_NO_APPROVER", "detail"] == "未登记审批人"
        # 评议考核: the unit of the media accessed — its case's, else its device's
        assert items.loc["A_COPY_OK", "unit_id"] == "U1"
        assert items.loc["A_COPY_OK", "case_id"] == "C1"
        assert items.loc["A_EXTERNAL_OK", "unit_id"] == "U2"
        assert items.loc["A_EXTERNAL_OK", "media_id"] == "M2"


def test_view_without_approval(base):
    access(base, "A_VIEW_NO_APPROVAL", action="view", approved_by=None, approved_at=None)
    access(base, "A_VIEW_OK", action="view")
    for profile in PROFILES:
        got = base.outcomes("zf12", profile, key="access_id")
        if profile in VIEW_APPROVAL:
            assert got == {"A_VIEW_NO_APPROVAL": "violation", "A_VIEW_OK": "pass"}, profile
        else:
            # e.g. mingshan_emergency: viewing is outside the rule, so a view is no item
            assert got == {}, profile
    z = base.run("zf12", "zhuzhou_cgzf").set_index("access_id")
    assert z.loc["A_VIEW_NO_APPROVAL", "detail"] == "查阅未经审批"


def test_full_register_only_in_linzi(base):
    access(base, "A_NO_REASON", reason=None)
    access(base, "A_NO_REQUESTER", requested_by="")
    access(base, "A_EXTERNAL_NO_RECIPIENT", action="external", recipient=None)
    access(base, "A_VIEW_NO_REASON", action="view", reason=" ")
    for profile in PROFILES:
        got = base.outcomes("zf12", profile, key="access_id")
        if profile == "linzi_amr":
            assert got == {
                "A_NO_REASON": "violation", "A_NO_REQUESTER": "violation",
                "A_EXTERNAL_NO_RECIPIENT": "violation", "A_VIEW_NO_REASON": "violation",
            }
        elif profile == "zhuzhou_cgzf":
            assert got == {
                "A_NO_REASON": "pass", "A_NO_REQUESTER": "pass",
                "A_EXTERNAL_NO_RECIPIENT": "pass", "A_VIEW_NO_REASON": "pass",
            }
        else:
            assert got == {
                "A_NO_REASON": "pass", "A_NO_REQUESTER": "pass", "A_EXTERNAL_NO_RECIPIENT": "pass",
            }, profile
    li = base.run("zf12", "linzi_amr").set_index("access_id")
    assert li.loc["A_EXTERNAL_NO_RECIPIENT", "detail"] == "未登记接收单位"
    assert li.loc["A_NO_REQUESTER", "detail"] == "未登记调阅人"


def test_period_by_accessed_at(base):
    access(base, "A_BEFORE", accessed_at="2026-06-30 23:59:59", approved_at="2026-06-30 09:00:00")
    access(base, "A_FIRST", accessed_at="2026-07-01 00:00:00", approved_at="2026-06-30 09:00:00")
    access(base, "A_AFTER", accessed_at="2026-10-01 00:00:00")
    access(base, "A_NO_TIME", accessed_at=None)
    for profile in PROFILES:
        assert base.outcomes("zf12", profile, key="access_id") == {"A_FIRST": "pass"}, profile


def test_missing_media_is_never_a_pass(base):
    access(base, "A_GHOST", media_id="M404")
    access(base, "A_GHOST_BAD", media_id="M404", approved_by=None, approved_at=None)
    for profile in PROFILES:
        items = base.run("zf12", profile).set_index("access_id")
        assert dict(items["outcome"]) == {"A_GHOST": "not_checked", "A_GHOST_BAD": "violation"}
        assert items.loc["A_GHOST", "detail"] == "调阅的音像记录不存在，无法确认"
        assert pd.isna(items.loc["A_GHOST", "unit_id"])
