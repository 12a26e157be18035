"""Bad rows go to quarantine with the exact line, column and reason; nothing is dropped."""

from __future__ import annotations

import json

from zfaudit.ingest.loader import load

QUARANTINE = (
    "SELECT line, column_name, raw_value, reason FROM quarantine "
    "WHERE table_name = ? ORDER BY line, reason, column_name"
)


def stats_of(report, table):
    return next(t for t in report.tables if t.table == table)


def test_every_reason_with_line_and_column(make_export, tmp_path, q):
    cases = (
        "case_id,unit_id,category,opened_at,major\n"  # line 1
        "C1,U1,penalty,2026-07-01 09:30,是\n"  # 2 ok
        "C2,U1,penalty,2026-13-01 09:30,是\n"  # 3 bad_timestamp
        "C3,U1,罚款,2026-07-01 09:30,是\n"  # 4 unknown_code
        "C4,U1,penalty,2026-07-01 09:30,也许\n"  # 5 bad_bool
        ",U1,penalty,2026-07-01 09:30,是\n"  # 6 missing_key
        "C1,U1,permit,2026-07-02 09:30,否\n"  # 7 duplicate_key (C1 first at line 2)
        "C5,U1,penalty,2026-07-01 09:30,是,extra\n"  # 8 unreadable_row
        "C6,U1,penalty,2026-07-01 09:30,是\n"  # 9 ok
    )
    officers = "officer_id,cert_valid_to\nO1,2027-01-01\nO2,2027-01-01 08:00\n"
    media = "media_id,size_bytes\nM1,100\nM2,1.5\n"
    export = make_export({"cases.csv": cases, "officers.csv": officers, "media.csv": media})
    db = tmp_path / "t.duckdb"
    report = load(export, db)

    assert q(db, QUARANTINE, ["cases"]) == [
        (3, "opened_at", "2026-13-01 09:30", "bad_timestamp"),
        (4, "category", "罚款", "unknown_code"),
        (5, "major", "也许", "bad_bool"),
        (6, "case_id", None, "missing_key"),
        (7, "case_id", "C1", "duplicate_key"),
        (8, None, None, "unreadable_row"),
    ]
    assert q(db, QUARANTINE, ["officers"]) == [(3, "cert_valid_to", "2027-01-01 08:00", "bad_date")]
    assert q(db, QUARANTINE, ["media"]) == [(3, "size_bytes", "1.5", "bad_integer")]
    c = stats_of(report, "cases")
    assert (c.rows_read, c.rows_loaded, c.rows_replaced, c.rows_quarantined) == (8, 2, 0, 6)
    # the first C1 (line 2) is the one loaded
    assert q(db, "SELECT case_id, category FROM cases ORDER BY 1") == [
        ("C1", "penalty"), ("C6", "penalty")
    ]
    assert q(db, "SELECT rows_read, rows_loaded, rows_quarantined FROM loads "
                 "WHERE table_name = 'cases'") == [(8, 2, 6)]


def test_raw_row_keeps_the_whole_row(make_export, tmp_path, q):
    cases = "案件编号,承办单位,立案时间,自定义列\nC1,U1,昨天下午, 原样 \n"
    export = make_export({"cases.csv": cases})
    db = tmp_path / "t.duckdb"
    load(export, db)
    (raw, file), = q(db, "SELECT raw_row, file FROM quarantine")
    assert json.loads(raw) == {"案件编号": "C1", "承办单位": "U1", "立案时间": "昨天下午", "自定义列": " 原样 "}
    assert file.endswith("cases.csv")


def test_one_quarantine_row_per_bad_cell_row_counted_once(make_export, tmp_path, q):
    cases = "case_id,opened_at,major,disputed\nC1,x,maybe,z\nC2,2026-07-01 09:00,是,否\n"
    export = make_export({"cases.csv": cases})
    db = tmp_path / "t.duckdb"
    report = load(export, db)
    assert q(db, QUARANTINE, ["cases"]) == [
        (2, "disputed", "z", "bad_bool"),
        (2, "major", "maybe", "bad_bool"),
        (2, "opened_at", "x", "bad_timestamp"),
    ]
    c = stats_of(report, "cases")
    assert (c.rows_read, c.rows_loaded, c.rows_quarantined) == (2, 1, 1)


