"""The last pass over a Data Docs folder: nothing in it may refer outside the machine.

GX's pages pull Bootstrap, jQuery, Font Awesome and Vega from public CDNs and show a logo
served by GX whose URL carries the data-context id; opening them would tell third parties that
an audit was viewed (and fail on an air-gapped 法规科 machine). pages.py already replaces those
assets with local ones; this pass is the safety net behind it, for whatever a GX template adds:
it removes every remaining external <link>, <script> and <img>, points external links at "#",
drops external url() from CSS, blanks any other external URL in a text file, and deletes a
binary file that names a remote host (tests/engine/test_datadocs.py scans every file).
"""

from __future__ import annotations

import re
from pathlib import Path

from ...export import REMOTE_URL as _URL
from ...export import strip_remote_tags

_TAG_RULES = [
    # (remote <link>, <script src>, <img> go first: zfaudit.export.strip_remote_tags)
    # remaining attributes pointing outside: links stay as text
    (re.compile(rf"\bhref\s*=\s*([\"']){_URL}\1", re.I), 'href="#"'),
    (re.compile(rf"\b(src|action|srcset)\s*=\s*([\"']){_URL}\2", re.I), ""),
    (re.compile(rf"url\(\s*[\"']?{_URL}[\"']?\s*\)", re.I), "none"),
]
_ANY_URL = re.compile(r"https?://(?!localhost[:/])[^\s\"'<>)]*", re.I)
TEXT_SUFFIXES = {".html", ".htm", ".css", ".js", ".json", ".md", ".txt", ".svg"}


def sanitize_text(text: str) -> str:
    """Remove or neutralise every reference to a host other than localhost."""
    text = strip_remote_tags(text)
    for pattern, repl in _TAG_RULES:
        text = pattern.sub(repl, text)
    return _ANY_URL.sub("", text)


def sanitize_tree(root: Path) -> None:
    """Rewrite every text file under root in place; delete binary files naming a remote host."""
    for path in list(root.rglob("*")):
        if not path.is_file():
            continue
        if path.suffix.lower() not in TEXT_SUFFIXES:
            if _ANY_URL.search(path.read_bytes().decode("latin-1")):
                # e.g. a font carrying its licence URL in metadata: drop it (pages fall back to
                # system fonts) rather than ship anything naming a remote host
                path.unlink()
            continue
        text = path.read_text("utf-8", errors="surrogateescape")
        clean = sanitize_text(text)
        if clean != text:
            path.write_text(clean, "utf-8", errors="surrogateescape")
