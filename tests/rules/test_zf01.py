"""ZF01 two officers (《行政处罚法》第四十二条; 001 §12; 004 §10): every profile, same semantics."""

import datetime as dt

import pytest

from zfaudit.profiles import list_profiles

PROFILES = list_profiles()  # ZF01 runs in all five


def step(b, step_id, officers=(), case_id="C1", stage="inspection",
         started_at="2026-07-10 09:00:00"):
    b.add("steps", step_id=step_id, case_id=case_id, stage=stage, started_at=started_at)
    for o in officers:
        b.add("step_officers", step_id=step_id, officer_id=o, cert_shown=True)


@pytest.fixture(scope="module")
def field(module_bureau):
    b = module_bureau
    b.add("cases", case_id="C1", unit_id="U1")
    for o in ("O1", "O2"):
        b.add("officers", officer_id=o, unit_id="U1", cert_no=f"37-{o}")
    step(b, "S_TWO", ["O1", "O2"])
    step(b, "S_ONE", ["O1"])
    step(b, "S_NONE", [])
    step(b, "S_UNKNOWN", ["O1", "O9"])  # O9 not in the registry: cannot be the second officer
    step(b, "S_UNKNOWN_ONLY", ["O9"])  # one officer whoever he is: a violation
    step(b, "S_NOCASE", ["O1", "O2"], case_id="C9")
    step(b, "S_NOCASE_ONE", ["O1"], case_id="C9")
    step(b, "S_RECT", ["O1"], stage="rectification_check")  # FIELD in every profile
    step(b, "S_DECISION", ["O1"], stage="decision")  # not a FIELD stage: no item
    step(b, "S_FIRST", ["O1", "O2"], started_at="2026-07-01 00:00:00")  # period start: in
    step(b, "S_BEFORE", ["O1"], started_at="2026-06-30 23:59:59")  # not in the period
    step(b, "S_AFTER", ["O1"], started_at="2026-10-01 00:00:00")  # period end is exclusive
    return b


def test_interface(check_interface):
    for profile in PROFILES:
        check_interface("zf01", profile)


@pytest.mark.parametrize("profile", PROFILES)
def test_two_officers(field, profile):
    items = field.run("zf01", profile).set_index("step_id")
    assert dict(items["outcome"]) == {
        "S_TWO": "pass",
        "S_ONE": "violation",
        "S_NONE": "violation",
        "S_UNKNOWN": "not_checked",
        "S_UNKNOWN_ONLY": "violation",
        "S_NOCASE": "not_checked",
        "S_NOCASE_ONE": "violation",
        "S_RECT": "violation",
        "S_FIRST": "pass",
    }
    assert items.loc["S_ONE", "detail"] == "环节仅登记 1 名执法人员（应至少 2 名）"
    assert items.loc["S_NONE", "detail"] == "环节未登记执法人员（应至少 2 名）"
    assert items.loc["S_UNKNOWN", "detail"] == (
        "登记的 2 名执法人员中仅 1 名在人员表中（见 DQ01），无法确认 2 名执法人员"
    )
    assert items.loc["S_NOCASE", "detail"] == "环节所属案件 C9 不存在（见 DQ01），未检查"
    assert items.loc["S_TWO", "unit_id"] == "U1"
    assert items.loc["S_ONE", "observed_at"] == dt.datetime(2026, 7, 10, 9, 0)
    assert items["due_at"].isna().all() and items["officer_id"].isna().all()
    assert set(items["rule_id"]) == {"ZF01"}
