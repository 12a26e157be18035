"""Ad-hoc SQL: read-only, parameters are data, masked exports, aligned terminal tables."""

from __future__ import annotations

import datetime as dt

import openpyxl
import pytest

from zfaudit.adhoc import export_sql, format_table, print_result, run_sql
from zfaudit.cli import parse_params
from zfaudit.db import connect
from zfaudit.errors import ZfauditError

HOSTILE = "'; DROP TABLE findings; --"


@pytest.fixture
def db(tmp_path):
    path = tmp_path / "bureau.duckdb"
    with connect(path) as con:
        con.execute(
            """INSERT INTO cases (case_id, unit_id, party_name, party_id_no, opened_at) VALUES
            ('C1', 'U1', '张三丰', '430203199001011234', '2026-07-01 09:00:00'),
            ('C2', 'U1', '株洲市某某餐饮有限公司', '91430200MA4L0ABC1X', '2026-08-01 10:30:00'),
            ('C3', 'U2', ?, NULL, NULL)""",
            [HOSTILE],
        )
        con.execute(
            "INSERT INTO findings (run_id, rule_id, outcome, case_id, unit_id) VALUES "
            "('r1', 'ZF01', 'violation', 'C1', 'U1'), ('r1', 'ZF04', 'violation', 'C2', 'U1'), "
            "('r1', 'ZF04', 'pending', 'C2', 'U1')"
        )
        con.execute("INSERT INTO calendar VALUES ('2026-10-10', true, '国庆节', 'chinesecalendar')")
    return path


def test_select_with_positional_and_named_params(db):
    df = run_sql(db, "SELECT rule_id, count(*) AS n FROM findings WHERE outcome = ? GROUP BY 1 ORDER BY 1",
                 ["violation"])
    assert df.to_dict("records") == [{"rule_id": "ZF01", "n": 1}, {"rule_id": "ZF04", "n": 1}]
    df = run_sql(db, "SELECT case_id FROM cases WHERE unit_id = $unit ORDER BY case_id", {"unit": "U1"})
    assert df["case_id"].tolist() == ["C1", "C2"]
    # a text parameter compared with a timestamp is cast by DuckDB
    df = run_sql(db, "SELECT case_id FROM cases WHERE opened_at >= ?", ["2026-08-01"])
    assert df["case_id"].tolist() == ["C2"]


def test_hostile_parameter_is_data(db):
    # a personal value is compared unmasked only with unmasked=True (masked at the source)
    df = run_sql(db, "SELECT case_id FROM cases WHERE party_name = ?", [HOSTILE], unmasked=True)
    assert df["case_id"].tolist() == ["C3"]
    assert run_sql(db, "SELECT case_id FROM cases WHERE party_name = ?", [HOSTILE]).empty
    df = run_sql(db, "SELECT count(*) AS n FROM findings WHERE case_id = $c", {"c": HOSTILE})
    assert df["n"].tolist() == [0]
    assert run_sql(db, "SELECT count(*) AS n FROM findings")["n"].tolist() == [3]


@pytest.mark.parametrize(
    "query",
    [
        "DROP TABLE findings",
        "DELETE FROM findings",
        "INSERT INTO findings (run_id) VALUES ('x')",
        "UPDATE cases SET party_name = 'x'",
        "CREATE TABLE t AS SELECT 1",
    ],
)
def test_writes_fail_clearly(db, query):
    with pytest.raises(ZfauditError, match="只读查询") as e:
        run_sql(db, query)
    assert "read-only" in str(e.value)
    assert run_sql(db, "SELECT count(*) AS n FROM findings")["n"].tolist() == [3]


def test_errors(db, tmp_path):
    with pytest.raises(ZfauditError, match="query failed: Parser Error"):
        run_sql(db, "SELEC 1")
    with pytest.raises(ZfauditError, match="query failed: Catalog Error"):
        run_sql(db, "SELECT * FROM no_such_table")
    with pytest.raises(ZfauditError, match="empty query"):
        run_sql(db, "  ")
    with pytest.raises(ZfauditError, match="database not found"):
        run_sql(tmp_path / "missing.duckdb", "SELECT 1")
    assert not (tmp_path / "missing.duckdb").exists()


def test_dates_come_back_as_dates(db):
    df = run_sql(db, "SELECT date, opened_at FROM calendar, cases WHERE case_id = 'C1'")
    assert df["date"][0] == dt.date(2026, 10, 10)
    assert df["opened_at"][0] == dt.datetime(2026, 7, 1, 9, 0)


def test_parse_params():
    assert parse_params(()) is None
    assert parse_params(("U1", "2026-07-01")) == ["U1", "2026-07-01"]
    assert parse_params(("unit=U1", "day=2026-07-01")) == {"unit": "U1", "day": "2026-07-01"}
    assert parse_params(("a=b", "x")) == ["a=b", "x"]  # mixed: all positional
    assert parse_params(("=1+1",)) == ["=1+1"]
    # issue 10: a positional value may contain "=" when the query has ? placeholders
    assert parse_params(("a=b",), "SELECT * FROM cases WHERE party_name = ?") == ["a=b"]
    assert parse_params(("a=b",), "SELECT * FROM cases WHERE unit_id = $a") == {"a": "b"}


def test_export_masks_pii_unless_unmasked(db, tmp_path):
    q = "SELECT case_id, party_name, party_id_no, unit_id FROM cases ORDER BY case_id"
    path, n, masked = export_sql(db, q, tmp_path / "cases.xlsx")
    assert (n, masked) == (3, ["party_name", "party_id_no"])
    ws = openpyxl.load_workbook(path).active
    rows = [[c.value for c in r] for r in ws.iter_rows(min_row=2)]
    assert rows == [
        ["C1", "张**", "430*************34", "U1"],
        ["C2", "株洲***", "914*************1X", "U1"],
        ["C3", "'" + "*" * 25, None, "U2"],  # the hostile text is masked like any name
    ]
    path, n, masked = export_sql(db, q, tmp_path / "raw.csv", unmasked=True)
    assert masked == []
    assert "张三丰" in path.read_text("utf-8-sig")
    # a column aliased to a Chinese PII label is still caught
    path, _, masked = export_sql(db, "SELECT party_name AS 当事人 FROM cases WHERE case_id = 'C1'",
                                 tmp_path / "zh.json")
    assert masked == ["当事人"] and "张**" in path.read_text("utf-8")


def test_print_result_formats(db):
    q = "SELECT case_id, party_name FROM cases WHERE case_id = ?"
    assert print_result(db, q, ["C1"], "csv") == "case_id,party_name\nC1,张**"  # masked
    assert print_result(db, q, ["C1"], "csv", unmasked=True) == "case_id,party_name\nC1,张三丰"
    assert '"party_name": "张三丰"' in print_result(db, q, ["C1"], "json", unmasked=True)
    with pytest.raises(ZfauditError, match="needs --out"):
        print_result(db, q, ["C1"], "xlsx")


def test_format_table_aligns_chinese(db):
    text = format_table(run_sql(db, "SELECT case_id, party_name, unit_id FROM cases ORDER BY 1"))
    lines = text.splitlines()
    assert lines[-1] == "(3 行 / rows)"
    # unit_id starts at the same display column on every row: CJK characters count double
    from zfaudit.adhoc import _width

    starts = {_width(line[: line.rindex("U")]) for line in lines[2:5]}
    assert len(starts) == 1
    assert lines[0].startswith("case_id  party_name")
