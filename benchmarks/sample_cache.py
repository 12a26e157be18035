"""The benchmarks' shared sample bureau: `write_sample(cases=N, seed=1)` and its loaded
database, built once under build/bench_sample/ and reused by bench_load, bench_audit and
bench_report (delete the folder to rebuild)."""

from __future__ import annotations

import sys
import time
from pathlib import Path

ROOT = Path("build/bench_sample")
SEED = 1


def export(cases: int, root: Path = ROOT) -> Path:
    """The sample export of `cases` cases (written on first use)."""
    out = root / f"export_{cases}"
    done = out / ".complete"
    if not done.exists():
        from zfaudit.sample import write_sample

        t0 = time.perf_counter()
        write_sample(out, cases=cases, seed=SEED)
        done.write_text("", "utf-8")
        print(f"sample export {time.perf_counter() - t0:.1f} s", file=sys.stderr)
    return out


def database(cases: int, root: Path = ROOT) -> Path:
    """The sample export loaded into a DuckDB file (built on first use; copy it before
    writing to it)."""
    db = root / f"sample_{cases}.duckdb"
    if not db.exists():
        from zfaudit.ingest.loader import load

        src = export(cases, root)
        t0 = time.perf_counter()
        tmp = db.with_suffix(".loading")
        load(src, tmp, progress=False)
        tmp.rename(db)
        print(f"sample load {time.perf_counter() - t0:.1f} s", file=sys.stderr)
    return db
