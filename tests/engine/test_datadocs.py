"""Data Docs of a run: GX's pages with local assets, Chinese labels and a Chinese index, no GX
footer, and nothing that refers outside the machine (tests/engine/test_datadocs_browser.py
opens them in Chromium)."""

from __future__ import annotations

import html
import re

from zfaudit.engine.datadocs import sanitize_text
from zfaudit.engine.datadocs.pages import translate

URL = re.compile(rb"https?://[^\s\"'<>)]*", re.I)
ALLOWED = (b"http://localhost",)
LOCAL_REF = re.compile(r"\b(?:href|src)=\"(?!#|[a-z]+:)([^\"#]+)", re.I)


def external_urls(root) -> dict[str, list[bytes]]:
    """Every http(s) URL in every file under root (binary files too), except localhost."""
    out = {}
    for path in sorted(p for p in root.rglob("*") if p.is_file()):
        bad = [u for u in URL.findall(path.read_bytes()) if not u.startswith(ALLOWED)]
        if bad:
            out[str(path.relative_to(root))] = bad
    return out


def pages(docs) -> dict[str, str]:
    return {p.relative_to(docs).as_posix(): p.read_text("utf-8") for p in sorted(docs.rglob("*.html"))}


def text_of(fragment: str) -> str:
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", fragment)).split())


def test_docs_for_a_run_are_offline(zf01_docs):
    docs, run_id = zf01_docs
    names = sorted(pages(docs))
    validations = [p for p in names if p.startswith("validations/")]
    # one validation page per rule of the run, filed under the run id, and one suite page each
    assert [p.split("/")[1] for p in validations] == ["dq01", "dq02", "zf01"]
    assert all(p.split("/")[2] == run_id for p in validations)
    assert [p for p in names if not p.startswith("validations/")] == [
        "expectations/dq01.html", "expectations/dq02.html", "expectations/zf01.html", "index.html"]
    assert external_urls(docs) == {}


def test_pages_use_local_assets_that_exist(zf01_docs):
    docs, _ = zf01_docs
    # GX's 4 MB static folder is cut to what the pages use, plus zfaudit's assets
    assert sorted(p.relative_to(docs).as_posix() for p in (docs / "static").rglob("*") if p.is_file()) \
        == ["static/images/favicon.ico", "static/zfaudit/LICENSES.txt",
            "static/zfaudit/datadocs.css", "static/zfaudit/datadocs.js"]
    for name, text in pages(docs).items():
        up = "../" * name.count("/")
        assert f'<link rel="stylesheet" href="{up}static/zfaudit/datadocs.css">' in text, name
        # the one script and the one stylesheet of every page are zfaudit's (GX's need jQuery)
        assert re.findall(r"<script\b[^>]*>", text) == [f'<script src="{up}static/zfaudit/datadocs.js">']
        assert re.findall(r"<link\b[^>]*stylesheet[^>]*>", text) == [
            f'<link rel="stylesheet" href="{up}static/zfaudit/datadocs.css">']
        assert "<style" not in text and 'lang="zh-CN"' in text
        refs = LOCAL_REF.findall(text)
        missing = [r for r in refs if not (docs / name).parent.joinpath(r).resolve().is_file()]
        assert missing == [], name
    # the stylesheet draws the status icons GX marks with Font Awesome classes
    css = (docs / "static/zfaudit/datadocs.css").read_text("utf-8")
    assert ".fa-check-circle {" in css and ".fa-times::before" in css and "@font-face" not in css


def test_no_gx_footer_or_logo_on_any_page(zf01_docs):
    docs, _ = zf01_docs
    for name, text in pages(docs).items():
        for gx in ("<footer", "newsletter", "Subscribe", "Stay current", "ge-cta-footer",
                   "To continue exploring", "How to Create Expectations", "Learn more",
                   'alt="Great Expectations"', "ge-walkthrough-modal"):
            assert gx not in text, (name, gx)


