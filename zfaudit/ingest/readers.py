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
import re
from dataclasses import dataclass, field
from html import unescape as html_unescape
from pathlib import Path

import duckdb
import pyarrow as pa

from ..contract import normalize_name
from ..errors import InputError, first_line, option
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
    # xlsx cells whose text cannot be trusted: (sheet row, file column, text, reason)
    cell_problems: list[tuple[int, int, str | None, str]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # warnings for the load report


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


# The encodings Chinese exports come in (DATA_CONTRACT.md): a file none of them decodes
# cleanly is refused, never guessed at (a guessed single-byte codec garbles every name).
ACCEPTED = ("utf-8", "utf-8-sig", "utf-16", "gb18030")
# A file judged GB18030 in which this share of the lines with Chinese text (or more) is valid
# UTF-8 is a mix of two encodings. A line of GBK text is valid UTF-8 by chance only when it
# is very short (about 1 in 25,000 three-character names): far below this share.
MIXED_SHARE = 0.0005


def _line_of(data: bytes, offset: int) -> int:
    return data.count(b"\n", 0, offset) + 1


def detect_encoding(path: Path, sample_size: int = 1 << 20) -> str:
    """'utf-8', 'utf-8-sig', 'utf-16' or 'gb18030'; anything else is an InputError naming the
    first line and byte no accepted encoding reads (use --encoding to force one)."""
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
    except UnicodeDecodeError as e:
        utf8_error = e
    # Mostly valid UTF-8 with a few broken bytes is a damaged UTF-8 file, not GBK: reading it
    # as UTF-8 makes the broken line fail loudly (DuckDB's INVALID ENCODING) instead of
    # turning the file into mojibake.
    text = sample.decode("utf-8", errors="replace")
    broken = text.count("\ufffd")
    valid = sum(1 for ch in text if ord(ch) > 127) - broken
    if valid >= 20 * broken:
        return "utf-8"
    try:
        codecs.getincrementaldecoder("gb18030")().decode(sample, final=False)
    except UnicodeDecodeError as e:
        mixed = _mixed_line(sample.split(b"\n")[:-1], 1)
        if mixed is not None:
            raise _mixed_error(path.name, mixed) from e
        at = max(utf8_error.start, e.start)  # where the encoding that read furthest stopped
        raise InputError(
            f"{path.name} 第 {_line_of(sample, at)} 行（第 {at} 字节）既不是 UTF-8 也不是 "
            f"GB18030 编码，无法可靠读取；请另存为 UTF-8，或用 {option('encoding')} 指定编码 / "
            f"{path.name}: line {_line_of(sample, at)} (byte {at}) is neither UTF-8 nor GB18030; "
            f"save the file as UTF-8, or name its encoding with {option('encoding')}"
        ) from e
    return "gb18030"


def _mixed_line(lines: list[bytes], first_line: int, step: int = 1) -> int | None:
    """In lines read as GB18030 (every `step`-th line from `first_line`), the first that is
    valid UTF-8 Chinese text when such lines are too many to be chance (MIXED_SHARE)."""
    chinese = utf8 = 0
    first = None
    for i, line in enumerate(lines):
        if line.isascii():
            continue
        chinese += 1
        try:
            line.decode("utf-8")
        except UnicodeDecodeError:
            continue
        utf8 += 1
        first = first if first is not None else first_line + i * step
    if utf8 >= 2 and utf8 >= MIXED_SHARE * chinese:
        return first
    return None


def _mixed_error(name: str, line: int) -> InputError:
    return InputError(
        f"{name} 第 {line} 行是 UTF-8 编码，而其他行是 GB18030（GBK）：同一文件混用两种编码，"
        f"无法可靠读取；请统一另存为 UTF-8 / {name}: line {line} is UTF-8 while other lines are "
        "GB18030 (GBK) — two encodings mixed in one file; save it as UTF-8 throughout"
    )


def to_utf8(path: Path, encoding: str, out: Path, check_mixed: bool = True) -> tuple[Path, int]:
    """Stream-transcode a file to UTF-8 with LF line ends (DuckDB's CSV reader reads UTF-8
    only, and one kind of line end): CRLF and a lone CR (old Mac / Excel exports) both become
    one line break, so each physical line of the source stays one line.

    Returns the new file and its physical line count. Strict: a byte the codec cannot decode
    is an InputError naming its line and byte. A GB18030 file with many lines that are valid
    UTF-8 is a mix of encodings, also an error (no line is stored decoded wrongly).
    """
    dec = codecs.getincrementaldecoder(encoding)(errors="strict")
    offset = lines = 0
    pending_cr = False
    tail = b""  # the last, unfinished line of the previous chunk (for the line checks)
    with open(path, "rb") as src, open(out, "wb") as dst:
        while True:
            chunk = src.read(CHUNK)
            try:
                text = dec.decode(chunk, final=not chunk)
            except UnicodeDecodeError as e:
                line = lines + text_line(chunk, e.start)
                raise InputError(
                    f"{path.name} 第 {line} 行（第 {offset + e.start} 字节）无法按 {encoding} 解码 / "
                    f"cannot decode {path.name} as {encoding}: line {line}, byte {offset + e.start} "
                    f"({e.reason}); save the file as UTF-8 or name its encoding with {option('encoding')}"
                ) from e
            if pending_cr and text.startswith("\n"):
                text = text[1:]  # a CRLF split across two chunks
            pending_cr = text.endswith("\r")
            text = text.replace("\r\n", "\n").replace("\r", "\n")
            if check_mixed and encoding == "gb18030" and chunk:
                parts = (tail + chunk).split(b"\n")
                tail = parts.pop()
                # every line of the first chunk, then every 8th: a mix shows in a sample
                step = 1 if offset == 0 else 8
                bad = _mixed_line(parts[::step], lines + 1, step)
                if bad is not None:
                    raise _mixed_error(path.name, bad)
            data = text.encode("utf-8")
            dst.write(data)
            lines += data.count(b"\n")
            offset += len(chunk)
            if not chunk:
                break
        last = data[-1:] if data else b""
    if not last:
        with open(out, "rb") as f:
            f.seek(max(0, out.stat().st_size - 1))
            last = f.read(1)
    return out, lines + (1 if last not in (b"\n", b"") else 0)


def text_line(chunk: bytes, at: int) -> int:
    """1-based line within `chunk` of byte `at`, counting CR, LF and CRLF as one break."""
    head = chunk[:at].replace(b"\r\n", b"\n").replace(b"\r", b"\n")
    return head.count(b"\n") + 1


def line_ends(path: Path, sample_size: int = 1 << 20) -> str:
    """'lf' (or CRLF throughout: DuckDB reads both), or 'mixed' / 'cr' when the file must be
    rewritten with one kind of line end before DuckDB can read it."""
    with open(path, "rb") as f:
        sample = f.read(sample_size)
    if sample.endswith(b"\r"):
        sample = sample[:-1]
    crlf = sample.count(b"\r\n")
    cr = sample.count(b"\r") - crlf
    lf = sample.count(b"\n") - crlf
    if cr:
        return "cr"
    return "mixed" if crlf and lf else "lf"


def _sniff_delimiter(header_line: str) -> str:
    counts = {d: header_line.count(d) for d in (",", "\t", ";", "|")}
    best = max(counts, key=counts.get)
    return best if counts[best] else ","


def _record_lines(path: Path, delim: str = ",", width: int = 0, name: str = "") -> pa.Table:
    """Physical line and DuckDB's line number of every record (header excluded).

    DuckDB numbers a record by counting records and blank lines, so a quoted field spanning
    several lines shifts its numbers; this quote-aware scan maps them back. Only used when the
    file has blank lines or multi-line fields (rare), since it is a Python pass over lines.

    It also accounts for every physical line: a quoted field whose continuation lines look
    like whole records (`width` - 1 delimiters or more) is an unclosed quote that swallowed
    the records after it — the file is refused, naming the line, rather than loaded short.
    """
    phys, dline = [], []
    in_quote = False
    d = 0
    opened = 0  # physical line where the open quote started
    sep = delim.encode()
    with open(path, "rb") as f:
        for i, line in enumerate(f, start=1):
            starts = not in_quote
            if not starts and width >= 2 and line.count(sep) >= width - 1:
                raise _swallowed(name or path.name, opened, i)
            if b'"' in line:
                was = in_quote
                in_quote = _ends_in_quote(line, in_quote, sep)
                opened = i if in_quote and not was else opened
            if not starts:
                continue
            d += 1
            if not line.strip(b"\r\n") or i == 1:
                continue  # blank line, or the header
            phys.append(i)
            dline.append(d)
    return pa.table({"phys": pa.array(phys, pa.int64()), "dline": pa.array(dline, pa.int64())})


def _ends_in_quote(line: bytes, in_quote: bool, sep: bytes) -> bool:
    """Whether a line ends inside a quoted field, read as DuckDB reads CSV: a quote opens a
    field only at the field's start (`a"b` is a literal quote), `""` inside a quoted field is
    one quote."""
    i, n = 0, len(line)
    field_start = not in_quote
    q, s = ord('"'), sep[0]
    while i < n:
        ch = line[i]
        if in_quote:
            if ch == q:
                if i + 1 < n and line[i + 1] == q:
                    i += 2
                    continue
                in_quote = False
            field_start = False
        elif ch == s:
            field_start = True
        else:
            in_quote = ch == q and field_start
            field_start = False
        i += 1
    return in_quote


def _swallowed(name: str, line: int, at: int) -> InputError:
    return InputError(
        f"{name} 第 {line} 行的引号（\"）未闭合：其后的第 {at} 行等完整记录会被并入同一字段而丢失。"
        f"请修正第 {line} 行后重新导入 / {name}: line {line} opens a quote (\") that is never "
        f"closed, so the records after it (line {at} on) would be read into one field and "
        f"lost; fix line {line} and load again"
    )


def _refuse_swallowed_reject(con: duckdb.DuckDBPyConnection, src: RawSource, rej: str) -> None:
    """A record the reader rejected that spans several lines hides the records inside it."""
    row = con.execute(
        # DuckDB's csv_line may begin with the blank lines before the record: not part of it
        f"SELECT line, trim(csv_line, chr(10) || chr(13)) FROM {rej} "
        f"WHERE contains(trim(csv_line, chr(10) || chr(13)), chr(10)) ORDER BY line LIMIT 1"
    ).fetchone()
    if row is None:
        return
    dline, text = row
    width = len(src.headers)
    if width < 2 or not any(part.count(src.delim) >= width - 1 for part in text.split("\n")[1:]):
        return  # a multi-line record that is merely malformed: quarantined like any reject
    mapping = _record_lines(src.csv_path)  # DuckDB's numbering → physical line
    hit = [p for p, d in zip(mapping["phys"].to_pylist(), mapping["dline"].to_pylist(),
                             strict=True) if d == dline]
    start = hit[0] if hit else dline
    raise _swallowed(src.path.name, start, start + 1)


def open_csv(path: Path, tag: str, tmpdir: Path, total_lines: int | None,
             encoding: str | None = None, normalize: bool = False) -> RawSource:
    """The CSV as an all-text relation. It is rewritten as UTF-8 with LF line ends first when
    it is in another encoding, has CR-only or mixed line ends (`line_ends`), or `normalize`
    (DuckDB refused its line ends further in than the sample). `encoding` forces a codec."""
    if encoding is not None:
        try:
            info = codecs.lookup(encoding)
        except LookupError as e:
            raise InputError(f"未知的编码 / unknown encoding {encoding!r} (e.g. gb18030, utf-8)") from e
        if not getattr(info, "_is_text_encoding", True):  # rot13, base64, hex …
            raise InputError(f"{encoding!r} 不是文本编码 / {encoding!r} is not a text encoding "
                             "(e.g. gb18030, utf-8, big5)")
        encoding = info.name
    encoding = encoding or detect_encoding(path)
    src = RawSource(path, "csv", "", [], encoding, tag=tag, total_lines=total_lines)
    csv_path = path
    if encoding not in ("utf-8", "utf-8-sig") or normalize or line_ends(path) != "lf":
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
            f"{src.path.name} 第 {bad_enc} 行附近有无法按 UTF-8 解码的字节；请修正或用 {option('encoding')} "
            f"指定编码 / {src.path.name}: bytes near line {bad_enc} are not UTF-8; fix them or "
            f"name the file's encoding with {option('encoding')}"
        )
    _refuse_swallowed_reject(con, src, rej)
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
        lines = _record_lines(src.csv_path, src.delim, len(src.headers), src.path.name)
        con.register(f"{tag}_lines", lines)
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
        sheet_name, others = _pick_sheet(wb, path, table_names)
        sheet = wb.get_sheet_by_name(sheet_name)
        rows = sheet.iter_rows()
        src = RawSource(path, "xlsx", f"src_{tag}", [], line_mode="column")
        if others:
            src.notes.append(
                f"{path.name}: 读取工作表「{sheet_name}」，另有工作表未读取：{'、'.join(others)} / "
                f"read sheet {sheet_name!r}; other sheets not read: {', '.join(others)}")
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

        lines_seen: list[int] = []  # sheet rows of the data rows, header excluded
        for i, row in enumerate(rows):
            # most cells are text: they skip _cell_text (a 1M-row sheet has 20M+ cells)
            texts = [v if type(v) is str and v else _cell_text(v) for v in row]
            if header is not None:
                for j, v in enumerate(row):
                    # Excel keeps 15 significant digits: an ID number typed as a number is
                    # already altered (…234567 → …234600), and no column can trust it
                    if type(v) is float and abs(v) >= 1e15:
                        src.cell_problems.append((i + 1, j, texts[j], "lossy_number"))
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
            lines_seen.append(i + 1)
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
    src.cell_problems += _merged_cells(sheet, lines_seen) + _formulas_without_value(path, sheet_name)
    src.headers = header
    arrow = pa.Table.from_batches(batches)
    con.register(f"{tag}_arrow", arrow)
    con.execute(f"CREATE TEMP TABLE {src.relation} AS SELECT * FROM {tag}_arrow")
    con.unregister(f"{tag}_arrow")
    return src


