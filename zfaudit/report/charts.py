"""Plotly charts of the report notebooks (Chinese labels, CJK fonts, offline rendering).

Nothing here changes plotly's global defaults: each figure carries TEMPLATE itself; `init()`
puts plotly.js inline in its own cell output and `show(fig)` embeds a figure as HTML that
uses it, so nbconvert's HTML shows the charts with no network — an analyst's own plotly
settings are left as they were, and re-running a chart cell never loses plotly.js.
"""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go
import plotly.io as pio

# Fonts that carry CJK glyphs on Windows, macOS and Linux; the browser takes the first it has.
CJK_FONTS = (
    '"Microsoft YaHei", "PingFang SC", "Hiragino Sans GB", "Noto Sans CJK SC", '
    '"Source Han Sans SC", "WenQuanYi Micro Hei", "SimHei", sans-serif'
)


def _template() -> go.layout.Template:
    tpl = go.layout.Template(pio.templates["plotly_white"])
    tpl.layout.font.family = CJK_FONTS
    return tpl


TEMPLATE = _template()  # plotly_white with the CJK font stack; pass as template=TEMPLATE


def init() -> None:
    """Put plotly.js (inline, no network) into this cell's output, once per notebook, before
    any `show`: what plotly's `notebook` renderer does when it becomes the default, without
    making it the default."""
    from IPython.display import HTML, display
    from plotly.offline import get_plotlyjs

    display(HTML(f'<script type="text/javascript">{get_plotlyjs()}</script>'))


def show(fig: go.Figure) -> None:
    """Display a figure as HTML that draws with the plotly.js of `init()`."""
    from IPython.display import display

    from .display import CHART_MIME

    # no toolbar: a report is read and printed, not edited (issue 12). The chart mime entry
    # tells the Word report a figure stands here (its picture is taken from the HTML).
    title = fig.layout.title.text or ""
    display({"text/html": pio.to_html(fig, full_html=False, include_plotlyjs=False,
                                      config={"displayModeBar": False}),
             CHART_MIME: {"title": title}}, raw=True)


