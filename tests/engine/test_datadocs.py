"""Data Docs of a run: GX's pages, rewritten so nothing refers outside the machine."""

from __future__ import annotations

import re

from small_bureau import AS_OF, make_bureau, zf01_profile

from zfaudit.engine.datadocs import sanitize_text
from zfaudit.engine.run import run_audit

URL = re.compile(rb"https?://[^\s\"'<>)]*", re.I)
ALLOWED = (b"http://localhost",)


def external_urls(root) -> dict[str, list[bytes]]:
    """Every http(s) URL in every file under root (binary files too), except localhost."""
    out = {}
    for path in sorted(p for p in root.rglob("*") if p.is_file()):
        bad = [u for u in URL.findall(path.read_bytes()) if not u.startswith(ALLOWED)]
        if bad:
            out[str(path.relative_to(root))] = bad
    return out


def test_docs_for_a_run_are_offline(tmp_path):
    db = make_bureau(tmp_path / "b.duckdb")
    docs = tmp_path / "docs"
    run_id = run_audit(db, zf01_profile(tmp_path), "2026Q3", as_of=AS_OF, docs=docs, progress=False)
    index = (docs / "index.html").read_text("utf-8")
    pages = sorted(p.relative_to(docs).as_posix() for p in (docs / "validations").rglob("*.html"))
    # one validation page per rule of the run, filed under the run id
    assert [p.split("/")[1] for p in pages] == ["dq01", "dq02", "zf01"]
    assert all(run_id in p for p in pages)
    for p in pages:  # the plain (JavaScript-free) index links each of them
        assert f'href="{p}"' in index
    zf01 = next(docs.joinpath(p) for p in pages if "/zf01/" in p).read_text("utf-8")
    assert "expect_column_values_to_not_be_in_set" in zf01 or "无违规项" in zf01
    assert external_urls(docs) == {}


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
    clean = sanitize_text(page, is_html=True)
    assert re.findall(r"https?://(?!localhost)", clean) == []
    assert "./static/styles/local.css" in clean  # local assets stay
    assert '<a href="#">GX</a>' in clean
    assert "http://localhost:8888/x" in clean
    assert "dataContextId" not in clean
