"""A failed load leaves the database exactly as it was; fatal problems name file and column."""

from __future__ import annotations

import pytest

from zfaudit.errors import InputError
from zfaudit.ingest.loader import load


def test_corrupt_later_file_leaves_database_unchanged(make_export, tmp_path, snapshot, q):
    db = tmp_path / "t.duckdb"
    load(make_export(name="first"), db)
    before = snapshot(db)
    # every table changes in the second export, but media (processed last) is corrupt
    files = {
        "units.csv": "unit_id,unit_name\nU1,改名中队\nU9,新中队\n",
        "officers.csv": "officer_id,name\nO1,张三\nO2,李四\n",
        "devices.csv": "device_id,kind\nD2,camera\n",
        "cases.csv": "case_id,opened_at\nC1,2026-07-05 09:00\nC2,bad\n",
        "steps.csv": "step_id,case_id,stage\nS2,C1,hearing\n",
        "step_officers.csv": "step_id,officer_id\nS2,O2\n",
        "media_access.csv": "access_id,media_id,action\nA1,M1,复制\n",
        "media.parquet": b"PAR1 not really PAR1",
    }
    with pytest.raises(InputError, match="media.parquet"):
        load(make_export(files, name="second", base=False), db)
    assert snapshot(db) == before
    assert q(db, "SELECT max(load_id) FROM loads") == [(1,)]


def test_failure_in_write_phase_rolls_back(make_export, tmp_path, snapshot, monkeypatch):
    # a failure after some tables were already written inside the transaction
    import zfaudit.ingest.loader as loader

    db = tmp_path / "t.duckdb"
    load(make_export(name="first"), db)
    before = snapshot(db)
    real_write = loader._write
    calls = []

    def write_then_fail(con, load_id, st):
        calls.append(st.table.name)
        real_write(con, load_id, st)
        if st.table.name == "cases":
            raise RuntimeError("disk full")

    monkeypatch.setattr(loader, "_write", write_then_fail)
    files = {"units.csv": "unit_id\nU7\n", "cases.csv": "case_id\nC7\n"}
    with pytest.raises(RuntimeError, match="disk full"):
        load(make_export(files, name="second"), db)
    assert calls[:2] == ["units", "cases"]
    assert snapshot(db) == before


def test_failed_first_load_leaves_no_database(make_export, tmp_path):
    db = tmp_path / "new.duckdb"
    with pytest.raises(InputError):
        load(make_export({"cases.csv": "opened_at\n2026-07-01 09:00\n"}), db)
    assert not db.exists()


def test_missing_key_column_names_file_and_column(make_export, tmp_path):
    export = make_export({"执法环节.csv": "案件编号,环节\nC1,inquiry\n"})
    with pytest.raises(InputError, match=r"执法环节\.csv.*step_id"):
        load(export, tmp_path / "t.duckdb")


def test_missing_required_table_names_it(make_export, tmp_path):
    export = make_export({"units.csv": "unit_id\nU1\n", "media.csv": "media_id\nM1\n"}, base=False)
    with pytest.raises(InputError) as e:
        load(export, tmp_path / "t.duckdb")
    for t in ("officers", "devices", "cases", "steps", "step_officers"):
        assert t in str(e.value)
    assert "media" not in str(e.value).split(":", 1)[1].replace("media_access", "")


def test_no_contract_files_at_all(make_export, tmp_path):
    export = make_export({"readme.txt": "nothing here"}, base=False)
    with pytest.raises(InputError, match="no contract table file"):
        load(export, tmp_path / "t.duckdb")


def test_undecodable_bytes_is_input_error(make_export, tmp_path):
    # GB18030 text with a broken multi-byte sequence in the middle
    good = "案件编号,立案时间\nC1,2026-07-01 09:00\n".encode("gb18030")
    export = make_export({"cases.csv": good + b"C2,\x81\x20\xff\xff\n"})
    with pytest.raises(InputError, match="cases.csv"):
        load(export, tmp_path / "t.duckdb")


