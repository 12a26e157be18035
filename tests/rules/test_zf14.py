"""ZF14 emergency start approved within 24 h (001 §10; 004 §8): zhuzhou_cgzf and
mingshan_emergency, same semantics."""

import pandas as pd

PROFILES = ["zhuzhou_cgzf", "mingshan_emergency"]


def case(bureau, case_id, opened_at="2026-08-01 09:00:00", **kw):
    values = dict(case_id=case_id, unit_id="U1", opened_at=opened_at, emergency_start=True)
    values.update(kw)
    bureau.add("cases", **values)


def test_interface(check_interface):
    for profile in PROFILES:
        check_interface("zf14", profile)


def test_deadline_to_the_second(bureau):
    case(bureau, "C_ON_TIME", approved_at="2026-08-02 09:00:00")
    case(bureau, "C_EARLY", approved_at="2026-08-01 10:00:00")
    case(bureau, "C_ONE_SECOND_LATE", approved_at="2026-08-02 09:00:01")
    case(bureau, "C_NEVER")
    case(bureau, "C_ORDINARY", emergency_start=False)  # normal start: not an item
    case(bureau, "C_UNKNOWN", emergency_start=None)  # not known to be emergency: not an item
    for profile in PROFILES:
        items = bureau.run("zf14", profile).set_index("case_id")
        assert dict(items["outcome"]) == {
            "C_ON_TIME": "pass", "C_EARLY": "pass", "C_ONE_SECOND_LATE": "violation",
            "C_NEVER": "violation",
        }, profile
        assert set(items["due_at"]) == {pd.Timestamp("2026-08-02 09:00:00")}
        assert items.loc["C_ONE_SECOND_LATE", "observed_at"] == pd.Timestamp("2026-08-02 09:00:01")
        assert items.loc["C_ONE_SECOND_LATE", "detail"] == (
            "补办审批时间 2026-08-02 09:00:01 晚于期限 2026-08-02 09:00:00"
        )
        assert items.loc["C_NEVER", "detail"] == "紧急启动后未补办审批，期限 2026-08-02 09:00:00 已过"
        assert set(items["unit_id"]) == {"U1"}


def test_pending_before_due(bureau):
    case(bureau, "C_WAITING", opened_at="2026-09-30 20:00:00")
    case(bureau, "C_DUE_NOW", opened_at="2026-09-30 12:00:00")
    case(bureau, "C_OVERDUE", opened_at="2026-09-30 11:59:59")
    case(bureau, "C_APPROVED_LATER", opened_at="2026-09-30 20:00:00",
         approved_at="2026-10-01 13:00:00")  # recorded after as_of: not yet approved then
    case(bureau, "C_APPROVED", opened_at="2026-09-30 20:00:00", approved_at="2026-09-30 21:00:00")
    for profile in PROFILES:
        items = bureau.run("zf14", profile, as_of="2026-10-01 12:00:00").set_index("case_id")
        assert dict(items["outcome"]) == {
            "C_WAITING": "pending", "C_DUE_NOW": "pending", "C_OVERDUE": "violation",
            "C_APPROVED_LATER": "pending", "C_APPROVED": "pass",
        }, profile
        assert items.loc["C_WAITING", "due_at"] == pd.Timestamp("2026-10-01 20:00:00")
        assert pd.isna(items.loc["C_APPROVED_LATER", "observed_at"])
        assert items.loc["C_WAITING", "detail"] == "紧急启动待补办审批，期限 2026-10-01 20:00:00"


def test_period_by_opened_at(bureau):
    case(bureau, "C_BEFORE", opened_at="2026-06-30 23:59:59")
    case(bureau, "C_FIRST", opened_at="2026-07-01 00:00:00", approved_at="2026-07-01 08:00:00")
    case(bureau, "C_AFTER", opened_at="2026-10-01 00:00:00")
    case(bureau, "C_NO_OPENED_AT", opened_at=None)
    for profile in PROFILES:
        assert bureau.outcomes("zf14", profile, key="case_id") == {"C_FIRST": "pass"}


def test_bureau_profile_in_working_days(bureau, tmp_path):
    # a bureau's own profile may set the deadline in working days: it is honoured, not ignored
    path = tmp_path / "bureau.yaml"
    path.write_text("extends: zhuzhou_cgzf\nname: bureau\n"
                    "deadlines:\n  emergency_approval: {working_days: 1}\n", encoding="utf-8")
    case(bureau, "C_HOLIDAY", opened_at="2026-10-03 08:00:00")  # 1st working day after: 10-08
    case(bureau, "C_FRI", opened_at="2026-10-09 08:00:00", approved_at="2026-10-10 18:00:00")
    items = bureau.run("zf14", str(path), start="2026-10-01", end="2026-11-01",
                       as_of="2026-10-11 12:00:00").set_index("case_id")
    assert dict(items["due_at"]) == {
        "C_HOLIDAY": pd.Timestamp("2026-10-08 23:59:59"),
        "C_FRI": pd.Timestamp("2026-10-10 23:59:59"),  # 10-10 is a 调休 working day
    }
    assert dict(items["outcome"]) == {"C_HOLIDAY": "violation", "C_FRI": "pass"}
