"""`zfaudit load`: one export directory into the database, as one transaction.

Per table file: read every column as text (readers.py), type it in SQL (typing_sql.py) into a
staging table of the load's transaction, send bad cells / missing or duplicate keys / reader
rejects to `quarantine`, then either swap the staging table in (empty target) or
delete-then-insert the good rows by key (a newer snapshot replaces older rows).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import sys
import tempfile
import time
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path

import duckdb
import pandas as pd
import pyarrow as pa

from ..contract import Column, Reason, Table, contract, normalize_name
from ..db import check_db_path, connect
from ..errors import CalendarError, InputError, first_line, option
from ..workdays import ensure_years
from . import typing_sql as T
from .readers import (
    FORMATS,
    RawSource,
    fetch_csv_records,
    file_digest,
    finish_csv,
    line_sql,
    open_source,
    refetch_sql,
)

MEMORY_LIMIT = "3GB"
STAGING = "zf_stage_"  # prefix of the staging tables one load creates and drops


@dataclass
class TableStats:
    table: str
    file: str
    rows_read: int = 0
    rows_loaded: int = 0
    rows_replaced: int = 0
    rows_quarantined: int = 0
    rows_blank: int = 0  # supervision sheets: rows handed out and not filled in (no answer)
    skipped_unchanged: bool = False
    fingerprint: str | None = None  # the typed rows' content (count and sum of row hashes)
    sha256: str = ""
    size_bytes: int = 0
    encoding: str | None = None
    seconds: float = 0.0  # reading, typing and writing this file (benchmarks/bench_load.py)


@dataclass
class LoadReport:
    """What one `load` call did. load_id is None when every file was already loaded."""

    load_id: int | None
    db: str
    tables: list[TableStats] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    derived: object = None  # what import_records' `after` returned (e.g. register rows written)

    def to_frame(self) -> pd.DataFrame:
        return pd.DataFrame([asdict(t) for t in self.tables])

    def summary_text(self) -> str:
        head = f"{'表 / table':<22}{'读取 read':>12}{'新增 loaded':>14}{'替换 replaced':>16}{'隔离 quarantined':>19}"
        lines = [
            f"导入批次 / load id: {self.load_id if self.load_id is not None else '-（无变化 / nothing changed）'}",
            head,
        ]
        for t in self.tables:
            if t.skipped_unchanged:
                lines.append(f"{t.table:<22}{'未变化，跳过 / unchanged, skipped':>40}")
            else:
                lines.append(
                    f"{t.table:<22}{t.rows_read:>12,}{t.rows_loaded:>14,}{t.rows_replaced:>16,}"
                    f"{t.rows_quarantined:>19,}"
                )
        for t in self.tables:
            if t.rows_blank:
                lines.append(f"{t.table}: {t.rows_blank:,} 行未填写，不是答复，未导入（已有的答复不受影响）/ "
                             f"{t.rows_blank:,} row(s) left blank: not answers, not imported")
        if any(t.rows_quarantined for t in self.tables):
            lines.append(
                "有行被隔离，见 quarantine 表 / rows were quarantined: "
                f"SELECT * FROM quarantine WHERE load_id = {self.load_id}"
            )
        lines += [f"注意 / warning: {w}" for w in self.warnings]
        return "\n".join(lines)


def load(export_dir: str | Path, db: str | Path, progress: bool | None = None,
         encoding: str | dict[str, str] | None = None, force: bool = False) -> LoadReport:
    """Load one export directory into `db` in one transaction; see docs/decisions.md (Loader).
    `encoding` forces a CSV codec: one name for every CSV file, or {file name: codec} for some
    (default: UTF-8, UTF-16 with BOM or GB18030, detected; anything else is refused).
    A file whose content a later load superseded is refused unless `force` (a rollback)."""
    export_dir, db = Path(export_dir), Path(db)
    check_db_path(db)
    plan, warnings = plan_files(export_dir)
    # A first load builds the file under a scratch name and gives it the database's name only
    # once it is complete: a load killed half-way leaves no "database" of scratch tables.
    target = db if db.exists() else db.with_name(f".{db.name}.{os.getpid()}.loading")
    try:
        with connect(target) as con:
            report = _load(con, plan, db, progress, encoding, force)
            report.warnings[:0] = warnings
            report.warnings += _ensure_calendar(con)
    except BaseException:
        if target != db:  # a failed first load leaves no database behind
            for p in (target, target.with_name(target.name + ".wal")):
                p.unlink(missing_ok=True)
        raise
    if target != db:
        if db.exists():  # another first load finished meanwhile: never replace its database
            for p in (target, target.with_name(target.name + ".wal")):
                p.unlink(missing_ok=True)
            raise InputError(f"{db} 已由另一次导入创建，请重新导入 / {db} was created by another "
                             "load meanwhile; load again (into the database that now exists)")
        target.replace(db)
    return report


def import_records(file: str | Path, db: str | Path, table: str, progress: bool | None = None,
                   encoding: str | None = None, force: bool = False,
                   after: Callable[[duckdb.DuckDBPyConnection], object] | None = None) -> LoadReport:
    """Load one file of the office's own records (exceptions, responses, reviews: DATA_CONTRACT.md
    "Supervision records") into an existing database, with every guarantee of `load`: bad rows
    quarantined with file and line, a newer version replacing by key, one transaction — which
    `after(con)` joins: what follows from the rows (responses → the register) commits with them."""
    file, db = Path(file), Path(db)
    check_db_path(db)
    if not db.is_file():
        raise InputError(f"数据库不存在 / database not found: {db} (zfaudit load an export first)")
    if not file.is_file():
        raise InputError(f"文件不存在 / file not found: {file}")
    if file.suffix.lower() not in FORMATS:
        raise InputError(f"不支持的文件格式 / unsupported format {file.suffix or '(none)'}: {file} "
                         f"(use {', '.join(sorted(FORMATS))})")
    with connect(db) as con:
        return _load(con, {table: file}, db, progress, encoding, force, required=False,
                     after=after)


def plan_files(export_dir: Path) -> tuple[dict[str, Path], list[str]]:
    """Which file holds which contract table; unknown files are reported, not read."""
    if not export_dir.is_dir():
        raise InputError(f"导出目录不存在 / export directory not found: {export_dir}")
    c = contract()
    plan: dict[str, Path] = {}
    warnings: list[str] = []
    for p in sorted(export_dir.iterdir()):
        if p.name.startswith((".", "~$")) or not p.is_file():
            continue
        table = c.table_for_filename(p.stem) if p.suffix.lower() in FORMATS else None
        if table is None:
            warnings.append(f"未识别的文件已忽略 / unknown file ignored: {p.name}")
            continue
        if table.supervision:
            warnings.append(f"{p.name} 是{table.zh}，不随导出数据导入，请用 zfaudit {table.name} "
                            f"import / {p.name} is the office's {table.name} register, not an "
                            f"export: ignored; use zfaudit {table.name} import")
            continue
        if table.name in plan:
            raise InputError(
                f"同一张表有两个文件 / two files for table {table.name}: "
                f"{plan[table.name].name}, {p.name}"
            )
        plan[table.name] = p
    if not plan:
        raise InputError(
            f"目录中没有任何数据契约规定的文件 / no contract table file in {export_dir} "
            f"(expected e.g. cases.csv, 案件.xlsx; see docs/schema.md)"
        )
    # contract order, so parents (units, officers) come before children in the report
    return {t: plan[t] for t in c.tables if t in plan}, warnings


def _load(con: duckdb.DuckDBPyConnection, plan: dict[str, Path], db: Path, progress,
          encoding: str | dict[str, str] | None = None, force: bool = False,
          required: bool = True, after=None) -> LoadReport:
    loaded_before = {r[0] for r in con.execute("SELECT DISTINCT table_name FROM loads").fetchall()}
    missing = [
        t.name
        for t in contract().tables.values()
        if required and t.required and t.name not in plan and t.name not in loaded_before
    ]
    if missing:
        names = ", ".join(f"{m} ({contract().tables[m].zh})" for m in missing)
        raise InputError(f"缺少必需的表 / required table file missing: {names}")
    show = sys.stderr.isatty() if progress is None else progress
    report = LoadReport(None, str(db))
    # Hash tables and not-yet-flushed rows stay under this cap (DuckDB spills beyond it),
    # well below DuckDB's default of 80% of RAM (benchmarks/RESULTS.md: peak RSS per load).
    con.execute(f"SET memory_limit = '{MEMORY_LIMIT}'")
    load_id = con.execute("SELECT coalesce(max(load_id), 0) + 1 FROM loads").fetchall()[0][0]
    bar = None
    if show:
        from tqdm import tqdm

        bar = tqdm(total=2 * len(plan), desc="导入 / load", unit="step", file=sys.stderr)
    _drop_staging(con)  # left behind by a load that was killed
    try:
        return _load_staged(con, plan, report, load_id, bar, encoding, force, after)
    finally:
        with contextlib.suppress(duckdb.Error):  # never mask the error that got us here
            _drop_staging(con)
        if bar is not None:
            bar.close()


def _load_staged(
    con: duckdb.DuckDBPyConnection, plan: dict[str, Path], report: LoadReport, load_id: int, bar,
    encoding: str | dict[str, str] | None = None, force: bool = False, after=None,
) -> LoadReport:
    with tempfile.TemporaryDirectory(prefix="zfaudit-load-") as tmp:
        # Phase 1 reads and types every file into a staging table (zf_stage_*, not database
        # content: dropped whatever happens); a bad file stops here.
        staged = []
        for i, (table, path) in enumerate(plan.items()):
            if bar is not None:
                bar.set_postfix_str(path.name)
            t0 = time.perf_counter()
            st = _stage(con, _Job(contract().tables[table], path, f"t{i}", Path(tmp),
                                  report.warnings, _codec_for(path, encoding), force))
            st.stats.seconds = time.perf_counter() - t0
            staged.append(st)
            if bar is not None:
                bar.update(1)
        # Phase 2 writes everything in ONE transaction.
        con.execute("BEGIN TRANSACTION")
        try:
            for st in staged:
                if not st.stats.skipped_unchanged:
                    t0 = time.perf_counter()
                    _write(con, load_id, st)
                    st.stats.seconds += time.perf_counter() - t0
                report.tables.append(st.stats)
                if bar is not None:
                    bar.update(1)
            if all(t.skipped_unchanged for t in report.tables):
                con.execute("ROLLBACK")
            else:
                report.load_id = load_id
                if after is not None:
                    report.derived = after(con)
                con.execute("COMMIT")
        except BaseException:
            con.execute("ROLLBACK")
            raise
    return report


def _codec_for(path: Path, encoding: str | dict[str, str] | None) -> str | None:
    if isinstance(encoding, dict):
        return encoding.get(path.name) or encoding.get(path.stem)
    return encoding


def _drop_staging(con: duckdb.DuckDBPyConnection) -> None:
    names = con.execute(
        "SELECT table_name FROM duckdb_tables() WHERE database_name = current_database() "
        "AND schema_name = 'main' AND starts_with(table_name, ?)",
        [STAGING],
    ).fetchall()
    for (name,) in names:
        con.execute(f"DROP TABLE main.{name}")


@dataclass
class _Staged:
    stats: TableStats
    table: Table
    src: RawSource | None = None
    stage: str = ""  # the typed rows, a table of the load's transaction (see _stage_file)
    base: int = 0  # rowid of the file's first row in `stage`
    bad: str = ""  # one row per bad cell: rid, column_name, raw_value, reason, line
    raw: str = ""  # rid, raw (the bad rows' cells as read)
    n_bad_rows: int = 0
    n_stg: int = 0


@dataclass(frozen=True)
class _Job:
    """One file of the load: which table it fills, its staging tag and the load's scratch."""

    table: Table
    path: Path
    tag: str  # unique per file in this load: names its staging and scratch tables
    tmp: Path
    warnings: list[str]
    encoding: str | None = None  # forced CSV codec (--encoding); None: detected
    force: bool = False  # load content a later load superseded (--force)


