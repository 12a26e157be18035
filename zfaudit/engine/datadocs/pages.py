"""GX's Data Docs pages, rewritten for a bureau's reader: local assets, Chinese labels, no GX
footer.

GX 1.24 renders its pages from Jinja templates that cannot be overridden (a custom views
folder is searched after GX's own templates), so the rendered HTML is rewritten here. The
rules match GX 1.24.1's templates (GX is pinned); tests/engine/test_datadocs.py checks the
result of a real build, so a template change shows up there.
"""

from __future__ import annotations

import html
import re
import shutil
from pathlib import Path

from ...rules.catalogue import ITEM_COLUMNS_ZH, OUTCOMES, outcome_zh

ASSETS = Path(__file__).with_name("assets")
STATIC = "static/zfaudit"  # where the assets go inside a Data Docs folder
BRAND = ('<span class="zf-brand">执法全过程记录审计'
         '<small>规则校验明细（Great Expectations Data Docs）</small></span>')

_DROP = [
    # GX's newsletter footer ("Stay current on everything GX …") and the "Learn more" CTA
    re.compile(r"<footer\b.*?</footer>", re.S | re.I),
    # every script: GX's inline ones need jQuery / Bootstrap JS, the rest come from CDNs;
    # assets/datadocs.js does what the pages need
    re.compile(r"<script\b[^>]*>.*?</script>", re.S | re.I),
    # GX's inline stylesheet (a remote logo URL, dark-mode rules for a CDN theme); the layout
    # rules of it that matter are in assets/datadocs.css
    re.compile(r"<style\b[^>]*>.*?</style>", re.S | re.I),
    re.compile(r"<link\b[^>]*\brel=\"(?:stylesheet|shortcut icon)\"[^>]*>", re.I),
    re.compile(r"<title>.*?</title>", re.S | re.I),
]
# the logo GX serves from its own host (the URL carries the data-context id)
_LOGO = re.compile(r"<img\b[^>]*\balt=\"Great Expectations\"[^>]*>", re.S | re.I)
_MAIN_COLUMN = '<div class="col-md-10 col-lg-10 col-xs-12 pl-md-4 pr-md-3">'
# the last breadcrumb: GX writes "Validations / zf01 / zf01 / <run id> / <run time>"
_CRUMB = re.compile(r"(<li class=\"ge-breadcrumbs-item breadcrumb-item active\"[^>]*>).*?(</li>)",
                    re.S)

# GX's fixed interface text → what a bureau's reader reads (whole text nodes only)
LABELS = {
    "Expectation Validation Result": "校验结果",
    "Evaluates whether a batch of data matches expectations.":
        "Great Expectations 按本规则的期望集逐项校验其检查项表。",
    "Expectation Suite": "期望集",
    "A collection of Expectations defined for batches of data.":
        "本规则的检查项表须满足的全部期望（校验条件）。",
    "Actions": "操作",
    "Validation Filter:": "显示：",
    "Show All": "全部",
    "Failed Only": "仅未满足",
    "Table of Contents": "目录",
    "Overview": "概览",
    "Expectation Suite:": "期望集：",
    "Status:": "校验结论：",
    "Succeeded": "成功",
    "Failed": "失败",
    "Statistics": "统计",
    "Evaluated Expectations": "期望数",
    "Successful Expectations": "已满足",
    "Unsuccessful Expectations": "未满足",
    "Success Percent": "满足比例",
    "Show more info...": "更多信息",
    "Info": "信息",
    "Great Expectations Version": "Great Expectations 版本",
    "Run Name": "运行编号",
    "Run Time": "校验时间（UTC）",
    "Batch Markers": "批次标记",
    "Batch Spec": "批次定义",
    "Table-Level Expectations": "表级期望",
    "Status": "状态",
    "Expectation": "期望",
    "Observed Value": "实际值",
    "Unexpected Value": "不符合的值",
    "Sampled Unexpected Values": "不符合的值（抽样）",
    "Count": "项数",
    "To retrieve all unexpected values...": "查询全部不符合项的 SQL",
    "Home": "首页",
    "Expectation Suite Name": "期望集名称",
    "Notes": "说明",
}
# GX's interface text with numbers or names in it
PATTERNS = [
    (re.compile(r"(\d+) unexpected values? found\. (≈?[\d.]+%) of (\d+) total rows?\."),
     r"发现 \1 项不符合，占全部 \3 行的 \2。"),
    (re.compile(r"(≈?[\d.]+%) unexpected"), r"不符合 \1"),
    (re.compile(r"(≈?[\d.]+%) not null"), r"非空 \1"),
    (re.compile(r"This Expectation suite currently contains (\d+) total Expectations? "
                r"across (\d+) columns?\."), r"本期望集共 \1 项期望，涉及 \2 列。"),
    (re.compile(r"Data asset: (.+)"), r"数据资产：\1"),
    (re.compile(r"Validations / (.+)"), r"校验结果 / \1"),
    (re.compile(r"Expectations / (.+)"), r"期望集 / \1"),
]
_TEXT_NODE = re.compile(r">([^<>]+)<")


