"""DataFrame → csv/json/xlsx; formula-like text stays text in xlsx."""

from __future__ import annotations

import datetime as dt
import json
import zipfile

import openpyxl
import pandas as pd
import pytest

from zfaudit.errors import ZfauditError
from zfaudit.export import format_for, write_frame

HOSTILE = ["=1+1", "+86 138", "-2", "@SUM(A1:A2)", "=HYPERLINK(\"http://x\",\"点我\")"]


@pytest.fixture
def frame():
    return pd.DataFrame(
        {
            "case_id": ["C1", "C2", "C3", "C4", "C5"],
            "party_name": HOSTILE,
            "violations": [3, 0, 1, 2, 5],
            "rate": [0.5, 1.0, None, 0.25, 0.0],
            "due_at": pd.to_datetime(
                ["2026-10-09 23:59:59", None, "2026-09-29 23:59:59", "2026-07-01 00:00:00", "2026-07-02 08:00:00"]
            ),
            "day": [dt.date(2026, 10, 10), None, dt.date(2026, 1, 1), dt.date(2026, 1, 2), None],
            "ok": [True, False, True, None, False],
        }
    )


def test_xlsx_formula_text_stays_text(frame, tmp_path):
    path = write_frame(frame, tmp_path / "out" / "x.xlsx")
    assert path.exists()
    # the raw sheet XML has no <f> (formula) element at all
    with zipfile.ZipFile(path) as z:
        sheet = z.read("xl/worksheets/sheet1.xml").decode()
    assert "<f>" not in sheet and "<f " not in sheet
    ws = openpyxl.load_workbook(path).active
    assert ws.title == "数据"
    assert [c.value for c in ws[1]] == list(frame.columns)
    cells = [ws.cell(row=i, column=2) for i in range(2, 7)]
    assert [c.value for c in cells] == HOSTILE
    assert all(c.data_type == "s" for c in cells)
    assert [ws.cell(row=i, column=3).value for i in range(2, 7)] == [3, 0, 1, 2, 5]
    assert ws.cell(row=4, column=4).value is None  # NULL → empty cell
    assert ws.cell(row=2, column=5).value == dt.datetime(2026, 10, 9, 23, 59, 59)
    assert ws.cell(row=3, column=5).value is None  # NaT
    assert ws.cell(row=2, column=6).value == dt.datetime(2026, 10, 10)
    assert ws.cell(row=2, column=7).value is True
    assert ws.freeze_panes == "A2"


def test_csv_utf8_bom_chinese(tmp_path):
    df = pd.DataFrame({"单位": ["一中队"], "party_name": ["张三丰"]})
    path = write_frame(df, tmp_path / "x.csv")
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    assert raw.decode("utf-8-sig").splitlines() == ["单位,party_name", "一中队,张三丰"]


def test_json_records(frame, tmp_path):
    path = write_frame(frame, tmp_path / "x.data", fmt="json")
    data = json.loads(path.read_text("utf-8"))
    assert data[0] == {
        "case_id": "C1", "party_name": "=1+1", "violations": 3, "rate": 0.5,
        "due_at": "2026-10-09 23:59:59", "day": "2026-10-10", "ok": True,
    }
    assert data[1]["due_at"] is None and data[2]["rate"] is None
    assert "点我" in path.read_text("utf-8")  # Chinese kept, not \\u escapes


def test_unknown_format(tmp_path):
    with pytest.raises(ZfauditError, match="unsupported export format txt"):
        write_frame(pd.DataFrame({"a": [1]}), tmp_path / "x.txt")
    assert format_for("a.XLSX") == "xlsx"
    assert format_for("a.csv", "json") == "json"


def test_empty_frame_xlsx(tmp_path):
    path = write_frame(pd.DataFrame({"a": pd.Series([], dtype=object)}), tmp_path / "e.xlsx")
    ws = openpyxl.load_workbook(path).active
    assert [c.value for c in ws[1]] == ["a"] and ws.max_row == 1


def test_every_sheet_prints_one_page_wide_with_titles(tmp_path):
    """issue 12 (print): A4, fit to one page wide, the header row repeated, the title at the
    top of each page, long text wrapped instead of widening the page; a narrow sheet prints
    portrait (more rows a page), a wide one landscape."""
    import openpyxl
    import pandas as pd

    from zfaudit.export import WRAP_WIDTH, write_sheets

    df = pd.DataFrame({"规则": ["ZF01"], "说明": ["很长的说明" * 30]})
    path = write_sheets({"表": df}, tmp_path / "p.xlsx", title="株洲市某局 2026年第三季度")
    ws = openpyxl.load_workbook(path)["表"]
    assert ws.page_setup.orientation == "portrait" and ws.page_setup.paperSize == 9
    # fitToWidth omitted = 1, the OOXML default
    assert ws.sheet_properties.pageSetUpPr.fitToPage and ws.page_setup.fitToWidth in (None, 1)
    assert ws.page_setup.fitToHeight == 0
    assert ws.print_title_rows in ("1:1", "$1:$1")
    assert "株洲市某局 2026年第三季度" in ws.oddHeader.center.text
    assert "&P" in ws.oddFooter.center.text or "第" in ws.oddFooter.center.text
    assert ws.column_dimensions["B"].width <= WRAP_WIDTH + 1
    assert ws["B2"].alignment.wrap_text
    wide = pd.DataFrame({f"说明{i}": ["很长的说明" * 30] for i in range(5)})  # 5 × 40 units
    ws = openpyxl.load_workbook(write_sheets({"宽": wide}, tmp_path / "w.xlsx"))["宽"]
    assert ws.page_setup.orientation == "landscape" and ws.page_setup.fitToWidth in (None, 1)


def test_a_very_wide_sheet_prints_on_as_few_legible_pages_as_it_needs(tmp_path):
    import openpyxl
    import pandas as pd

    from zfaudit.export import PAGE_WIDTH, write_sheets

    df = pd.DataFrame({f"第{i}列规则合规率说明": ["合规率说明" * 4] for i in range(30)})
    ws = openpyxl.load_workbook(write_sheets({"宽": df}, tmp_path / "w.xlsx"))["宽"]
    # 30 text columns of 40 units (wrapped at WRAP_WIDTH; the header wraps too): 1200 units,
    # 6 pages — narrowed to 38 each, they fit 5 (30 × 38 = 1140 ≤ 5 × 230)
    assert PAGE_WIDTH == 230 and ws.page_setup.fitToWidth == 5
    assert ws.column_dimensions["A"].width < 40 and ws["A2"].alignment.wrap_text
    ids = pd.DataFrame({f"案件{i}编号": ["ZZ" * 10] for i in range(12)} | {"件数": [3]})
    ws = openpyxl.load_workbook(write_sheets({"号": ids}, tmp_path / "i.xlsx"))["号"]
    # ids never wrap to save a page: 12 × 22 units + 8 = 272 units, 2 pages
    assert ws.page_setup.fitToWidth == 2 and not ws["A2"].alignment.wrap_text
