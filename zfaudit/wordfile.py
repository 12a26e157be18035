"""The one Word writer (python-docx): fonts, paragraphs, tables and page setup after the
official-document habit (GB/T 9704: A4, title in a heavy Song face, body 仿宋, headings 黑体,
page numbers at the foot). The notices (supervision/notice_doc.py) and the quarterly report
(report/word.py) are both written with it.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

TITLE_FONT, BODY_FONT, HEAD_FONT = "方正小标宋简体", "仿宋", "黑体"


def document(top_cm: float = 3.7, bottom_cm: float = 3.5, left_cm: float = 2.8, right_cm: float = 2.6):
    """A new A4 portrait document with the official margins."""
    from docx import Document
    from docx.shared import Cm

    doc = Document()
    sec = doc.sections[0]
    sec.page_height, sec.page_width = Cm(29.7), Cm(21.0)
    sec.top_margin, sec.bottom_margin = Cm(top_cm), Cm(bottom_cm)
    sec.left_margin, sec.right_margin = Cm(left_cm), Cm(right_cm)
    return doc


def font(run, name: str, size: float, bold: bool = False) -> None:
    """Set a run's font; Chinese text takes the east-Asian font, so it is set too."""
    from docx.oxml.ns import qn
    from docx.shared import Pt

    run.font.name = name
    run.font.size = Pt(size)
    run.font.bold = bold
    rpr = run._element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = rpr.makeelement(qn("w:rFonts"), {})
        rpr.append(fonts)
    fonts.set(qn("w:eastAsia"), name)


def para(doc, text: str = "", font_name: str = BODY_FONT, size: float = 16, bold: bool = False,
         align: str | None = None, indent: bool = True, style: str | None = None):
    """One paragraph: first line indented two characters unless aligned or `indent=False`."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Pt

    p = doc.add_paragraph(style=style)
    if align:
        p.alignment = {"center": WD_ALIGN_PARAGRAPH.CENTER, "right": WD_ALIGN_PARAGRAPH.RIGHT}[align]
    elif indent:
        p.paragraph_format.first_line_indent = Pt(size * 2)  # 首行缩进两字
    p.paragraph_format.space_after = Pt(4)
    if text:
        font(p.add_run(clean(text)), font_name, size, bold)
    return p


def table(doc, header: Sequence[str], rows: Sequence[Sequence[object]], widths_cm: Sequence[float],
          size: float = 10.5):
    """A grid table; the header row repeats on every page a long table runs onto.

    One data row is formatted through python-docx and copied for every row (only its texts
    change): a score report's 850-row 扣分明细 takes a second, not the minute python-docx's
    cell-by-cell path takes."""
    import copy

    from docx.oxml.ns import qn
    from docx.shared import Cm

    t = doc.add_table(rows=2, cols=len(header))
    t.style = "Table Grid"
    t.autofit = False
    head, model = t.rows[0], t.rows[1]
    for j, c in enumerate(header):
        font(head.cells[j].paragraphs[0].add_run(clean(str(c))), HEAD_FONT, size)
        font(model.cells[j].paragraphs[0].add_run(" "), BODY_FONT, size)  # a w:t to fill
    trpr = head._tr.get_or_add_trPr()
    trpr.append(trpr.makeelement(qn("w:tblHeader"), {qn("w:val"): "true"}))
    for j, w in enumerate(widths_cm):
        t.columns[j].width = Cm(w)  # the grid: what LibreOffice and WPS lay out by
        head.cells[j].width = model.cells[j].width = Cm(w)  # the cells: what Word lays out by
    model_tr = model._tr
    body = model_tr.getparent()
    body.remove(model_tr)
    from docx.text.run import Run

    space, width = qn("xml:space"), len(header)
    for row in rows:
        if len(row) > width:
            raise ValueError(f"a row of {len(row)} values for {width} columns")
        tr = copy.deepcopy(model_tr)
        for j, tc in enumerate(tr.iterchildren(qn("w:tc"))):
            value = _text(row[j]) if j < len(row) else ""
            if any(c in value for c in "\n\r\t"):
                Run(tc.find(".//" + qn("w:r")), None).text = value  # line breaks and tabs as Word's
                continue
            text = tc.find(".//" + qn("w:t"))
            text.text = value
            text.set(space, "preserve")
        body.append(tr)
    return t


def page_numbers(doc, header_text: str | None = None) -> None:
    """第 N 页，共 M 页 centred at the foot of every page (Word fields), and a running header."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    sec = doc.sections[0]
    if header_text:
        hp = sec.header.paragraphs[0]
        hp.alignment = WD_ALIGN_PARAGRAPH.CENTER
        font(hp.add_run(header_text), BODY_FONT, 9)
    fp = sec.footer.paragraphs[0]
    fp.alignment = WD_ALIGN_PARAGRAPH.CENTER
    font(fp.add_run("第 "), BODY_FONT, 10.5)
    _field(fp, "PAGE")
    font(fp.add_run(" 页，共 "), BODY_FONT, 10.5)
    _field(fp, "NUMPAGES")
    font(fp.add_run(" 页"), BODY_FONT, 10.5)


def _field(paragraph, code: str) -> None:
    from docx.oxml.ns import qn

    run = paragraph.add_run()
    font(run, BODY_FONT, 10.5)
    for kind, text in (("begin", None), (None, f" {code} "), ("separate", None), (None, "1"),
                       ("end", None)):
        if kind:
            el = run._r.makeelement(qn("w:fldChar"), {qn("w:fldCharType"): kind})
        elif text.strip() == code:
            el = run._r.makeelement(qn("w:instrText"), {qn("xml:space"): "preserve"})
            el.text = text
        else:
            el = run._r.makeelement(qn("w:t"), {})
            el.text = text
        run._r.append(el)


_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def clean(text: str) -> str:
    """Text Word can hold: the control characters XML forbids (an export's stray \x0b) go;
    lxml would refuse the whole document for one of them."""
    return _NOT_XML.sub("", text)


def _text(v: object) -> str:
    if v is None:
        return ""
    try:
        import pandas as pd

        if pd.isna(v):
            return ""
    except (TypeError, ValueError):
        pass
    return clean(str(v))
