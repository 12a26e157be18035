"""Report benchmark (issue 15): every report kind on the 1M-case sample, with its slowest cells.

    .venv/bin/python benchmarks/bench_report.py [--cases 1000000] [--out build/bench_report]

Audits a copy of the cached sample database (benchmarks/sample_cache.py, shared with
bench_load and bench_audit) once, then renders each report kind in its own subprocess through
the CLI — kernel start-up included — and issues the notices (通报) of the run, timing each and
reading papermill's per-cell durations from the executed notebook. Peak RSS is the largest of
the subprocess and its children (the kernel and Chromium). With `--documents` each report is
also printed to PDF, and the quarterly written as Word (issue 12), so the figures include
Chromium. Target: every report under 30 s on 2 cores, peak RSS under 4 GB. Figures go to
benchmarks/RESULTS.md by hand.
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

CHILD = r"""
import json, resource, sys, time
from zfaudit.cli import cli
t0 = time.perf_counter()
try:
    cli(sys.argv[1:], standalone_mode=False)
except SystemExit:
    pass
secs = time.perf_counter() - t0
rss = max(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
          resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss) / 1024
print(json.dumps({"secs": secs, "peak_rss_mb": rss}))
"""


def cli(*args: str) -> dict:
    proc = subprocess.run([sys.executable, "-c", CHILD, *args], capture_output=True, text=True)
    if proc.returncode != 0:
        raise SystemExit(f"{' '.join(args[:2])} failed:\n{proc.stderr[-4000:]}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def slowest_cells(ipynb: Path, n: int = 3) -> list[dict]:
    nb = json.loads(ipynb.read_text("utf-8"))
    cells = [(c.get("metadata", {}).get("papermill", {}).get("duration") or 0.0,
              "".join(c.get("source", ""))[:40].replace("\n", " ")) for c in nb["cells"]]
    return [{"secs": round(d, 1), "cell": s} for d, s in sorted(cells, reverse=True)[:n]]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--cases", type=int, default=1_000_000)
    ap.add_argument("--out", type=Path, default=Path("build/bench_report"))
    ap.add_argument("--profile", default="zhuzhou_cgzf")
    ap.add_argument("--period", default="2026Q3")
    ap.add_argument("--as-of", dest="as_of", default="2026-10-20 10:00:00")
    ap.add_argument("--keep", action="store_true", help="Keep the audited database (for profiling).")
    ap.add_argument("--documents", action="store_true",
                    help="Also PDF for every report and Word for the quarterly (needs Chromium).")
    args = ap.parse_args()
    shutil.rmtree(args.out, ignore_errors=True)
    args.out.mkdir(parents=True)
    db = args.out / "bench_report.duckdb"
    shutil.copyfile(sample_cache.database(args.cases), db)
    t0 = time.perf_counter()
    cli("audit", "--db", str(db), "--profile", args.profile, "--period", args.period,
        "--as-of", args.as_of, "--no-progress")
    audit_secs = time.perf_counter() - t0
    import duckdb

    with duckdb.connect(str(db), read_only=True) as con:
        case_id = con.execute("SELECT case_id FROM findings WHERE case_id IS NOT NULL "
                              "GROUP BY 1 ORDER BY count(*) DESC, 1 LIMIT 1").fetchone()[0]
    results = {}
    for kind, extra in (("quarterly", []), ("case", ["--case", case_id]),
                        ("spot-check", ["--seed", "20261125"])):
        out = args.out / f"{kind}.html"
        if args.documents:
            extra = [*extra, "--format", "html,pdf,docx" if kind == "quarterly" else "html,pdf"]
        r = cli("report", kind, "--db", str(db), "--out", str(out), *extra)
        results[kind] = {"secs": round(r["secs"], 1), "peak_rss_mb": round(r["peak_rss_mb"]),
                         "slowest_cells": slowest_cells(out.with_suffix(".ipynb"))}
    r = cli("notice", "--db", str(db), "--out", str(args.out / "notices"), "--date", "2026-10-21")
    results["notice"] = {"secs": round(r["secs"], 1), "peak_rss_mb": round(r["peak_rss_mb"])}
    r = cli("scores", "--db", str(db), "--out", str(args.out / "scores.xlsx"))
    results["scores"] = {"secs": round(r["secs"], 1), "peak_rss_mb": round(r["peak_rss_mb"])}
    if not args.keep:
        db.unlink()
    print(json.dumps({"cases": args.cases, "audit_secs": round(audit_secs, 1), **results},
                     indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
