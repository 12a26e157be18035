"""Notices (通报, RULES.md "Notices and responses"): per unit, a Word notice of a run's
violations with their finding keys and a rectification due date, and an xlsx attachment the
unit fills in (反馈类型, 例外理由, 整改情况, 反馈人, 反馈时间) and sends back for
`zfaudit responses import`. Every notice issued is recorded (`notices`, `notice_items`).
Names are masked unless asked; the detail's free text is scrubbed of the names it quotes."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pandas as pd

from ..contract import contract
from ..export import writable, write_sheets
from ..masking import mask_name
from ..periods import label_zh
from ..rules.catalogue import finding_key_of, rule_text
from ..runs import recorded_profile

DEFAULT_RECTIFICATION_DAYS = 15  # RULES.md: notice date + rectification_days (profile)
# the attachment's columns to fill in: the headers `responses import` reads (contract.yaml)
RESPONSE_COLUMNS = ("反馈类型", "例外理由", "整改情况", "依据文号", "反馈人", "反馈时间")
ATTACHMENT_SHEET = "整改反馈表"


@dataclass
class Notice:
    notice_id: str
    notice_no: str
    unit_id: str
    unit_name: str
    violations: int
    docx: Path
    xlsx: Path
    due_on: dt.date


def rectification_days(run: dict, days: int | None) -> int:
    return int(days if days is not None else
               recorded_profile(run).get("rectification_days", DEFAULT_RECTIFICATION_DAYS))


def unit_violations(con: duckdb.DuckDBPyConnection, run_id: str, unit_id: str,
                    unmasked: bool = False) -> pd.DataFrame:
    """The unit's compliance violations of the run (ZF rules), by rule and finding key."""
    df = con.execute(
        f"""SELECT {finding_key_of('f')} AS finding_key, f.rule_id, f.case_id, f.step_id, f.media_id, f.access_id,
                  o.name AS officer_name, f.detail, f.due_at, f.observed_at, f.clauses
           FROM findings AS f LEFT JOIN officers AS o USING (officer_id)
           WHERE f.run_id = ? AND f.unit_id = ? AND f.outcome = 'violation'
             AND f.rule_id NOT LIKE 'DQ%'
           ORDER BY f.rule_id, 1""", [run_id, unit_id]).df()
    df.insert(2, "rule_title", [rule_text(r)[0] for r in df.rule_id])
    if not unmasked and len(df):
        # details carry no personal data: the audit masks any it would quote as it writes them
        # (engine.findings.mask_personal_details), so only the officer column needs masking
        df["officer_name"] = pd.Series([mask_name(v) for v in df.officer_name], index=df.index,
                                       dtype=object)
    return df


def rule_counts(con: duckdb.DuckDBPyConnection, run_id: str, unit_id: str) -> pd.DataFrame:
    """Per ZF rule of the run, the unit's items, passed, violations and rate."""
    df = con.execute(
        """SELECT rule_id, sum(opportunities) AS items, sum(passed) AS passed,
                  sum(violations) AS violations,
                  sum(passed) / nullif(sum(passed) + sum(violations), 0) AS rate
           FROM rule_results WHERE run_id = ? AND unit_id = ? AND rule_id NOT LIKE 'DQ%'
           GROUP BY rule_id ORDER BY rule_id""", [run_id, unit_id]).df()
    df.insert(1, "rule_title", [rule_text(r)[0] for r in df.rule_id])
    return df


def units_to_notify(con: duckdb.DuckDBPyConnection, run_id: str, unit: str | None
                    ) -> list[tuple[str, str]]:
    """(unit_id, unit_name) of the units with violations in the run, or just `unit`."""
    rows = con.execute(
        """SELECT DISTINCT f.unit_id, coalesce(u.unit_name, f.unit_id) FROM findings AS f
           LEFT JOIN units AS u USING (unit_id)
           WHERE f.run_id = ? AND f.outcome = 'violation' AND f.rule_id NOT LIKE 'DQ%'
             AND f.unit_id IS NOT NULL AND (CAST(? AS VARCHAR) IS NULL OR f.unit_id = ?)
           ORDER BY 1""", [run_id, unit, unit]).fetchall()
    return [(str(a), str(b)) for a, b in rows]


def next_numbers(con: duckdb.DuckDBPyConnection, year: int, n: int) -> list[str]:
    """The next n notice ids of the year: TB2026-001, TB2026-002 …"""
    last = con.execute("SELECT count(*) FROM notices WHERE notice_id LIKE ?",
                       [f"TB{year}-%"]).fetchone()[0]
    return [f"TB{year}-{last + i:03d}" for i in range(1, n + 1)]


