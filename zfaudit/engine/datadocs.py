"""GX Data Docs for an audit run, made safe to open offline.

GX's pages pull Bootstrap, jQuery, Font Awesome and Vega from public CDNs and show a logo
served by GX whose URL carries the data-context id; opening them would tell third parties that
an audit was viewed (and fail on an air-gapped 法规科 machine). GX ships none of those assets
in its package, so zfaudit's copy removes every external <link>, <script> and <img>, points
external links at "#", drops external url() from CSS and blanks any other external URL, then
adds a small local stylesheet so the tables stay readable. Nothing in DIR refers outside the
machine (tests/engine/test_datadocs.py scans every file).
"""

from __future__ import annotations

import html
import re
import shutil
import tempfile
from pathlib import Path

from ..errors import AuditError
from ..export import REMOTE_URL as _URL
from ..export import strip_remote_tags

SITE = "zfaudit"
_TAG_RULES = [
    # (remote <link>, <script src>, <img> go first: zfaudit.export.strip_remote_tags)
    # remaining attributes pointing outside: links stay as text
    (re.compile(rf"\bhref\s*=\s*([\"']){_URL}\1", re.I), 'href="#"'),
    (re.compile(rf"\b(src|action|srcset)\s*=\s*([\"']){_URL}\2", re.I), ""),
    (re.compile(rf"url\(\s*[\"']?{_URL}[\"']?\s*\)", re.I), "none"),
]
_ANY_URL = re.compile(r"https?://(?!localhost[:/])[^\s\"'<>)]*", re.I)
TEXT_SUFFIXES = {".html", ".htm", ".css", ".js", ".json", ".md", ".txt", ".svg"}

OFFLINE_CSS = """/* zfaudit: local replacement for the CDN Bootstrap GX Data Docs expect */
body { font-family: "PingFang SC", "Microsoft YaHei", "Noto Sans CJK SC", sans-serif;
       margin: 0 2rem; color: #222; }
table { border-collapse: collapse; margin: .5rem 0; }
th, td { border: 1px solid #ccc; padding: .25rem .5rem; vertical-align: top; }
.collapse:not(.show) { display: block; }
.text-danger { color: #b00020; } .text-success { color: #1b7f3b; }
"""


def sanitize_text(text: str, is_html: bool) -> str:
    """Remove or neutralise every reference to a host other than localhost."""
    text = strip_remote_tags(text)
    for pattern, repl in _TAG_RULES:
        text = pattern.sub(repl, text)
    text = _ANY_URL.sub("", text)
    if is_html and "</head>" in text:
        text = text.replace(
            "</head>", '<link rel="stylesheet" href="zfaudit_offline.css" data-zfaudit="1"></head>', 1
        )
    return text


def sanitize_tree(root: Path) -> None:
    """Rewrite every file under root in place (see module docstring)."""
    for path in list(root.rglob("*")):
        if not path.is_file():
            continue
        suffix = path.suffix.lower()
        if suffix not in TEXT_SUFFIXES:
            if _ANY_URL.search(path.read_bytes().decode("latin-1")):
                # GX's bundled fonts carry their licence URL in metadata: drop such files (pages
                # fall back to system fonts) rather than ship anything naming a remote host
                path.unlink()
            continue
        text = path.read_text("utf-8", errors="surrogateescape")
        clean = sanitize_text(text, suffix in (".html", ".htm"))
        if suffix in (".html", ".htm"):
            # the stylesheet sits at the site root: make the link relative to this page
            up = "../" * (len(path.relative_to(root).parts) - 1)
            clean = clean.replace('href="zfaudit_offline.css"', f'href="{up}zfaudit_offline.css"')
        if clean != text:
            path.write_text(clean, "utf-8", errors="surrogateescape")
    (root / "zfaudit_offline.css").write_text(OFFLINE_CSS, "utf-8")
    _add_plain_index(root)


def _add_plain_index(root: Path) -> None:
    """GX's index lists runs through Bootstrap-Table JavaScript (a CDN asset we removed):
    add a plain list of every page so the index works without it."""
    index = root / "index.html"
    if not index.is_file():
        return
    items = []
    for title, folder in (("校验结果 / validation results", "validations"),
                          ("期望集 / expectation suites", "expectations")):
        pages = sorted(p.relative_to(root).as_posix() for p in (root / folder).rglob("*.html"))
        links = "".join(f'<li><a href="{p}">{html.escape(p)}</a></li>' for p in pages)
        items.append(f"<h3>{title}</h3><ul>{links}</ul>")
    block = f'<section id="zfaudit-plain-index"><h2>zfaudit 审计 Data Docs</h2>{"".join(items)}</section>'
    text = index.read_text("utf-8")
    text = text.replace("<body>", "<body>" + block, 1) if "<body>" in text else block + text
    index.write_text(text, "utf-8")


def build_docs(context, out_dir: str | Path) -> Path:
    """Build GX Data Docs for the validations run in `context` into out_dir; returns index.html."""
    out = Path(out_dir)
    with tempfile.TemporaryDirectory(prefix="zfaudit-docs-") as tmp:
        context.add_data_docs_site(
            site_name=SITE,
            site_config={
                "class_name": "SiteBuilder",
                "store_backend": {
                    "class_name": "TupleFilesystemStoreBackend",
                    "base_directory": tmp,
                },
                "site_index_builder": {
                    "class_name": "DefaultSiteIndexBuilder",
                    "show_cta_footer": False,
                },
            },
        )
        try:
            context.build_data_docs(site_names=[SITE])
        except Exception as e:  # GX raises many types; the user needs one clear message
            raise AuditError(f"生成 Data Docs 失败 / building Data Docs failed: {e}") from e
        sanitize_tree(Path(tmp))
        out.mkdir(parents=True, exist_ok=True)
        shutil.copytree(tmp, out, dirs_exist_ok=True)
    return out / "index.html"
