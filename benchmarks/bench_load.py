"""Loader benchmark: `zfaudit.loader.load` against bare `duckdb.read_csv` (the floor).

    .venv/bin/python benchmarks/bench_load.py [--rows 10000000] [--out build/bench]

Generates an export (zfaudit.sample.write_sample when it exists, else a realistic media CSV
of --rows rows with Chinese headers and values, plus the small required tables), then runs
each load in its own subprocess and reads peak RSS (ru_maxrss) there. Targets: the zfaudit
load within 2x of the floor, peak RSS under 4 GB. Figures go to benchmarks/RESULTS.md by hand.
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import time
from pathlib import Path

import duckdb

CHILD = r"""
import json, resource, sys, time
from pathlib import Path
mode, export, db = sys.argv[1], Path(sys.argv[2]), sys.argv[3]
t0 = time.perf_counter()
if mode == "zfaudit":
    from zfaudit.loader import load
    rep = load(export, db, progress=False)
    rows = {t.table: t.rows_read for t in rep.tables}
    per = None
else:
    import duckdb
    con = duckdb.connect(db)
    rows = {}
    # the floor reads what bare read_csv can (UTF-8 CSV; bad lines skipped); others are listed
    for i, f in enumerate(sorted(export.glob("[!_]*.csv"))):
        try:
            con.execute(f"CREATE TABLE t{i} AS SELECT * FROM read_csv('{f}', ignore_errors=true)")
            rows[f.stem] = con.execute(f"SELECT count(*) FROM t{i}").fetchall()[0][0]
        except duckdb.Error:
            rows[f.stem] = "unreadable by bare read_csv"
    con.close()
secs = time.perf_counter() - t0
print(json.dumps({"secs": secs, "rows": rows,
                  "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""


def make_export(out: Path, rows: int, generator: str) -> None:
    """A media CSV of `rows` rows (Chinese headers, 视频/是/否 values) + tiny required tables."""
    out.mkdir(parents=True, exist_ok=True)
    if generator == "sample":
        from zfaudit.sample import write_sample

        write_sample(out, cases=max(rows // 10, 1), seed=1)
        return
    con = duckdb.connect()
    small = {
        "units.csv": "SELECT 'U' || i AS unit_id, '中队' || i AS unit_name FROM range(10) t(i)",
        "officers.csv": "SELECT 'O' || i AS officer_id, '姓名' || i AS name, 'Z' || i AS cert_no, "
        "'U' || (i % 10) AS unit_id FROM range(500) t(i)",
        "devices.csv": "SELECT 'D' || i AS device_id, '执法记录仪' AS kind, 'U' || (i % 10) AS unit_id "
        "FROM range(300) t(i)",
        "cases.csv": "SELECT 'C' || i AS case_id, 'U' || (i % 10) AS unit_id, '行政处罚' AS category, "
        "strftime(TIMESTAMP '2026-07-01 08:00' + to_minutes(i), '%Y-%m-%d %H:%M:%S') AS opened_at "
        "FROM range(1000) t(i)",
        "steps.csv": "SELECT 'S' || i AS step_id, 'C' || (i % 1000) AS case_id, '调查询问' AS stage "
        "FROM range(3000) t(i)",
        "step_officers.csv": "SELECT 'S' || i AS step_id, 'O' || (i % 500) AS officer_id, '是' AS cert_shown "
        "FROM range(3000) t(i)",
    }
    for name, q in small.items():
        con.execute(f"COPY ({q}) TO '{out / name}' (HEADER)")
    con.execute(
        f"""COPY (
        SELECT 'M' || lpad(i::VARCHAR, 9, '0') AS 文件编号,
               'D' || (i % 300) AS 设备编号,
               'O' || (i % 500) AS 使用人,
               CASE WHEN i % 5 = 0 THEN NULL ELSE 'C' || (i % 1000) END AS 案件编号,
               CASE WHEN i % 5 = 0 THEN NULL ELSE 'S' || (i % 3000) END AS 环节编号,
               CASE WHEN i % 5 = 0 THEN '是' ELSE '否' END AS 日常巡查,
               CASE i % 3 WHEN 0 THEN '视频' WHEN 1 THEN '音频' ELSE '照片' END AS 文件类型,
               strftime(TIMESTAMP '2026-07-01 08:00' + to_seconds(i * 2), '%Y-%m-%d %H:%M:%S') AS 拍摄开始时间,
               strftime(TIMESTAMP '2026-07-01 08:10' + to_seconds(i * 2), '%Y-%m-%d %H:%M:%S') AS 拍摄结束时间,
               CASE WHEN i % 50 = 0 THEN NULL ELSE
                 strftime(TIMESTAMP '2026-07-02 08:10' + to_seconds(i * 2), '%Y-%m-%d %H:%M:%S') END AS 上传时间,
               sha256(i::VARCHAR) AS 文件哈希,
               (100000 + i * 37 % 900000000)::VARCHAR AS 文件大小,
               'store/' || (i % 300) || '/' || i || '.mp4' AS 存储路径,
               CASE WHEN i % 7 = 0 THEN '是' ELSE '否' END AS 作为证据,
               CASE WHEN i % 11 = 0 THEN '是' ELSE '否' END AS 长期保存
        FROM range({rows}) t(i)) TO '{out / "音像记录.csv"}' (HEADER)"""
    )


def run(mode: str, export: Path, db: Path) -> dict:
    db.unlink(missing_ok=True)
    Path(str(db) + ".wal").unlink(missing_ok=True)
    out = subprocess.run(
        [sys.executable, "-c", CHILD, mode, str(export), str(db)],
        check=True,
        capture_output=True,
        text=True,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rows", type=int, default=10_000_000)
    ap.add_argument("--out", type=Path, default=Path("build/bench"))
    ap.add_argument("--keep", action="store_true", help="Keep the generated export.")
    ap.add_argument(
        "--generator",
        choices=["auto", "sample", "media"],
        default="auto",
        help="sample: zfaudit.sample.write_sample(cases=rows/10); media: a --rows media CSV; "
        "auto: sample when that module exists.",
    )
    args = ap.parse_args()
    if args.generator == "auto":
        try:
            import zfaudit.sample  # noqa: F401

            args.generator = "sample"
        except ImportError:
            args.generator = "media"
    export = args.out / "export"
    if export.exists():
        shutil.rmtree(export)
    t0 = time.perf_counter()
    make_export(export, args.rows, args.generator)
    print(f"export generated in {time.perf_counter() - t0:.1f} s: "
          f"{sum(f.stat().st_size for f in export.iterdir()) / 1e6:.0f} MB")
    floor = run("floor", export, args.out / "floor.duckdb")
    ours = run("zfaudit", export, args.out / "zfaudit.duckdb")
    total = sum(ours["rows"].values())
    print(f"floor read: {floor['rows']}")
    print(f"{'':10}{'seconds':>10}{'rows/s':>14}{'peak RSS MB':>14}")
    for name, r in (("floor", floor), ("zfaudit", ours)):
        print(f"{name:10}{r['secs']:>10.1f}{total / r['secs']:>14,.0f}{r['peak_rss_mb']:>14,.0f}")
    print(f"ratio zfaudit/floor: {ours['secs'] / floor['secs']:.2f}x; rows per table: {ours['rows']}")
    if not args.keep:
        shutil.rmtree(args.out)


if __name__ == "__main__":
    main()
