"""ZF02 officers certified and identified (《行政处罚法》第四十二条; 001 §12; 004 §10):
every profile, same semantics. One item per (FIELD step, officer)."""

import pytest

from zfaudit.profiles import list_profiles

PROFILES = list_profiles()  # ZF02 runs in all five


@pytest.fixture(scope="module")
def certs(module_bureau):
    b = module_bureau
    b.add("cases", case_id="C1", unit_id="U1")
    valid = dict(cert_valid_from="2025-01-01", cert_valid_to="2027-12-31")
    b.add("officers", officer_id="O_OK", cert_no="37000001", unit_id="U1", **valid)
    b.add("officers", officer_id="O_NOCERT", cert_no=" ", unit_id="U1", **valid)
    b.add("officers", officer_id="O_EXPIRED", cert_no="37000002", unit_id="U1",
          cert_valid_from="2024-07-10", cert_valid_to="2026-07-09")
    b.add("officers", officer_id="O_LASTDAY", cert_no="37000003", unit_id="U1",
          cert_valid_from="2024-07-10", cert_valid_to="2026-07-10")
    b.add("officers", officer_id="O_FIRSTDAY", cert_no="37000004", unit_id="U1",
          cert_valid_from="2026-07-10", cert_valid_to="2028-07-10")
    b.add("officers", officer_id="O_LATER", cert_no="37000005", unit_id="U1",
          cert_valid_from="2026-07-11", cert_valid_to="2028-07-10")
    b.add("officers", officer_id="O_NODATES", cert_no="37000006", unit_id="U1")
    # a step late in the evening: the step's date, not its time, is compared with validity
    b.add("steps", step_id="S1", case_id="C1", stage="inquiry", started_at="2026-07-10 23:30:00")
    for o, shown in [("O_OK", True), ("O_NOCERT", True), ("O_EXPIRED", True),
                     ("O_LASTDAY", True), ("O_FIRSTDAY", True), ("O_LATER", True),
                     ("O_NODATES", True), ("O_GHOST", True), ("O_GHOST2", False)]:
        b.add("step_officers", step_id="S1", officer_id=o, cert_shown=shown)
    b.add("steps", step_id="S2", case_id="C1", stage="seizure", started_at="2026-07-10 09:00:00")
    b.add("step_officers", step_id="S2", officer_id="O_OK", cert_shown=None)
    b.add("step_officers", step_id="S2", officer_id="O_NOCERT", cert_shown=False)
    b.add("steps", step_id="S_NOCASE", case_id="C9", stage="sampling",
          started_at="2026-07-10 09:00:00")
    b.add("step_officers", step_id="S_NOCASE", officer_id="O_OK", cert_shown=True)
    b.add("step_officers", step_id="S_NOCASE", officer_id="O_EXPIRED", cert_shown=True)
    b.add("steps", step_id="S_HEARING", case_id="C1", stage="hearing",
          started_at="2026-07-10 09:00:00")  # not FIELD: no item
    b.add("step_officers", step_id="S_HEARING", officer_id="O_NOCERT", cert_shown=False)
    b.add("steps", step_id="S_OUT", case_id="C1", stage="inquiry", started_at="2026-10-01 00:00:00")
    b.add("step_officers", step_id="S_OUT", officer_id="O_NOCERT", cert_shown=False)
    return b


def test_interface(check_interface):
    for profile in PROFILES:
        check_interface("zf02", profile)


@pytest.mark.parametrize("profile", PROFILES)
def test_certificates(certs, profile):
    items = certs.run("zf02", profile).set_index(["step_id", "officer_id"])
    assert dict(items["outcome"]) == {
        ("S1", "O_OK"): "pass",
        ("S1", "O_NOCERT"): "violation",
        ("S1", "O_EXPIRED"): "violation",
        ("S1", "O_LASTDAY"): "pass",
        ("S1", "O_FIRSTDAY"): "pass",
        ("S1", "O_LATER"): "violation",
        ("S1", "O_NODATES"): "not_checked",
        ("S1", "O_GHOST"): "not_checked",
        ("S1", "O_GHOST2"): "violation",  # not shown: a fact of the step, registry or not
        ("S2", "O_OK"): "violation",
        ("S2", "O_NOCERT"): "violation",
        ("S_NOCASE", "O_OK"): "not_checked",
        ("S_NOCASE", "O_EXPIRED"): "violation",
    }
    d = items["detail"]
    assert d[("S1", "O_NOCERT")] == "无执法证号"
    assert d[("S1", "O_EXPIRED")] == "执法日期 2026-07-10 晚于证件有效期止 2026-07-09"
    assert d[("S1", "O_LATER")] == "执法日期 2026-07-10 早于证件有效期起 2026-07-11"
    assert d[("S1", "O_NODATES")] == "人员表未登记证件有效期，无法确认证件有效"
    assert d[("S1", "O_GHOST")] == "执法人员不在人员表中（见 DQ01），未检查"
    assert d[("S1", "O_GHOST2")] == "未记录出示执法证件"
    assert d[("S2", "O_OK")] == "未记录出示执法证件"
    assert d[("S2", "O_NOCERT")] == "无执法证号；未记录出示执法证件"
    assert d[("S_NOCASE", "O_OK")] == "环节所属案件 C9 不存在（见 DQ01），未检查"
    assert items.loc[("S1", "O_OK"), "unit_id"] == "U1"
    assert items["unit_id"].isna().sum() == 2  # the case-less step's two items
    assert items["due_at"].isna().all()
