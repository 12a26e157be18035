"""Turn one export file (csv / xlsx / parquet / json) into an all-text DuckDB relation.

Every reader yields a FROM-able relation with columns r0..rN (VARCHAR, the file's columns in
order), in file order, so the rowid of a table created from it is the row's ordinal. `line_sql`
maps ordinals to the line reported in quarantine: CSV physical line with the header as line 1,
xlsx sheet row, json/parquet record index + 1. Typing happens later, in SQL (typing_sql.py).
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import hashlib
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import pyarrow as pa

from ..contract import normalize_name
from ..errors import InputError
from .typing_sql import lit as _lit  # file paths and header names come from outside

FORMATS = {".csv": "csv", ".xlsx": "xlsx", ".parquet": "parquet", ".json": "json"}
CHUNK = 1 << 22  # 4 MiB: streaming size for hashing and transcoding
XLSX_BATCH = 50_000


@dataclass
class RawSource:
    """An export file as relation `relation` (columns r0..rN, maybe _line) in a connection."""

    path: Path
    fmt: str
    relation: str
    headers: list[str]
    encoding: str | None = None
    line_mode: str = "rid"  # rid: line = rid + line_offset | column: a _line column | csv_*
    line_offset: int = 1
    rejects: int = 0  # rows the CSV reader itself rejected (listed in `reject_rows`)
    reject_rows: str | None = None  # view (line, csv_line, message) of reader rejects
    temp_files: list[Path] = field(default_factory=list)
    csv_path: Path | None = None
    delim: str = ","
    total_lines: int | None = 0  # physical lines of csv_path (None: not known yet)
    tag: str = ""


def file_digest(path: Path) -> tuple[str, int, int]:
    """SHA-256 hex digest, size and physical line count, in one streamed pass."""
    h = hashlib.sha256()
    size = lines = 0
    last = b""
    with open(path, "rb") as f:
        while chunk := f.read(CHUNK):
            h.update(chunk)
            size += len(chunk)
            lines += chunk.count(b"\n")
            last = chunk[-1:]
    return h.hexdigest(), size, lines + (1 if last not in (b"\n", b"") else 0)


# ---------------------------------------------------------------- CSV


def detect_encoding(path: Path, sample_size: int = 1 << 20) -> str:
    """'utf-8', 'utf-8-sig' or another codec name (GB18030 for the GB family)."""
    with open(path, "rb") as f:
        sample = f.read(sample_size)
    if sample.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if sample.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    try:
        # a sample may end inside a character: the incremental decoder tolerates that
        codecs.getincrementaldecoder("utf-8")().decode(sample, final=False)
        return "utf-8"
    except UnicodeDecodeError:
        pass
    # Mostly valid UTF-8 with a few broken bytes is a damaged UTF-8 file, not GBK: reading it
    # as UTF-8 makes the broken line fail loudly instead of turning the file into mojibake.
    text = sample.decode("utf-8", errors="replace")
    broken = text.count("\ufffd")
    valid = sum(1 for ch in text if ord(ch) > 127) - broken
    if valid >= 20 * broken:
        return "utf-8"
    # Mainland exports are GBK/GB18030; detectors often misname a short Chinese sample as
    # big5, cp949 or shift_jis, so GB18030 wins whenever it decodes the sample cleanly.
    try:
        codecs.getincrementaldecoder("gb18030")().decode(sample, final=False)
        return "gb18030"
    except UnicodeDecodeError:
        pass
    from charset_normalizer import from_bytes

    best = from_bytes(sample).best()
    return best.encoding if best else "gb18030"


def to_utf8(path: Path, encoding: str, out: Path) -> tuple[Path, int]:
    """Stream-transcode a file to UTF-8 (DuckDB's CSV reader reads UTF-8 only).

    Returns the new file and its physical line count (as file_digest counts them), so that
    the copy needs no second pass.
    """
    dec = codecs.getincrementaldecoder(encoding)(errors="strict")
    offset = lines = 0
    last = b""
    with open(path, "rb") as src, open(out, "wb") as dst:
        while True:
            chunk = src.read(CHUNK)
            try:
                text = dec.decode(chunk, final=not chunk)
            except UnicodeDecodeError as e:
                raise InputError(
                    f"文件无法按 {encoding} 解码 / cannot decode {path.name} as {encoding} "
                    f"at byte {offset + e.start}: {e.reason}"
                ) from e
            data = text.encode("utf-8")
            dst.write(data)
            lines += data.count(b"\n")
            last = data[-1:] or last
            offset += len(chunk)
            if not chunk:
                break
    return out, lines + (1 if last not in (b"\n", b"") else 0)


def _sniff_delimiter(header_line: str) -> str:
    counts = {d: header_line.count(d) for d in (",", "\t", ";", "|")}
    best = max(counts, key=counts.get)
    return best if counts[best] else ","


def _record_lines(path: Path) -> pa.Table:
    """Physical line and DuckDB's line number of every record (header excluded).

    DuckDB numbers a record by counting records and blank lines, so a quoted field spanning
    several lines shifts its numbers; this quote-aware scan maps them back. Only used when the
    file has blank lines or multi-line fields (rare), since it is a Python pass over lines.
    """
    phys, dline = [], []
    in_quote = False
    d = 0
    with open(path, "rb") as f:
        for i, line in enumerate(f, start=1):
            starts = not in_quote
            if line.count(b'"') % 2:
                in_quote = not in_quote
            if not starts:
                continue
            d += 1
            if not line.strip(b"\r\n") or i == 1:
                continue  # blank line, or the header
            phys.append(i)
            dline.append(d)
    return pa.table({"phys": pa.array(phys, pa.int64()), "dline": pa.array(dline, pa.int64())})


def open_csv(path: Path, tag: str, tmpdir: Path, total_lines: int | None) -> RawSource:
    encoding = detect_encoding(path)
    src = RawSource(path, "csv", "", [], encoding, tag=tag, total_lines=total_lines)
    csv_path = path
    if encoding not in ("utf-8", "utf-8-sig"):
        csv_path, src.total_lines = to_utf8(path, encoding, tmpdir / f"{tag}.utf8.csv")
        src.temp_files.append(csv_path)
    src.csv_path = csv_path
    # the header is parsed here, not by DuckDB's sniffer, which gives up on ragged files
    with open(csv_path, encoding="utf-8-sig", errors="replace", newline="") as f:
        header_line = f.readline()
    delim = _sniff_delimiter(header_line)
    src.delim = delim
    src.headers = next(csv.reader([header_line.rstrip("\r\n")], delimiter=delim), [])
    if not any(h.strip() for h in src.headers):
        raise InputError(f"CSV 文件没有表头 / {path.name}: no header line")
    columns = "{" + ", ".join(f"'r{i}': 'VARCHAR'" for i in range(len(src.headers))) + "}"
    src.relation = (
        f"read_csv({_lit(str(csv_path))}, delim={_lit(delim)}, quote='\"', escape='\"', "
        f"header=true, auto_detect=false, columns={columns}, store_rejects=true, "
        f"rejects_table='rej_{tag}', rejects_scan='rejscan_{tag}', max_line_size=10000000)"
    )
    return src


def finish_csv(con: duckdb.DuckDBPyConnection, src: RawSource, n_good: int) -> None:
    """After the read: reader rejects, and how to turn row ordinals into physical lines."""
    rej, tag = f"rej_{src.tag}", src.tag
    bad_enc = con.execute(
        f"SELECT min(line) FROM {rej} WHERE error_type = 'INVALID ENCODING'"
    ).fetchall()[0][0]
    if bad_enc is not None:
        raise InputError(
            f"文件含无法解码的字节 / {src.path.name}: undecodable bytes near line {bad_enc}"
        )
    # one reject row per bad cell; MISSING COLUMNS repeats the line
    con.execute(
        f"CREATE TEMP TABLE {rej}_rows AS SELECT line AS dline, any_value(csv_line) AS csv_line, "
        f"string_agg(DISTINCT error_type::VARCHAR, '; ') AS message FROM {rej} GROUP BY line"
    )
    src.rejects = con.execute(f"SELECT count(*) FROM {rej}_rows").fetchall()[0][0]
    src.reject_rows = f"{rej}_out"
    if src.total_lines == n_good + 1:
        # the common case: no rejects, no blank lines, no multi-line fields
        src.line_mode, src.line_offset = "rid", 2
        con.execute(f"CREATE TEMP VIEW {rej}_out AS SELECT dline AS line, csv_line, message FROM {rej}_rows")
    elif src.total_lines == n_good + src.rejects + 1:
        # No blank lines, no multi-line fields: DuckDB's line numbers are physical lines, and a
        # good row's line is its ordinal plus the rejected lines before it (an ASOF join).
        src.line_mode = "csv_gap"
        con.execute(
            f"CREATE TEMP TABLE {rej}_gap AS SELECT g, max(n) AS n FROM (SELECT dline - 2 - "
            f"(row_number() OVER (ORDER BY dline) - 1) AS g, row_number() OVER (ORDER BY dline) AS n "
            f"FROM {rej}_rows) GROUP BY g"
        )
        con.execute(f"CREATE TEMP VIEW {rej}_out AS SELECT dline AS line, csv_line, message FROM {rej}_rows")
    else:
        src.line_mode = "csv_scan"
        con.register(f"{tag}_lines", _record_lines(src.csv_path))
        con.execute(f"CREATE TEMP TABLE {tag}_rec AS SELECT * FROM {tag}_lines")
        con.unregister(f"{tag}_lines")
        con.execute(
            f"CREATE TEMP TABLE {tag}_goodlines AS SELECT phys, row_number() OVER (ORDER BY dline) - 1 AS k "
            f"FROM {tag}_rec WHERE dline NOT IN (SELECT dline FROM {rej}_rows)"
        )
        con.execute(
            f"CREATE TEMP VIEW {rej}_out AS SELECT coalesce(r.phys, j.dline) AS line, j.csv_line, "
            f"j.message FROM {rej}_rows j LEFT JOIN {tag}_rec r USING (dline)"
        )


def line_sql(src: RawSource, rids: str, stg: str) -> str:
    """SELECT rid, line for the row ordinals in relation `rids` (column rid).

    `stg` is the staged file as a relation with columns rid and _line (used by xlsx sources)."""
    if src.line_mode == "rid":
        return f"SELECT rid, rid + {src.line_offset} AS line FROM {rids}"
    if src.line_mode == "column":
        return f"SELECT b.rid, s._line AS line FROM {rids} b JOIN {stg} s ON s.rid = b.rid"
    if src.line_mode == "csv_gap":
        return (
            f"SELECT b.rid, b.rid + 2 + coalesce(j.n, 0) AS line FROM {rids} b "
            f"ASOF LEFT JOIN rej_{src.tag}_gap j ON b.rid >= j.g"
        )
    return f"SELECT b.rid, g.phys AS line FROM {rids} b JOIN {src.tag}_goodlines g ON g.k = b.rid"


def fetch_csv_records(src: RawSource, lines: list[int]) -> dict[int, list[str | None]]:
    """The CSV records that start at the given physical lines, cells as read (empty -> None).

    For the few rows a load quarantines without having kept their cells (repeated keys): one
    streamed pass finds where those lines start, then each record is parsed from there (a
    quoted field may span lines). Python's csv module cannot tell an empty quoted cell from an
    empty one, so both come back as None, as DuckDB reads the latter.
    """
    wanted = sorted(set(lines))
    starts: dict[int, int] = {}
    it = iter(wanted)
    w = next(it, None)
    newlines = offset = 0  # newlines before the current chunk, and its byte offset
    with open(src.csv_path, "rb") as f:
        while w is not None and (chunk := f.read(CHUNK)):
            n = chunk.count(b"\n")
            pos, seen = 0, newlines
            while w is not None and w - 1 <= newlines + n:
                while seen < w - 1:  # line w starts after the file's (w-1)th newline
                    pos = chunk.index(b"\n", pos) + 1
                    seen += 1
                starts[w] = offset + pos
                w = next(it, None)
            newlines += n
            offset += len(chunk)
    out: dict[int, list[str | None]] = {}
    with open(src.csv_path, "rb") as f:
        for line, start in starts.items():
            f.seek(start)
            text = (raw.decode("utf-8", errors="replace") for raw in f)
            record = next(csv.reader(text, delimiter=src.delim, quotechar='"', doublequote=True), [])
            out[line] = [c if c != "" else None for c in record]
    return out


# ---------------------------------------------------------------- xlsx


def _cell_text(v) -> str | None:
    """An Excel cell as the text a person sees; date cells as ISO timestamps."""
    if v is None or v == "":
        return None
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, float):
        return str(int(v)) if v.is_integer() and abs(v) < 2**63 else repr(v)
    if isinstance(v, dt.datetime):
        return v.isoformat(sep=" ", timespec="seconds")
    if isinstance(v, dt.date):
        return v.isoformat()
    if isinstance(v, dt.time):
        return v.isoformat(timespec="seconds")
    if isinstance(v, dt.timedelta):
        return str(v)
    return str(v)


def open_xlsx(
    con: duckdb.DuckDBPyConnection, path: Path, tag: str, table_names: tuple[str, ...]
) -> RawSource:
    from python_calamine import CalamineWorkbook

    try:
        wb = CalamineWorkbook.from_path(str(path))
        wanted = {normalize_name(n) for n in table_names}
        sheet_name = next(
            (s for s in wb.sheet_names if normalize_name(s) in wanted), wb.sheet_names[0]
        )
        sheet = wb.get_sheet_by_name(sheet_name)
        rows = sheet.iter_rows()
        src = RawSource(path, "xlsx", f"src_{tag}", [], line_mode="column")
        header: list | None = None
        batches: list[pa.RecordBatch] = []
        buf: list[list] = []
        lines: list[int] = []
        names: list[str] = []

        def flush() -> None:
            cols = [pa.array(c, pa.string()) for c in zip(*buf, strict=True)] if buf else [
                pa.array([], pa.string()) for _ in names
            ]
            cols.append(pa.array(lines, pa.int64()))
            batches.append(pa.record_batch(cols, names=[*names, "_line"]))
            buf.clear()
            lines.clear()

        for i, row in enumerate(rows):
            # most cells are text: they skip _cell_text (a 1M-row sheet has 20M+ cells)
            texts = [v if type(v) is str and v else _cell_text(v) for v in row]
            if not any(texts):  # every value is None or a non-empty string
                continue  # empty sheet rows are not rows
            if header is None:
                header = [t or "" for t in texts]
                names = [f"r{j}" for j in range(len(header))]
                width = len(names)
                continue
            if len(texts) != width:
                texts = (texts + [None] * width)[:width]
            buf.append(texts)
            lines.append(i + 1)  # iter_rows starts at sheet row 1, leading empty rows included
            if len(buf) >= XLSX_BATCH:
                flush()
    except InputError:
        raise
    except Exception as e:  # calamine raises several unrelated types for corrupt files
        raise InputError(f"无法读取 Excel 文件 / cannot read {path.name}: {e}") from e
    if header is None:
        raise InputError(f"Excel 工作表为空 / {path.name}: sheet {sheet_name!r} is empty")
    if buf or not batches:
        flush()
    src.headers = header
    arrow = pa.Table.from_batches(batches)
    con.register(f"{tag}_arrow", arrow)
    con.execute(f"CREATE TEMP TABLE {src.relation} AS SELECT * FROM {tag}_arrow")
    con.unregister(f"{tag}_arrow")
    return src


# ---------------------------------------------------------------- parquet / json


def _typed_to_text(con: duckdb.DuckDBPyConnection, rel_sql: str) -> tuple[list[str], list[str]]:
    """Headers of rel_sql and, per column, an expression casting it to text as r0..rN."""
    desc = con.execute(f"DESCRIBE SELECT * FROM {rel_sql}").fetchall()
    headers = [d[0] for d in desc if d[0] != "file_row_number"]
    parts = []
    for i, (name, typ, *_rest) in enumerate(d for d in desc if d[0] != "file_row_number"):
        col = _ident(name)
        if typ.startswith("TIMESTAMP WITH TIME ZONE"):
            # exports are China local time: an aware timestamp is shown in UTC+8, stored naive
            expr = f"strftime(timezone('Asia/Shanghai', {col}), '%Y-%m-%d %H:%M:%S')"
        elif typ in ("FLOAT", "DOUBLE"):
            expr = (
                f"CASE WHEN {col} = trunc({col}) AND abs({col}) < 9e18 "
                f"THEN CAST(CAST({col} AS BIGINT) AS VARCHAR) ELSE CAST({col} AS VARCHAR) END"
            )
        else:
            expr = f"CAST({col} AS VARCHAR)"
        parts.append(f"{expr} AS r{i}")
    return headers, parts


def open_parquet(con: duckdb.DuckDBPyConnection, path: Path, tag: str) -> RawSource:
    rel = f"read_parquet({_lit(str(path))})"
    try:
        headers, parts = _typed_to_text(con, rel)
    except duckdb.Error as e:
        raise InputError(f"无法读取 Parquet 文件 / cannot read {path.name}: {e}") from e
    # file_row_number (= the row's ordinal) lets a load read a few rows again (refetch_sql)
    numbered = f"read_parquet({_lit(str(path))}, file_row_number=true)"
    return RawSource(path, "parquet", f"(SELECT {', '.join(parts)}, file_row_number FROM {numbered})", headers)


def refetch_sql(src: RawSource, rows: str) -> str | None:
    """SELECT rid, raw: the cells of the rows in `rows` (columns rid, line) read again from the
    source, for formats that can do it in SQL (xlsx, parquet); None for the others."""
    cells = "[" + ", ".join(f"s.r{i}" for i in range(len(src.headers))) + "]"
    if src.fmt == "xlsx":  # the sheet is already a temp table that knows its sheet rows
        return f"SELECT b.rid, {cells} AS raw FROM {rows} b JOIN {src.relation} s ON s._line = b.line"
    if src.fmt == "parquet":
        return (
            f"SELECT s.file_row_number AS rid, {cells} AS raw FROM {src.relation} s "
            f"WHERE s.file_row_number IN (SELECT rid FROM {rows})"
        )
    return None


def open_json(con: duckdb.DuckDBPyConnection, path: Path, tag: str) -> RawSource:
    p = _lit(str(path))
    try:
        desc = con.execute(
            f"DESCRIBE SELECT * FROM read_json({p}, format='auto', records=true, sample_size=-1)"
        ).fetchall()
    except duckdb.Error as e:
        raise InputError(f"无法读取 JSON 文件 / cannot read {path.name}: {e}") from e
    headers = [d[0] for d in desc]
    columns = "{" + ", ".join(f"{_lit(h)}: 'VARCHAR'" for h in headers) + "}"
    parts = [f"{_ident(h)} AS r{i}" for i, h in enumerate(headers)]
    rel = (
        f"(SELECT {', '.join(parts)} FROM read_json({p}, format='auto', records=true, "
        f"columns={columns}))"
    )
    return RawSource(path, "json", rel, headers)


def open_source(
    con: duckdb.DuckDBPyConnection,
    path: Path,
    tag: str,
    tmpdir: Path,
    table_names: tuple[str, ...],
    total_lines: int | None,
) -> RawSource:
    """The file as an all-text relation; total_lines (physical lines) may be filled in later."""
    fmt = FORMATS[path.suffix.lower()]
    if fmt == "csv":
        return open_csv(path, tag, tmpdir, total_lines)
    if fmt == "xlsx":
        return open_xlsx(con, path, tag, table_names)
    if fmt == "parquet":
        return open_parquet(con, path, tag)
    return open_json(con, path, tag)


def _ident(s: str) -> str:
    return '"' + s.replace('"', '""') + '"'
