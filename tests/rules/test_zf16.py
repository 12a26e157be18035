"""ZF16 record signed or refusal noted (000 清单; 001 §14; 004 §12): shandong_district_zhzf,
zhuzhou_cgzf, mingshan_emergency, same semantics (the stage list is the rule's own)."""

import pandas as pd
import pytest

PROFILES = ["shandong_district_zhzf", "zhuzhou_cgzf", "mingshan_emergency"]
SIGNING_STAGES = ["inquiry", "inspection", "sampling", "preservation", "seizure",
                  "service_direct", "service_left", "statement", "hearing"]


def step(bureau, step_id, stage="inquiry", started_at="2026-08-01 09:00:00", doc_no="询字〔2026〕1号",
         **kw):
    values = dict(step_id=step_id, case_id="C1", stage=stage, started_at=started_at,
                  ended_at=started_at, doc_no=doc_no)
    values.update(kw)
    bureau.add("steps", **values)


@pytest.fixture
def base(bureau):
    bureau.add("cases", case_id="C1", unit_id="U1")
    return bureau


def test_interface(check_interface):
    for profile in PROFILES:
        check_interface("zf16", profile)


def test_signed_or_refusal_noted(base):
    step(base, "S_SIGNED", party_signed="signed")
    step(base, "S_REFUSED_NOTED", party_signed="refused", refusal_noted=True)
    step(base, "S_REFUSED_BARE", party_signed="refused", refusal_noted=False)
    step(base, "S_ABSENT_NOTED", party_signed="absent", refusal_noted=True)
    step(base, "S_ABSENT_BARE", party_signed="absent")
    step(base, "S_UNKNOWN", party_signed=None, refusal_noted=None)
    step(base, "S_NO_DOC", party_signed=None, doc_no=None)  # no written record: not an item
    step(base, "S_BLANK_DOC", party_signed=None, doc_no=" ")
    step(base, "S_DECISION", stage="decision", party_signed=None)  # not a signing stage
    for profile in PROFILES:
        items = base.run("zf16", profile).set_index("step_id")
        assert dict(items["outcome"]) == {
            "S_SIGNED": "pass", "S_REFUSED_NOTED": "pass", "S_REFUSED_BARE": "violation",
            "S_ABSENT_NOTED": "pass", "S_ABSENT_BARE": "violation", "S_UNKNOWN": "violation",
        }, profile
        assert items.loc["S_REFUSED_BARE", "detail"] == (
            "文书 询字〔2026〕1号 当事人拒签，执法人员未在文书上注明"
        )
        assert items.loc["S_ABSENT_BARE", "detail"] == (
            "文书 询字〔2026〕1号 当事人未到场，执法人员未在文书上注明"
        )
        assert items.loc["S_UNKNOWN", "detail"] == (
            "文书 询字〔2026〕1号 未记录当事人签字，执法人员未在文书上注明"
        )
        assert set(items["unit_id"]) == {"U1"}
        assert set(items["case_id"]) == {"C1"}
        assert items.loc["S_SIGNED", "observed_at"] == pd.Timestamp("2026-08-01 09:00:00")


def test_every_signing_stage_is_checked(base):
    for stage in SIGNING_STAGES + ["demolition", "service_post", "service_notice", "filing"]:
        step(base, f"S_{stage}", stage=stage, party_signed="refused")
    for profile in PROFILES:
        got = base.outcomes("zf16", profile)
        assert got == {f"S_{stage}": "violation" for stage in SIGNING_STAGES}, profile


def test_period_by_started_at(base):
    step(base, "S_BEFORE", started_at="2026-06-30 23:59:59")
    step(base, "S_FIRST", started_at="2026-07-01 00:00:00", party_signed="signed")
    step(base, "S_AFTER", started_at="2026-10-01 00:00:00")
    for profile in PROFILES:
        assert base.outcomes("zf16", profile) == {"S_FIRST": "pass"}


def test_missing_case_is_never_a_pass(base):
    step(base, "S_GHOST", case_id="C404", party_signed="signed")
    step(base, "S_GHOST_BAD", case_id="C404", party_signed="refused")
    for profile in PROFILES:
        items = base.run("zf16", profile).set_index("step_id")
        assert dict(items["outcome"]) == {"S_GHOST": "not_checked", "S_GHOST_BAD": "violation"}
        assert items.loc["S_GHOST", "detail"] == "环节所属案件 C404 不存在（见 DQ01），未检查"
