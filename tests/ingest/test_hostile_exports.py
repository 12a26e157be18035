"""issue 10, items 1–3: exports that lost or garbled rows while the load exited 0 — each
with the exact input, the rows stored, the quarantine rows and the database unchanged."""

from __future__ import annotations

import random

import pytest

from zfaudit.errors import InputError, cli_text
from zfaudit.ingest.loader import load

QUARANTINE = ("SELECT line, column_name, raw_value, reason FROM quarantine WHERE table_name = ? "
              "ORDER BY line, column_name")


def units_csv(n: int, broken: dict[int, str]) -> str:
    rows = ["unit_id,unit_name,parent_id"]
    for i in range(1, n + 1):
        rows.append(broken.get(i, f"U{i:06d},中队{i},XJ00"))
    return "\n".join(rows) + "\n"


@pytest.mark.parametrize("bad_row, where", [
    ('U000010,"中队10,XJ00', "a middle column"),
    ('U000010,中队10,"XJ00', "the last column"),  # the swallowed text would even fit the row
])
def test_an_unopened_quote_refuses_the_file_naming_its_line(make_export, tmp_path, snapshot,
                                                           bad_row, where):
    """Item 1: a quote opened on the 10th row swallowed the 99,990 rows after it (read 10,
    loaded 9, quarantined 1, rc 0)."""
    db = tmp_path / "t.duckdb"
    load(make_export(name="first"), db)
    before = snapshot(db)
    export = make_export({"units.csv": units_csv(100_000, {10: bad_row})}, name="second")
    with pytest.raises(InputError) as e:
        load(export, db)
    assert "第 11 行的引号" in str(e.value) and "line 11 opens a quote" in str(e.value), where
    assert snapshot(db) == before  # nothing of the file is stored


def test_a_quoted_line_break_in_a_note_still_loads(make_export, tmp_path, q):
    csv = 'unit_id,unit_name,parent_id\nU1,"一中队\n（城东）",\nU2,二中队,\n'
    load(make_export({"units.csv": csv}), tmp_path / "t.duckdb")
    assert q(tmp_path / "t.duckdb", "SELECT unit_id, unit_name FROM units ORDER BY 1") == [
        ("U1", "一中队\n（城东）"), ("U2", "二中队")]


CR_ONLY = ("case_id,opened_at,category\rM1,2026-07-01 09:30,行政处罚\rM2,2026-13-01 09:30,行政处罚"
           "\rM3,2026-07-01 09:30,处罚\rM1,2026-07-01 10:30,行政检查\r")


def test_cr_only_line_ends(make_export, tmp_path, q):
    """Item 2: loaded M1 twice, stored M2's bad time and M3's unknown code as NULL,
    quarantined nothing, line numbers off."""
    db = tmp_path / "t.duckdb"
    load(make_export({"cases.csv": CR_ONLY}), db)
    import datetime as dt

    assert q(db, "SELECT case_id, opened_at, category FROM cases") == [
        ("M1", dt.datetime(2026, 7, 1, 9, 30), "penalty")]
    assert q(db, QUARANTINE, ["cases"]) == [
        (3, "opened_at", "2026-13-01 09:30", "bad_timestamp"),
        (4, "category", "处罚", "unknown_code"),
        (5, "case_id", "M1", "duplicate_key"),
    ]


