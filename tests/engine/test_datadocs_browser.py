"""A run's Data Docs in a real headless Chromium, offline: the local stylesheet and script are
applied, the status icons are drawn, nothing is fetched from the network and the console stays
clean (tests/browser.py drives Chromium; screenshots go to test-artifacts/)."""

from __future__ import annotations

from browser import ARTIFACTS, needs_chromium, open_in_chromium

pytestmark = needs_chromium

GREEN, RED = "rgb(27, 127, 59)", "rgb(198, 40, 40)"

# what the stylesheet did, read from computed styles (shared by both pages)
STYLE_JS = """
  const cs = (el, pseudo) => getComputedStyle(el, pseudo || null);
  // (a file: stylesheet's rules are not readable from the page: computed styles tell instead)
  const sheets = [...document.styleSheets].map(s => s.href.split('/').slice(-3).join('/'));
  // a check is a filled circle in the text colour; a cross is two rotated bars
  const checks = [...document.querySelectorAll('.fa-check-circle')].map(i => ({
      fill: cs(i).backgroundColor, round: cs(i).borderRadius === '50%',
      mark: cs(i, '::after').borderRightColor, size: i.getBoundingClientRect().width}));
  const crosses = [...document.querySelectorAll('.fa-times')].map(i => ({
      bar: cs(i, '::before').backgroundColor, turned: cs(i, '::before').transform !== 'none',
      size: i.getBoundingClientRect().width}));
  const style = {sheets, checks, crosses, font: cs(document.body).fontFamily,
                 script: document.documentElement.classList.contains('zf-js')};
"""

INDEX_JS = """(() => {""" + STYLE_JS + """
  const rows = [...document.querySelectorAll('tr[data-rule]')].map(
      r => [...r.cells].slice(0, 3).map(c => c.innerText.trim()));
  const head = cs(document.querySelector('.zf-index thead th'));
  return JSON.stringify({...style, rows, headBackground: head.backgroundColor,
                         title: document.title});
})()"""

# the validation page: layout, then the collapse and the failed-only filter (each put back)
PAGE_JS = """(() => {""" + STYLE_JS + """
  const row = document.querySelector('.container-fluid > .row');
  const [side, main] = [...row.children].map(c => c.getBoundingClientRect());
  const shown = el => el.offsetParent !== null;
  const collapses = [...document.querySelectorAll('.collapse')];
  const closed = collapses.filter(shown).length;
  const toggle = document.querySelector('a[data-toggle="collapse"]');
  toggle.click();
  const opened = collapses.filter(shown).length;
  toggle.click();
  const statusRows = () => [...document.querySelectorAll('td .fas')].filter(shown).map(
      i => i.classList.contains('fa-times') ? 'x' : 'v').join('');
  const all = statusRows();
  hideSucceededValidations();
  const failedOnly = statusRows();
  showAllValidations();
  return JSON.stringify({...style, display: cs(row).display, side: side.width, main: main.width,
      sideBySide: Math.abs(side.top - main.top) < 1, collapses: collapses.length, closed, opened,
      all, failedOnly, again: statusRows(), banner: document.querySelector('.zf-banner h1').innerText,
      bannerBorder: cs(document.querySelector('.zf-banner')).borderLeftColor});
})()"""


def offline(state: dict) -> None:
    assert state["errors"] == []
    assert state["failed"] == []
    assert [u for u in state["requests"] if not u.startswith("file:")] == []


def test_index_renders_offline_in_chromium(zf01_docs):
    docs, _ = zf01_docs
    shot = ARTIFACTS / "datadocs-index.png"
    state = open_in_chromium(docs / "index.html", shot, INDEX_JS)
    offline(state)
    assert state["sheets"] == ["static/zfaudit/datadocs.css"]
    assert state["script"] is True
    assert state["font"].startswith('"PingFang SC", "Microsoft YaHei"')
    assert state["headBackground"] == "rgb(244, 246, 248)"
    assert state["rows"] == [["DQ01", "悬空引用", "成功"], ["DQ02", "时间矛盾", "成功"],
                             ["ZF01", "两名以上执法人员", "失败"]]
    assert state["checks"] == [{"fill": GREEN, "round": True, "mark": "rgb(255, 255, 255)",
                                "size": state["checks"][0]["size"]}] * 2
    assert state["crosses"] == [{"bar": RED, "turned": True, "size": state["crosses"][0]["size"]}]
    assert state["checks"][0]["size"] > 10 and state["crosses"][0]["size"] > 10
    assert state["title"] == "株洲市城市管理和综合执法局 2026年第三季度 规则校验明细"
    assert shot.stat().st_size > 10_000


def test_validation_page_renders_offline_in_chromium(zf01_docs):
    docs, _ = zf01_docs
    page = next((docs / "validations" / "zf01").rglob("*.html"))
    shot = ARTIFACTS / "datadocs-validation-zf01.png"
    state = open_in_chromium(page, shot, PAGE_JS)
    offline(state)
    assert state["sheets"] == ["static/zfaudit/datadocs.css"]
    assert state["script"] is True
    # Bootstrap's grid, locally: a narrow sidebar beside the results
    assert state["display"] == "flex" and state["sideBySide"] is True
    assert 0.15 < state["side"] / (state["side"] + state["main"]) < 0.25
    # 6 expectations met (green checks), 2 not (red crosses): the banner's, the overview's and
    # the table's icons
    assert len(state["checks"]) == 6 and {c["fill"] for c in state["checks"]} == {GREEN}
    assert len(state["crosses"]) == 4 and {c["bar"] for c in state["crosses"]} == {RED}
    assert all(c["turned"] for c in state["crosses"])
    assert state["banner"] == "ZF01 两名以上执法人员" and state["bannerBorder"] == RED
    # "更多信息" and the two SQL blocks start closed and open on a click (the local script)
    assert (state["collapses"], state["closed"], state["opened"]) == (3, 0, 1)
    # in table order: interface check, outcome ✓✓✗✗, rule_id, step_id ✓✓ — filtered: ✗✗
    assert state["all"] == "vvvxxvvv"
    assert state["failedOnly"] == "xx"
    assert state["again"] == state["all"]
    assert shot.stat().st_size > 10_000