def _rate_floor(*series: pd.Series) -> float:
    """The lower end of a rate axis: 5 points under the lowest rate shown, in steps of 5, so
    rates of 94–98 % are not flattened against a 0–100 axis (0 when a rate is low anyway)."""
    vals = pd.concat([s.dropna() * 100 for s in series])
    if vals.empty:
        return 0.0
    return max(0.0, (float(vals.min()) - 5) // 5 * 5)


def headline_bars(rates: pd.DataFrame) -> go.Figure:
    """The five headline rates, this period against the previous one."""
    fig = go.Figure()
    fig.add_bar(x=rates.label, y=rates.rate * 100, name="本期", text=_pct(rates.rate),
                textposition="outside")
    if rates.prev_rate.notna().any():
        fig.add_bar(x=rates.label, y=rates.prev_rate * 100, name="上期",
                    text=_pct(rates.prev_rate), textposition="outside")
    low = _rate_floor(rates.rate, rates.prev_rate)
    fig.update_layout(template=TEMPLATE, title="主要指标（%）" + (f"（纵轴自 {low:.0f}% 起）" if low else ""),
                      yaxis_range=[low, 102 if low else 110], barmode="group", height=380)
    return fig


def score_bars(scores: pd.DataFrame) -> go.Figure:
    names = scores.unit_name.fillna(scores.unit_id)
    fig = go.Figure(go.Bar(x=scores.score, y=names, orientation="h",
                           text=[f"{v:.2f}" for v in scores.score]))  # as the table: 96.00
    fig.update_layout(template=TEMPLATE, title="评议考核得分", xaxis_range=[0, 100], yaxis_autorange="reversed",
                      height=max(260, 40 * len(scores) + 120))
    return fig


def rule_heatmap(cells: pd.DataFrame, min_items: float = 5) -> go.Figure:
    """Unit × rule compliance (%). Only a pair with at least `min_items` items is coloured by
    its rate; a pair with fewer is grey and shows its counts (违规/检查项), so one violation in
    two items does not paint a red cell (the score rule's min_items, RULES.md)."""
    if cells.empty:
        return go.Figure().update_layout(template=TEMPLATE, title="单位 × 规则 合规率（无检查项）")
    items = cells.passed + cells.violations
    ticks = sorted(cells.rule_id.unique())
    labels = dict(zip(cells.rule_id, cells.title, strict=False))
    units = sorted(cells.unit.unique())

    def grid(frame: pd.DataFrame, values: pd.Series) -> pd.DataFrame:
        return (frame.assign(v=values).pivot(index="unit", columns="rule_id", values="v")
                .reindex(index=units, columns=ticks))

    full = cells[items >= min_items]
    few = cells[items < min_items]
    rate = grid(full, (full.rate * 100).round(1))
    text = grid(full, [f"{v * 100:.0f}" for v in full.rate])
    few_text = grid(few, [f"{int(v)}/{int(p + v)}" for p, v in zip(few.passed, few.violations, strict=True)])
    fig = go.Figure()
    fig.add_trace(go.Heatmap(
        z=grid(few, pd.Series(1.0, index=few.index)).values, x=ticks, y=units,
        colorscale=[[0, "#e3e3e3"], [1, "#e3e3e3"]], showscale=False, text=few_text.astype(object).fillna("").values,
        texttemplate="%{text}", hovertemplate="%{y} %{x}：违规/检查项 %{text}（项数过少，不着色）<extra></extra>",
    ))
    fig.add_trace(go.Heatmap(
        # 80–100: where a bureau's rates lie; 95 and 100 must not look alike (below 80: dark red)
        z=rate.values, x=ticks, y=units, colorscale="RdYlGn", zmin=HEAT_FLOOR, zmax=100,
        text=text.astype(object).fillna("").values, texttemplate="%{text}", colorbar_title="合规率%",
        hovertemplate="%{y} %{x}: %{z}%<extra></extra>",
    ))
    fig.update_layout(
        template=TEMPLATE, title=f"单位 × 规则 合规率（%；灰色：检查项少于 {min_items:g} 项，显示 违规/检查项）",
        height=max(360, 36 * len(units) + 260), margin={"b": 170},
        xaxis={"tickangle": -90, "tickvals": ticks,
               "ticktext": [f"{r} {_short(labels.get(r, ''))}" for r in ticks]},
        yaxis={"autorange": "reversed"},
    )
    return fig


HEAT_FLOOR = 80


def _short(title: str, n: int = 9) -> str:
    return title if len(title) <= n else title[: n - 1] + "…"


def trend_lines(trend: pd.DataFrame) -> go.Figure:
    """Headline rates per audited period; a period judged before it ended is drawn hollow and
    dotted, and named so (its pending items have not fallen due yet)."""
    fig = go.Figure()
    for label, g in trend.groupby("label", sort=False):
        done = g[~g.unfinished] if "unfinished" in g else g
        fig.add_scatter(x=done.period, y=done.rate * 100, mode="lines+markers", name=label,
                        legendgroup=label)
        open_ = g[g.unfinished] if "unfinished" in g else g.iloc[0:0]
        if len(open_):
            tail = pd.concat([done.tail(1), open_])
            fig.add_scatter(x=tail.period, y=tail.rate * 100, mode="lines+markers", name=label,
                            legendgroup=label, showlegend=False, line={"dash": "dot"},
                            marker={"symbol": "circle-open", "size": 9})
    low = _rate_floor(trend.rate)
    unfinished = bool(trend.get("unfinished", pd.Series(dtype=bool)).any())
    fig.update_layout(template=TEMPLATE,
                      title="各期主要指标趋势（%）" + (f"（纵轴自 {low:.0f}% 起）" if low else "")
                      + ("（空心点：期间未结束）" if unfinished else ""),
                      yaxis_range=[low, 101 if low else 105], height=380, xaxis_type="category")
    return fig


def case_timeline(tl: dict) -> go.Figure:
    """One lane per step and one for its media, on a time axis with Chinese dates. Steps last
    minutes and cases weeks, so every bar is drawn at least MIN_SHARE of the axis wide (its
    true times are in the hover and the table); media are marks at their recording, with a
    line to their upload — orange when ZF04 found it late; red: a step with a ZF07 gap."""
    steps, media, gaps = tl["steps"], tl["media"], tl["gaps"]
    gap_steps = set(gaps.step_id)
    kind_zh = _codes("media_kind")
    times = pd.concat([steps.started_at, steps.ended_at, media.recorded_start, media.uploaded_at]).dropna()
    if times.empty:
        return go.Figure().update_layout(template=TEMPLATE, title="案件时间线（无环节与音像）")
    span = max(times.max() - times.min(), pd.Timedelta(hours=1))
    least = span * MIN_SHARE
    fig = go.Figure()
    lanes: list[str] = []
    legend: set[str] = set()

    def once(name: str) -> bool:
        first = name not in legend
        legend.add(name)
        return first

    for s in steps.itertuples():
        lane = f"{s.stage_zh} {s.step_id}"
        lanes.append(lane)
        start = s.started_at
        if pd.isna(start):
            continue
        end = s.ended_at if pd.notna(s.ended_at) else start
        gap = s.step_id in gap_steps
        name = "有中断违规的环节" if gap else "执法环节"
        fig.add_bar(
            base=[start], x=[max(end - start, least).total_seconds() * 1000], y=[lane], orientation="h",
            marker_color="#d62728" if gap else "#1f77b4", name=name, legendgroup=name,
            showlegend=once(name), width=0.6,
            hovertext=f"{lane}<br>{_when(start)} 至 {_when(end)}<br>在场人员：{s.officers or '无'}"
            + ("<br>记录中断（ZF07）" if gap else ""), hoverinfo="text",
        )
        seg = media[media.step_id == s.step_id]
        if len(seg):
            lanes.append(f"　音像 {s.step_id}")
            _media_marks(fig, seg, lanes[-1], kind_zh, once)
    loose = media[~media.step_id.isin(steps.step_id)]
    if len(loose):
        lanes.append("　未关联环节的音像")
        _media_marks(fig, loose, lanes[-1], kind_zh, once)
    fig.update_layout(
        template=TEMPLATE, title="案件时间线（环节条带的最小宽度为便于辨认而放大，准确时间见下表）",
        height=max(320, 34 * len(lanes) + 180), barmode="overlay", bargap=0.3,
        yaxis={"autorange": "reversed", "type": "category", "categoryorder": "array",
               "categoryarray": lanes},
        # days on a long case, hours on a case of one day
        xaxis={"type": "date", "hoverformat": "%Y年%m月%d日 %H:%M",
               "tickformat": "%m月%d日" if span > pd.Timedelta(days=2) else "%m月%d日<br>%H:%M"},
        legend={"orientation": "h", "y": -0.18}, margin={"l": 150},
    )
    return fig


MIN_SHARE = 0.012  # the narrowest a step is drawn: 1.2 % of the axis


def _media_marks(fig: go.Figure, seg: pd.DataFrame, lane: str, kind_zh: dict, once) -> None:
    for m in seg.itertuples():
        late = bool(m.late_upload) if pd.notna(m.late_upload) else False
        kind = kind_zh.get(m.kind, m.kind)
        name = "上传超期（ZF04）" if late else "音像记录"
        color = "#ff7f0e" if late else "#2ca02c"
        text = (f"{m.media_id}（{kind}）持有人：{m.officer or '—'}<br>拍摄：{_when(m.recorded_start)}"
                f"<br>上传：{_when(m.uploaded_at)}" + _delay(m.recorded_end, m.uploaded_at)
                + ("<br>上传超期" if late else ""))
        fig.add_scatter(x=[m.recorded_start], y=[lane], mode="markers", name=name, legendgroup=name,
                        showlegend=once(name), marker={"symbol": "diamond", "size": 11, "color": color},
                        hovertext=text, hoverinfo="text")
        if pd.notna(m.uploaded_at) and pd.notna(m.recorded_end):
            fig.add_scatter(x=[m.recorded_end, m.uploaded_at], y=[lane, lane], mode="lines+markers",
                            line={"color": color, "dash": "dot", "width": 2},
                            marker={"symbol": ["line-ns", "triangle-up"], "size": [1, 10], "color": color},
                            name="上传" if not late else name, legendgroup=name, showlegend=False,
                            hovertext=text, hoverinfo="text")


def _when(t) -> str:
    return "—" if t is None or pd.isna(t) else f"{pd.Timestamp(t):%Y年%m月%d日 %H:%M}"


def _delay(recorded_end, uploaded_at) -> str:
    if pd.isna(recorded_end) or pd.isna(uploaded_at):
        return ""
    h = (pd.Timestamp(uploaded_at) - pd.Timestamp(recorded_end)).total_seconds() / 3600
    return f"（拍摄结束后 {h / 24:.1f} 天）" if h >= 48 else f"（拍摄结束后 {h:.1f} 小时）"


def _codes(name: str) -> dict:
    from ..contract import contract

    return contract().codesets.get(name, {})


def _pct(s: pd.Series) -> list[str]:
    return ["—" if pd.isna(v) else f"{v * 100:.1f}%" for v in s]
