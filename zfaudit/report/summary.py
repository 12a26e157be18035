"""The plain-Chinese summary that opens the quarterly report (总体情况), written from the very
frames the report's sections show — so the summary can never disagree with its tables.
"""

from __future__ import annotations

import pandas as pd

from .display import esc, pct

# a rule "needs attention" below this rate, with at least this many items (fewer items make a
# rate of one violation in two look like a collapse: the score rule's min_items, RULES.md)
ATTENTION_RATE = 0.95
ATTENTION_SHOWN = 3


def summary_paragraphs(period_zh: str, rates: pd.DataFrame, scores: pd.DataFrame,
                       rules: pd.DataFrame, lifecycle: dict[str, int] | None,
                       min_items: float = 5, unit_name: str | None = None) -> list[str]:
    """Paragraphs: what was checked, the headline rates and their change, the scores, the
    rules and units that need attention, and the change against the previous run."""
    if rules.empty or _n(rules.opportunities.sum()) == 0:
        who = esc(unit_name) if unit_name else "各执法单位"
        return [f"本期（{period_zh}）{who}没有可检查的项目：各项规则均无检查项，以下各部分无数据。"]
    out = [_checked(period_zh, rules, scores, unit_name), _headline(rates)]
    if not unit_name and not scores.empty:
        out.append(_scores(scores))
    out.append(_attention(rules, min_items))
    if lifecycle:
        out.append(_lifecycle(lifecycle))
    return [p for p in out if p]


def _n(v) -> int:
    return 0 if v is None or pd.isna(v) else int(v)


def _checked(period_zh: str, rules: pd.DataFrame, scores: pd.DataFrame, unit_name: str | None) -> str:
    items, passed, viol = (_n(rules[c].sum()) for c in ("opportunities", "passed", "violations"))
    rest = {"提示": _n(rules.advisories.sum()), "待到期": _n(rules.pending.sum()),
            "未检查": _n(rules.not_checked.sum()), "例外": _n(rules.excused.sum())}
    rest_text = "、".join(f"{k} {v} 项" for k, v in rest.items() if v)
    who = esc(unit_name) if unit_name else (f" {len(scores)} 个执法单位" if len(scores) else "各执法单位")
    return (f"本期（{period_zh}）对{who}的行政执法全过程记录按 {len(rules)} 项规则进行了检查，"
            f"共检查 {items} 项，其中合规 {passed} 项、违规 {viol} 项"
            + (f"，另有{rest_text}" if rest_text else "") + "。")


def _headline(rates: pd.DataFrame) -> str:
    parts = []
    for r in rates.itertuples():
        if pd.isna(r.rate):
            continue
        text = f"{r.label} {pct(r.rate)}"
        if pd.notna(r.change):
            pts = r.change * 100
            text += ("，与上期持平" if abs(pts) < 0.05 else
                     f"，比上期{'上升' if pts > 0 else '下降'} {abs(pts):.1f} 个百分点")
        parts.append(text)
    return ("主要指标：" + "；".join(parts) + "。") if parts else ""


def _scores(scores: pd.DataFrame) -> str:
    s = scores.sort_values(["score", "unit_id"], ascending=[False, True], kind="stable")
    if len(s) == 1:
        return f"评议考核得分 {s.score.iloc[0]:.2f} 分。"
    best, worst = s.score.max(), s.score.min()

    def names(score: float) -> str:  # every unit at that score: a tie names them all
        return "、".join(name(r) for r in s[s.score == score].itertuples())

    text = (f"评议考核平均得分 {s.score.mean():.2f} 分，最高为{names(best)} {best:.2f} 分，"
            f"最低为{names(worst)} {worst:.2f} 分。")
    behind = s[s.score < s.score.mean() - 1].iloc[::-1]  # clearly under the mean, lowest first
    if len(behind):
        shown = behind.head(ATTENTION_SHOWN)
        more = f"等 {len(behind)} 个单位" if len(behind) > len(shown) else ""
        text += ("得分低于平均 1 分以上、需要关注的单位：" +
                 "、".join(f"{name(r)}（{r.score:.2f} 分）" for r in shown.itertuples()) + more + "。")
    return text


def name(r) -> str:
    return esc(r.unit_name if isinstance(r.unit_name, str) else r.unit_id)


def _attention(rules: pd.DataFrame, min_items: float) -> str:
    judged = rules[(rules.passed + rules.violations) >= min_items]
    weak = judged[judged.rate < ATTENTION_RATE].sort_values(["rate", "rule_id"])
    if weak.empty:
        return f"各项规则合规率均不低于 {ATTENTION_RATE:.0%}（检查项不少于 {min_items:g} 项的规则）。"
    shown = weak.head(ATTENTION_SHOWN)
    names = "；".join(f"{r.rule_id} {esc(r.title)}（{pct(r.rate)}，违规 {_n(r.violations)} 项）"
                     for r in shown.itertuples())
    more = f"等 {len(weak)} 项规则" if len(weak) > len(shown) else ""
    return f"需要关注：{names}{more}合规率低于 {ATTENTION_RATE:.0%}，详见第四部分和扣分明细。"


def _lifecycle(counts: dict[str, int]) -> str:
    labels = {"new": "新发现", "persisting": "持续存在", "rectified": "已整改", "excused": "予以例外",
              "gone": "不再列为违规"}
    parts = [f"{zh} {counts.get(k, 0)} 项" for k, zh in labels.items() if counts.get(k)]
    return ("与上一审计批次相比：" + "，".join(parts) + "。") if parts else ""
