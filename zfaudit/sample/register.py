"""例外登记.xlsx: the sample office's exceptions register, written from the injected defects.

A register as an office keeps it (Chinese headers, reason names in Chinese, real datetime
cells): valid explanations of ZF07 interruptions and of a ZF05 delay under a special provision,
and one row failing each way RULES.md checks, plus one unreadable reason. `_register_expected.csv`
is the oracle: each row's status under zhuzhou_cgzf for 2026Q3 at the tests' and demo's as_of
(2026-10-20 and 2026-11-25; one approval falls after both).
"""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

from .format import write_xlsx
from .org import Org

FILE = "例外登记.xlsx"
EXPECTED = "_register_expected.csv"
HEADERS = ["登记编号", "规则编号", "环节编号", "案件编号", "例外理由", "情况说明", "申请人", "申请时间",
           "审批人", "审批时间", "依据文号"]
Q3 = ("2026-07-01", "2026-10-01")
NOTES = {
    "ZF07": "执法现场突遇强降雨，执法记录仪进水自动关机，更换备用设备后继续记录，中断期间由两名执法人员现场见证",
    "ZF05": "案件涉及司法鉴定，依据相关规定暂缓归档，鉴定意见送达后立即归档",
    "ZF01": "当日人员不足，由一名执法人员先行到场",
}
LATE_APPROVAL = dt.datetime(2026, 11, 28, 9, 30)  # after the tests' and the demo's as_of


def _injected(out: Path, rule: str) -> tuple[list[tuple[str, dt.datetime]], list[str]]:
    """(item, scope time) of the injected violations of `rule` in 2026Q3, and the items out of it."""
    inside, outside = [], []
    with open(out / "_injected.csv", encoding="utf-8", newline="") as f:
        for row in csv.DictReader(f):
            if row["rule_id"] != rule or row["outcome"] != "violation" or not row["scope_at"]:
                continue
            at = dt.datetime.fromisoformat(row["scope_at"])
            if Q3[0] <= row["scope_at"][:10] < Q3[1]:
                inside.append((row["item_id"], at))
            else:
                outside.append(row["item_id"])
    return sorted(inside), sorted(outside)


def write_register(out: Path, org: Org) -> int:
    """Write 例外登记.xlsx and its oracle into `out`; returns the number of register rows."""
    zf07, zf07_out = _injected(out, "ZF07")
    zf05, _ = _injected(out, "ZF05")
    zf01, _ = _injected(out, "ZF01")
    asker, boss = str(org.officer_name[1]), str(org.officer_name[0])
    plan = []  # (rule, step, case, reason, note, requester, approver, approved_at, doc, expected)

    def row(rule, item, at, reason, expected, note=None, approver=boss, approved=None, doc=None,
            requester=asker):
        step, case = (None, item) if rule == "ZF05" else (item, None)
        note = NOTES[rule] if note is None else note
        asked = at + dt.timedelta(days=1)
        approved_at = approved or (asked + dt.timedelta(days=1) if approver else None)
        plan.append((rule, step, case, reason, note, requester, approver, asked, approved_at, doc,
                     expected))

    kinds = [
        ("客观条件限制", "applied", {}), ("客观条件限制", "applied", {}),
        ("客观条件限制", "no_note", {"note": ""}),
        ("客观条件限制", "self_approved", {"approver": asker}),
        ("客观条件限制", "not_approved", {"approver": None}),
        ("客观条件限制", "approved_after_as_of", {"approved": LATE_APPROVAL}),
        ("设备故障或损坏", "reason_not_allowed", {}),  # allowed by 002/003, not by 001 §49
    ]
    for (item, at), (reason, expected, kw) in zip(zf07, kinds, strict=False):
        row("ZF07", item, at, reason, expected, **kw)
    for (item, at), (doc, expected) in zip(zf05, [("《湘江市城市管理条例》第二十条", "applied"),
                                                  (None, "no_document")], strict=False):
        row("ZF05", item, at, "法律、法规、规章另有规定", expected, doc=doc)
    for item, at in zf01[:1]:
        row("ZF01", item, at, "客观条件限制", "reason_not_allowed")
    for item in zf07_out[:1]:  # a violation of another quarter: none in this run
        row("ZF07", item, dt.datetime(2026, 9, 1, 9), "客观条件限制", "no_such_violation")
    rows, expected = [], []
    for i, (rule, step, case, reason, note, req, appr, asked, approved_at, doc, exp) in enumerate(plan, 1):
        eid = f"LW2026{i:03d}"
        rows.append([eid, rule, step, case, reason, note, req, asked, appr, approved_at, doc])
        expected.append((eid, exp, 2 + i - 1))
    if rows:  # a hand-typed reason no code list knows: quarantined, never silently dropped
        bad = list(rows[0])
        bad[0], bad[4] = f"LW2026{len(rows) + 1:03d}", "下大雨"
        rows.append(bad)
        expected.append((bad[0], "quarantine", len(rows) + 1))
    write_xlsx(out / FILE, HEADERS, rows, {7, 9}, num_format="yyyy-mm-dd hh:mm:ss", sheet="例外登记")
    with open(out / EXPECTED, "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["exception_id", "expected_status", "line"])
        w.writerows(expected)
    return len(rows)