def _stage(con: duckdb.DuckDBPyConnection, job: _Job) -> _Staged:
    """Read one file into a typed staging table and list its bad rows."""
    table, path = job.table, job.path
    # The SHA-256 is needed up front only to skip an unchanged file, and an unchanged file has a
    # loads row of its size. Otherwise the file is hashed in a thread while DuckDB reads it
    # (hashlib and DuckDB both release the GIL): that hides a whole pass over a big file.
    pool = None
    history = _history(con, table.name)
    if any(h["size_bytes"] == path.stat().st_size for h in history):
        digest: tuple[str, int, int] | Future = file_digest(path)
        sha, size, _ = digest
        if _same_as_latest(history, "sha256", sha):
            return _unchanged(table, path, sha, size)
        _refuse_rollback(job, history, "sha256", sha)
    else:
        pool = ThreadPoolExecutor(1, thread_name_prefix="zfaudit-digest")
        digest = pool.submit(file_digest, path)
    try:
        st = _stage_file(con, job, digest)
    finally:
        if pool is not None:
            pool.shutdown(wait=False)  # on success the digest is done; on error no one waits
    # other bytes, same typed content (re-saved with CRLF, as xlsx …): compare that too
    st.stats.fingerprint = _fingerprint(con, table, st.stage)
    if _same_as_latest(history, "fingerprint", st.stats.fingerprint):
        con.execute(f"DROP TABLE IF EXISTS {st.stage}")
        return _unchanged(table, path, st.stats.sha256, st.stats.size_bytes)
    _refuse_rollback(job, history, "fingerprint", st.stats.fingerprint)
    return st


