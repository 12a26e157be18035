"""ZF17 legal review before major decisions (001 §20; 002 法制审核制度; 004 §17): zhuzhou_cgzf,
linzi_amr, mingshan_emergency, same semantics."""

import pandas as pd

PROFILES = ["zhuzhou_cgzf", "linzi_amr", "mingshan_emergency"]


def major_case(bureau, case_id, decided_at="2026-08-10 15:00:00", major=True, **kw):
    values = dict(case_id=case_id, unit_id="U1", major=major, opened_at="2026-05-01 09:00:00")
    values.update(kw)
    bureau.add("cases", **values)
    if decided_at is not None:
        bureau.add("steps", step_id=f"{case_id}_D", case_id=case_id, stage="decision",
                   started_at=decided_at)


def test_interface(check_interface):
    for profile in PROFILES:
        check_interface("zf17", profile)


def test_review_before_first_decision(bureau):
    major_case(bureau, "C_EARLY", legal_review_at="2026-08-09 10:00:00")
    major_case(bureau, "C_SAME_SECOND", legal_review_at="2026-08-10 15:00:00")
    major_case(bureau, "C_ONE_SECOND_LATE", legal_review_at="2026-08-10 15:00:01")
    major_case(bureau, "C_NO_REVIEW")
    major_case(bureau, "C_NOT_MAJOR", major=False)
    major_case(bureau, "C_MAJOR_UNKNOWN", major=None)
    major_case(bureau, "C_NO_DECISION", decided_at=None)
    for profile in PROFILES:
        items = bureau.run("zf17", profile).set_index("case_id")
        assert dict(items["outcome"]) == {
            "C_EARLY": "pass", "C_SAME_SECOND": "pass", "C_ONE_SECOND_LATE": "violation",
            "C_NO_REVIEW": "violation",
        }, profile
        assert set(items["due_at"]) == {pd.Timestamp("2026-08-10 15:00:00")}
        assert items.loc["C_ONE_SECOND_LATE", "step_id"] == "C_ONE_SECOND_LATE_D"
        assert items.loc["C_ONE_SECOND_LATE", "detail"] == (
            "法制审核时间 2026-08-10 15:00:01 晚于作出决定时间 2026-08-10 15:00:00"
        )
        assert items.loc["C_NO_REVIEW", "detail"] == "重大执法决定（2026-08-10 15:00:00）前未经法制审核"
        assert set(items["unit_id"]) == {"U1"}


def test_first_decision_counts(bureau):
    # reviewed after the first decision but before a later one: still a violation
    major_case(bureau, "C1", decided_at="2026-08-01 10:00:00", legal_review_at="2026-08-05 10:00:00")
    bureau.add("steps", step_id="C1_D2", case_id="C1", stage="decision",
               started_at="2026-08-20 10:00:00")
    bureau.add("steps", step_id="C1_REVIEW", case_id="C1", stage="legal_review",
               started_at="2026-07-20 10:00:00")
    # first decision in the previous quarter: the case belongs to that audit, not this one
    major_case(bureau, "C_Q2", decided_at="2026-06-30 23:59:59")
    bureau.add("steps", step_id="C_Q2_D2", case_id="C_Q2", stage="decision",
               started_at="2026-07-02 10:00:00")
    major_case(bureau, "C_Q4", decided_at="2026-10-01 00:00:00")
    major_case(bureau, "C_FIRST_DAY", decided_at="2026-07-01 00:00:00",
               legal_review_at="2026-06-30 10:00:00")
    for profile in PROFILES:
        items = bureau.run("zf17", profile).set_index("case_id")
        assert dict(items["outcome"]) == {"C1": "violation", "C_FIRST_DAY": "pass"}, profile
        assert items.loc["C1", "step_id"] == "C1_D"
        assert items.loc["C1", "due_at"] == pd.Timestamp("2026-08-01 10:00:00")
        assert items.loc["C1", "observed_at"] == pd.Timestamp("2026-08-05 10:00:00")


def test_decision_step_of_missing_case_is_no_item(bureau):
    bureau.add("steps", step_id="D_GHOST", case_id="C404", stage="decision",
               started_at="2026-08-01 10:00:00")
    for profile in PROFILES:
        assert bureau.run("zf17", profile).empty
