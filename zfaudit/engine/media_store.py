"""ZF13 input: hash the original files of a mounted media store (音像记录存储).

`hash_store` streams each file named by `media.path` through SHA-256 (1 MiB chunks) in a
thread pool — hashing is I/O bound and hashlib releases the GIL — and returns
`(media_id, present, sha256_actual)` rows for `engine.params.install_params(media_files=...)`.
No store given → no rows and `audit.scope.media_store_checked` false: ZF13 reports its items
`not_checked`, never `pass`.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path, PurePosixPath

import duckdb
from tqdm.auto import tqdm

from ..errors import AuditError

CHUNK = 1 << 20  # 1 MiB


def sha256_file(path: Path) -> str:
    """Hex SHA-256 of a file, read in 1 MiB chunks (constant memory for any size)."""
    h = hashlib.sha256()
    with open(path, "rb") as f:
        while chunk := f.read(CHUNK):
            h.update(chunk)
    return h.hexdigest()


def resolve(store: Path, rel: str) -> Path | None:
    """The file a `media.path` names inside the store; None if it would leave the store.

    Exports write Windows separators and sometimes a leading slash: both mean "relative to
    the store root"."""
    parts = PurePosixPath(rel.strip().replace("\\", "/")).parts
    parts = tuple(p for p in parts if p not in ("/", ""))
    if not parts or ".." in parts:
        return None
    return store.joinpath(*parts)


def _check(store: Path, media_id: str, rel: str) -> tuple[str, bool, str | None]:
    path = resolve(store, rel)
    if path is None or not path.is_file():
        return media_id, False, None
    try:
        return media_id, True, sha256_file(path)
    except OSError:
        # present on disk but unreadable: the original cannot be produced, so not "present"
        return media_id, False, None


def hash_store(
    con: duckdb.DuckDBPyConnection,
    store_dir: str | Path,
    progress: bool | None = None,
    *,
    recorded_in: tuple[dt.datetime, dt.datetime] | None = None,
    workers: int | None = None,
) -> list[tuple[str, bool, str | None]]:
    """(media_id, present, sha256_actual) for every media row with a path.

    `recorded_in=(start, end)` limits hashing to media whose recorded_end is in [start, end) —
    ZF13's scope — so a quarterly audit does not re-read years of footage."""
    store = Path(store_dir)
    if not store.is_dir():
        raise AuditError(f"音像存储目录不存在 / media store not found: {store}")
    sql = "SELECT media_id, path FROM media WHERE coalesce(trim(path), '') <> ''"
    params: list = []
    if recorded_in is not None:
        sql += " AND recorded_end >= ? AND recorded_end < ?"
        params = list(recorded_in)
    rows = con.execute(sql + " ORDER BY media_id", params).fetchall()
    workers = workers or min(8, 2 * (os.cpu_count() or 1))
    with ThreadPoolExecutor(max_workers=workers) as pool:
        results = pool.map(lambda r: _check(store, r[0], r[1]), rows)
        return list(
            tqdm(
                results,
                total=len(rows),
                desc="校验音像文件 / hashing media",
                unit="file",
                disable=None if progress is None else not progress,
            )
        )