def _history(con: duckdb.DuckDBPyConnection, table: str) -> list[dict]:
    """The table's earlier loads, newest first."""
    rows = con.execute(
        "SELECT load_id, file, sha256, size_bytes, fingerprint, loaded_at FROM loads "
        "WHERE table_name = ? ORDER BY load_id DESC", [table]
    ).fetchall()
    keys = ("load_id", "file", "sha256", "size_bytes", "fingerprint", "loaded_at")
    return [dict(zip(keys, r, strict=True)) for r in rows]


def _same_as_latest(history: list[dict], key: str, value: str | None) -> bool:
    return bool(history) and value is not None and history[0][key] == value


def _unchanged(table: Table, path: Path, sha: str, size: int) -> _Staged:
    stats = TableStats(table.name, str(path), sha256=sha, size_bytes=size)
    stats.skipped_unchanged = True
    return _Staged(stats, table)


def _refuse_rollback(job: _Job, history: list[dict], key: str, value: str | None) -> None:
    """Content equal to a load that a later load superseded would roll the table back."""
    older = next((h for h in history[1:] if value is not None and h[key] == value), None)
    # an office record file holds some rows (one unit's sheet), never the whole table: another
    # unit's file in between supersedes nothing of it
    if older is None or job.force or job.table.supervision:
        return
    newer = history[0]
    raise InputError(
        f"{job.path.name} 与第 {older['load_id']} 次导入（{Path(older['file']).name}）的内容相同，"
        f"而第 {newer['load_id']} 次导入（{Path(newer['file']).name}，{newer['loaded_at']:%Y-%m-%d %H:%M}）"
        f"已用较新的数据替换了它：再次导入会把 {job.table.name} 退回旧版本。确需退回请加 {option('force')} / "
        f"{job.path.name} holds the content of load {older['load_id']} ({Path(older['file']).name}), "
        f"which load {newer['load_id']} ({Path(newer['file']).name}, {newer['loaded_at']:%Y-%m-%d %H:%M}) "
        f"superseded: loading it would roll {job.table.name} back; pass {option('force')} to do so"
    )


