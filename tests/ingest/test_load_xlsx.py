"""Excel exports: real date cells, the sheet named after the table, sheet-row line numbers."""

from __future__ import annotations

import datetime as dt

import pytest
import xlsxwriter

from zfaudit.errors import InputError
from zfaudit.ingest.loader import load


def xlsx(sheets: dict[str, list[list]], start_row: int = 0):
    """A writer for make_export: real Excel cells (datetimes become date cells)."""

    def write(path):
        wb = xlsxwriter.Workbook(str(path))
        datefmt = wb.add_format({"num_format": "yyyy-mm-dd hh:mm"})
        for name, rows in sheets.items():
            ws = wb.add_worksheet(name)
            for r, row in enumerate(rows):
                for c, v in enumerate(row):
                    if isinstance(v, dt.datetime):
                        ws.write_datetime(start_row + r, c, v, datefmt)
                    elif v is not None:
                        ws.write(start_row + r, c, v)
        wb.close()

    return write


def test_date_cells_numbers_and_chinese_headers(make_export, tmp_path, q):
    rows = [
        ["文件编号", "文件类型", "拍摄开始时间", "拍摄结束时间", "文件大小", "作为证据"],
        ["M1", "视频", dt.datetime(2026, 7, 1, 9, 30), dt.datetime(2026, 7, 1, 9, 45, 10), 1048576, "是"],
        ["M2", "照片", "2026年7月2日 8时00分", "2026/7/2 8:00", 2048.0, True],
        ["M3", "音频", dt.datetime(2026, 7, 3, 9, 0), "不详", 1, False],
    ]
    export = make_export({"音像记录.xlsx": xlsx({"Sheet1": rows})})
    db = tmp_path / "t.duckdb"
    report = load(export, db)
    assert q(db, "SELECT media_id, kind, recorded_start, recorded_end, size_bytes, evidence "
                 "FROM media ORDER BY 1") == [
        ("M1", "video", dt.datetime(2026, 7, 1, 9, 30), dt.datetime(2026, 7, 1, 9, 45, 10), 1048576, True),
        ("M2", "photo", dt.datetime(2026, 7, 2, 8, 0), dt.datetime(2026, 7, 2, 8, 0), 2048, True),
    ]
    # sheet row 4 holds M3
    assert q(db, "SELECT line, column_name, raw_value, reason FROM quarantine") == [
        (4, "recorded_end", "不详", "bad_timestamp")
    ]
    media = next(t for t in report.tables if t.table == "media")
    assert (media.rows_read, media.rows_loaded, media.rows_quarantined) == (3, 2, 1)


def test_sheet_named_after_table_and_offset_rows(make_export, tmp_path, q):
    other = [["说明"], ["本文件由系统导出"]]
    cases = [
        ["案件编号", "立案时间", "重大执法决定"],
        ["C1", dt.datetime(2026, 7, 1, 9, 30), "否"],
        [None, None, None],  # an empty row is not a row
        ["C2", "明天", "是"],
    ]
    export = make_export({"cases.xlsx": xlsx({"说明": other, "案件": cases}, start_row=2)})
    db = tmp_path / "t.duckdb"
    load(export, db)
    assert q(db, "SELECT case_id, opened_at, major FROM cases") == [
        ("C1", dt.datetime(2026, 7, 1, 9, 30), False)
    ]
    # header on sheet row 3, C1 row 4, empty row 5, C2 row 6
    assert q(db, "SELECT line, column_name, reason FROM quarantine") == [
        (6, "opened_at", "bad_timestamp")
    ]


def test_corrupt_xlsx_is_input_error(make_export, tmp_path):
    export = make_export({"cases.xlsx": b"PK\x03\x04 this is not a workbook"})
    with pytest.raises(InputError, match="cases.xlsx"):
        load(export, tmp_path / "t.duckdb")


def test_raw_rows_of_bad_and_repeated_rows(make_export, tmp_path, q):
    import json

    rows = [
        ["案件编号", "重大执法决定", "立案时间"],
        ["C1", "是", dt.datetime(2026, 7, 1, 9, 30)],
        ["C2", "也许", dt.datetime(2026, 7, 1, 9, 30)],
        ["C1", " 否 ", dt.datetime(2026, 7, 2, 9, 30)],
    ]
    db = tmp_path / "t.duckdb"
    load(make_export({"案件.xlsx": xlsx({"案件": rows}, start_row=1)}), db)
    got = q(db, "SELECT line, reason, raw_row FROM quarantine ORDER BY line")
    assert [(line, reason, json.loads(raw)) for line, reason, raw in got] == [
        (4, "bad_bool", {"案件编号": "C2", "重大执法决定": "也许", "立案时间": "2026-07-01 09:30:00"}),
        (5, "duplicate_key", {"案件编号": "C1", "重大执法决定": " 否 ", "立案时间": "2026-07-02 09:30:00"}),
    ]