def test_lines_are_physical_with_multiline_fields_and_blank_lines(make_export, tmp_path, q):
    steps = (
        "step_id,case_id,stage,location\n"  # 1
        'S1,C1,inquiry,"第一行\n第二行"\n'  # 2-3 (one record over two lines)
        "\n"  # 4 blank
        "S2,C1,inquiry,x,too many\n"  # 5 unreadable
        "S3,C1,不存在的环节,y\n"  # 6 unknown_code
        'S4,C1,inquiry,"a\n\nb"\n'  # 7-9
        "S5,C1,也不存在,z\n"  # 10 unknown_code
    )
    export = make_export({"steps.csv": steps})
    db = tmp_path / "t.duckdb"
    report = load(export, db)
    assert q(db, QUARANTINE, ["steps"]) == [
        (5, None, None, "unreadable_row"),
        (6, "stage", "不存在的环节", "unknown_code"),
        (10, "stage", "也不存在", "unknown_code"),
    ]
    assert q(db, "SELECT step_id, location FROM steps ORDER BY 1") == [
        ("S1", "第一行\n第二行"), ("S4", "a\n\nb")
    ]
    s = stats_of(report, "steps")
    assert (s.rows_read, s.rows_loaded, s.rows_quarantined) == (5, 2, 3)


def test_lines_after_several_rejected_lines(make_export, tmp_path, q):
    # rejected lines before a bad row shift its ordinal; the reported line must not shift
    rows = ["step_id,case_id,stage"]
    for i in range(2, 30):
        if i in (5, 6, 11):
            rows.append(f"S{i},C1")  # too few fields
        elif i in (9, 20, 29):
            rows.append(f"S{i},C1,坏环节{i}")
        else:
            rows.append(f"S{i},C1,inquiry")
    export = make_export({"steps.csv": "\n".join(rows) + "\n"})
    db = tmp_path / "t.duckdb"
    load(export, db)
    assert q(db, "SELECT line, reason FROM quarantine ORDER BY line") == [
        (5, "unreadable_row"), (6, "unreadable_row"), (9, "unknown_code"),
        (11, "unreadable_row"), (20, "unknown_code"), (29, "unknown_code"),
    ]
    assert q(db, "SELECT raw_value FROM quarantine WHERE line = 20") == [("坏环节20",)]


def test_composite_key_duplicates_and_missing(make_export, tmp_path, q):
    rows = "S1,O1,是\nS1,O2,是\nS1,O1,否\n,O3,是\nS2,,是\n"
    export = make_export({"step_officers.csv": "step_id,officer_id,cert_shown\n" + rows})
    db = tmp_path / "t.duckdb"
    load(export, db)
    assert q(db, QUARANTINE, ["step_officers"]) == [
        (4, "step_id,officer_id", "S1,O1", "duplicate_key"),
        (5, "step_id", None, "missing_key"),
        (6, "officer_id", None, "missing_key"),
    ]
    assert q(db, "SELECT step_id, officer_id, cert_shown FROM step_officers ORDER BY 1, 2") == [
        ("S1", "O1", True), ("S1", "O2", True)
    ]


def test_repeated_key_keeps_its_raw_row(make_export, tmp_path, q):
    # the later C1 passes every cell check, so its cells are read back from the file by line
    cases = (
        "案件编号,立案时间,重大执法决定,案由\n"
        'C1,2026-07-01 09:30,是,"first"\n'
        'C2,2026-07-01 09:30,否,"two\nlines"\n'  # a record spanning lines 3-4
        'C1, 2026-07-02 09:30 ,否,"again, ""quoted"""\n'  # line 5: duplicate_key
    )
    db = tmp_path / "t.duckdb"
    load(make_export({"cases.csv": cases.encode("gb18030")}), db)
    assert q(db, QUARANTINE, ["cases"]) == [(5, "case_id", "C1", "duplicate_key")]
    (raw,), = q(db, "SELECT raw_row FROM quarantine")
    assert json.loads(raw) == {
        "案件编号": "C1", "立案时间": " 2026-07-02 09:30 ", "重大执法决定": "否", "案由": 'again, "quoted"'
    }
    assert q(db, "SELECT case_id, cause FROM cases ORDER BY 1") == [("C1", "first"), ("C2", "two\nlines")]


def test_repeated_key_raw_row_in_json(make_export, tmp_path, q):
    records = [{"案件编号": "C1", "重大执法决定": "是"}, {"案件编号": "C1", "重大执法决定": " 否 "}]
    db = tmp_path / "t.duckdb"
    load(make_export({"cases.json": json.dumps(records, ensure_ascii=False)}), db)
    (line, reason, raw), = q(db, "SELECT line, reason, raw_row FROM quarantine")
    assert (line, reason, json.loads(raw)) == (2, "duplicate_key", {"案件编号": "C1", "重大执法决定": " 否 "})
