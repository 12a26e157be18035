"""CSV exports: encodings, Chinese/English headers and codes, every timestamp/boolean spelling."""

from __future__ import annotations

import datetime as dt

import pytest
from click.testing import CliRunner

from zfaudit.cli import cli
from zfaudit.ingest.loader import load

CASES_ZH = (
    "案件编号,承办单位,执法类别,程序类型,案件来源,当事人,立案时间,紧急启动,重大执法决定\n"
    "C1,U1,行政处罚,一般程序,投诉举报,李四,2026-07-01 09:30:00,否,是\n"
    "C2,U1,行政许可,简易程序,依申请,王五,2026年7月2日 14时05分,是,否\n"
)


@pytest.mark.parametrize(
    "encoding, prefix",
    [("utf-8", b""), ("utf-8", b"\xef\xbb\xbf"), ("gb18030", b"")],
    ids=["utf-8", "utf-8-sig", "gb18030"],
)
def test_encodings_chinese_headers_and_codes(make_export, tmp_path, q, encoding, prefix):
    export = make_export({"案件.csv": prefix + CASES_ZH.encode(encoding)})
    db = tmp_path / "t.duckdb"
    report = load(export, db)
    cases = next(t for t in report.tables if t.table == "cases")
    assert (cases.rows_read, cases.rows_loaded, cases.rows_quarantined) == (2, 2, 0)
    assert cases.encoding == ("utf-8-sig" if prefix else encoding)
    assert q(db, "SELECT case_id, category, procedure, source, party_name, opened_at, "
                 "emergency_start, major FROM cases ORDER BY case_id") == [
        ("C1", "penalty", "general", "complaint", "李四", dt.datetime(2026, 7, 1, 9, 30), False, True),
        ("C2", "permit", "simple", "application", "王五", dt.datetime(2026, 7, 2, 14, 5), True, False),
    ]


def test_gb18030_large_file_transcoded_in_chunks(make_export, tmp_path, q):
    # > 4 MiB so the streaming transcoder crosses chunk boundaries inside multi-byte characters
    rows = "".join(f"M{i},D1,视频,2026/7/1 9:30,标注当事人{i}\n" for i in range(120_000))
    text = "文件编号,设备编号,文件类型,拍摄结束时间,标注当事人\n" + rows
    export = make_export({"音像记录.csv": text.encode("gb18030")})
    db = tmp_path / "t.duckdb"
    report = load(export, db)
    media = next(t for t in report.tables if t.table == "media")
    assert media.encoding == "gb18030"
    assert (media.rows_read, media.rows_loaded) == (120_000, 120_000)
    assert q(db, "SELECT label_party, kind FROM media WHERE media_id = 'M119999'") == [
        ("标注当事人119999", "video")
    ]


@pytest.mark.parametrize(
    "spelling, expected",
    [
        ("2026-07-01 09:30:00", dt.datetime(2026, 7, 1, 9, 30)),
        ("2026-07-01 09:30", dt.datetime(2026, 7, 1, 9, 30)),
        ("2026-07-01T09:30", dt.datetime(2026, 7, 1, 9, 30)),
        ("2026-07-01T09:30:15", dt.datetime(2026, 7, 1, 9, 30, 15)),
        ("2026/7/1 9:30", dt.datetime(2026, 7, 1, 9, 30)),
        ("2026/07/01 09:30:15", dt.datetime(2026, 7, 1, 9, 30, 15)),
        ("2026年7月1日 9时30分", dt.datetime(2026, 7, 1, 9, 30)),
        ("2026年7月1日 9时30分15秒", dt.datetime(2026, 7, 1, 9, 30, 15)),
        ("2026年7月1日9时30分", dt.datetime(2026, 7, 1, 9, 30)),
        ("  2026-07-01 09:30  ", dt.datetime(2026, 7, 1, 9, 30)),
    ],
)
def test_timestamp_spellings(make_export, tmp_path, q, spelling, expected):
    export = make_export(
        {"cases.csv": f"case_id,unit_id,opened_at\nC1,U1,\"{spelling}\"\n"}
    )
    db = tmp_path / "t.duckdb"
    load(export, db)
    assert q(db, "SELECT opened_at FROM cases") == [(expected,)]


@pytest.mark.parametrize(
    "spelling, expected",
    [
        ("2026-07-01", dt.date(2026, 7, 1)),
        ("2026/7/1", dt.date(2026, 7, 1)),
        ("2026年7月1日", dt.date(2026, 7, 1)),
        ("2026-07-01 00:00", dt.date(2026, 7, 1)),
        ("2026-07-01 00:00:00", dt.date(2026, 7, 1)),
    ],
)
def test_date_spellings(make_export, tmp_path, q, spelling, expected):
    export = make_export(
        {"officers.csv": f"officer_id,cert_valid_to\nO1,{spelling}\n"}
    )
    db = tmp_path / "t.duckdb"
    load(export, db)
    assert q(db, "SELECT cert_valid_to FROM officers") == [(expected,)]


