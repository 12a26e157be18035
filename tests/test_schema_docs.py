"""docs/schema.md documents every table and column a user may query, and its examples run."""

from __future__ import annotations

import re
from importlib import resources
from pathlib import Path

import pytest

from zfaudit.adhoc import run_sql
from zfaudit.contract import contract
from zfaudit.db import connect

DOC = (Path(__file__).parent.parent / "docs" / "schema.md").read_text("utf-8")


def _section(table: str) -> str:
    """The text of the `## table` or `### table` section of docs/schema.md."""
    m = re.search(rf"^#{{2,3}} {table} — .*?$(.*?)(?=^#{{2,3}} |\Z)", DOC, re.M | re.S)
    assert m, f"docs/schema.md has no section for {table}"
    return m.group(1)


def _documented(table: str) -> list[str]:
    return re.findall(r"^\| `(\w+)` \|", _section(table), re.M)


def _own_tables() -> dict[str, list[str]]:
    sql = resources.files("zfaudit").joinpath("schema.sql").read_text("utf-8")
    out = {}
    for name, body in re.findall(r"CREATE TABLE IF NOT EXISTS (\w+) \((.*?)\n\);", sql, re.S):
        out[name] = [
            m.group(1)
            for line in body.splitlines()
            if (m := re.match(r"\s*(\w+)\s+[A-Z]", line))
        ]
    return out


@pytest.mark.parametrize("table", list(contract().tables))
def test_every_contract_column_documented(table):
    cols = contract().tables[table].column_names
    assert _documented(table) == cols  # same columns, same order


def test_every_own_table_documented():
    own = _own_tables()
    assert set(own) == {"loads", "quarantine", "calendar", "audit_runs", "findings", "rule_results",
                        "officer_results", "recheck_outcomes", "run_exceptions",
                        "notices", "notice_items"}
    for table, cols in own.items():
        assert _documented(table) == cols, table


def test_chinese_labels_and_pii_marked():
    for t in contract().tables.values():
        assert f"{t.name} — {t.zh}" in DOC
        for c in t.columns:
            row = re.search(rf"^\| `{c.name}` \| ([^|]+) \|[^|]*\|([^|]*)\|", _section(t.name), re.M)
            assert row.group(1).strip() in c.aliases
            assert ("personal data" in row.group(2)) == c.pii, (t.name, c.name)
    assert "## scores (view)" in DOC


def test_example_queries_run(tmp_path):
    db = tmp_path / "empty.duckdb"
    with connect(db):
        pass
    examples = DOC[DOC.index("## Example queries"):]
    queries = re.findall(r"```sql\n(.*?)```", examples, re.S)
    assert len(queries) == 3
    for q in queries:
        params = ["ZF04"] if "?" in q else None  # on the sample too: tests/test_docs.py
        df = run_sql(db, q, params)
        assert df.empty and len(df.columns) >= 4
