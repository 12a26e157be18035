"""Loader benchmark: `zfaudit.ingest.loader.load` against bare `duckdb.read_csv` (the floor).

    .venv/bin/python benchmarks/bench_load.py [--rows 10000000] [--out build/bench]

Uses the shared cached sample export (benchmarks/sample_cache.py: write_sample(cases=rows/10)), or a media CSV
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
import sample_cache

CHILD = r"""
import json, resource, sys, time
from pathlib import Path
mode, export, db = sys.argv[1], Path(sys.argv[2]), sys.argv[3]
t0 = time.perf_counter()
tables = {}  # file stem -> [rows, seconds]
if mode == "zfaudit":
    from zfaudit.ingest.loader import load
    rep = load(export, db, progress=False)
    tables = {Path(t.file).stem: [t.rows_read, t.seconds] for t in rep.tables}
else:
    import duckdb
    con = duckdb.connect(db)
    # the floor: bare read_csv of each CSV (GB18030 ones pre-transcoded to UTF-8, untimed)
    for i, f in enumerate(sorted(export.glob("[!_]*.csv"))):
        t = time.perf_counter()
        con.execute(f"CREATE TABLE t{i} AS SELECT * FROM read_csv('{f}', ignore_errors=true)")
        n = con.execute(f"SELECT count(*) FROM t{i}").fetchall()[0][0]
        tables[f.stem] = [n, time.perf_counter() - t]
    con.close()
secs = time.perf_counter() - t0
print(json.dumps({"secs": secs, "tables": tables,
                  "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""


def utf8_copy(export: Path, out: Path) -> tuple[Path, dict[str, float]]:
    """The export's CSVs as UTF-8 (what bare read_csv can read), made before the floor's clock.

    Also returns, per transcoded file, the seconds the transcoding took (the least any loader
    built on DuckDB's UTF-8 reader must add for a GB18030 file)."""
    from zfaudit.ingest.readers import detect_encoding, to_utf8

    out.mkdir(parents=True, exist_ok=True)
    transcode: dict[str, float] = {}
    for f in export.glob("[!_]*.csv"):
        encoding = detect_encoding(f)
        if encoding in ("utf-8", "utf-8-sig"):
            shutil.copy(f, out / f.name)
        else:  # zfaudit's own transcoder: the same work its load does
            t = time.perf_counter()
            to_utf8(f, encoding, out / f.name)
            transcode[f.stem] = time.perf_counter() - t
    return out, transcode


def make_export(out: Path, rows: int, generator: str) -> None:
    """A media CSV of `rows` rows (Chinese headers, 视频/是/否 values) + tiny required tables."""
    out.mkdir(parents=True, exist_ok=True)
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
    ap.add_argument("--reuse", action="store_true", help="Reuse a kept export under --out.")
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
    t0 = time.perf_counter()
    if args.generator == "sample":  # the shared cached sample (benchmarks/sample_cache.py)
        export = sample_cache.export(max(args.rows // 10, 1))
    else:
        export = args.out / "export"
        if export.exists() and not args.reuse:
            shutil.rmtree(export)
        if not export.exists():
            make_export(export, args.rows, args.generator)
    print(f"export ready in {time.perf_counter() - t0:.1f} s: "
          f"{sum(f.stat().st_size for f in export.iterdir()) / 1e6:.0f} MB")
    floor_export, transcode = utf8_copy(export, args.out / "floor_export")
    floor = run("floor", floor_export, args.out / "floor.duckdb")
    ours = run("zfaudit", export, args.out / "zfaudit.duckdb")
    print(f"{'file':<16}{'rows':>12}{'zfaudit s':>11}{'rows/s':>12}{'floor s':>9}{'ratio':>7}"
          f"{'transcode s':>13}{'ratio*':>8}")
    for stem, (n, secs) in sorted(ours["tables"].items(), key=lambda kv: -kv[1][0]):
        f = floor["tables"].get(stem)
        ratio = f"{secs / f[1]:.2f}" if f and f[1] else "—"
        fs = f"{f[1]:.1f}" if f else "—"
        tc = transcode.get(stem)
        extra = f"{tc:>13.1f}{secs / (f[1] + tc):>8.2f}" if f and tc else ""
        print(f"{stem:<16}{n:>12,}{secs:>11.1f}{n / max(secs, 1e-9):>12,.0f}{fs:>9}{ratio:>7}{extra}")
    total = sum(n for n, _ in ours["tables"].values())
    print(f"total: zfaudit {ours['secs']:.1f} s ({total / ours['secs']:,.0f} rows/s, peak RSS "
          f"{ours['peak_rss_mb']:,.0f} MB); floor {floor['secs']:.1f} s (peak RSS "
          f"{floor['peak_rss_mb']:,.0f} MB); ratio {ours['secs'] / floor['secs']:.2f}x")
    if transcode:
        print(f"ratio* = zfaudit / (floor + transcoding the GB18030 file to UTF-8 in Python, "
              f"untimed for the floor); total with transcoding {sum(transcode.values()):.1f} s: "
              f"ratio {ours['secs'] / (floor['secs'] + sum(transcode.values())):.2f}x")
    if not args.keep:
        shutil.rmtree(args.out)


if __name__ == "__main__":
    main()
