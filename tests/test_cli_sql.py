"""`zfaudit sql`: table on the terminal, files masked, parameters, read-only."""

from __future__ import annotations

import csv
import json

import openpyxl
import pytest
from click.testing import CliRunner

from zfaudit.cli import cli
from zfaudit.db import connect

HOSTILE = "'; DROP TABLE findings; --"


@pytest.fixture
def db(tmp_path):
    path = tmp_path / "bureau.duckdb"
    with connect(path) as con:
        con.execute(
            "INSERT INTO cases (case_id, unit_id, party_name, party_id_no) VALUES "
            "('C1', 'U1', '张三丰', '430203199001011234'), ('C2', 'U2', '李四', NULL)"
        )
        con.execute(
            "INSERT INTO findings (run_id, rule_id, outcome, case_id, unit_id) VALUES "
            "('r1', 'ZF01', 'violation', 'C1', 'U1'), ('r1', 'ZF03', 'violation', 'C1', 'U1'), "
            "('r1', 'ZF03', 'advisory', 'C2', 'U2')"
        )
    return str(path)


def run(*args):
    return CliRunner().invoke(cli, ["sql", *args])


def test_table_output_with_param(db):
    r = run("--db", db, "SELECT rule_id, count(*) AS n FROM findings WHERE unit_id = ? GROUP BY 1 ORDER BY 1",
            "--param", "U1")
    assert r.exit_code == 0, r.output
    assert r.output.splitlines() == [
        "rule_id  n", "-------  -", "ZF01     1", "ZF03     1", "(2 行 / rows)",
    ]


def test_named_param_and_hostile_value(db):
    r = run("--db", db, "SELECT count(*) AS n FROM findings WHERE case_id = $c", "--param", f"c={HOSTILE}",
            "--format", "csv")
    assert r.exit_code == 0, r.output
    assert r.output == "n\n0\n"
    r = run("--db", db, "SELECT count(*) AS n FROM findings", "--format", "json")
    assert json.loads(r.output) == [{"n": 3}]


def test_terminal_and_file_are_masked_unless_unmasked(db, tmp_path):
    q = "SELECT case_id, party_name, party_id_no FROM cases ORDER BY 1"
    r = run("--db", db, q)
    # issue 10: terminal output is as easily redirected to a file as --out writes one
    assert "张三丰" not in r.output and "张**" in r.output
    r = run("--db", db, q, "--unmasked")
    assert "张三丰" in r.output
    out = tmp_path / "cases.xlsx"
    r = run("--db", db, q, "--out", str(out))
    assert r.exit_code == 0, r.output
    assert "已写出 2 行" in r.output and "已脱敏：party_name, party_id_no" in r.output
    ws = openpyxl.load_workbook(out).active
    assert [[c.value for c in row] for row in ws.iter_rows(min_row=2)] == [
        ["C1", "张**", "430*************34"], ["C2", "李*", None],
    ]
    out2 = tmp_path / "cases.data"
    r = run("--db", db, q, "--out", str(out2), "--format", "csv", "--unmasked")
    assert r.exit_code == 0, r.output
    assert "张三丰" in out2.read_text("utf-8-sig")


def test_write_is_refused(db):
    r = run("--db", db, "DROP TABLE findings")
    assert r.exit_code == 1 and "只读查询" in r.output
    r = run("--db", db, "SELECT count(*) AS n FROM findings", "--format", "csv")
    assert r.output == "n\n3\n"


def test_xlsx_needs_out_and_bad_suffix(db, tmp_path):
    r = run("--db", db, "SELECT 1", "--format", "xlsx")
    assert r.exit_code == 1 and "needs --out" in r.output
    r = run("--db", db, "SELECT 1", "--out", str(tmp_path / "x.txt"))
    assert r.exit_code == 1 and "unsupported export format txt" in r.output


def test_quarantined_rows_are_masked_in_files(make_export, tmp_path):
    # a bad row keeps its cells as read: the party's name and ID number in it are masked too
    from zfaudit.ingest.loader import load

    cases = (
        "案件编号,当事人,当事人证件号码,立案时间\n"
        "C1,张三丰,430203199001011234,昨天\n"  # bad_timestamp
        "C2,\"李四,\",430203199001015678,2026-07-01 09:00,多余\n"  # unreadable_row
    )
    db = tmp_path / "q.duckdb"
    load(make_export({"cases.csv": cases}), db)
    out = tmp_path / "q.csv"
    q = "SELECT line, column_name, raw_value, raw_row FROM quarantine ORDER BY line"
    r = run("--db", str(db), q, "--out", str(out))
    assert r.exit_code == 0, r.output
    assert "已脱敏：raw_value, raw_row" in r.output
    text = out.read_text("utf-8-sig")
    for secret in ("张三丰", "430203199001011234", "李四", "430203199001015678"):
        assert secret not in text
    rows = list(csv.DictReader(text.splitlines()))
    assert rows[0]["raw_value"] == "昨天"  # a bad time is not personal data
    assert json.loads(rows[0]["raw_row"]) == {
        "案件编号": "C1", "当事人": "张**", "当事人证件号码": "430*************34", "立案时间": "昨天"
    }
    assert json.loads(rows[1]["raw_row"])["raw_line"].startswith("（已隐藏")
    r = run("--db", str(db), q, "--out", str(tmp_path / "all.csv"), "--unmasked")
    assert "张三丰" in (tmp_path / "all.csv").read_text("utf-8-sig")


