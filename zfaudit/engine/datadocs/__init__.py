"""GX Data Docs for an audit run, made to open offline and read by a bureau (docs/engine.md).

GX builds its site into a temporary folder; then each page is rewritten (pages.py: local
stylesheet and script instead of the CDN assets, Chinese labels and a banner naming the rule,
its verdict and the run, no GX footer), GX's index is replaced by a Chinese one (index.py),
unused GX static files are dropped, and a last pass makes sure nothing refers outside the
machine (sanitize.py). Only then is the folder copied to the user's DIR.
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

from ...errors import AuditError
from .index import DocsRun, index_html, rule_rows, suite_banner, validation_banner
from .pages import copy_assets, prune_static, rewrite_page
from .sanitize import sanitize_text, sanitize_tree

__all__ = ["DocsRun", "build_docs", "sanitize_text"]

SITE = "zfaudit"


def build_docs(context, out_dir: str | Path, run: DocsRun) -> Path:
    """Build the Data Docs of `run` (validated in `context`) into out_dir; returns index.html."""
    out = Path(out_dir)
    with tempfile.TemporaryDirectory(prefix="zfaudit-docs-") as tmp:
        root = Path(tmp)
        context.add_data_docs_site(
            site_name=SITE,
            site_config={
                "class_name": "SiteBuilder",
                "store_backend": {"class_name": "TupleFilesystemStoreBackend",
                                  "base_directory": tmp},
                # no walkthrough modal or tutorial buttons (they need Bootstrap's JavaScript)
                "show_how_to_buttons": False,
                "site_index_builder": {"class_name": "DefaultSiteIndexBuilder",
                                       "show_cta_footer": False},
            },
        )
        try:
            context.build_data_docs(site_names=[SITE])
        except Exception as e:  # GX raises many types; the user needs one clear message
            raise AuditError(f"生成 Data Docs 失败 / building Data Docs failed: {e}") from e
        _rewrite(root, run)
        sanitize_tree(root)
        out.mkdir(parents=True, exist_ok=True)
        shutil.copytree(root, out, dirs_exist_ok=True)
    return out / "index.html"


def _rewrite(root: Path, run: DocsRun) -> None:
    rows = rule_rows(run, root)
    for row in rows:
        if row.validation:
            _rewrite_file(root, row.validation, f"{row.rule_id} {row.title} · 校验结果",
                          validation_banner(row, run))
        if row.suite:
            _rewrite_file(root, row.suite, f"{row.rule_id} {row.title} · 期望集",
                          suite_banner(row))
    done = {r.validation for r in rows} | {r.suite for r in rows}
    for page in root.rglob("*.html"):  # pages of no rule of this run (GX writes none today)
        rel = page.relative_to(root).as_posix()
        if rel not in done and rel != "index.html":
            _rewrite_file(root, rel, "Data Docs")
    (root / "index.html").write_text(index_html(run, rows), "utf-8")
    copy_assets(root)
    prune_static(root)


def _rewrite_file(root: Path, rel: str, title: str, banner: str = "") -> None:
    path = root / rel
    depth = rel.count("/")
    path.write_text(rewrite_page(path.read_text("utf-8"), depth, title, banner), "utf-8")
