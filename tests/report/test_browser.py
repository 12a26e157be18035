"""The rendered reports in a real headless Chromium, offline: every chart draws, the console
stays clean, and nothing is fetched from the network (tests/browser.py drives Chromium).
"""

from __future__ import annotations

import pytest
from browser import ARTIFACTS, needs_chromium, open_in_chromium

pytestmark = needs_chromium

# Plots, and plots that actually drew their SVG and data traces (a heat map is an <image>).
COUNT_JS = """(() => {
  const plots = [...document.querySelectorAll('.js-plotly-plot')];
  const drawn = plots.filter(p => [...p.querySelectorAll('svg.main-svg')]
      .some(s => s.childElementCount > 0)
      && p.querySelectorAll('.trace, .hm image').length > 0);  // traces (or heat map) drawn
  return JSON.stringify({plots: plots.length, drawn: drawn.length,
      text: document.body.innerText.slice(0, 20000)});
})()"""

EXPECTED_PLOTS = {"quarterly": 4, "case": 1, "spot-check": 0}


@pytest.mark.parametrize("kind", ["quarterly", "case", "spot-check"])
def test_report_renders_offline_in_chromium(rendered, kind):
    # plotly draws asynchronously after load: wait until every plot has drawn
    state = open_in_chromium(rendered[kind], ARTIFACTS / f"report-{kind}.png", COUNT_JS,
                             ready=lambda s: s["plots"] == s["drawn"])
    # every chart of the notebook is there and has drawn its SVG
    assert state["plots"] == EXPECTED_PLOTS[kind]
    assert state["drawn"] == state["plots"]
    assert state["errors"] == []
    # nothing but the file itself (and inline data:/blob: resources) was requested
    external = [u for u in state["requests"] if not u.startswith(("file:", "data:", "blob:"))]
    assert external == []
    assert state["failed"] == []
    # the Chinese text arrived as text (UTF-8), not mojibake
    title = {"quarterly": "评议考核报告", "case": "案件复查", "spot-check": "音像记录回放抽查"}[kind]
    assert title in state["text"]
    assert (ARTIFACTS / f"report-{kind}.png").stat().st_size > 10_000
