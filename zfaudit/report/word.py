"""The quarterly report as a Word document, built from the executed notebook's outputs.

The notebook's `note`/`heading` outputs (Markdown), tables (display.TABLE_MIME: the very cells
the HTML shows) and charts (display.CHART_MIME, pictured by Chromium from the HTML) are laid
out in order as a bureau document: title, 一、二、… as headings, body in 仿宋, grid tables with
their header row repeated, the appendix as 附件 on a new page, page numbers at the foot.
Leadership edits it; the numbers stay those of the run.
"""

from __future__ import annotations

import html
import io
import re
from pathlib import Path

from ..wordfile import (
    BODY_FONT,
    HEAD_FONT,
    TITLE_FONT,
    clean,
    document,
    font,
    page_numbers,
    para,
    table,
)
from .display import CHART_MIME, TABLE_MIME

TEXT_WIDTH_CM = 15.6  # A4 less the official margins (2.8 + 2.6 cm)
TEXT_HEIGHT_CM = 22.0  # A4 less the margins, header and footer: a taller chart is scaled down
_INLINE = re.compile(r"(\*\*[^*]+\*\*|`[^`]+`)")
_ESCAPED = re.compile(r"\\([\\`*_\[\]{}#|~>])")


def _plain(text: str) -> str:
    """Markdown text as the reader sees it: escapes (display.esc) undone."""
    return clean(html.unescape(_ESCAPED.sub(r"\1", text)))


def write_word(ipynb: Path, out: Path, charts: list[bytes | None], header: str | None = None,
               author: str = "") -> Path:
    """Write `out` (.docx) from the executed notebook `ipynb`; `charts` are the pictures of its
    charts in order (browser.capture; None where a chart drew nothing)."""
    import nbformat

    nb = nbformat.read(ipynb, as_version=4)
    doc = document(top_cm=2.8, bottom_cm=2.6)
    page_numbers(doc, header)
    pictures = iter(charts)
    title = None
    for cell in nb.cells:
        for output in cell.get("outputs", []):
            data = output.get("data", {})
            if TABLE_MIME in data:
                _table(doc, data[TABLE_MIME])
            elif CHART_MIME in data:
                _chart(doc, next(pictures, None))
            elif "text/markdown" in data:
                title = _markdown(doc, data["text/markdown"], title)
    import datetime as dt

    props = doc.core_properties  # not python-docx's template defaults (author, 2013, comments)
    props.title, props.author, props.last_modified_by = title or "", author, author
    props.comments, props.keywords, props.subject = "", "", header or ""
    props.created = props.modified = dt.datetime.now().replace(microsecond=0)
    props.revision = 1
    doc.save(str(out))
    return out


def _markdown(doc, text: str, title: str | None) -> str | None:
    """The few Markdown forms the notebooks write: #, ##, ### headings, > notes, paragraphs."""
    for block in re.split(r"\n\s*\n", text.strip()):
        block = block.strip()
        if not block:
            continue
        if block.startswith("# "):
            title = _plain(block[2:].strip())
            para(doc, title, TITLE_FONT, 20, align="center")
        elif block.startswith("## "):
            head = _plain(block[3:].strip())
            if head.startswith(("附录", "附件")):
                doc.add_page_break()
                head = "附件：" + head.split("：", 1)[-1]
            _heading(doc, head, 1, 16)
        elif block.startswith("### "):
            _heading(doc, _plain(block[4:].strip()), 2, 14)
        elif block.startswith(">"):
            p = para(doc, "", size=12, indent=False)
            p.paragraph_format.left_indent = p.paragraph_format.first_line_indent = None
            _inline(p, re.sub(r"^>\s?", "", block, flags=re.M).replace("\n", ""), 12)
        else:
            p = para(doc, "", size=14)
            _inline(p, block.replace("\n", ""), 14)
    return title


def _heading(doc, text: str, level: int, size: float) -> None:
    from docx.shared import RGBColor

    p = doc.add_heading("", level=level)
    run = p.add_run(text)
    font(run, HEAD_FONT, size)
    run.font.color.rgb = RGBColor(0, 0, 0)  # black, as a bureau prints; not the theme's blue


def _inline(p, text: str, size: float) -> None:
    for part in _INLINE.split(text):
        if not part:
            continue
        if part.startswith("**"):
            font(p.add_run(_plain(part[2:-2])), BODY_FONT, size, bold=True)
        elif part.startswith("`"):
            font(p.add_run(clean(html.unescape(part[1:-1]))), "Consolas", size - 1)
        else:
            font(p.add_run(_plain(part)), BODY_FONT, size)


def _table(doc, spec: dict) -> None:
    if not spec["columns"]:
        para(doc, spec.get("empty", "（无）"), size=12, indent=False)
        return
    columns, rows = spec["columns"], spec["rows"]
    size = 10.5 if len(columns) <= 6 else 9 if len(columns) <= 9 else 8
    table(doc, columns, rows, _widths(columns, rows, size), size)
    para(doc, "", size=6, indent=False)  # air under the table


def _widths(columns: list[str], rows: list[list[str]], size: float) -> list[float]:
    """Column widths (cm) summing to the text width: each column's longest text at `size` pt
    plus the cell padding; when they do not fit, only the widest columns are narrowed (their
    text wraps), to one common cap — short columns such as 规则 or 违规 never break mid-word."""
    pt_cm = 2.54 / 72

    def need(s: str) -> float:
        em = sum(1.0 if ord(ch) > 0x2E7F else 0.62 for ch in str(s))  # digits: ≈0.6 em
        return em * size * pt_cm + 0.55  # + the cell's side margins (0.19 cm each)

    natural = [max([need(c)] + [need(r[j]) for r in rows[:300]]) for j, c in enumerate(columns)]
    if sum(natural) <= TEXT_WIDTH_CM:
        extra = (TEXT_WIDTH_CM - sum(natural)) / len(natural)
        return [n + extra for n in natural]
    lo, hi = 0.0, max(natural)
    for _ in range(40):  # the cap at which the narrowed columns just fit (bisection)
        cap = (lo + hi) / 2
        lo, hi = (cap, hi) if sum(min(n, cap) for n in natural) < TEXT_WIDTH_CM else (lo, cap)
    return [min(n, lo) for n in natural]


def _chart(doc, png: bytes | None) -> None:
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Cm

    if png is None:
        return
    w, h = int.from_bytes(png[16:20], "big"), int.from_bytes(png[20:24], "big")  # PNG IHDR
    if w and h and TEXT_WIDTH_CM * h / w > TEXT_HEIGHT_CM:  # 75 units' bars: whole, not cut
        doc.add_picture(io.BytesIO(png), height=Cm(TEXT_HEIGHT_CM))
    else:
        doc.add_picture(io.BytesIO(png), width=Cm(TEXT_WIDTH_CM))
    doc.paragraphs[-1].alignment = WD_ALIGN_PARAGRAPH.CENTER
