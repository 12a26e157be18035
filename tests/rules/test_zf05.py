"""ZF05 archive deadline (000 §12; 001 §39; 002 §25; 003 §11; 004 §32): 30 calendar days after
the day of conclusion; 20 in pengyang_county."""

import datetime as dt

import pandas as pd
import pytest

from zfaudit.profiles import list_profiles

PROFILES = list_profiles()  # ZF05 runs in all five
DAYS = {p: 30 for p in PROFILES} | {"pengyang_county": 20}


def ts(s: str) -> dt.datetime:
    return dt.datetime.fromisoformat(s)


# concluded 2026-07-10 15:00: due 2026-08-09 23:59:59 (30 days) or 2026-07-30 23:59:59 (20 days)
DUE = {30: ts("2026-08-09 23:59:59"), 20: ts("2026-07-30 23:59:59")}


@pytest.fixture(scope="module")
def archive(module_bureau):
    b = module_bureau
    concluded = "2026-07-10 15:00:00"

    def case(case_id, archived_at=None, concluded_at=concluded):
        b.add("cases", case_id=case_id, unit_id="U1", concluded_at=concluded_at,
              archived_at=archived_at)

    case("C_DUE20", "2026-07-30 23:59:59")  # at the 20-day due second
    case("C_DUE20_LATE", "2026-07-31 00:00:00")
    case("C_DUE30", "2026-08-09 23:59:59")
    case("C_DUE30_LATE", "2026-08-10 00:00:00")
    case("C_NEVER")  # not archived, long overdue by as_of 2026-11-25
    case("C_BEFORE", "2026-07-10 14:59:59")  # archived before concluded (DQ02)
    case("C_OPEN", concluded_at=None)  # still open: not an item
    case("C_OUT", concluded_at="2026-10-01 00:00:00")
    case("C_PREV", concluded_at="2026-06-30 23:59:59")
    return b


def test_interface(check_interface):
    for profile in PROFILES:
        check_interface("zf05", profile)


@pytest.mark.parametrize("profile", PROFILES)
def test_archive_deadline(archive, profile):
    days = DAYS[profile]
    items = archive.run("zf05", profile).set_index("case_id")
    assert dict(items["outcome"]) == {
        "C_DUE20": "pass",
        "C_DUE20_LATE": "violation" if days == 20 else "pass",
        "C_DUE30": "violation" if days == 20 else "pass",
        "C_DUE30_LATE": "violation",
        "C_NEVER": "violation",
        "C_BEFORE": "not_checked",
    }
    assert set(items["due_at"]) == {DUE[days]}
    assert set(items["unit_id"]) == {"U1"}
    assert items.loc["C_DUE20", "observed_at"] == ts("2026-07-30 23:59:59")
    d = items["detail"]
    assert d["C_DUE30_LATE"] == (
        f"归档时间 2026-08-10 00:00:00 晚于期限 {DUE[days]:%Y-%m-%d %H:%M:%S}"
    )
    assert d["C_NEVER"] == (
        f"截至 2026-11-25 00:00:00 未归档，期限 {DUE[days]:%Y-%m-%d %H:%M:%S} 已过"
    )
    assert d["C_BEFORE"] == "归档时间早于结案时间（见 DQ02），未检查"
    assert pd.isna(d["C_DUE20"])


@pytest.mark.parametrize("profile", PROFILES)
def test_pending(archive, profile):
    due = DUE[DAYS[profile]]
    at_due = archive.outcomes("zf05", profile, key="case_id", as_of=due)
    assert at_due["C_NEVER"] == "pending"
    assert at_due["C_DUE30_LATE"] == "pending"  # archived after as_of: not yet done then
    after = archive.outcomes("zf05", profile, key="case_id", as_of=due + dt.timedelta(seconds=1))
    assert after["C_NEVER"] == "violation"