def _fingerprint(con: duckdb.DuckDBPyConnection, table: Table, stage: str) -> str:
    """The typed rows' content, independent of the file's bytes and of row order: the row
    count and the sum of the rows' 64-bit hashes (a sum, not an xor: two equal rows must
    not cancel out)."""
    cols = ", ".join(table.column_names)
    n, total = con.execute(f"SELECT count(*), sum(hash({cols})::HUGEINT) FROM {stage}").fetchone()
    return f"{n}:{total or 0}"


def _stage_file(
    con: duckdb.DuckDBPyConnection, job: _Job, digest: tuple[str, int, int] | Future
) -> _Staged:
    table, path = job.table, job.path
    pending = isinstance(digest, Future)
    try:
        src, cols, stage = _read_typed(con, job, None if pending else digest[2], False)
    except _LineEndError:
        # DuckDB met a line end unlike the sample's further in (LF and CRLF mixed): read
        # again from a copy with one kind of line end
        job = replace(job, tag=job.tag + "n")
        src, cols, stage = _read_typed(con, job, None, True)
    # rowids count from 0 in insertion (= file) order: rowid - base is the row's ordinal
    n_stg, base, top = con.execute(f"SELECT count(*), min(rowid), max(rowid) FROM {stage}").fetchall()[0]
    base = base or 0
    if n_stg and top - base + 1 != n_stg:  # line numbers rely on this
        raise AssertionError(f"staging rowids of {path.name} are not contiguous")
    sha, size, lines = digest.result() if pending else digest
    stats = TableStats(table.name, str(path), sha256=sha, size_bytes=size, encoding=src.encoding)
    if src.total_lines is None:  # a UTF-8 CSV: its physical line count comes with the digest
        src.total_lines = lines
    if src.fmt == "csv":
        finish_csv(con, src, n_stg)
    bad, n_bad_rows = _bad_cells(con, table, src, cols, stage, base, job.tag)
    raw_t = _bad_rows_raw(con, src, stage, base, bad, job.tag)
    return _Staged(stats, table, src, stage, base, bad, raw_t, n_bad_rows, n_stg)


class _LineEndError(InputError):
    """DuckDB's CSV reader refused the file's line ends (it reads one kind per file)."""


def _read_typed(con: duckdb.DuckDBPyConnection, job: _Job, total_lines: int | None,
                normalize: bool) -> tuple[RawSource, dict[str, list[int]], str]:
    """Open the file, map its headers and type it into a new staging table."""
    table = job.table
    src = open_source(con, job.path, job.tag, job.tmp, (table.name, *table.sheets, table.zh), total_lines,
                      job.encoding, normalize, tuple(table.column_names))
    job.warnings.extend(src.notes)
    cols = _map_headers(table, src, job.warnings)
    stage = _create_stage(con, table, src, job.tag)
    try:
        _insert_typed(con, table, src, cols, stage)
    except _LineEndError:
        con.execute(f"DROP TABLE IF EXISTS {stage}")
        raise
    return src, cols, stage



