"""Parquet and JSON exports: typed columns read as text, record index + 1 as the line."""

from __future__ import annotations

import datetime as dt
import json

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from zfaudit.errors import InputError
from zfaudit.ingest.loader import load


def parquet(table: pa.Table):
    return lambda path: pq.write_table(table, str(path))


def test_parquet_native_types_and_text(make_export, tmp_path, q):
    media = pa.table(
        {
            "media_id": ["M1", "M2", "M3"],
            "kind": ["视频", "audio", "录像带"],
            "recorded_start": pa.array(
                [dt.datetime(2026, 7, 1, 9, 30), dt.datetime(2026, 7, 1, 10, 0), None],
                pa.timestamp("us"),
            ),
            "recorded_end": ["2026-07-01 09:45", "2026年7月1日 10时05分", "2026-07-01 11:00"],
            "size_bytes": pa.array([1024.0, 5.0, 7.0], pa.float64()),
            "evidence": [True, False, None],
        }
    )
    export = make_export({"media.parquet": parquet(media)})
    db = tmp_path / "t.duckdb"
    load(export, db)
    assert q(db, "SELECT media_id, kind, recorded_start, recorded_end, size_bytes, evidence "
                 "FROM media ORDER BY 1") == [
        ("M1", "video", dt.datetime(2026, 7, 1, 9, 30), dt.datetime(2026, 7, 1, 9, 45), 1024, True),
        ("M2", "audio", dt.datetime(2026, 7, 1, 10, 0), dt.datetime(2026, 7, 1, 10, 5), 5, False),
    ]
    assert q(db, "SELECT line, column_name, raw_value, reason FROM quarantine") == [
        (3, "kind", "录像带", "unknown_code")
    ]


def test_parquet_timezone_aware_is_china_local(make_export, tmp_path, q):
    cases = pa.table(
        {
            "case_id": ["C1"],
            "opened_at": pa.array([dt.datetime(2026, 7, 1, 1, 30, tzinfo=dt.UTC)], pa.timestamp("us", tz="UTC")),
        }
    )
    export = make_export({"cases.parquet": parquet(cases)})
    db = tmp_path / "t.duckdb"
    load(export, db)
    assert q(db, "SELECT opened_at FROM cases") == [(dt.datetime(2026, 7, 1, 9, 30),)]


def test_json_records(make_export, tmp_path, q):
    records = [
        {"环节编号": "S1", "案件编号": "C1", "环节": "调查询问", "开始时间": "2026/7/1 9:30", "异地执法": True},
        {"环节编号": "S2", "案件编号": "C1", "环节": "听证", "开始时间": "2026-07-02T10:00", "异地执法": "否"},
        {"环节编号": "S3", "案件编号": "C1", "环节": "inquiry", "开始时间": "2026-07-02 25:00", "异地执法": 0},
        {"环节编号": "S1", "案件编号": "C9", "环节": "inquiry", "开始时间": None, "异地执法": None},
    ]
    export = make_export({"执法环节.json": json.dumps(records, ensure_ascii=False)})
    db = tmp_path / "t.duckdb"
    load(export, db)
    assert q(db, "SELECT step_id, stage, started_at, remote FROM steps ORDER BY 1") == [
        ("S1", "inquiry", dt.datetime(2026, 7, 1, 9, 30), True),
        ("S2", "hearing", dt.datetime(2026, 7, 2, 10, 0), False),
    ]
    assert q(db, "SELECT line, column_name, raw_value, reason FROM quarantine ORDER BY line") == [
        (3, "started_at", "2026-07-02 25:00", "bad_timestamp"),
        (4, "step_id", "S1", "duplicate_key"),
    ]


def test_corrupt_parquet_is_input_error(make_export, tmp_path):
    export = make_export({"media.parquet": b"PAR1 definitely not parquet PAR1"})
    with pytest.raises(InputError, match="media.parquet"):
        load(export, tmp_path / "t.duckdb")


def test_invalid_json_is_input_error(make_export, tmp_path):
    export = make_export({"steps.json": '[{"step_id": "S1", '})
    with pytest.raises(InputError, match="steps.json"):
        load(export, tmp_path / "t.duckdb")


def test_parquet_raw_rows_of_bad_and_repeated_rows(make_export, tmp_path, q):
    # a bad cell keeps the row's cells from the staging pass; a repeated key's row is read
    # again from the file by its row number
    cases = pa.table({
        "case_id": ["C1", "C2", "C1", "C3"],
        "major": ["是", "也许", " 否 ", "否"],
        "opened_at": pa.array([dt.datetime(2026, 7, 1, 9, 30)] * 4, pa.timestamp("us")),
    })
    db = tmp_path / "t.duckdb"
    load(make_export({"cases.parquet": parquet(cases)}), db)
    rows = q(db, "SELECT line, reason, raw_row FROM quarantine ORDER BY line")
    assert [(line, reason, json.loads(raw)) for line, reason, raw in rows] == [
        (2, "bad_bool", {"case_id": "C2", "major": "也许", "opened_at": "2026-07-01 09:30:00"}),
        (3, "duplicate_key", {"case_id": "C1", "major": " 否 ", "opened_at": "2026-07-01 09:30:00"}),
    ]
