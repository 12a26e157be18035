"""Deadline-warning benchmark (issue 14): `zfaudit warn` on the 1M-case database against the
full audit of the same database, in the same run, each in its own subprocess.

    .venv/bin/python benchmarks/bench_warn.py [--cases 1000000] [--as-of "2026-10-20 10:00:00"]

`warn` opens the cached database read-only (it writes nothing); the audit runs on a copy.
Target (issue 14): warn under 5 s on 2 cores. Figures go to benchmarks/RESULTS.md by hand.
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import time
from pathlib import Path

import sample_cache


def timed(args: list[str]) -> tuple[float, str]:
    t0 = time.perf_counter()
    proc = subprocess.run(args, capture_output=True, text=True)
    secs = time.perf_counter() - t0
    if proc.returncode not in (0, 1):
        raise SystemExit(f"failed: {' '.join(args)}\n{proc.stderr[-3000:]}")
    return secs, proc.stdout


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--cases", type=int, default=1_000_000)
    ap.add_argument("--profile", default="zhuzhou_cgzf")
    ap.add_argument("--as-of", dest="as_of", default="2026-10-20 10:00:00")
    ap.add_argument("--out", type=Path, default=Path("build/bench_warn"))
    args = ap.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    db = sample_cache.database(args.cases)
    exe = str(Path(sys.executable).parent / "zfaudit")
    warn = [exe, "warn", "--db", str(db), "--profile", args.profile, "--as-of", args.as_of]
    runs = [timed(warn)[0] for _ in range(3)]
    _, text = timed(warn)
    copy = args.out / "run_audit.duckdb"
    shutil.copyfile(db, copy)
    audit_secs, _ = timed([exe, "audit", "--db", str(copy), "--profile", args.profile,
                           "--period", "2026Q3", "--as-of", args.as_of, "--no-progress"])
    copy.unlink()
    print(json.dumps({"cases": args.cases, "warn_secs": [round(s, 2) for s in runs],
                      "warn_first_line": text.splitlines()[0] if text else "",
                      "audit_secs": round(audit_secs, 1)}, indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