def _create_stage(con: duckdb.DuckDBPyConnection, table: Table, src: RawSource, tag: str) -> str:
    """The staging table: the target's own columns (plus bookkeeping), in the database file.

    When the target is empty it simply becomes the target in phase 2 (_write), so a file is
    typed and compressed once, never copied. It is written outside the load's transaction on
    purpose: DuckDB rewrites a table created in a transaction at commit when rows were deleted
    from it, and phase 2 deletes the bad rows."""
    stage = f"{STAGING}{tag}"
    con.execute(table.ddl(stage).replace(" IF NOT EXISTS", ""))
    extras = ["_raw VARCHAR[]"] + (["_line BIGINT"] if src.line_mode == "column" else [])
    for e in extras:
        con.execute(f"ALTER TABLE {stage} ADD COLUMN {e}")
    return stage


def _suspect(table: Table, cols: dict[str, list[int]], cell) -> str:
    """SQL true for a row whose typed value is missing where its cell is not, or with no key;
    `cell(i)` is the SQL of the i-th raw cell."""
    typed = [c for c in cols if table.column(c).type != "text"]
    tests = [f"({c} IS NULL AND ({' OR '.join(f'{cell(i)} IS NOT NULL' for i in cols[c])}))"
             for c in typed]
    keys = [f"{k} IS NULL OR contains({k}, chr(0))" for k in table.key]
    return "(" + " OR ".join(tests + keys) + ")"


def _insert_typed(con: duckdb.DuckDBPyConnection, table: Table, src: RawSource,
                  cols: dict[str, list[int]], stage: str) -> None:
    """One pass: read (all text), clean, type. Suspect rows (a cheap test on values at hand)
    keep their cells as read, in one list column that is NULL elsewhere and costs next to
    nothing; the exact checks later read those few rows only, and duplicates get their cells
    from the source (_bad_rows_raw). JSON keeps every row's cells: nothing cheap leads back
    to a record."""
    cells = "[" + ", ".join(f"r{i}" for i in range(len(src.headers))) + "]"
    raw = cells if src.fmt == "json" else (
        f"CASE WHEN {_suspect(table, cols, lambda i: f'r{i}')} THEN {cells} END")
    line = ", _line" if src.line_mode == "column" else ""
    names = ", ".join(cols)
    out = ", ".join(
        f"{_typed_expr(table.column(c), cols[c], _value_expr(cols[c]))} AS {c}" for c in cols)
    try:
        con.execute(
            f"INSERT INTO {stage} ({names}, _raw{line}) SELECT {names}, {raw}{line} "
            f"FROM (SELECT *, {out} FROM {src.relation})"
        )
    except duckdb.Error as e:
        text = str(e).lower()
        if src.fmt == "csv" and ("strict_mode" in text or "new line" in text or "newline" in text):
            raise _LineEndError(
                f"{src.path.name} 的换行符不一致 / {src.path.name}: mixed line ends ({first_line(e)})"
            ) from e
        raise InputError(f"无法读取 {src.path.name} / cannot read {src.path.name}: {first_line(e)}") from e


def _bad_cells(con: duckdb.DuckDBPyConnection, table: Table, src: RawSource,
               cols: dict[str, list[int]], stage: str, base: int, tag: str) -> tuple[str, int]:
    """A scratch table with one row per bad cell (untypable, missing key, duplicate key) and
    its line: (name, number of bad rows)."""
    typed = [c for c in cols if table.column(c).type != "text"]
    v = {c: _value_expr(idx) for c, idx in cols.items()}  # cleaned text per contract column
    cand = f"cand_{tag}"
    picks = [f"_raw[{i + 1}] AS r{i}" for i in range(len(src.headers))]
    picks += [f"{c} AS t_{c}" for c in typed] + [f"{k} AS k_{k}" for k in table.key]
    con.execute(
        f"CREATE TEMP TABLE {cand} AS SELECT rowid - {base} AS rid, {', '.join(picks)} "
        f"FROM {stage} WHERE "
        + (_suspect(table, cols, lambda i: f"_raw[{i + 1}]") if src.fmt == "json" else "_raw IS NOT NULL")
    )
    parts = [
        f"SELECT rid, {T.lit(c)} AS column_name, {v[c]} AS raw_value, "
        f"{T.lit(table.column(c).reason)} AS reason FROM {cand} "
        f"WHERE t_{c} IS NULL AND {v[c]} IS NOT NULL"
        for c in typed
    ]
    parts += [
        f"SELECT rid, {T.lit(k)} AS column_name, NULL AS raw_value, {T.lit(Reason.MISSING_KEY)} AS reason "
        f"FROM {cand} WHERE k_{k} IS NULL"
        for k in table.key
    ]
    parts += [  # a NUL byte: a broken export, never an id anyone typed (docs/decisions.md)
        f"SELECT rid, {T.lit(k)} AS column_name, replace(k_{k}, chr(0), '\\0') AS raw_value, "
        f"{T.lit(Reason.BAD_KEY)} AS reason FROM {cand} WHERE contains(k_{k}, chr(0))"
        for k in table.key
    ]
    dups = _repeated_keys(con, table, stage, base, tag)
    if dups:
        parts.append(dups)
    problems = _cell_problems(con, src, cols, stage, base, tag)
    if problems:
        parts.append(problems)
    bad = f"bad_{tag}"
    con.execute(f"CREATE TEMP TABLE {bad}_0 AS {' UNION ALL '.join(parts)}")
    lines_of = line_sql(src, f"(SELECT DISTINCT rid FROM {bad}_0)", f"(SELECT rowid - {base} AS rid, _line FROM {stage})")
    con.execute(
        f"CREATE TEMP TABLE {bad} AS SELECT b.*, l.line FROM {bad}_0 b JOIN ({lines_of}) l USING (rid)"
    )
    n_bad_rows = con.execute(f"SELECT count(DISTINCT rid) FROM {bad}").fetchall()[0][0]
    found = con.execute(f"SELECT count(DISTINCT rid) FROM {bad}_0").fetchall()[0][0]
    if found != n_bad_rows:  # a bad row without a line would be neither loaded nor quarantined
        raise InputError(
            f"{src.path.name}: 有 {found - n_bad_rows} 个问题行无法确定行号，已拒绝整个文件 / "
            f"{src.path.name}: {found - n_bad_rows} bad row(s) could not be placed on a line; "
            "the file is refused rather than loaded short"
        )
    # dup_{tag} is _repeated_keys' scratch; the raw cells are read after this returns
    for name in (cand, f"dup_{tag}", f"{bad}_0"):
        con.execute(f"DROP TABLE IF EXISTS {name}")
    return bad, n_bad_rows