def _pick_sheet(wb, path: Path, table_names: tuple[str, ...]) -> tuple[str, list[str]]:
    """The sheet holding the table: the one named for it (案件, cases); else the only visible
    sheet with data — two such sheets are refused (which one is the table cannot be guessed),
    and a hidden sheet is never read while a visible one exists. Also: the other non-empty
    sheets, for a warning."""
    wanted = {normalize_name(n) for n in table_names}
    visible = {m.name for m in wb.sheets_metadata if str(m.visible).endswith("Visible")}
    nonempty = []
    for name in wb.sheet_names:
        try:
            if wb.get_sheet_by_name(name).height > 0:
                nonempty.append(name)
        except Exception:  # a chart sheet or the like: no cells
            continue
    named = [n for n in wb.sheet_names if normalize_name(n) in wanted]
    if named:
        chosen = named[0]
    else:
        candidates = [n for n in nonempty if n in visible] or nonempty or wb.sheet_names[:1]
        if len([n for n in nonempty if n in visible]) > 1:
            raise InputError(
                f"{path.name} 有多个含数据的工作表（{'、'.join(n for n in nonempty if n in visible)}），"
                f"无法确定哪一个是数据表：请把数据表命名为「{table_names[-1]}」或只保留一个 / "
                f"{path.name} has several sheets with data; name the table's sheet "
                f"{table_names[0]!r} (or {table_names[-1]!r}), or keep only one"
            )
        chosen = candidates[0]
    return chosen, [n for n in nonempty if n != chosen]


