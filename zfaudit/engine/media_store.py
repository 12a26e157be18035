"""ZF13 input: hash the original files of a mounted media store (音像记录存储).

`hash_store` streams each file named by `media.path` through the digest its recorded value
names by length (MD5, SHA-1, SHA-256, SHA-512; 1 MiB chunks) in a thread pool — hashing is
I/O bound and hashlib releases the GIL — and returns `(media_id, present, digest, problem)`
rows for `engine.params.install_params(media_files=...)`. Nothing outside the store is
opened: a `..` path or a link that leaves the store is a problem, not a file to read.
No store given → no rows and `audit.scope.media_store_checked` false: ZF13 reports its items
`not_checked`, never `pass`.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import stat
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path, PurePosixPath

import duckdb
from tqdm.auto import tqdm

from ..errors import AuditError

CHUNK = 1 << 20  # 1 MiB


def sha256_file(path: Path) -> str:
    """Hex SHA-256 of a file, read in 1 MiB chunks (constant memory for any size)."""
    return digest_file(path, "sha256")


def resolve(store: Path, rel: str) -> Path | None:
    """The file a `media.path` names inside the store; None if it would leave the store.

    Exports write Windows separators and sometimes a leading slash: both mean "relative to
    the store root"."""
    parts = PurePosixPath(rel.strip().replace("\\", "/")).parts
    parts = tuple(p for p in parts if p not in ("/", ""))
    if not parts or ".." in parts:
        return None
    return store.joinpath(*parts)


# The digest algorithm a recorded hex digest names by its length (RULES.md ZF13).
ALGORITHMS = {32: "md5", 40: "sha1", 64: "sha256", 128: "sha512"}
HEX = frozenset("0123456789abcdefABCDEF")


def algorithm(recorded: str | None) -> str | None:
    """md5 / sha1 / sha256 / sha512 for a recognised hex digest, else None."""
    text = (recorded or "").strip()
    if not text or not set(text) <= HEX:
        return None
    return ALGORITHMS.get(len(text))


def digest_file(path: Path, name: str = "sha256") -> str:
    """Hex digest of a file, read in 1 MiB chunks (constant memory for any size)."""
    h = hashlib.new(name)
    with open(path, "rb") as f:
        while chunk := f.read(CHUNK):
            h.update(chunk)
    return h.hexdigest()


Row = tuple[str, bool, str | None, str | None]  # media_id, present, digest, problem


def _check(store: Path, store_real: str, media_id: str, rel: str, recorded: str | None) -> Row:
    """One media item's original: nothing outside the store is ever opened (a `..` path or a
    link that leaves it), and only a regular file is read (a FIFO would block)."""
    try:
        path = resolve(store, rel)
        real = os.path.realpath(path) if path is not None else None
    except ValueError:  # a NUL byte in the recorded path: no file can have that name
        return media_id, False, None, "missing"
    if real is None:
        return media_id, False, None, "outside_store"
    if real != store_real and not real.startswith(store_real + os.sep):
        return media_id, False, None, "outside_store"
    try:
        mode = os.stat(real).st_mode
    except FileNotFoundError:
        return media_id, False, None, "missing"
    except OSError:
        return media_id, False, None, "unreadable"
    if not stat.S_ISREG(mode):
        return media_id, False, None, "not_regular"
    try:
        return media_id, True, digest_file(Path(real), algorithm(recorded) or "sha256"), None
    except OSError:
        # present on disk but unreadable: the original cannot be produced, so not "present"
        return media_id, False, None, "unreadable"


def hash_store(
    con: duckdb.DuckDBPyConnection,
    store_dir: str | Path,
    progress: bool | None = None,
    *,
    recorded_in: tuple[dt.datetime, dt.datetime] | None = None,
    workers: int | None = None,
) -> list[Row]:
    """(media_id, present, digest, problem) for every media row with a path: the digest with
    the algorithm the recorded one names by its length (SHA-256 when it names none), and why
    the original could not be read (missing, not_regular, outside_store, unreadable).

    `recorded_in=(start, end)` limits hashing to media whose recorded_end is in [start, end) —
    ZF13's scope — so a quarterly audit does not re-read years of footage."""
    store = Path(store_dir)
    if not store.is_dir():
        raise AuditError(f"音像存储目录不存在 / media store not found: {store}")
    sql = "SELECT media_id, path, sha256 FROM media WHERE coalesce(trim(path), '') <> ''"
    params: list = []
    if recorded_in is not None:
        sql += " AND recorded_end >= ? AND recorded_end < ?"
        params = list(recorded_in)
    rows = con.execute(sql + " ORDER BY media_id", params).fetchall()
    workers = workers or min(8, 2 * (os.cpu_count() or 1))
    store_real = os.path.realpath(store)
    with ThreadPoolExecutor(max_workers=workers) as pool:
        results = pool.map(lambda r: _check(store, store_real, r[0], r[1], r[2]), rows)
        return list(
            tqdm(
                results,
                total=len(rows),
                desc="校验音像文件 / hashing media",
                unit="file",
                disable=None if progress is None else not progress,
            )
        )