def _label(match: re.Match) -> str:
    raw = match.group(1)
    text = " ".join(raw.split())
    zh = LABELS.get(text)
    if zh is None and text in ITEM_COLUMNS_ZH:
        # a section (and table of contents entry) per column the expectations read
        zh = f"{text}（{ITEM_COLUMNS_ZH[text]}）"
    if zh is None and text in OUTCOMES:  # an outcome among the values that did not pass
        zh = f"{text}（{outcome_zh(text)}）"
    if zh is None:
        for pattern, repl in PATTERNS:
            if pattern.fullmatch(text):
                zh = pattern.sub(repl, text)
                break
    if zh is None:
        return match.group(0)
    lead = raw[: len(raw) - len(raw.lstrip())]
    trail = raw[len(raw.rstrip()):]
    return f">{lead}{zh}{trail}<"


def translate(body: str) -> str:
    """GX's interface text in Chinese, item columns and outcomes with their Chinese names;
    any other text (item keys, the suites' bilingual descriptions, SQL) stays as it is."""
    return _TEXT_NODE.sub(_label, body)


def rewrite_page(text: str, depth: int, title: str, banner: str = "") -> str:
    """One GX page with zfaudit's local assets, title and (optional) banner HTML; `depth`: how
    many folders below the Data Docs root the page is."""
    up = "../" * depth
    for pattern in _DROP:
        text = pattern.sub("", text)
    text = _LOGO.sub(BRAND, text)
    text = text.replace("<html>", '<html lang="zh-CN">', 1)
    head, sep, body = text.partition("</head>")
    if not sep:  # not a page (GX writes none such, but leave it alone)
        return text
    head += (
        f"<title>{html.escape(title)}</title>\n"
        f'<link rel="icon" href="{up}static/images/favicon.ico" type="image/x-icon">\n'
        f'<link rel="stylesheet" href="{up}{STATIC}/datadocs.css">\n'
        f'<script src="{up}{STATIC}/datadocs.js"></script>\n'
    )
    body = _CRUMB.sub(lambda m: m.group(1) + html.escape(title) + m.group(2), body, count=1)
    body = translate(body)
    if banner:
        body = body.replace(_MAIN_COLUMN, _MAIN_COLUMN + banner, 1)
    return head + sep + body


def copy_assets(root: Path) -> None:
    """The stylesheet, the script and the licence note, into root/static/zfaudit."""
    target = root / STATIC
    target.mkdir(parents=True, exist_ok=True)
    for name in ("datadocs.css", "datadocs.js", "LICENSES.txt"):
        shutil.copyfile(ASSETS / name, target / name)


_LOCAL_REF = re.compile(r"\b(?:href|src)=\"(?!#|[a-z]+:)([^\"]+)\"", re.I)


def prune_static(root: Path) -> None:
    """Delete the files under root/static that no page refers to: GX copies its whole static
    folder (about 4 MB of fonts, logos and tutorial GIFs) into every site."""
    used = set()
    for page in root.rglob("*.html"):
        for ref in _LOCAL_REF.findall(page.read_text("utf-8")):
            used.add((page.parent / ref.split("#")[0]).resolve())
    static = root / "static"
    for path in sorted(static.rglob("*"), reverse=True):  # files before their folders
        if path.is_file() and path.resolve() not in used:
            path.unlink()
        elif path.is_dir() and not any(path.iterdir()):
            path.rmdir()
