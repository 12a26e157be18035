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
    from IPython.display import HTML, display

    # no toolbar: a report is read and printed, not edited (issue 12)
    display(HTML(pio.to_html(fig, full_html=False, include_plotlyjs=False,
                             config={"displayModeBar": False})))


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
    fig = go.Figure(go.Bar(x=scores.score, y=names, orientation="h", text=scores.score))
    fig.update_layout(template=TEMPLATE, title="评议考核得分", xaxis_range=[0, 100], yaxis_autorange="reversed",
                      height=max(260, 40 * len(scores) + 120))
    return fig


def rule_heatmap(matrix: pd.DataFrame) -> go.Figure:
    """Unit × rule compliance (%); blank where the unit had no opportunity."""
    z = (matrix * 100).round(1)
    fig = go.Figure(go.Heatmap(
        z=z.values, x=list(z.columns), y=list(z.index), colorscale="RdYlGn", zmin=0, zmax=100,
        text=z.map(lambda v: "" if pd.isna(v) else f"{v:.0f}").values, texttemplate="%{text}",
        hovertemplate="%{y} %{x}: %{z}%<extra></extra>", colorbar_title="合规率%",
    ))
    fig.update_layout(template=TEMPLATE, title="单位 × 规则 合规率热力图", height=max(300, 36 * len(z) + 160))
    return fig


def trend_lines(trend: pd.DataFrame) -> go.Figure:
    fig = go.Figure()
    for label, g in trend.groupby("label", sort=False):
        fig.add_scatter(x=g.period, y=g.rate * 100, mode="lines+markers", name=label)
    low = _rate_floor(trend.rate)
    fig.update_layout(template=TEMPLATE, title="各期主要指标趋势（%）" + (f"（纵轴自 {low:.0f}% 起）" if low else ""),
                      yaxis_range=[low, 101 if low else 105], height=380, xaxis_type="category")
    return fig


def case_timeline(tl: dict) -> go.Figure:
    """Each step as a bar, its media segments under it; late uploads and gaps marked."""
    steps, media, gaps = tl["steps"], tl["media"], tl["gaps"]
    gap_steps = set(gaps.step_id)
    fig = go.Figure()
    rows: list[str] = []
    for s in steps.itertuples():
        row = f"{s.stage_zh} {s.step_id}"
        rows.append(row)
        end = s.ended_at if pd.notna(s.ended_at) else s.started_at + pd.Timedelta(minutes=1)
        fig.add_trace(go.Scatter(
            x=[s.started_at, end], y=[row, row], mode="lines",
            line={"width": 14, "color": "#d62728" if s.step_id in gap_steps else "#1f77b4"},
            name="环节", legendgroup="step", showlegend=len(rows) == 1,
            hovertext=f"{row}<br>在场人员：{s.officers or '无'}"
            + ("<br>记录中断" if s.step_id in gap_steps else ""), hoverinfo="text",
        ))
        seg = media[media.step_id == s.step_id]
        for m in seg.itertuples():
            _media_trace(fig, m, f"　└ 音像 {s.step_id}")
        for g0, g1 in _uncovered(s.started_at, end, seg[seg.kind != "photo"]):
            fig.add_trace(go.Scatter(
                x=[g0, g1], y=[f"　└ 音像 {s.step_id}"] * 2, mode="lines", line={"width": 4, "color": "#d62728",
                                                             "dash": "dot"},
                name="未录制时段", legendgroup="gap", showlegend=False, hoverinfo="text",
                hovertext=f"未录制：{g0:%H:%M:%S}–{g1:%H:%M:%S}",
            ))
    for m in media[~media.step_id.isin(steps.step_id)].itertuples():
        _media_trace(fig, m, "　└ 未关联环节的音像")
    fig.update_layout(
        template=TEMPLATE,
        title="案件时间线（蓝：环节；红：有中断违规的环节；红虚线：未录制时段；绿：音像；橙：上传超期）",
        height=max(300, 45 * (len(steps) + media.step_id.nunique()) + 160),
        yaxis={"autorange": "reversed", "type": "category"}, xaxis_type="date",
    )
    return fig


def _uncovered(start, end, seg: pd.DataFrame) -> list[tuple]:
    """Stretches of the step no video/audio covers (only drawn; ZF07 judges them)."""
    if seg.empty or pd.isna(start) or pd.isna(end):
        return []
    out, cursor = [], start
    for a, b in sorted(zip(seg.recorded_start, seg.recorded_end, strict=True)):
        if a > cursor:
            out.append((cursor, min(a, end)))
        cursor = max(cursor, b)
    if cursor < end:
        out.append((cursor, end))
    return [(a, b) for a, b in out if b > a]


def _media_trace(fig: go.Figure, m, row: str) -> None:
    late = bool(m.late_upload) if pd.notna(m.late_upload) else False
    end = m.recorded_end if m.recorded_end > m.recorded_start else m.recorded_start + pd.Timedelta(seconds=30)
    fig.add_trace(go.Scatter(
        x=[m.recorded_start, end], y=[row, row], mode="lines+markers",
        line={"width": 8, "color": "#ff7f0e" if late else "#2ca02c"},
        name="上传超期" if late else "音像记录", legendgroup="late" if late else "media",
        showlegend=False,
        hovertext=f"{m.media_id}（{m.kind}）持有人：{m.officer or '—'}<br>上传：{m.uploaded_at}"
        + ("<br>上传超期" if late else ""), hoverinfo="text",
    ))


def _pct(s: pd.Series) -> list[str]:
    return ["—" if pd.isna(v) else f"{v * 100:.1f}%" for v in s]
