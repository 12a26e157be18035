"""Audit benchmark: `zfaudit audit` (GX engine) against the same rules as plain SQL (the floor).

    .venv/bin/python benchmarks/bench_audit.py [--cases 1000000] [--out build/bench_audit]
        [--profile zhuzhou_cgzf] [--period 2026Q3] [--as-of "2026-10-20 10:00:00"]

Builds the sample export (zfaudit.sample.write_sample) and loads it (zfaudit.ingest.loader.load) once,
cached under build/bench_sample/ (benchmarks/sample_cache.py, shared with the other benchmarks). Then, each in its own subprocess on its own copy of the database (peak RSS
from ru_maxrss there):
  * audit — `zfaudit audit --db … --profile … --period …` through the click command: imports,
    calendar, parameters, every rule materialised and validated by GX, findings, rule_results;
  * floor — the same work without GX: parameters, `CREATE TABLE AS` of each rule SQL, and the
    findings and rule_results inserts straight from the items tables.
Targets (issue 3): audit under 60 s on 2 cores, audit ≤ 1.5× floor, peak RSS < 4 GB.
Figures go to benchmarks/RESULTS.md by hand.
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
from pathlib import Path

import sample_cache

CHILD = r"""
import json, resource, sys, time
mode, db, profile, period, as_of = sys.argv[1:6]
t0 = time.perf_counter()
if mode == "audit":
    from zfaudit.cli import cli
    try:
        cli(["audit", "--db", db, "--profile", profile, "--period", period, "--as-of", as_of,
             "--no-progress"], standalone_mode=False)
    except SystemExit:
        pass
    import duckdb
    con = duckdb.connect(db, read_only=True)
else:
    import datetime as dt
    from zfaudit.db import connect
    from zfaudit.engine.params import install_params
    from zfaudit.engine.run import parse_as_of
    from zfaudit.periods import parse_period
    from zfaudit.profiles import get_profile
    from zfaudit.rules.catalogue import ITEM_COLUMNS, rules_for_profile
    from zfaudit.workdays import ensure_years
    prof = get_profile(profile)
    as_of_ts = parse_as_of(as_of)
    per = parse_period(period, today=as_of_ts.date())
    with connect(db) as con:
        last = max(per.end, as_of_ts + dt.timedelta(days=60))
        ensure_years(con, range(per.start.year, last.year + 1))
        install_params(con, prof, per.start, per.end, as_of_ts, None)
        for rule in rules_for_profile(prof):
            con.execute(f"CREATE OR REPLACE TABLE audit.{rule.table} AS {rule.sql}")
            cols = ", ".join(ITEM_COLUMNS)
            con.execute(f"INSERT INTO findings (run_id, {cols}, clauses, finding_key) SELECT "
                        f"'floor', {cols}, ?, {rule.finding_key_sql(rule.table)} "
                        f"FROM audit.{rule.table} WHERE outcome <> 'pass'",
                        [prof.clauses.get(rule.rule_id)])
            con.execute(
                "INSERT INTO rule_results (run_id, rule_id, unit_id, opportunities, passed, "
                "violations, advisories, pending, not_checked) SELECT 'floor', ?, unit_id, count(*), "
                "count(*) FILTER (outcome = 'pass'), count(*) FILTER (outcome = 'violation'), "
                "count(*) FILTER (outcome = 'advisory'), count(*) FILTER (outcome = 'pending'), "
                f"count(*) FILTER (outcome = 'not_checked') FROM audit.{rule.table} GROUP BY unit_id",
                [rule.rule_id])
    import duckdb
    con = duckdb.connect(db, read_only=True)
secs = time.perf_counter() - t0
stats = dict(con.execute(
    "SELECT rule_id, count(*) FROM findings GROUP BY 1 ORDER BY 1").fetchall())
items = con.execute("SELECT sum(opportunities) FROM rule_results").fetchone()[0]
print(json.dumps({"secs": secs, "findings": stats, "items": items,
                  "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""


def run(mode: str, db: Path, work: Path, args) -> dict:
    copy = work / f"run_{mode}.duckdb"  # not "audit.duckdb": a catalog named audit clashes with schema audit
    shutil.copyfile(db, copy)
    proc = subprocess.run(
        [sys.executable, "-c", CHILD, mode, str(copy), args.profile, args.period, args.as_of],
        capture_output=True, text=True,
    )
    if proc.returncode != 0:
        raise SystemExit(f"{mode} failed:\n{proc.stderr[-4000:]}")
    copy.unlink()
    return json.loads(proc.stdout.strip().splitlines()[-1])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--cases", type=int, default=1_000_000)
    ap.add_argument("--out", type=Path, default=Path("build/bench_audit"))
    ap.add_argument("--profile", default="zhuzhou_cgzf")
    ap.add_argument("--period", default="2026Q3")
    ap.add_argument("--as-of", dest="as_of", default="2026-10-20 10:00:00")
    args = ap.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    db = sample_cache.database(args.cases)
    floor = run("floor", db, args.out, args)
    audit = run("audit", db, args.out, args)
    floor_findings = {k: v for k, v in floor["findings"].items()}
    print(json.dumps({
        "cases": args.cases, "profile": args.profile, "period": args.period,
        "db_mb": round(db.stat().st_size / 2**20),
        "items": audit["items"], "findings": sum(audit["findings"].values()),
        "findings_match_floor": audit["findings"] == floor_findings,
        "audit_secs": round(audit["secs"], 1), "floor_secs": round(floor["secs"], 1),
        "ratio": round(audit["secs"] / floor["secs"], 2),
        "audit_peak_rss_mb": round(audit["peak_rss_mb"]),
        "floor_peak_rss_mb": round(floor["peak_rss_mb"]),
    }, indent=2))


if __name__ == "__main__":
    main()
