"""The loader's accounting as a property (issue 10), over generated exports with injected
defects — bad cells, duplicate and missing keys, ragged rows, multi-line fields, encodings,
BOMs, line ends, CSV or xlsx:

- every physical record is loaded or quarantined, at its physical line, for the right reason;
- the values loaded equal the source's;
- a load that fails leaves the database exactly as it was.

`make test` runs a bounded number of examples (the `ci` profile); a longer run:
`HYPOTHESIS_PROFILE=nightly .venv/bin/pytest tests/ingest/test_load_properties.py`
(docs/decisions.md "Loader").
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import os
from dataclasses import dataclass

import pytest

hypothesis = pytest.importorskip("hypothesis")
from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from zfaudit.errors import InputError  # noqa: E402
from zfaudit.ingest.loader import load  # noqa: E402

settings.register_profile("ci", max_examples=15, deadline=None,
                          suppress_health_check=[HealthCheck.function_scoped_fixture])
settings.register_profile("nightly", max_examples=600, deadline=None,
                          suppress_health_check=[HealthCheck.function_scoped_fixture])
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))

HEADER = ["case_id", "unit_id", "opened_at", "category", "party_name"]
CATEGORIES = {"penalty": "行政处罚", "inspection": "行政检查", "permit": "行政许可"}
NAME_CHARS = "张王李赵刘陈杨黄周吴徐孙胡朱高林何郭马罗伟芳娜敏静丽强磊军洋,\"'· "
DEFECTS = ["ok"] * 6 + ["bad_timestamp", "unknown_code", "missing_key", "duplicate_key",
                        "ragged", "multiline"]


@dataclass
class Row:
    cells: list[str]
    defect: str


@st.composite
def exports(draw):
    n = draw(st.integers(1, 25))
    fmt = draw(st.sampled_from(["csv", "csv", "xlsx"]))
    rows: list[Row] = []
    keys: list[str] = []
    for i in range(n):
        defect = draw(st.sampled_from(DEFECTS if keys else ["ok", "bad_timestamp", "missing_key"]))
        if fmt == "xlsx" and defect == "ragged":
            defect = "ok"  # a sheet row cannot have more cells than it has
        key = f"K{i:03d}"
        name = draw(st.text(NAME_CHARS, min_size=1, max_size=6)).strip() or "张"
        code = draw(st.sampled_from(list(CATEGORIES)))
        category = draw(st.sampled_from([code, CATEGORIES[code]]))  # code or Chinese label
        minute = draw(st.integers(0, 59))
        opened = f"2026-07-{1 + i % 28:02d} 09:{minute:02d}:00"
        if defect == "bad_timestamp":
            opened = "2026-13-01 09:30"
        elif defect == "unknown_code":
            category = "处罚" + str(i)
        elif defect == "missing_key":
            key = ""
        elif defect == "duplicate_key":
            key = draw(st.sampled_from(keys))
        elif defect == "multiline":
            name = name + "\n" + name
        rows.append(Row([key, "U1", opened, category, name], defect))
        if defect in ("ok", "multiline"):
            keys.append(key)
    encoding = draw(st.sampled_from(["utf-8", "utf-8-sig", "gb18030"]))
    newline = draw(st.sampled_from(["\n", "\r\n", "\r"]))
    poison = draw(st.booleans())
    return rows, fmt, encoding, newline, poison


def write_csv(rows: list[Row], encoding: str, newline: str) -> tuple[bytes, list[int]]:
    """The file's bytes and each record's physical line (CR, LF and CRLF each end a line)."""
    out = io.StringIO()
    w = csv.writer(out, lineterminator=newline)
    # a field with a line break is quoted whatever the file's line end (as Excel does;
    # Python's csv quotes only the characters of its own lineterminator)
    quoted = csv.writer(out, lineterminator=newline, quoting=csv.QUOTE_ALL)
    w.writerow(HEADER)
    starts = []
    for r in rows:
        starts.append(out.tell())
        if r.defect == "ragged":  # a well-quoted row with one field too many
            one = io.StringIO()
            csv.writer(one, lineterminator="").writerow(r.cells + ["一个多余的字段"])
            out.write(one.getvalue() + newline)
        elif any("\n" in c or "\r" in c for c in r.cells):
            quoted.writerow(r.cells)
        else:
            w.writerow(r.cells)
    text = out.getvalue()
    lines = [text[:s].replace("\r\n", "\n").replace("\r", "\n").count("\n") + 1 for s in starts]
    return text.encode(encoding), lines


def write_xlsx(rows: list[Row]):
    def write(path):
        import xlsxwriter

        wb = xlsxwriter.Workbook(str(path), {"strings_to_numbers": False})
        ws = wb.add_worksheet("案件")
        ws.write_row(0, 0, HEADER)
        for i, r in enumerate(rows, start=1):
            for j, c in enumerate(r.cells):
                if c:
                    ws.write_string(i, j, c)
        wb.close()
    return write, [i + 2 for i in range(len(rows))]


EXPECTED_REASON = {
    "bad_timestamp": ("opened_at", "bad_timestamp"),
    "unknown_code": ("category", "unknown_code"),
    "missing_key": ("case_id", "missing_key"),
    "duplicate_key": ("case_id", "duplicate_key"),
    "ragged": (None, "unreadable_row"),
}


@given(exports())
def test_every_record_is_loaded_or_quarantined_at_its_line(make_export, tmp_path_factory, q,
                                                          snapshot, spec):
    rows, fmt, encoding, newline, poison = spec
    tmp = tmp_path_factory.mktemp("prop")
    if fmt == "csv":
        data, lines = write_csv(rows, encoding, newline)
        files = {"cases.csv": data}
    else:
        writer, lines = write_xlsx(rows)
        files = {"cases.xlsx": writer}
    db = tmp / "t.duckdb"
    if poison:  # a database that holds a load already, and an export that must fail whole
        load(make_export(name=f"base{tmp.name}"), db)
        before = snapshot(db)
        bad_units = "unit_id,unit_name,parent_id\nU1,\"一中队,\nU2,二中队,\nU3,三中队,\n"
        with pytest.raises(InputError, match="quote"):
            load(make_export({**files, "units.csv": bad_units}, name=f"poison{tmp.name}"), db)
        assert snapshot(db) == before
        return
    load(make_export(files, name=f"export{tmp.name}"), db)

    quarantined = q(db, "SELECT line, column_name, reason FROM quarantine WHERE table_name = 'cases' "
                        "ORDER BY line, column_name")
    expected_q = sorted((line, *EXPECTED_REASON[r.defect]) for r, line in zip(rows, lines, strict=True)
                        if r.defect in EXPECTED_REASON)
    assert [tuple(x) for x in quarantined] == expected_q
    loaded = {k: (u, o, c, p) for k, u, o, c, p in q(
        db, "SELECT case_id, unit_id, opened_at, category, party_name FROM cases")}
    expected = {}
    for r in rows:
        if r.defect in ("ok", "multiline"):
            key, unit, opened, category, name = r.cells
            code = category if category in CATEGORIES else next(
                c for c, zh in CATEGORIES.items() if zh == category)
            expected[key] = (unit, dt.datetime.fromisoformat(opened), code,
                             name.replace("\r\n", "\n") if fmt == "csv" else name)
    assert loaded == expected
    # nothing lost: every record is one or the other, never both, never neither
    assert len(loaded) + len({line for line, *_ in quarantined}) == len(rows)