def _merged_cells(sheet, data_lines: list[int]) -> list[tuple[int, int, str | None, str]]:
    """Cells of data rows inside a merged range, other than its top-left cell: they read
    empty although the sheet shows the merged value there."""
    rows = set(data_lines)
    out = []
    for (r0, c0), (r1, c1) in sheet.merged_cell_ranges or []:
        for r in range(r0, r1 + 1):
            for c in range(c0, c1 + 1):
                if (r, c) != (r0, c0) and r + 1 in rows:
                    out.append((r + 1, c, None, "merged_cell"))
    return out


_CELL = re.compile(rb'<c r="([A-Z]+)([0-9]+)"[^>]*>(.*?)</c>', re.S)


def _formulas_without_value(path: Path, sheet_name: str) -> list[tuple[int, int, str | None, str]]:
    """Formula cells saved without a cached value (written by a program, never opened in
    Excel): their value is unknown, not empty. Found in the sheet's XML; fast when, as in
    almost every export, the sheet has no formula at all."""
    import zipfile

    try:
        with zipfile.ZipFile(path) as z:
            xml = z.read(_sheet_part(z, sheet_name))
    except (KeyError, OSError, zipfile.BadZipFile):
        return []
    if b"<f" not in xml:
        return []
    # fullCalcOnLoad: the writer (xlsxwriter and others) stored placeholder values (0) and
    # asked Excel to compute them on opening — no formula value in the file can be trusted
    try:
        with zipfile.ZipFile(path) as z:
            placeholders = b'fullCalcOnLoad="1"' in z.read("xl/workbook.xml")
    except (KeyError, OSError, zipfile.BadZipFile):
        placeholders = False
    out = []
    for m in _CELL.finditer(xml):
        body = m.group(3)
        value = re.search(rb"<v>(.+?)</v>", body, re.S)
        if b"<f" in body and (placeholders or (value is None and b"<is>" not in body)):
            col = 0
            for ch in m.group(1):
                col = col * 26 + (ch - 64)
            formula = re.search(rb"<f[^>]*>(.*?)</f>", body, re.S)
            text = "=" + html_unescape(formula.group(1).decode("utf-8", "replace")) if formula else None
            out.append((int(m.group(2)), col - 1, text, "formula_no_value"))
    return out


