"""Exceptions-register benchmark (issue 13): the audit with 100,000 register rows against the
same audit without, back to back, each in its own subprocess on its own copy of the database.

    .venv/bin/python benchmarks/bench_exceptions.py [--cases 1000000] [--exceptions 100000]
        [--out build/bench_exceptions] [--profile zhuzhou_cgzf] [--period 2026Q3]

The register is built the way an office would send it: a CSV with Chinese headers and reason
names, imported with `zfaudit exceptions import` (timed too). Its rows name real items of the
period — ZF07 steps (violations and passing ones), ZF05 cases, ZF01 steps — and every status
occurs (most name an item that is no violation, as a real register mostly would not; a few
thousand apply). Order: without, with, without again (the noise of the machine).
Figures go to benchmarks/RESULTS.md by hand.
"""

from __future__ import annotations

import argparse
import csv
import json
import shutil
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import sample_cache

CHILD = r"""
import json, sys, time
db, profile, period, as_of = sys.argv[1:5]
t0 = time.perf_counter()
from zfaudit.cli import cli
try:
    cli(["audit", "--db", db, "--profile", profile, "--period", period, "--as-of", as_of,
         "--no-progress"], standalone_mode=False)
except SystemExit:
    pass
secs = time.perf_counter() - t0
import duckdb
con = duckdb.connect(db, read_only=True)
statuses = dict(con.execute("SELECT status, count(*) FROM run_exceptions GROUP BY 1").fetchall())
excused = con.execute("SELECT count(*) FROM findings WHERE outcome = 'excused'").fetchone()[0]
print(json.dumps({"secs": secs, "statuses": statuses, "excused": excused}))
"""

HEADERS = ["登记编号", "规则编号", "环节编号", "案件编号", "例外理由", "情况说明", "申请人", "申请时间",
           "审批人", "审批时间", "依据文号"]


def write_register(db: Path, path: Path, n: int, start: str, end: str) -> int:
    """n rows naming real items of the period; statuses mixed by row number."""
    con = duckdb.connect(str(db), read_only=True)
    steps = [r[0] for r in con.execute(
        "SELECT step_id FROM steps WHERE started_at >= ? AND started_at < ? "
        "AND stage IN ('inquiry', 'inspection', 'seizure', 'sampling') ORDER BY hash(step_id) "
        "LIMIT ?", [start, end, n]).fetchall()]
    cases = [r[0] for r in con.execute(
        "SELECT case_id FROM cases WHERE concluded_at >= ? AND concluded_at < ? "
        "ORDER BY hash(case_id) LIMIT ?", [start, end, n // 10]).fetchall()]
    con.close()
    rows = 0
    with open(path, "w", encoding="utf-8-sig", newline="") as f:
        w = csv.writer(f)
        w.writerow(HEADERS)
        for i in range(n):
            kind = i % 10
            approver, approved, note, reason = "法制科审核人", "2026-10-05 10:00:00", "现场突遇暴雨，设备中断", "客观条件限制"
            rule, step, case, doc = "ZF07", steps[i % len(steps)], "", ""
            if kind == 1 and cases:
                rule, step, case, reason, doc = "ZF05", "", cases[i % len(cases)], "法律、法规、规章另有规定", "某条例第十条"
            elif kind == 2:
                rule = "ZF01"  # reason_not_allowed
            elif kind == 3:
                approver, approved = "", ""  # not_approved
            elif kind == 4:
                approver = "申请人甲"  # self_approved
            elif kind == 5:
                approved = "2026-12-01 10:00:00"  # approved_after_as_of
            elif kind == 6:
                note = ""
            w.writerow([f"LW{i:08d}", rule, step, case, reason, note, "申请人甲", "2026-10-01 09:00:00",
                        approver, approved, doc])
            rows += 1
    return rows


def audit(db: Path, args) -> dict:
    proc = subprocess.run([sys.executable, "-c", CHILD, str(db), args.profile, args.period, args.as_of],
                          capture_output=True, text=True)
    if proc.returncode != 0:
        raise SystemExit(f"audit failed:\n{proc.stderr[-4000:]}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--cases", type=int, default=1_000_000)
    ap.add_argument("--exceptions", type=int, default=100_000)
    ap.add_argument("--out", type=Path, default=Path("build/bench_exceptions"))
    ap.add_argument("--profile", default="zhuzhou_cgzf")
    ap.add_argument("--period", default="2026Q3")
    ap.add_argument("--as-of", dest="as_of", default="2026-10-20 10:00:00")
    args = ap.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    src = sample_cache.database(args.cases)
    plain, with_reg = args.out / "plain.duckdb", args.out / "register.duckdb"
    shutil.copyfile(src, plain)
    shutil.copyfile(src, with_reg)
    reg = args.out / "例外登记.csv"
    n = write_register(src, reg, args.exceptions, "2026-07-01", "2026-10-01")
    t0 = time.perf_counter()
    subprocess.run([str(Path(sys.executable).parent / "zfaudit"), "exceptions", "import", str(reg),
                    "--db", str(with_reg)], check=True, capture_output=True)
    import_secs = time.perf_counter() - t0
    first = audit(plain, args)
    withr = audit(with_reg, args)
    again = audit(plain, args)
    for p in (plain, with_reg):
        p.unlink()
    print(json.dumps({
        "cases": args.cases, "register_rows": n, "import_secs": round(import_secs, 1),
        "audit_without_secs": [round(first["secs"], 1), round(again["secs"], 1)],
        "audit_with_secs": round(withr["secs"], 1),
        "statuses": withr["statuses"], "excused_findings": withr["excused"],
    }, indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
