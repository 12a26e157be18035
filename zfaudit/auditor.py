"""`zfaudit audit`: run a profile's rules over one period and record the run.

A run writes `audit_runs`, `findings` and `rule_results` in one transaction — all three or
nothing. The working tables it leaves in schema `audit` (scope, settings, items_<id>, …) are
replaced by the next run; the recorded tables are the audit's result.
"""

from __future__ import annotations

import datetime as dt
import json
import unicodedata
from pathlib import Path

import duckdb

from . import engine
from .db import connect
from .errors import AuditError
from .periods import Period, parse_period
from .profiles import Profile, get_profile
from .rule_params import install_params
from .scores import create_score_views
from .workdays import ensure_years

DEADLINE_REACH = dt.timedelta(days=60)  # deadlines of in-period events run past the period


def parse_as_of(value: str | dt.datetime | dt.date | None) -> dt.datetime:
    """as_of as naive China local time, whole seconds; default now."""
    if value is None:
        return dt.datetime.now().replace(microsecond=0)
    if isinstance(value, dt.datetime):
        return value.replace(microsecond=0, tzinfo=None)
    if isinstance(value, dt.date):
        return dt.datetime.combine(value, dt.time())
    try:
        return dt.datetime.fromisoformat(str(value).strip()).replace(microsecond=0, tzinfo=None)
    except ValueError as e:
        raise AuditError(
            f"无法识别的 as-of 时间 / cannot read --as-of {value!r}: use 2026-11-25 or "
            "'2026-11-25 10:15:00'"
        ) from e


def _versions() -> tuple[str, str]:
    from importlib.metadata import PackageNotFoundError, version

    try:
        zf = version("zfaudit")
    except PackageNotFoundError:
        zf = "0+unknown"
    return zf, version("great_expectations")


def _new_run_id(con: duckdb.DuckDBPyConnection, started: dt.datetime, profile: str, label: str) -> str:
    base = f"{started:%Y%m%dT%H%M%S}-{profile}-{label}"
    taken = {r[0] for r in con.execute(
        "SELECT run_id FROM audit_runs WHERE run_id = ? OR run_id LIKE ?", [base, base + "-%"]
    ).fetchall()}
    run_id, n = base, 1
    while run_id in taken:
        n += 1
        run_id = f"{base}-{n}"
    return run_id


def _check_has_data(con: duckdb.DuckDBPyConnection) -> None:
    n = con.execute(
        "SELECT (SELECT count(*) FROM cases) + (SELECT count(*) FROM steps) "
        "+ (SELECT count(*) FROM media) + (SELECT count(*) FROM media_access)"
    ).fetchone()[0]
    if n == 0:
        raise AuditError("数据库中没有可审计的数据 / nothing to audit: load an export first (zfaudit load)")


def run_audit(
    db: str | Path,
    profile: str | Path | Profile,
    period: str | Period,
    as_of: str | dt.datetime | None = None,
    media_store: str | Path | None = None,
    docs: str | Path | None = None,
    progress: bool | None = None,
) -> str:
    """Audit `period` under `profile`; returns the run_id of the recorded run."""
    from .media_store import hash_store

    if Path(db).stem.lower() == "audit":
        # DuckDB names the file's catalog after its stem: a catalog `audit` makes every
        # `audit.<table>` reference of the rules ambiguous
        raise AuditError(
            f"数据库文件不能命名为 audit / rename the database file {Path(db).name}: DuckDB would "
            "name its catalog `audit`, which clashes with zfaudit's schema `audit`"
        )
    prof = get_profile(profile)
    as_of_ts = parse_as_of(as_of)
    per = period if isinstance(period, Period) else parse_period(period, today=as_of_ts.date())
    started = dt.datetime.now().replace(microsecond=0)
    rules = engine.rules_for_profile(prof)
    with connect(db, must_exist=True) as con:
        _check_has_data(con)
        # Due dates of in-period events fall before period end + DEADLINE_REACH: that is the
        # calendar an audit needs (not as_of's year — a 2026Q3 audit run in 2027 needs no 2027).
        last = per.end + DEADLINE_REACH - dt.timedelta(microseconds=1)
        ensure_years(con, range(per.start.year, last.year + 1))  # CalendarError stops here
        media_files = None
        if media_store is not None:
            media_files = hash_store(con, media_store, progress, recorded_in=(per.start, per.end))
        install_params(con, prof, per.start, per.end, as_of_ts, media_files)
        run_id = _new_run_id(con, started, prof.name, per.label)
        with engine.gx_session(con) as session:
            verdicts = engine.evaluate(
                con, session, rules, media_files is not None, run_name=run_id, progress=progress
            )
            load_ids = [r[0] for r in con.execute(
                "SELECT DISTINCT load_id FROM loads WHERE load_id IS NOT NULL ORDER BY 1"
            ).fetchall()]
            zf_version, gx_version = _versions()
            con.execute("BEGIN TRANSACTION")
            try:
                engine.write_results(con, run_id, verdicts, prof.clauses)
                con.execute(
                    "INSERT INTO audit_runs VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    [
                        run_id, prof.name, per.start, per.end, as_of_ts, started,
                        dt.datetime.now().replace(microsecond=0), zf_version, gx_version,
                        load_ids, json.dumps(prof.to_dict(), ensure_ascii=False, sort_keys=True),
                        str(Path(media_store).resolve()) if media_store is not None else None,
                    ],
                )
                create_score_views(con)  # the `scores` views SQL users query (docs/schema.md)
                con.execute("COMMIT")
            except BaseException:
                con.execute("ROLLBACK")
                raise
            if docs is not None:
                from .datadocs import build_docs

                build_docs(session.context, docs)
    return run_id