def test_no_output_replaces_a_database_and_existing_files_need_overwrite(db, tmp_path):
    """issue 10 item 10: `--out r.duckdb` replaced the database with a 7-byte CSV."""
    from pathlib import Path

    before = Path(db).read_bytes()
    for target in (db, str(tmp_path / "copy.duckdb")):
        if target != db:
            Path(target).write_bytes(before)
        for extra in ([], ["--overwrite"]):
            r = run("--db", db, "select 1 AS x", "--format", "csv", "--out", target, *extra)
            assert r.exit_code == 1 and "refusing to write over a database" in r.output
        assert Path(target).read_bytes() == before
    out = tmp_path / "x.csv"
    assert run("--db", db, "select 1 AS x", "--out", str(out)).exit_code == 0
    r = run("--db", db, "select 2 AS x", "--out", str(out))
    assert r.exit_code == 1 and "--overwrite" in r.output and out.read_text("utf-8-sig") == "x\n1\n"
    assert run("--db", db, "select 2 AS x", "--out", str(out), "--overwrite").exit_code == 0
    assert out.read_text("utf-8-sig") == "x\n2\n"


@pytest.mark.parametrize("name", ["x.csv", "x.parquet", "x.json", "x.xlsx"])
def test_a_data_file_is_not_a_database(make_export, tmp_path, name):
    """issue 10 item 4: `zfaudit load s --db x.csv` reported a full load and kept nothing
    (DuckDB opened the path as an in-memory database)."""
    from zfaudit.cli import cli as main

    export = make_export()
    r = CliRunner().invoke(main, ["load", str(export), "--db", str(tmp_path / name)])
    assert r.exit_code == 1 and "--db must be a DuckDB database file" in r.output
    assert not (tmp_path / name).exists()
    not_db = tmp_path / "notes.duckdb"
    not_db.write_text("case_id\nC1\n", "utf-8")  # a CSV saved under a database name
    r = CliRunner().invoke(main, ["load", str(export), "--db", str(not_db)])
    assert r.exit_code == 1 and "not a DuckDB database file" in r.output
    assert not_db.read_text("utf-8") == "case_id\nC1\n"


def test_sample_and_data_docs_never_write_through_a_link_or_over_files(tmp_path, make_export):
    """issue 10 item 10, found by the hostile hunt: `sample --out` and `audit --docs` replaced
    existing files, through a symlink even onto a database."""
    from pathlib import Path

    from zfaudit.cli import cli as main

    victim = tmp_path / "real.duckdb"
    with connect(victim):
        pass
    before = victim.read_bytes()
    out = tmp_path / "o"
    out.mkdir()
    (out / "案件.csv").symlink_to(victim)
    for extra in ([], ["--overwrite"]):
        r = CliRunner().invoke(main, ["sample", "--out", str(out), "--cases", "5", *extra])
        assert r.exit_code == 1, r.output
    assert victim.read_bytes() == before
    plain = tmp_path / "p"
    plain.mkdir()
    (plain / "案件.csv").write_text("REAL", "utf-8")
    r = CliRunner().invoke(main, ["sample", "--out", str(plain), "--cases", "5"])
    assert r.exit_code == 1 and "--overwrite" in r.output
    assert (plain / "案件.csv").read_text("utf-8") == "REAL"
    assert CliRunner().invoke(main, ["sample", "--out", str(plain), "--cases", "5",
                                     "--overwrite"]).exit_code == 0
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "index.html").symlink_to(victim)
    r = CliRunner().invoke(main, ["audit", "--db", str(victim), "--profile", "zhuzhou_cgzf",
                                  "--period", "2026Q3", "--docs", str(docs), "--overwrite"])
    assert r.exit_code == 1 and "link" in r.output and Path(victim).read_bytes() == before


def test_quarantine_cells_under_unknown_headers_are_hidden_when_masked(make_export, tmp_path):
    from zfaudit.ingest.loader import load

    db = tmp_path / "pk.duckdb"
    cases = ("case_id,unit_id,当事人,身份证号码,联系电话,opened_at\n"
             "C1,U1,张三丰,430203199001011234,13800138000,坏时间\n")
    load(make_export({"cases.csv": cases}), db)
    r = run("--db", str(db), "SELECT raw_row FROM quarantine", "--format", "csv")
    assert r.exit_code == 0
    assert "430203199001011234" not in r.output and "13800138000" not in r.output
    assert "张三丰" not in r.output and "坏时间" in r.output
