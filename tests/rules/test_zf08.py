"""ZF08 media labelled (000 §9; 001 §48; 002 §25): runs in shandong_district_zhzf, zhuzhou_cgzf,
linzi_amr with the same semantics, so each fixture is checked under all three."""

import pytest

PROFILES = ["shandong_district_zhzf", "zhuzhou_cgzf", "linzi_amr"]


def labelled(bureau, media_id, case_id="C1", recorded_end="2026-07-10 10:00:00", **kw):
    values = dict(
        media_id=media_id, case_id=case_id, device_id="D1", officer_id="O1",
        recorded_end=recorded_end, label_case_no=case_id, label_party="张某",
        label_officer="李某",
    )
    values.update(kw)
    bureau.add("media", **values)


@pytest.fixture
def base(bureau):
    bureau.add("cases", case_id="C1", unit_id="U1")
    bureau.camera()
    return bureau


def test_interface(check_interface):
    for profile in PROFILES:
        check_interface("zf08", profile)


def test_labels(base):
    labelled(base, "M_OK")
    labelled(base, "M_CASE", label_case_no="C2")
    labelled(base, "M_NOCASE", label_case_no=None)
    labelled(base, "M_PARTY", label_party="  ")
    labelled(base, "M_OFFICER", label_officer=None)
    labelled(base, "M_SPACES", label_case_no=" C1 ")  # stray spaces are not a different number
    labelled(base, "M_PATROL", case_id=None, patrol=True)  # no case: not an item
    for profile in PROFILES:
        items = base.run("zf08", profile).set_index("media_id")
        assert dict(items["outcome"]) == {
            "M_OK": "pass",
            "M_CASE": "violation",
            "M_NOCASE": "violation",
            "M_PARTY": "violation",
            "M_OFFICER": "violation",
            "M_SPACES": "pass",
        }, profile
        assert items.loc["M_CASE", "detail"] == "标注案号 C2 与案件编号 C1 不符"
        assert items.loc["M_NOCASE", "detail"] == "标注案号 （空） 与案件编号 C1 不符"
        assert items.loc["M_PARTY", "detail"] == "未标注当事人"
        assert items.loc["M_OFFICER", "detail"] == "未标注承办人"
        # 评议考核: the case's unit; the officer who held the device
        assert set(items["unit_id"]) == {"U1"}
        assert set(items["officer_id"]) == {"O1"}
        assert set(items["rule_id"]) == {"ZF08"}
        assert items["due_at"].isna().all()


def test_several_faults_in_one_detail(base):
    labelled(base, "M1", label_case_no="X", label_party=None, label_officer="")
    for profile in PROFILES:
        assert base.run("zf08", profile)["detail"].tolist() == [
            "标注案号 X 与案件编号 C1 不符；未标注当事人；未标注承办人"
        ]


def test_period_by_recorded_end(base):
    labelled(base, "M_BEFORE", recorded_end="2026-06-30 23:59:59")
    labelled(base, "M_FIRST", recorded_end="2026-07-01 00:00:00")
    labelled(base, "M_LAST", recorded_end="2026-09-30 23:59:59")
    labelled(base, "M_AFTER", recorded_end="2026-10-01 00:00:00")
    for profile in PROFILES:
        assert base.outcomes("zf08", profile, key="media_id") == {
            "M_FIRST": "pass", "M_LAST": "pass",
        }


def test_dangling_reference_never_passes(base):
    labelled(base, "M_GHOST_OK", case_id="C404")  # labels match a case that does not exist
    labelled(base, "M_GHOST_BAD", case_id="C404", label_party=None)
    labelled(base, "M_GHOST_STEP", step_id="S404")
    for profile in PROFILES:
        items = base.run("zf08", profile).set_index("media_id")
        assert dict(items["outcome"]) == {
            "M_GHOST_OK": "not_checked",
            "M_GHOST_BAD": "violation",  # the missing label is a fact of the item itself
            "M_GHOST_STEP": "not_checked",
        }
        # no case to take the unit from: the device's unit
        assert items.loc["M_GHOST_BAD", "unit_id"] == "U2"
        assert items.loc["M_GHOST_OK", "detail"] == "关联的案件、环节、设备或人员不存在，无法核对标注"
