"""The index of an audit run's Data Docs, and the banner of each of its pages, in Chinese.

GX's own index lists validation runs by timestamp and suite id through Bootstrap-Table
JavaScript from a CDN; a bureau's reader looks for a rule by its number and title and wants its
verdict. This index is a static table, one row per rule in the order the audit ran them.
"""

from __future__ import annotations

import datetime as dt
import html
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import quote

from ...periods import Period, date_zh, label_zh
from .pages import BRAND, STATIC

if TYPE_CHECKING:
    from ..gx import RuleVerdict

VERDICT_ZH = {True: "成功", False: "失败"}
NOTE = ("“校验结论”是 Great Expectations 对该规则检查项表的结论：全部期望均满足为“成功”；"
        "有任何审计发现（违规、提示、待到期、未检查或例外项）时“每项均合规”这一期望未满足，即为"
        "“失败”，违规与否以“其中违规”列为准。检查项、审计发现与违规数即本次运行记录的结果，"
        "逐项明细见各规则的校验结果页。数据质量检查（DQ）不计分。")


@dataclass(frozen=True)
class DocsRun:
    """What the Data Docs of one audit run say about it."""

    run_id: str
    bureau: str  # the profile's title (株洲市城市管理和综合执法局)
    profile: str
    period: Period
    as_of: dt.datetime
    verdicts: tuple[RuleVerdict, ...]  # in the order the audit ran the rules

    @property
    def period_zh(self) -> str:
        return label_zh(self.period.start, self.period.end)


@dataclass(frozen=True)
class RuleRow:
    """One rule of the run as its Data Docs show it."""

    rule_id: str
    title: str
    is_dq: bool
    success: bool  # GX's verdict on the suite (the page's status)
    evaluated: int  # expectations evaluated
    successful: int
    items: int
    findings: int
    violations: int
    validation: str | None  # page paths relative to the Data Docs root
    suite: str | None


def rule_rows(run: DocsRun, root: Path) -> list[RuleRow]:
    rows = []
    for v in run.verdicts:
        result = v.validation_result
        stats = result.statistics
        suite = result.suite_name
        # GX files a validation under suite / run name / run time / batch id
        pages = sorted((root / "validations" / suite / run.run_id).glob("*/*.html"))
        suite_page = root / "expectations" / f"{suite}.html"
        rows.append(RuleRow(
            rule_id=v.rule.rule_id, title=v.rule.title_zh, is_dq=v.rule.is_dq,
            success=bool(result.success),
            evaluated=int(stats.get("evaluated_expectations") or 0),
            successful=int(stats.get("successful_expectations") or 0),
            items=v.element_count, findings=v.unexpected_count, violations=v.violation_count,
            validation=pages[-1].relative_to(root).as_posix() if pages else None,
            suite=suite_page.relative_to(root).as_posix() if suite_page.is_file() else None,
        ))
    return rows


def _verdict(success: bool) -> str:
    cls, icon = ("zf-pass", "fa-check-circle text-success") if success else (
        "zf-fail", "fa-times text-danger")
    return (f'<span class="zf-verdict {cls}"><i class="fas {icon}" aria-hidden="true"></i>'
            f"{VERDICT_ZH[success]}</span>")


def _link(path: str | None, text: str, up: str = "") -> str:
    if path is None:
        return html.escape(text)
    return f'<a href="{up}{quote(path)}">{html.escape(text)}</a>'


def _when(t: dt.datetime) -> str:
    return f"{date_zh(t)} {t:%H:%M}"


def _run_line(run: DocsRun) -> str:
    return (f"运行编号 {html.escape(run.run_id)} · 审计期间 {html.escape(run.period_zh)} · "
            f"审计时点 {_when(run.as_of)}")


def validation_banner(row: RuleRow, run: DocsRun) -> str:
    """The heading of a rule's validation page: the rule, its verdict and the run."""
    cls = "zf-pass" if row.success else "zf-fail"
    return (
        f'<div class="zf-banner {cls}"><h1>{row.rule_id} {html.escape(row.title)}</h1>'
        f"<p>校验结论：{_verdict(row.success)} · 检查项 {row.items} 项，审计发现 "
        f"{row.findings} 项（其中违规 {row.violations} 项） · 满足期望 {row.successful}/"
        f"{row.evaluated}</p><p>{_run_line(run)}</p></div>"
    )


def suite_banner(row: RuleRow) -> str:
    """The heading of a rule's expectation suite page."""
    return (f'<div class="zf-banner"><h1>{row.rule_id} {html.escape(row.title)}</h1>'
            "<p>期望集：本规则的检查项表须满足的校验条件（与运行无关）。</p></div>")


def index_html(run: DocsRun, rows: list[RuleRow]) -> str:
    failed = sum(not r.success for r in rows)
    title = f"{run.bureau} {run.period_zh} 规则校验明细"
    last = run.period.end - dt.timedelta(seconds=1)
    body_rows = []
    for group, dq in (("数据质量检查（不计分）", True), ("执法全过程记录规则", False)):
        members = [r for r in rows if r.is_dq == dq]
        if not members:
            continue
        body_rows.append(f'<tr class="zf-group"><td colspan="8">{group}</td></tr>')
        for r in members:
            body_rows.append(
                f'<tr data-rule="{r.rule_id}"><td class="zf-id">{r.rule_id}</td>'
                f"<td>{_link(r.validation, r.title)}</td><td>{_verdict(r.success)}</td>"
                f'<td class="zf-num">{r.items}</td><td class="zf-num">{r.findings}</td>'
                f'<td class="zf-num">{r.violations}</td>'
                f'<td class="zf-num">{r.successful}/{r.evaluated}</td>'
                f"<td>{_link(r.suite, '期望集')}</td></tr>"
            )
    return f"""<!DOCTYPE html>
<html lang="zh-CN">
<head>
<meta charset="UTF-8">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<title>{html.escape(title)}</title>
<link rel="icon" href="static/images/favicon.ico" type="image/x-icon">
<link rel="stylesheet" href="{STATIC}/datadocs.css">
<script src="{STATIC}/datadocs.js"></script>
</head>
<body>
<nav class="navbar sticky-top border-bottom">{BRAND}</nav>
<main class="zf-main">
<h1>{html.escape(title)}</h1>
<table class="zf-run"><tbody>
<tr><th>执法机关</th><td>{html.escape(run.bureau)}（配置 {html.escape(run.profile)}）</td></tr>
<tr><th>审计期间</th><td>{html.escape(run.period_zh)}（{date_zh(run.period.start)}至{date_zh(last)}）</td></tr>
<tr><th>审计时点</th><td>{_when(run.as_of)}</td></tr>
<tr><th>运行编号</th><td>{html.escape(run.run_id)}</td></tr>
<tr><th>校验结论</th><td>共 {len(rows)} 条规则：成功 {len(rows) - failed} 条，失败 {failed} 条</td></tr>
</tbody></table>
<table class="table zf-index">
<thead><tr><th>规则编号</th><th>规则名称（校验结果）</th><th>校验结论</th><th class="zf-num">检查项</th>
<th class="zf-num">审计发现</th><th class="zf-num">其中违规</th><th class="zf-num">满足期望</th>
<th>期望集</th></tr></thead>
<tbody>
{chr(10).join(body_rows)}
</tbody></table>
<p class="zf-note">{NOTE}</p>
<p class="zf-note">本目录可离线打开，不从网络加载任何内容；所用资源及其许可见
<a href="{STATIC}/LICENSES.txt">资源许可说明</a>。</p>
</main>
</body>
</html>
"""