def test_boolean_spellings(make_export, tmp_path, q):
    spellings = {
        "是": True, "否": False, "有": True, "无": False, "Y": True, "n": False,
        "1": True, "0": False, "TRUE": True, "false": False, "√": True, "×": False,
        " 是 ": True, "": None,
    }
    rows = "".join(f"S1,O{i},{s}\n" for i, s in enumerate(spellings))
    export = make_export({"step_officers.csv": "step_id,officer_id,cert_shown\n" + rows})
    db = tmp_path / "t.duckdb"
    load(export, db)
    got = dict(q(db, "SELECT officer_id, cert_shown FROM step_officers"))
    assert got == {f"O{i}": v for i, v in enumerate(spellings.values())}


def test_headers_english_alias_fullwidth_and_unknown_columns(make_export, tmp_path, q):
    # full-width letters and spaces around header names; an alias; an unknown column
    header = "ｍｅｄｉａ＿ｉｄ,\u3000设备编号 , 文件类型,拍摄结束时间,文件大小,备注栏\n"
    export = make_export(
        {"media.csv": header + "M1,D1,ＶＩＤＥＯ,2026-07-01 10:30,\"1,234\",随便写\n"}
    )
    db = tmp_path / "t.duckdb"
    report = load(export, db)
    assert q(db, "SELECT media_id, device_id, kind, size_bytes FROM media") == [
        ("M1", "D1", "video", 1234)
    ]
    assert any("备注栏" in w and "unknown columns" in w for w in report.warnings)


def test_codes_chinese_parts_and_synonyms(make_export, tmp_path, q):
    rows = (
        "S1,C1,现场检查(勘验)\nS2,C1,现场检查（勘验）\nS3,C1,勘验\nS4,C1,委托送达\n"
        "S5,C1,代履行\nS6,C1,Legal_Review\nS7,C1,集体讨论\n"
    )
    export = make_export({"steps.csv": "step_id,case_id,stage\n" + rows})
    db = tmp_path / "t.duckdb"
    load(export, db)
    assert dict(q(db, "SELECT step_id, stage FROM steps")) == {
        "S1": "inspection", "S2": "inspection", "S3": "inspection",
        "S4": "service_entrusted", "S5": "enforcement", "S6": "legal_review",
        "S7": "collective_discussion",
    }


def test_integers(make_export, tmp_path, q):
    rows = "M1,1234\nM2,\"1,234,567\"\nM3,12.0\nM4,\n"
    export = make_export({"media.csv": "media_id,size_bytes\n" + rows})
    db = tmp_path / "t.duckdb"
    load(export, db)
    assert dict(q(db, "SELECT media_id, size_bytes FROM media")) == {
        "M1": 1234, "M2": 1234567, "M3": 12, "M4": None,
    }


def test_tab_delimited_and_unknown_file_reported(make_export, tmp_path, q):
    export = make_export(
        {"units.csv": "unit_id\tunit_name\nU1\t一中队\nU2\t二中队\n", "说明.txt": "readme"}
    )
    db = tmp_path / "t.duckdb"
    report = load(export, db)
    assert q(db, "SELECT unit_id, unit_name FROM units ORDER BY 1") == [
        ("U1", "一中队"), ("U2", "二中队")
    ]
    assert any("说明.txt" in w for w in report.warnings)


def test_cli_load_prints_counts(make_export, tmp_path):
    export = make_export(
        {"cases.csv": "case_id,unit_id,opened_at\nC1,U1,2026-07-01 09:30\nC2,U1,不是时间\n"}
    )
    db = tmp_path / "t.duckdb"
    result = CliRunner().invoke(cli, ["load", str(export), "--db", str(db)])
    assert result.exit_code == 0, result.output
    line = next(ln for ln in result.output.splitlines() if ln.startswith("cases"))
    assert line.split() == ["cases", "2", "1", "0", "1"]
    assert "load id: 1" in result.output


def test_cli_load_missing_required_table_exits_nonzero(make_export, tmp_path):
    export = make_export({"units.csv": "unit_id\nU1\n"}, base=False)
    db = tmp_path / "t.duckdb"
    result = CliRunner().invoke(cli, ["load", str(export), "--db", str(db)])
    assert result.exit_code == 1
    assert "required table file missing" in result.output and "officers" in result.output
    assert not db.exists()


def test_gbk_file_with_a_single_chinese_character(make_export, tmp_path, q):
    # too little Chinese for statistics: still GB18030, not "damaged UTF-8"
    export = make_export({"units.csv": "unit_id,unit_name\nU1,中\n".encode("gbk")})
    db = tmp_path / "t.duckdb"
    report = load(export, db)
    assert next(t for t in report.tables if t.table == "units").encoding == "gb18030"
    assert q(db, "SELECT unit_name FROM units") == [("中",)]