def test_two_files_for_one_table(make_export, tmp_path):
    export = make_export({"cases.csv": "case_id\nC1\n", "案件.json": '[{"case_id": "C2"}]'})
    with pytest.raises(InputError, match="two files for table cases"):
        load(export, tmp_path / "t.duckdb")


def test_damaged_utf8_is_input_error_not_mojibake(make_export, tmp_path):
    text = "案件编号,案由\n" + "".join(f"C{i},违法占道经营\n" for i in range(50))
    data = text.encode("utf-8").replace("C7,违".encode(), b"C7,\xff")
    export = make_export({"cases.csv": data})
    with pytest.raises(InputError, match=r"cases\.csv.*line 9"):
        load(export, tmp_path / "t.duckdb")


def test_staging_tables_never_outlive_a_load(make_export, tmp_path, q):
    db = tmp_path / "t.duckdb"
    load(make_export(name="first"), db)
    # what a load killed between its two phases leaves behind
    import duckdb

    con = duckdb.connect(str(db))
    con.execute("CREATE TABLE zf_stage_t3 AS SELECT 1 AS case_id")
    con.close()
    load(make_export({"cases.csv": "case_id\nC9\n"}, name="second"), db)
    assert q(db, "SELECT count(*) FROM duckdb_tables() WHERE table_name LIKE 'zf_stage%'") == [(0,)]
    with pytest.raises(InputError):
        load(make_export({"cases.csv": "case_id\nC10\n", "media.parquet": b"not parquet"}, name="third"), db)
    assert q(db, "SELECT count(*) FROM duckdb_tables() WHERE table_name LIKE 'zf_stage%'") == [(0,)]
    assert q(db, "SELECT count(*) FROM cases WHERE case_id IN ('C9', 'C10')") == [(1,)]


def test_loaded_tables_have_exactly_the_contract_columns(make_export, tmp_path, q):
    # a first load swaps each staging table in: its columns must be the contract's, in order
    from zfaudit.contract import contract

    db = tmp_path / "t.duckdb"
    load(make_export({"media.csv": "media_id,size_bytes\nM1,7\n"}), db)
    for table in contract().tables.values():
        got = q(db, "SELECT column_name, data_type FROM duckdb_columns() WHERE table_name = ? "
                    "ORDER BY column_index", [table.name])
        assert got == [(c.name, c.sql_type) for c in table.columns], table.name


def test_a_full_disk_in_the_write_phase_is_one_line_and_changes_nothing(
        make_export, tmp_path, snapshot, monkeypatch):
    """issue 10 item 8: a full disk while writing showed a traceback. (DuckDB's own error
    is raised where the disk would fill: inside the write phase's transaction.)"""
    import duckdb
    from click.testing import CliRunner

    import zfaudit.ingest.loader as loader
    from zfaudit.cli import cli

    db = tmp_path / "t.duckdb"
    load(make_export(name="first"), db)
    before = snapshot(db)
    real_write = loader._write

    def write_then_disk_full(con, load_id, st):
        real_write(con, load_id, st)
        raise duckdb.IOException('IO Error: Could not write file "t.duckdb": No space left on device')

    monkeypatch.setattr(loader, "_write", write_then_disk_full)
    files = {"units.csv": "unit_id\nU7\n"}
    r = CliRunner().invoke(cli, ["load", str(make_export(files, name="second")), "--db", str(db)])
    assert r.exit_code == 1 and "Traceback" not in r.output
    assert "磁盘空间不足" in r.output and "no space left on device" in r.output
    assert len(r.output.strip().splitlines()) == 1
    assert snapshot(db) == before


def test_empty_and_broken_json_exports(make_export, tmp_path, q):
    """issue 10 item 8: `[]` gave a raw DuckDB message; an empty export is zero rows."""
    db = tmp_path / "t.duckdb"
    report = load(make_export({"media_access.json": "[]\n"}), db)
    assert next(t for t in report.tables if t.table == "media_access").rows_read == 0
    assert q(db, "SELECT count(*) FROM media_access") == [(0,)]
    with pytest.raises(InputError) as e:
        load(make_export({"media_access.json": "{bad"}, name="bad"), db)
    assert "media_access.json is not a JSON file of records" in str(e.value)
    assert "\n" not in str(e.value)