def attachment(violations: pd.DataFrame) -> pd.DataFrame:
    """The rows a unit answers, one per violation, with the response columns blank."""
    cols = {"finding_key": "问题编号", "rule_id": "规则", "rule_title": "规则名称",
            "case_id": "案件编号", "step_id": "环节编号", "media_id": "文件编号",
            "officer_name": "执法人员", "detail": "问题描述", "due_at": "期限",
            "observed_at": "实际时间"}
    out = violations[list(cols)].rename(columns=cols)
    for c in RESPONSE_COLUMNS:
        out[c] = ""
    return out


def response_choices(run: dict) -> dict[str, list[str]]:
    """The drop-downs: the response types, and the exception reasons the run's profile
    accepts for some rule (offering others would only invite `reason_not_allowed`)."""
    c = contract().codesets
    allowed = {r for rs in (recorded_profile(run).get("exception_reasons") or {}).values()
               for r in rs or []}
    reasons = [zh for code, zh in c["exception_reason"].items() if code in allowed]
    return {"反馈类型": list(c["response_type"].values()), **({"例外理由": reasons} if reasons else {})}


def write_attachment(path: Path, violations: pd.DataFrame, notice_no: str, run: dict) -> Path:
    about = pd.DataFrame({
        "项目": ["通报编号", "填写说明"],
        "内容": [notice_no,
               "每行一个问题，请勿改动“问题编号”。反馈类型选“已整改”“申请例外”或“有异议”；申请例外须选例外理由并在"
               "“整改情况”栏写明情况说明，理由为“法律、法规、规章另有规定”的须填依据文号；已整改的写明整改措施。"
               "反馈时间写到时分，如 2026-12-10 15:30。"],
    })
    return write_sheets({ATTACHMENT_SHEET: attachment(violations), "说明": about}, path,
                        choices={ATTACHMENT_SHEET: response_choices(run)},
                        title=f"{notice_no} 附件：整改反馈表")


def issue(con: duckdb.DuckDBPyConnection, run: dict, out: Path, unit: str | None,
          days: int | None, issued_on: dt.date, unmasked: bool, overwrite: bool) -> list[Notice]:
    """Write the notices of `run` into `out` and record them (the caller's write connection,
    one transaction: a notice not recorded leaves no file behind)."""
    from .notice_doc import write_notice

    days = rectification_days(run, days)
    due_on = issued_on + dt.timedelta(days=days)
    units = units_to_notify(con, run["run_id"], unit)
    ids = next_numbers(con, issued_on.year, len(units))
    prof = recorded_profile(run)
    bureau = str(prof.get("title") or run["profile"])
    period = label_zh(run["period_start"], run["period_end"])
    out.mkdir(parents=True, exist_ok=True)
    notices: list[Notice] = []
    written: list[Path] = []
    con.execute("BEGIN TRANSACTION")
    try:
        for nid, (uid, uname) in zip(ids, units, strict=True):
            v = unit_violations(con, run["run_id"], uid, unmasked)
            number = f"执法监督通报〔{issued_on.year}〕{int(nid.split('-')[1])}号"
            safe = re.sub(r'[\\/:*?"<>|\s]+', "_", uname)  # a unit name is no path
            docx = writable(out / f"{nid}-{safe}-通报.docx", overwrite)
            xlsx = writable(out / f"{nid}-{safe}-整改反馈表.xlsx", overwrite)
            write_notice(docx, bureau=bureau, unit_name=uname, number=number, period=period,
                         run=run, counts=rule_counts(con, run["run_id"], uid), violations=v,
                         due_on=due_on, issued_on=issued_on, attachment_name=xlsx.name)
            written.append(docx)
            write_attachment(xlsx, v, number, run)
            written.append(xlsx)
            con.execute("INSERT INTO notices VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                        [nid, number, run["run_id"], uid, issued_on, due_on, len(v), str(docx)])
            # one set-based insert (executemany costs a second per few thousand rows in DuckDB)
            items = pd.DataFrame({"notice_id": nid, "finding_key": v.finding_key.astype(object),
                                  "rule_id": v.rule_id.astype(object)})
            con.register("zf_notice_items", items)
            try:
                con.execute("INSERT INTO notice_items SELECT notice_id, finding_key, rule_id "
                            "FROM zf_notice_items")
            finally:
                con.unregister("zf_notice_items")
            notices.append(Notice(nid, number, uid, uname, len(v), docx, xlsx, due_on))
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        for p in written:
            p.unlink(missing_ok=True)
        raise
    return notices