# --- the summary the CLI prints -------------------------------------------------------------

SUMMARY_HEADERS = ("规则", "名称", "检查项", "合规", "违规", "提示", "待到期", "未检查", "合规率")


def summary_rows(db: str | Path, run_id: str) -> list[dict]:
    """One row per rule of the run (DQ first), with its counts and compliance rate."""
    with connect(db, read_only=True) as con:
        row = con.execute(
            "SELECT profile_json FROM audit_runs WHERE run_id = ?", [run_id]
        ).fetchone()
        if row is None:
            raise AuditError(f"审计记录不存在 / no audit run {run_id!r}")
        rule_ids = ["DQ01", "DQ02"] + [
            r.upper() for r in json.loads(row[0])["rules"] if r.upper() not in ("DQ01", "DQ02")
        ]
        counts = {
            r[0]: r[1:]
            for r in con.execute(
                "SELECT rule_id, sum(opportunities), sum(passed), sum(violations), "
                "sum(advisories), sum(pending), sum(not_checked) FROM rule_results "
                "WHERE run_id = ? GROUP BY rule_id",
                [run_id],
            ).fetchall()
        }
    known = engine.discover_rules()
    out = []
    for rid in rule_ids:
        opp, passed, viol, adv, pend, nc = (int(x or 0) for x in counts.get(rid, (0,) * 6))
        rule = known.get(rid.lower())
        out.append({
            "rule_id": rid,
            "title_zh": rule.title_zh if rule else rid,
            "opportunities": opp, "passed": passed, "violations": viol,
            "advisories": adv, "pending": pend, "not_checked": nc,
            "rate": passed / (passed + viol) if passed + viol else None,
        })
    return out


def violation_count(db: str | Path, run_id: str) -> int:
    """Compliance violations of a run (ZF rules; DQ data-quality findings are reported apart)."""
    return sum(r["violations"] for r in summary_rows(db, run_id) if r["rule_id"].startswith("ZF"))


def _width(s: str) -> int:
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in s)


def _pad(s: str, w: int, right: bool) -> str:
    gap = " " * max(0, w - _width(s))
    return gap + s if right else s + gap


def summary_text(db: str | Path, run_id: str) -> str:
    """The per-rule table `zfaudit audit` prints."""
    rows = summary_rows(db, run_id)
    table = [list(SUMMARY_HEADERS)] + [
        [r["rule_id"], r["title_zh"], *(str(r[k]) for k in (
            "opportunities", "passed", "violations", "advisories", "pending", "not_checked")),
         "—" if r["rate"] is None else f"{r['rate']:.1%}"]
        for r in rows
    ]
    widths = [max(_width(row[i]) for row in table) for i in range(len(SUMMARY_HEADERS))]
    lines = [f"审计完成 / audit run {run_id}"]
    for n, row in enumerate(table):
        lines.append("  ".join(_pad(c, widths[i], right=i >= 2) for i, c in enumerate(row)))
        if n == 0:
            lines.append("  ".join("-" * w for w in widths))
    return "\n".join(lines)