def _sheet_part(z, sheet_name: str) -> str:
    """The zip member of a sheet, through workbook.xml and its relationships."""
    wb = z.read("xl/workbook.xml").decode("utf-8", "replace")
    rels = z.read("xl/_rels/workbook.xml.rels").decode("utf-8", "replace")
    for m in re.finditer(r"<sheet\b[^>]*>", wb):
        tag = m.group(0)
        name = re.search(r'name="([^"]*)"', tag)
        rid = re.search(r'r:id="([^"]*)"', tag)
        if name and rid and html_unescape(name.group(1)) == sheet_name:
            target = re.search(rf'<Relationship\b[^>]*Id="{re.escape(rid.group(1))}"[^>]*>', rels)
            if target:
                t = re.search(r'Target="([^"]*)"', target.group(0)).group(1)
                return t.lstrip("/") if t.startswith("/") else "xl/" + t
    return "xl/worksheets/sheet1.xml"


# ---------------------------------------------------------------- parquet / json


def _typed_to_text(con: duckdb.DuckDBPyConnection, rel_sql: str
                   ) -> tuple[list[str], list[str], list[str]]:
    """Headers of rel_sql, per column an expression casting it to text as r0..rN, and the
    columns' types."""
    desc = con.execute(f"DESCRIBE SELECT * FROM {rel_sql}").fetchall()
    headers = [d[0] for d in desc if d[0] != "file_row_number"]
    types = [d[1] for d in desc if d[0] != "file_row_number"]
    parts = []
    for i, (name, typ, *_rest) in enumerate(d for d in desc if d[0] != "file_row_number"):
        col = _ident(name)
        if typ.startswith("TIMESTAMP WITH TIME ZONE"):
            # exports are China local time: an aware timestamp is shown in UTC+8, stored naive
            expr = f"strftime(timezone('Asia/Shanghai', {col}), '%Y-%m-%d %H:%M:%S')"
        elif typ == "BLOB":  # text stored as bytes: its UTF-8 text, not "\xE5\xBC…"
            expr = f"decode({col})"
        elif typ in ("FLOAT", "DOUBLE"):
            expr = (
                f"CASE WHEN {col} = trunc({col}) AND abs({col}) < 9e18 "
                f"THEN CAST(CAST({col} AS BIGINT) AS VARCHAR) ELSE CAST({col} AS VARCHAR) END"
            )
        else:
            expr = f"CAST({col} AS VARCHAR)"
        parts.append(f"{expr} AS r{i}")
    return headers, parts, types