def _cell_problems(con: duckdb.DuckDBPyConnection, src: RawSource, cols: dict[str, list[int]],
                   stage: str, base: int, tag: str) -> str | None:
    """SELECT (rid, column_name, raw_value, reason) of the cells a reader could not trust
    (xlsx: lossy numbers, merged cells, formulas without a value) in mapped columns."""
    owner = {i: c for c, idx in cols.items() for i in idx}  # file column → contract column
    rows = [(line, owner[j], text, reason) for line, j, text, reason in src.cell_problems
            if j in owner]
    if not rows:
        return None
    name = f"cellp_{tag}"
    con.register(f"{name}_py", pa.table({
        "line": pa.array([r[0] for r in rows], pa.int64()),
        "column_name": pa.array([r[1] for r in rows], pa.string()),
        "raw_value": pa.array([r[2] for r in rows], pa.string()),
        "reason": pa.array([r[3] for r in rows], pa.string()),
    }))
    con.execute(f"CREATE TEMP TABLE {name} AS SELECT * FROM {name}_py")
    con.unregister(f"{name}_py")
    if src.line_mode == "column":  # xlsx: the sheet row is stored with each row
        return (f"SELECT s.rowid - {base} AS rid, p.column_name, p.raw_value, p.reason "
                f"FROM {stage} s JOIN {name} p ON s._line = p.line")
    # parquet / json: the line is the row's ordinal + line_offset
    return (f"SELECT p.line - {src.line_offset} AS rid, p.column_name, p.raw_value, p.reason "
            f"FROM {name} p")


def _repeated_keys(
    con: duckdb.DuckDBPyConnection, table: Table, stage: str, base: int, tag: str
) -> str | None:
    """SELECT (rid, column_name, raw_value, reason) of every row repeating an earlier row's key;
    None when no key repeats. Judged on all rows, bad ones too (docs/decisions.md)."""
    knames = ", ".join(table.key)
    knn = " AND ".join(f"{k} IS NOT NULL" for k in table.key)
    dups = f"dup_{tag}"
    # Grouping millions of text keys is slow; sorting their 64-bit hashes and comparing
    # neighbours is faster still than grouping the hashes (measured: 0.55 vs 0.8 s for 9M
    # keys). Only rows whose hash repeats (every true duplicate, plus rare collisions) get the
    # exact grouping.
    hk = f"hash({knames})"
    repeated = (
        f"SELECT h FROM (SELECT h, lag(h) OVER (ORDER BY h) AS prev FROM "
        f"(SELECT {hk} AS h FROM {stage} WHERE {knn})) WHERE h = prev"
    )
    con.execute(
        f"CREATE TEMP TABLE {dups} AS SELECT {knames}, min(rowid) AS first FROM {stage} "
        f"WHERE {knn} AND {hk} IN ({repeated}) GROUP BY ALL HAVING count(*) > 1"
    )
    if not con.execute(f"SELECT count(*) FROM {dups}").fetchall()[0][0]:
        return None
    # a key seen again: the first row (lowest ordinal = earliest line) loads, later ones not
    kjoin = " AND ".join(f"s.{k} = d.{k}" for k in table.key)
    kval = " || ',' || ".join(f"s.{k}" for k in table.key)
    return (
        f"SELECT s.rowid - {base} AS rid, {T.lit(','.join(table.key))} AS column_name, "
        f"{kval} AS raw_value, {T.lit(Reason.DUPLICATE_KEY)} AS reason "
        f"FROM {stage} s JOIN {dups} d ON {kjoin} WHERE s.rowid > d.first"
    )