@pytest.mark.parametrize("late", [False, True])
def test_mixed_lf_and_crlf(make_export, tmp_path, q, late):
    """Item 2: mixed LF and CRLF failed with a raw DuckDB "state machine … strict_mode"
    message — also when the mix starts beyond the part of the file the reader samples."""
    lines = ["case_id,opened_at,category"]
    n = 40_000 if late else 4
    lines += [f"K{i:06d},2026-07-01 09:30,行政处罚" for i in range(n)]
    body = "\n".join(lines[: n // 2 + 1]) + "\n" + "\r\n".join(lines[n // 2 + 1:]) + "\r\n"
    db = tmp_path / "t.duckdb"
    load(make_export({"cases.csv": body}), db)
    assert q(db, "SELECT count(*), count(DISTINCT case_id) FROM cases") == [(n, n)]
    assert q(db, "SELECT count(*) FROM cases WHERE contains(category, chr(13))") == [(0,)]
    assert q(db, "SELECT count(*) FROM quarantine") == [(0,)]


def names(n: int) -> list[str]:
    rnd = random.Random(1)
    sur, giv = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗", "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚"
    return [rnd.choice(sur) + rnd.choice(giv) + rnd.choice(giv) for _ in range(n)]


def cases_lines(n: int = 3000) -> list[str]:
    return ["case_id,unit_id,category,opened_at,party_name"] + [
        f"C{i:05d},U1,penalty,2026-07-01 09:30,{p}" for i, p in enumerate(names(n))]


def test_gbk_with_one_invalid_byte_is_refused_naming_line_and_byte(make_export, tmp_path):
    """Item 3: handed to charset-normalizer, which picked a single-byte codec: every name
    stored garbled, rc 0."""
    raw = ("\n".join(cases_lines()) + "\n").encode("gbk")
    at = raw.index(b"C00100") + 27  # inside the party name of line 102
    raw = raw[:at] + b"\xff" + raw[at + 1:]
    db = tmp_path / "t.duckdb"
    export = make_export({"cases.csv": raw})
    for encoding in (None, {"cases.csv": "gb18030"}):
        with pytest.raises(InputError) as e:
            load(export, db, encoding=encoding)
        assert "第 102 行" in str(e.value) and f"byte {at}" in str(e.value)
    assert not db.exists()


def test_evenly_mixed_utf8_and_gbk_lines_are_refused(make_export, tmp_path):
    """Item 3: decoded as GB18030, garbled, rc 0."""
    lines = cases_lines()
    raw = b"\n".join(line.encode("utf-8" if i % 2 == 0 else "gbk")
                     for i, line in enumerate(lines)) + b"\n"
    with pytest.raises(InputError, match="two encodings mixed") as e:
        load(make_export({"cases.csv": raw}), tmp_path / "t.duckdb")
    assert "第 3 行是 UTF-8" in str(e.value)


def test_a_clean_gbk_file_loads_with_every_name_intact(make_export, tmp_path, q):
    lines = cases_lines()
    raw = ("\n".join(lines) + "\n").encode("gbk")
    db = tmp_path / "t.duckdb"
    load(make_export({"cases.csv": raw}), db)
    assert [r[0] for r in q(db, "SELECT party_name FROM cases ORDER BY case_id")] == names(3000)


def test_a_forced_encoding_reads_a_file_in_another_codec(make_export, tmp_path, q):
    """--encoding FILE=CODEC: a Big5 export (Hong Kong). Every Big5 byte pair is also valid
    GB18030, so detection cannot tell them apart (docs/decisions.md "Encodings"): such a file
    needs its codec named."""
    raw = "case_id,unit_id,category,party_name\nH1,U1,penalty,陳大文\n".encode("big5")
    db = tmp_path / "t.duckdb"
    load(make_export({"cases.csv": raw}), db, encoding={"cases.csv": "big5"})
    assert q(db, "SELECT party_name FROM cases WHERE case_id = 'H1'") == [("陳大文",)]


A = "case_id,unit_id,opened_at,archived_at\nC1,U1,2026-07-01 09:30,\nC2,U1,2026-07-02 09:30,\n"
B = ("case_id,unit_id,opened_at,archived_at\nC1,U1,2026-07-01 09:30,2026-07-20 16:00\n"
     "C2,U1,2026-07-02 09:30,2026-07-21 16:00\n")


def xlsx_of(text: str):
    def write(path):
        import openpyxl

        wb = openpyxl.Workbook()
        for row in text.strip("\n").split("\n"):
            wb.active.append([c or None for c in row.split(",")])
        wb.save(path)
    return write


@pytest.mark.parametrize("resent", [
    {"cases.csv": A.replace("\n", "\r\n")},           # the same export re-saved with CRLF
    {"案件.xlsx": xlsx_of(A)},                          # … or as xlsx
    {"cases.csv": "case_id,unit_id,opened_at,archived_at\n" + A.splitlines()[2] + "\n"
     + A.splitlines()[1] + "\n"},                      # … or with its rows in another order
])
def test_an_older_export_resent_is_refused_naming_the_newer_load(make_export, tmp_path, q,
                                                               snapshot, resent):
    """Item 5: A, then the newer B, then A again re-saved: the rows went back to A's values,
    and B was then refused as "unchanged"."""
    db = tmp_path / "t.duckdb"
    load(make_export({"cases.csv": A}, name="a"), db)
    load(make_export({"cases.csv": B}, name="b"), db)
    after_b = snapshot(db)
    with pytest.raises(InputError) as e:
        load(make_export(resent, name="a2"), db)
    assert "load 1" in str(e.value) and "superseded" in str(e.value) and "load 2" in str(e.value)
    assert "force=True" in str(e.value) and "--force" in cli_text(e.value)  # Python, CLI wording
    assert snapshot(db) == after_b
    # the exact file of A again is refused the same way, without being read
    with pytest.raises(InputError, match="superseded"):
        load(make_export({"cases.csv": A}, name="a3"), db)
    # B again is unchanged, not refused; with force, A rolls the table back on purpose
    assert load(make_export({"cases.csv": B}, name="b2"), db).load_id is None
    report = load(make_export(resent, name="a4"), db, force=True)
    assert report.load_id == 3
    assert q(db, "SELECT count(*) FROM cases WHERE archived_at IS NULL") == [(2,)]


def test_excel_cells_that_cannot_be_trusted_are_quarantined(make_export, tmp_path, q):
    """Item 6: an ID number typed as a number (more than 15 significant digits) was stored
    altered (…234567 → …234624); merged data cells and formula cells without a cached value
    became NULL with no word."""
    def sheet(path):
        import openpyxl

        wb = openpyxl.Workbook()
        ws = wb.active
        ws.title = "案件"
        ws.append(["案件编号", "承办单位", "执法类别", "当事人证件号码"])
        ws.append(["K1", "U1", "penalty", 430203199001011234])     # row 2: lossy number
        ws.append(["K2", "U1", "penalty", "430203199001011234"])   # row 3: text, fine
        ws.append(["K3", "U1", "penalty", None])                   # row 4: U1 merged over 5
        ws.append(["K4", None, "penalty", None])                   # row 5: inside the merge
        ws.append(["K5", "U1", None, 12345])                       # row 6: formula, no value
        ws["C6"] = '=IF(A6="K5","penalty","")'
        ws.merge_cells("B4:B5")
        wb.save(path)

    db = tmp_path / "t.duckdb"
    load(make_export({"案件.xlsx": sheet}), db)
    assert q(db, "SELECT case_id, party_id_no FROM cases ORDER BY 1") == [
        ("K2", "430203199001011234"), ("K3", None)]
    assert q(db, QUARANTINE, ["cases"]) == [
        (2, "party_id_no", "430203199001011328", "lossy_number"),
        (5, "unit_id", None, "merged_cell"),
        (6, "category", '=IF(A6="K5","penalty","")', "formula_no_value"),
    ]


def test_minor_hostile_shapes(make_export, tmp_path, q):
    """issue 10, minor items: a NUL byte in a key is quarantined (bad_key), not stored; a
    10,000-column file's warning names ten columns and a count; full-width keys stay keys of
    their own (docs/decisions.md "Keys as exported")."""
    db = tmp_path / "t.duckdb"
    wide = "unit_id,unit_name," + ",".join(f"x{i}" for i in range(10_000)) + "\nU9,九中队" + "," * 10_000 + "\n"
    report = load(make_export({
        "units.csv": wide,
        "cases.csv": "case_id,unit_id\nK001,U1\nＫ００１,U1\nK0\x0002,U1\n",
    }), db)
    assert q(db, "SELECT case_id FROM cases ORDER BY 1") == [("K001",), ("Ｋ００１",)]
    assert q(db, QUARANTINE, ["cases"]) == [(4, "case_id", "K0\\002", "bad_key")]  # NUL shown as \\0
    warning = next(w for w in report.warnings if "unknown columns ignored" in w)
    assert "x0, x1" in warning and "x9 …" in warning and "9,990 more" in warning
    assert len(warning) < 300


def test_a_killed_first_load_leaves_no_database(make_export, tmp_path):
    """issue 10, minor: a first load killed half-way left a file of staging tables only."""
    import signal
    import subprocess
    import sys
    import time

    rows = "\n".join(f"S{i:07d},C1,inquiry,2026-07-01 10:00:00" for i in range(400_000))
    export = make_export({"steps.csv": "step_id,case_id,stage,started_at\n" + rows + "\n"})
    db = tmp_path / "bureau.duckdb"
    proc = subprocess.Popen([sys.executable, "-c",
                             "import sys; from zfaudit.ingest.loader import load; "
                             "load(sys.argv[1], sys.argv[2], progress=False)", str(export), str(db)])
    deadline = time.monotonic() + 60
    while not list(tmp_path.glob(".bureau.duckdb.*.loading")) and proc.poll() is None \
            and time.monotonic() < deadline:
        time.sleep(0.01)
    proc.send_signal(signal.SIGKILL)
    proc.wait(30)
    assert not db.exists()  # whatever the kill left is under the scratch name only


def test_found_by_the_hostile_input_hunt(make_export, tmp_path, q):
    """Shapes an outside hunt found after the first fixes (issue 10): a literal quote inside
    an unquoted field shifted the line map so repeated and missing keys were stored; an
    unclosed quote in a two-column file swallowed the rest; a hidden sheet was read instead of
    the visible one; xlsxwriter's placeholder formula values were stored as data."""
    db = tmp_path / "t.duckdb"
    so = "step_id,officer_id\nHJQ1,100\"01\nHJQ2,10002\n\nHJQ3,10003\nHJQ3,10003\nHJQ4,\nHJQ5,10005\n"
    load(make_export({"step_officers.csv": so}), db)
    assert q(db, "SELECT line, column_name, reason FROM quarantine ORDER BY line") == [
        (6, "step_id,officer_id", "duplicate_key"), (7, "officer_id", "missing_key")]
    assert q(db, "SELECT count(*) FROM step_officers WHERE step_id LIKE 'HJQ%'") == [(4,)]
    narrow = "step_id,officer_id\n" + "\n".join(
        f'HJX{i:04d},"1000{i}' if i == 5 else f"HJX{i:04d},1000{i}" for i in range(1, 21)) + "\n"
    with pytest.raises(InputError, match="line 6 opens a quote"):
        load(make_export({"step_officers.csv": narrow}, name="narrow"), tmp_path / "n.duckdb")

    def hidden_first(path):
        import openpyxl

        wb = openpyxl.Workbook()
        ws = wb.active
        ws.title = "字典"
        ws.append(["case_id", "unit_id"])
        ws.append(["X1", "U1"])
        ws.sheet_state = "hidden"
        data = wb.create_sheet("数据")
        data.append(["case_id", "unit_id"])
        for i in range(5):
            data.append([f"K{i}", "U1"])
        wb.save(path)

    db2 = tmp_path / "h.duckdb"
    report = load(make_export({"cases.xlsx": hidden_first}, name="hidden"), db2)
    assert q(db2, "SELECT count(*) FROM cases WHERE case_id LIKE 'K%'") == [(5,)]
    assert q(db2, "SELECT count(*) FROM cases WHERE case_id = 'X1'") == [(0,)]
    assert any("字典" in w for w in report.warnings)

    def placeholder_formulas(path):
        import xlsxwriter

        wb = xlsxwriter.Workbook(str(path))
        ws = wb.add_worksheet("案件")
        ws.write_row(0, 0, ["case_id", "unit_id", "party_name"])
        ws.write_row(1, 0, ["F1", "U1"])
        ws.write_formula(1, 2, '="张"&"三"')  # stored with the placeholder value 0
        ws.write_row(2, 0, ["F2", "U1", "李四"])
        wb.close()

    db3 = tmp_path / "f.duckdb"
    load(make_export({"cases.xlsx": placeholder_formulas}, name="formulas"), db3)
    assert q(db3, "SELECT case_id, party_name FROM cases WHERE case_id LIKE 'F%'") == [("F2", "李四")]
    assert q(db3, "SELECT line, column_name, reason FROM quarantine") == [
        (2, "party_name", "formula_no_value")]


def test_parquet_numbers_that_lost_digits_and_text_stored_as_bytes(make_export, tmp_path, q):
    """Found by the hostile hunt: a DOUBLE ID number was stored altered (…1234 → …1264) and
    a BINARY party name as escaped bytes, rc 0."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    table = pa.table({
        "case_id": ["P1", "P2"], "unit_id": ["U1", "U1"],
        "party_id_no": pa.array([430203199001011234.0, 12345.0], pa.float64()),
        "party_name": pa.array(["张三".encode(), "李四".encode()], pa.binary()),
    })
    db = tmp_path / "t.duckdb"
    load(make_export({"cases.parquet": lambda p: pq.write_table(table, str(p))}), db)
    assert q(db, "SELECT case_id, party_id_no, party_name FROM cases WHERE case_id LIKE 'P%'") == [
        ("P2", "12345", "李四")]
    assert q(db, "SELECT line, column_name, reason FROM quarantine") == [
        (1, "party_id_no", "lossy_number")]  # parquet: record index + 1
