"""The Word notice (通报) itself: python-docx, laid out after the official-document habit
(GB/T 9704: title in a heavy Song face, body in 仿宋 三号, headings 黑体, A4, signature and
date at the right)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd

from ..periods import date_zh
from ..wordfile import BODY_FONT, HEAD_FONT, TITLE_FONT, document, page_numbers, para, table

# A notice lists at most this many problems; the attachment always lists them all (a unit
# with thousands of violations gets a readable notice, and the full list to answer)
MAX_LISTED = 200


def _table(doc, df: pd.DataFrame, widths_cm: list[float]) -> None:
    table(doc, [str(c) for c in df.columns], list(df.itertuples(index=False, name=None)), widths_cm)


def _pct(v: object) -> str:
    return "—" if v is None or pd.isna(v) else f"{float(v) * 100:.1f}%"


def write_notice(path: Path, *, bureau: str, unit_name: str, number: str, period: str, run: dict,
                 counts: pd.DataFrame, violations: pd.DataFrame, due_on: dt.date,
                 issued_on: dt.date, attachment_name: str) -> Path:
    doc = document()
    page_numbers(doc)
    para(doc, f"关于{unit_name}{period}执法全过程记录检查情况的通报", TITLE_FONT, 22,
          align="center")
    para(doc, number, BODY_FONT, 16, align="center")
    para(doc, f"{unit_name}：", indent=False)
    as_of = pd.Timestamp(run["as_of"])
    total_items, total_v = int(counts["items"].fillna(0).sum()), int(counts["violations"].fillna(0).sum())
    para(doc, f"按照{bureau}行政执法全过程记录检查安排，我科对你单位{period}的行政执法全过程记录情况"
               f"进行了检查（各项期限判断截至{date_zh(as_of)}{as_of:%H:%M}）。现将检查情况通报如下。")
    para(doc, "一、总体情况", HEAD_FONT, 16)
    total_p = int(counts["passed"].sum())
    para(doc, f"共检查 {total_items} 项，其中合规 {total_p} 项、违规 {total_v} 项（其余为待到期、"
               "未检查或予以例外的项目）。各项规则情况见下表。")
    counts = counts.assign(**{c: counts[c].fillna(0).astype(int)
                              for c in ("items", "passed", "violations")})
    summary = counts.assign(rate=counts.rate.map(_pct))[
        ["rule_id", "rule_title", "items", "passed", "violations", "rate"]]
    summary.columns = ["规则", "检查内容", "检查项", "合规", "违规", "合规率"]
    _table(doc, summary, [1.6, 5.4, 1.9, 1.9, 1.9, 2.2])
    para(doc, "二、存在的问题", HEAD_FONT, 16)
    shown = violations.head(MAX_LISTED)
    more = len(violations) - len(shown)
    para(doc, f"检查发现以下 {len(violations)} 项问题（问题编号用于整改反馈，请勿改动）"
               + (f"，下表列出前 {len(shown)} 项，全部问题见附件：" if more else "："))
    rows = shown.assign(seq=range(1, len(shown) + 1))[
        ["seq", "finding_key", "rule_title", "detail", "officer_name"]]
    rows.columns = ["序号", "问题编号", "规则", "问题描述", "执法人员"]
    _table(doc, rows, [1.2, 4.0, 2.8, 5.8, 1.8])
    para(doc, "三、整改要求", HEAD_FONT, 16)
    para(doc, f"请你单位于{date_zh(due_on)}前完成整改，并在附件《整改反馈表》中逐条反馈：已整改的，写明"
               "整改措施；确因客观原因无法记录、需申请例外的，选择例外理由并写明情况说明，经审批后予以认定；"
               "有异议的，写明理由。逾期未反馈的，按未整改处理。")
    para(doc, f"附件：{attachment_name}")
    para(doc, f"（本通报依据审计批次 {run['run_id']}，可复核。）", size=12)
    para(doc, "", indent=False)
    para(doc, f"{bureau}法规科", align="right")
    para(doc, date_zh(issued_on), align="right")
    doc.core_properties.title = f"{unit_name}执法全过程记录检查情况通报"
    doc.core_properties.author = bureau
    doc.save(str(path))
    return path