def test_index_lists_each_rule_with_title_verdict_and_run(zf01_docs):
    docs, run_id = zf01_docs
    index = (docs / "index.html").read_text("utf-8")
    rows = re.findall(r'<tr data-rule="(\w+)">(.*?)</tr>', index, re.S)
    cells = {rid: [text_of(c) for c in re.findall(r"<td\b[^>]*>(.*?)</td>", row, re.S)]
             for rid, row in rows}
    # rule id, Chinese title, verdict, items, findings, violations, expectations met, suite
    # (items as rule_results records them: DQ01 7 in U1 + 2 in U2, DQ02 3 + 1)
    assert cells == {
        "DQ01": ["DQ01", "悬空引用", "成功", "9", "0", "0", "7/7", "期望集"],
        "DQ02": ["DQ02", "时间矛盾", "成功", "4", "0", "0", "7/7", "期望集"],
        "ZF01": ["ZF01", "两名以上执法人员", "失败", "3", "2", "2", "6/8", "期望集"],
    }
    # each title links its validation page, each suite link its suite page
    links = re.findall(r'<tr data-rule="(\w+)">.*?<a href="([^"]+)">.*?<a href="([^"]+)">', index, re.S)
    assert [(rid, v.split("/")[:3], s) for rid, v, s in links] == [
        (rid, ["validations", rid.lower(), run_id], f"expectations/{rid.lower()}.html")
        for rid in ("DQ01", "DQ02", "ZF01")]
    run = dict(re.findall(r"<tr><th>(.*?)</th><td>(.*?)</td></tr>", index))
    assert run == {
        "执法机关": "株洲市城市管理和综合执法局（配置 test_bureau）",
        "审计期间": "2026年第三季度（2026年7月1日至2026年9月30日）",
        "审计时点": "2026年10月20日 10:00",
        "运行编号": run_id,
        "校验结论": "共 3 条规则：成功 2 条，失败 1 条",
    }
    assert "<title>株洲市城市管理和综合执法局 2026年第三季度 规则校验明细</title>" in index


def test_validation_page_has_a_chinese_banner_and_labels(zf01_docs):
    docs, run_id = zf01_docs
    name, page = next((n, t) for n, t in pages(docs).items() if "/zf01/" in n)
    banner = text_of(re.search(r'<div class="zf-banner zf-fail">(.*?)</div>', page, re.S).group(1))
    assert banner == (
        "ZF01 两名以上执法人员 校验结论： 失败 · 检查项 3 项，审计发现 2 项（其中违规 2 项） · "
        f"满足期望 6/8 运行编号 {run_id} · 审计期间 2026年第三季度 · 审计时点 2026年10月20日 10:00")
    assert "<title>ZF01 两名以上执法人员 · 校验结果</title>" in page
    body = text_of(page.split("<body>", 1)[1])
    for zh in ("首页", "概览", "校验结论： 失败", "期望数 8 已满足 6 未满足 2 满足比例 75%", "目录",
               "全部", "仅未满足", "发现 2 项不符合，占全部 3 行的 ≈66.67%。", "outcome（结果）",
               "step_id（环节编号）", "查询全部不符合项的 SQL", "无违规项 / no item is a violation"):
        assert zh in body, zh
    for en in ("Overview", "Show All", "Failed Only", "Table of Contents", "Status", "Observed Value",
               "unexpected values found", "Show more info", "Home"):
        assert en not in body, en
    # the status icons: GX's Font Awesome markup, drawn by the local stylesheet
    assert page.count('<i class="fas fa-check-circle text-success" ></i>') == 6
    assert page.count('<i class="fas fa-times text-danger" ></i>') == 2


def test_translate_changes_whole_gx_text_nodes_only():
    assert translate("<th\n>\n  Status\n</th>") == "<th\n>\n  状态\n</th>"
    assert translate("<td>Status of S1</td><td>S2</td>") == "<td>Status of S1</td><td>S2</td>"
    assert translate("<td>violation</td><th>step_id</th>") == \
        "<td>violation（违规）</td><th>step_id（环节编号）</th>"
    assert translate("<strong>3 unexpected values found. 100% of 3 total rows.</strong>") == \
        "<strong>发现 3 项不符合，占全部 3 行的 100%。</strong>"


def test_sanitize_strips_cdn_assets_logo_and_links():
    page = (
        '<html><head><link rel="stylesheet" href="https://maxcdn.bootstrapcdn.com/b.css"/>'
        '<script src="https://code.jquery.com/jquery-3.7.1.min.js"></script>'
        '<link href="./static/styles/local.css" rel="stylesheet"></head><body>'
        '<img src="https://great-expectations-web-assets.s3.us-east-2.amazonaws.com/logo.png'
        '?d=1&dataContextId=abc">'
        '<a href="https://greatexpectations.io">GX</a><a href="http://localhost:8888/x">nb</a>'
        "<style>.x{background:url('https://example.org/bg.png')}</style></body></html>"
    )
    clean = sanitize_text(page)
    assert re.findall(r"https?://(?!localhost)", clean) == []
    assert "./static/styles/local.css" in clean  # local assets stay
    assert '<a href="#">GX</a>' in clean
    assert "http://localhost:8888/x" in clean
    assert "dataContextId" not in clean