def _bad_rows_raw(
    con: duckdb.DuckDBPyConnection, src: RawSource, stage: str, base: int, bad: str, tag: str
) -> str:
    """A temp table (rid, raw) with the cells of every bad row exactly as read."""
    raw = f"raw_{tag}"
    con.execute(
        f"CREATE TEMP TABLE {raw} AS SELECT rowid - {base} AS rid, _raw AS raw FROM {stage} "
        f"WHERE rowid IN (SELECT rid + {base} FROM {bad}) AND _raw IS NOT NULL"
    )
    # Rows that only repeat a key passed the cheap tests, so the staging kept no cells: read
    # those few rows again from the source (CSV by line, xlsx and parquet in SQL).
    todo_rows = f"(SELECT DISTINCT rid, line FROM {bad} WHERE rid NOT IN (SELECT rid FROM {raw}))"
    again = refetch_sql(src, todo_rows)
    if again is not None:
        con.execute(f"INSERT INTO {raw} {again}")
        return raw
    todo = con.execute(f"SELECT rid, line FROM {todo_rows} ORDER BY line").fetchall()
    if todo:
        records = fetch_csv_records(src, [line for _, line in todo])
        width = len(src.headers)
        rows = pa.table({
            "rid": pa.array([rid for rid, _ in todo], pa.int64()),
            "raw": pa.array([(records[line] + [None] * width)[:width] for _, line in todo],
                            pa.list_(pa.string())),
        })
        con.register(f"{raw}_py", rows)
        con.execute(f"INSERT INTO {raw} SELECT * FROM {raw}_py")
        con.unregister(f"{raw}_py")
    return raw


def _write(con: duckdb.DuckDBPyConnection, load_id: int, st: _Staged) -> None:
    """Quarantine, replace and insert one staged table (inside the load's transaction)."""
    table, src, stage, bad, stats = st.table, st.src, st.stage, st.bad, st.stats
    path = src.path
    raw_row = "json_object(" + ", ".join(
        f"{T.lit(h)}, r.raw[{i + 1}]" for i, h in enumerate(src.headers)
    ) + ")"
    con.execute(
        f"INSERT INTO quarantine SELECT ?, ?, ?, b.line, b.column_name, b.raw_value, "
        f"{raw_row}, b.reason FROM {bad} b JOIN {st.raw} r USING (rid) ORDER BY b.line, b.column_name",
        [load_id, table.name, str(path)],
    )
    if src.reject_rows:
        con.execute(
            f"INSERT INTO quarantine SELECT ?, ?, ?, line, NULL, NULL, "
            f"json_object('raw_line', csv_line, 'error', message), {T.lit(Reason.UNREADABLE_ROW)} "
            f"FROM {src.reject_rows} ORDER BY line",
            [load_id, table.name, str(path)],
        )
    dropped = con.execute(
        f"DELETE FROM {stage} WHERE rowid IN (SELECT rid + {st.base} FROM {bad})"
    ).fetchall()[0][0]
    if dropped != st.n_bad_rows:
        raise AssertionError(f"bad rows of {path.name}: {dropped} removed, {st.n_bad_rows} found")
    for extra in ("_raw", *(["_line"] if src.line_mode == "column" else [])):
        con.execute(f"ALTER TABLE {stage} DROP COLUMN {extra}")
    blank = 0
    if table.answer:
        # a handed-out sheet's rows nobody filled in are no records: they must not replace an
        # answer given before (a unit returns the same sheet with more rows filled)
        blank = con.execute(f"DELETE FROM {stage} WHERE {table.answer} IS NULL").fetchall()[0][0]
    good = st.n_stg - st.n_bad_rows - blank

    # --- snapshot replace: delete rows whose key arrives again, then insert the good rows
    has_rows = con.execute(f"SELECT count(*) > 0 FROM (SELECT 1 FROM {table.name} LIMIT 1)").fetchall()[0][0]
    replaced = 0
    if has_rows:
        match = " AND ".join(f"{table.name}.{k} = n.{k}" for k in table.key)
        replaced = con.execute(
            f"DELETE FROM {table.name} USING (SELECT DISTINCT {', '.join(table.key)} FROM {stage}) n "
            f"WHERE {match}"
        ).fetchall()[0][0]
        inserted = con.execute(f"INSERT INTO {table.name} SELECT * FROM {stage}").fetchall()[0][0]
        con.execute(f"DROP TABLE {stage}")
    else:
        # an empty target: the staging table, which has its exact columns, takes its place
        con.execute(f"DROP TABLE {table.name}")
        con.execute(f"ALTER TABLE {stage} RENAME TO {table.name}")
        inserted = good

    stats.rows_read = st.n_stg + src.rejects
    stats.rows_replaced = replaced
    stats.rows_loaded = inserted - replaced
    stats.rows_quarantined = st.n_bad_rows + src.rejects
    stats.rows_blank = blank
    # nothing is silently dropped (checked even under python -O, hence no bare assert)
    if stats.rows_read != (stats.rows_loaded + stats.rows_replaced + stats.rows_quarantined
                           + stats.rows_blank):
        raise AssertionError(f"row accounting broken for {path.name}: {stats}")
    con.execute(
        "INSERT INTO loads (load_id, table_name, file, sha256, size_bytes, rows_read, rows_loaded, "
        "rows_replaced, rows_quarantined, loaded_at, fingerprint, rows_blank) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [load_id, table.name, str(path), stats.sha256, stats.size_bytes, stats.rows_read, stats.rows_loaded,
         stats.rows_replaced, stats.rows_quarantined, dt.datetime.now().replace(microsecond=0),
         stats.fingerprint, stats.rows_blank],
    )


