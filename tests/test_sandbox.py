"""issue 10 item 9: the SQL console sees the audited database and nothing else — every
statement below was reproduced as a leak on the old console — and personal data is masked
at the source, whatever the query does with a column."""

from __future__ import annotations

import os

import pytest

from zfaudit.adhoc import export_sql, run_sql
from zfaudit.db import connect
from zfaudit.errors import ZfauditError


@pytest.fixture
def db(tmp_path):
    path = tmp_path / "bureau.duckdb"
    with connect(path) as con:
        con.execute("INSERT INTO units VALUES ('U1', '一中队', NULL)")
        con.execute("INSERT INTO officers (officer_id, name, unit_id) VALUES ('O1', '王五', 'U1')")
        con.execute(
            "INSERT INTO cases (case_id, unit_id, party_name, party_id_no) VALUES "
            "('C1', 'U1', '张三丰', '430203199001011234')"
        )
        con.execute(
            "INSERT INTO media (media_id, case_id, officer_id, label_party) VALUES "
            "('M1', 'C1', 'O1', '张三丰')"
        )
    return path


REFUSED = [
    "COPY (SELECT party_name, party_id_no FROM cases) TO '{tmp}/leak.csv'",
    "COPY cases TO '{tmp}/leak.parquet' (FORMAT parquet)",
    "EXPORT DATABASE '{tmp}/dump'",
    "SELECT * FROM read_csv('/etc/passwd')",
    "SELECT * FROM read_text('/etc/passwd')",
    "SELECT * FROM read_blob('/etc/passwd')",
    "SELECT * FROM glob('/etc/*')",
    "SELECT * FROM '/etc/passwd'",
    "INSTALL httpfs",
    "LOAD httpfs",
    "ATTACH '{tmp}/other.duckdb' AS other",
    "SET enable_external_access = true",
    "PRAGMA enable_profiling",
    "SELECT * FROM query_table('zf_data.main.cases')",
    "SELECT * FROM query('SELECT party_name FROM zf_data.main.cases')",
    "SELECT 1; COPY cases TO '{tmp}/leak2.csv'",
    "CREATE TABLE t AS SELECT 1",
    "DELETE FROM cases",
]
# The file itself is attached under a name the query may not use: tables go by their names.
NAMES_THE_FILE = [
    "SELECT party_name FROM zf_data.main.cases",
    "SELECT party_name FROM zf_data.cases",
    "SELECT x FROM (SELECT party_name AS x FROM \"ZF_DATA\".main.cases) t",
]


@pytest.mark.parametrize("unmasked", [False, True])
@pytest.mark.parametrize("query", REFUSED + NAMES_THE_FILE)
def test_console_refuses_everything_but_one_select_over_its_tables(db, tmp_path, query, unmasked):
    q = query.format(tmp=tmp_path)
    before = set(os.listdir(tmp_path))
    with pytest.raises(ZfauditError) as e:
        run_sql(db, q, unmasked=unmasked)
    message = str(e.value)
    assert " / " in message and any("\u4e00" <= ch <= "\u9fff" for ch in message)  # 中文 / English
    assert set(os.listdir(tmp_path)) == before  # nothing written beside the database
    assert run_sql(db, "SELECT count(*) AS n FROM cases")["n"].tolist() == [1]


@pytest.mark.parametrize("query, column", [
    ("SELECT name AS officer FROM officers", "officer"),
    ("SELECT upper(name) AS u FROM officers", "u"),
    ("SELECT name || '' AS n FROM officers", "n"),
    ("SELECT o.name AS who FROM media m JOIN officers o USING (officer_id)", "who"),
    ("WITH p AS (SELECT party_name AS x FROM cases) SELECT x FROM p", "x"),
    ("SELECT (SELECT max(party_name) FROM cases) AS m", "m"),
    ("SELECT party_id_no AS idno FROM cases", "idno"),
    ("SELECT label_party AS l FROM media", "l"),
    ("SELECT * FROM (SELECT party_name FROM cases) AS t", "party_name"),
])
def test_masking_holds_whatever_the_query_does_with_a_column(db, tmp_path, query, column):
    value = run_sql(db, query)[column].iloc[0]
    assert value in ("王*", "王*".upper(), "张**", "430*************34"), value
    assert value == run_sql(db, query)[column].iloc[0]
    raw = run_sql(db, query, unmasked=True)[column].iloc[0]
    assert raw in ("王五", "张三丰", "430203199001011234")
    path, n, _ = export_sql(db, query, tmp_path / "out.csv")
    text = path.read_text("utf-8-sig")
    assert n == 1 and "王五" not in text and "张三丰" not in text and "1990010112" not in text


def test_parameters_and_allowed_table_functions_still_work(db):
    assert run_sql(db, "SELECT count(*) AS n FROM cases WHERE unit_id = ?", ["U1"])["n"][0] == 1
    assert run_sql(db, "SELECT sum(range) AS s FROM range(4)")["s"][0] == 6
    tables = run_sql(db, "SELECT table_name FROM duckdb_tables() WHERE table_name = 'cases'")
    assert len(tables) >= 1