def open_parquet(con: duckdb.DuckDBPyConnection, path: Path, tag: str) -> RawSource:
    rel = f"read_parquet({_lit(str(path))})"
    try:
        headers, parts, types = _typed_to_text(con, rel)
    except duckdb.Error as e:
        raise InputError(f"无法读取 Parquet 文件 / cannot read {path.name}: {first_line(e)}") from e
    # file_row_number (= the row's ordinal) lets a load read a few rows again (refetch_sql)
    numbered = f"read_parquet({_lit(str(path))}, file_row_number=true)"
    src = RawSource(path, "parquet", f"(SELECT {', '.join(parts)}, file_row_number FROM {numbered})", headers)
    # a floating-point number of 1e15 or more has lost digits (an ID number stored as DOUBLE)
    for j, (name, typ) in enumerate(zip(headers, types, strict=True)):
        if typ in ("FLOAT", "DOUBLE"):
            col = _ident(name)
            for row, text in con.execute(
                f"SELECT file_row_number, CAST({col} AS VARCHAR) FROM {numbered} "
                f"WHERE abs({col}) >= 1e15 AND isfinite({col})"
            ).fetchall():
                src.cell_problems.append((int(row) + 1, j, text, "lossy_number"))
    return src


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


def open_json(con: duckdb.DuckDBPyConnection, path: Path, tag: str,
              table_columns: tuple[str, ...] = ()) -> RawSource:
    p = _lit(str(path))
    with open(path, "rb") as f:
        head = f.read(64).lstrip(codecs.BOM_UTF8).strip()
    if head in (b"", b"[]") and path.stat().st_size < 64:
        # an export of a table with no rows this time: zero records, not an error
        headers = list(table_columns) or ["_"]
        cols = ", ".join(f"NULL::VARCHAR AS r{i}" for i in range(len(headers)))
        return RawSource(path, "json", f"(SELECT {cols} WHERE false)", headers)
    try:
        desc = con.execute(
            f"DESCRIBE SELECT * FROM read_json({p}, format='auto', records=true, sample_size=-1)"
        ).fetchall()
    except duckdb.Error as e:
        raise InputError(
            f"{path.name} 不是可读取的 JSON 记录文件（应为 [{{…}}, …] 或每行一条记录）/ "
            f"{path.name} is not a JSON file of records ([{{…}}, …] or one object per line): "
            f"{first_line(e)}"
        ) from e
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
    encoding: str | None = None,
    normalize: bool = False,
    columns: tuple[str, ...] = (),
) -> RawSource:
    """The file as an all-text relation; total_lines (physical lines) may be filled in later.
    `columns` (the contract's) head an empty JSON export (`[]`), which names none.
    `encoding` forces a CSV's codec; `normalize` rewrites its line ends (open_csv)."""
    fmt = FORMATS[path.suffix.lower()]
    if fmt == "csv":
        return open_csv(path, tag, tmpdir, total_lines, encoding, normalize)
    if fmt == "xlsx":
        return open_xlsx(con, path, tag, table_names)
    if fmt == "parquet":
        return open_parquet(con, path, tag)
    return open_json(con, path, tag, columns)


def _ident(s: str) -> str:
    return '"' + s.replace('"', '""') + '"'