def _map_headers(table: Table, src: RawSource, warnings: list[str]) -> dict[str, list[int]]:
    """Contract column -> indexes of file columns holding it (several aliases may co-exist)."""
    lookup = contract().header_lookup(table.name)
    cols: dict[str, list[int]] = {}
    unknown = []
    for i, h in enumerate(src.headers):
        name = lookup.get(normalize_name(h))
        if name is None:
            unknown.append(h)
        else:
            cols.setdefault(name, []).append(i)
    if unknown:
        shown = ", ".join(unknown[:10]) + (f" …（另 {len(unknown) - 10:,} 列 / {len(unknown) - 10:,} more)"
                                           if len(unknown) > 10 else "")
        warnings.append(f"{src.path.name}: 未识别的列已忽略 / unknown columns ignored: {shown}")
    for c, idx in cols.items():
        if len(idx) > 1:
            warnings.append(
                f"{src.path.name}: 列 {c} 有多个别名列，取第一个非空值 / several columns for {c} "
                f"({', '.join(src.headers[i] for i in idx)}): first non-empty value used"
            )
    missing_keys = [k for k in table.key if k not in cols]
    if missing_keys:
        raise InputError(
            f"{src.path.name}: 缺少关键列 / key column missing: {', '.join(missing_keys)} "
            f"(表 {table.name} {table.zh}; 表头 headers: {', '.join(src.headers)})"
        )
    # contract column order
    return {c: cols[c] for c in table.column_names if c in cols}


def _typed_expr(column: Column, idx: list[int], cleaned: str) -> str:
    """The stored value of one column: cleaned text, or the typed value of the cleaned text.

    Typing the raw cell gives the same value whenever it succeeds (every typing ignores or
    rejects surrounding whitespace), so cleaning runs only for cells it rejects.
    """
    if column.type == "text":  # code columns are "code:<set>"
        return cleaned
    if len(idx) > 1:
        return T.typed(column, cleaned)
    r = f"r{idx[0]}"
    # the outer CASE keeps empty cells (often most of a column) out of the long typing chains
    return f"CASE WHEN {r} IS NOT NULL THEN coalesce({T.typed(column, r)}, {T.typed(column, cleaned)}) END"


def _value_expr(idx: list[int]) -> str:
    parts = [T.clean(f"r{i}") for i in idx]
    return parts[0] if len(parts) == 1 else f"coalesce({', '.join(parts)})"


def _ensure_calendar(con: duckdb.DuckDBPyConnection) -> list[str]:
    """Calendar years the data spans; a missing year is a warning here (audits stop on it)."""
    lo, hi = con.execute(
        "SELECT min(y), max(y) FROM (SELECT year(opened_at) y FROM cases UNION ALL "
        "SELECT year(started_at) FROM steps UNION ALL SELECT year(recorded_end) FROM media)"
    ).fetchall()[0]
    if lo is None:
        return []
    failed: list[int] = []
    message = ""
    for year in range(lo, hi + 1):  # one by one: a missing year must not block the others
        try:
            ensure_years(con, [year])
        except CalendarError as e:
            failed.append(year)
            message = message or str(e)
    if not failed:
        return []
    # one warning, not one per year (a stray 1970 date would otherwise list 34 years)
    spans, start = [], failed[0]
    for a, b in zip(failed, [*failed[1:], None], strict=True):
        if b != a + 1:
            spans.append(str(a) if a == start else f"{start}–{a}")
            start = b
    return [f"缺少工作日历 / no working-day calendar for {', '.join(spans)}: {message}"]
