"""`zfaudit audit`: run a profile's rules over one period and record the run.

A run writes `audit_runs`, `findings` and `rule_results` in one transaction — all three or
nothing. The working tables it leaves in schema `audit` (scope, settings, items_<id>, …) are
replaced by the next run; the recorded tables are the audit's result.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import duckdb
from tqdm.auto import tqdm

from ..db import connect
from ..errors import AuditError
from ..periods import Period, parse_as_of, parse_period  # parse_as_of: re-exported
from ..profiles import Profile, get_profile
from ..rules.catalogue import Rule, rules_for_profile
from ..scores import create_score_views
from ..supervision.views import create_cycle_views
from ..workdays import ensure_years
from . import register
from .findings import fill_finding_keys, materialise, record_rechecks, write_results
from .gx import GxSession, RuleVerdict, gx_session, run_parameters, verdict_from
from .params import install_params

DEADLINE_REACH = dt.timedelta(days=60)  # deadlines of in-period events run past the period


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
    prof = get_profile(profile)
    as_of_ts = parse_as_of(as_of)
    per = period if isinstance(period, Period) else parse_period(period, today=as_of_ts.date())
    started = dt.datetime.now().replace(microsecond=0)
    rules = rules_for_profile(prof)
    with connect(db, must_exist=True) as con:
        _check_has_data(con)
        media_files = _prepare(con, prof, per, as_of_ts, media_store, progress)
        run_id = _new_run_id(con, started, prof.name, per.label)
        with gx_session(con) as session:
            verdicts = evaluate(
                con, session, rules, media_files is not None, run_name=run_id, progress=progress,
                profile=prof,
            )
            _record(con, run_id, verdicts, prof, per, as_of_ts, started, media_store)
            if docs is not None:
                from .datadocs import DocsRun, build_docs

                build_docs(session.context, docs, DocsRun(
                    run_id=run_id, bureau=prof.title, profile=prof.name, period=per,
                    as_of=as_of_ts, verdicts=tuple(verdicts)))
    return run_id


def _check_has_data(con: duckdb.DuckDBPyConnection) -> None:
    n = con.execute(
        "SELECT (SELECT count(*) FROM cases) + (SELECT count(*) FROM steps) "
        "+ (SELECT count(*) FROM media) + (SELECT count(*) FROM media_access)"
    ).fetchone()[0]
    if n == 0:
        raise AuditError("数据库中没有可审计的数据 / nothing to audit: load an export first (zfaudit load)")


def _prepare(con: duckdb.DuckDBPyConnection, prof: Profile, per: Period, as_of: dt.datetime,
             media_store: str | Path | None, progress: bool | None) -> list | None:
    """Calendar, media store hashes and the `audit` parameter tables; returns the media rows
    (None without a media store)."""
    from .media_store import hash_store

    # Due dates of in-period events fall before period end + DEADLINE_REACH: that is the
    # calendar an audit needs (not as_of's year — a 2026Q3 audit run in 2027 needs no 2027).
    last = per.end + DEADLINE_REACH - dt.timedelta(microseconds=1)
    ensure_years(con, range(per.start.year, last.year + 1))  # CalendarError stops here
    media_files = None
    if media_store is not None:
        media_files = hash_store(con, media_store, progress, recorded_in=(per.start, per.end))
    install_params(con, prof, per.start, per.end, as_of, media_files)
    register.prepare(con, prof)
    return media_files


def evaluate(
    con: duckdb.DuckDBPyConnection,
    session: GxSession,
    rules: list[Rule],
    media_store_checked: bool,
    run_name: str | None = None,
    progress: bool | None = None,
    profile: Profile | None = None,
) -> list[RuleVerdict]:
    """Materialise and validate each rule, in order, with a progress bar per rule. With the
    run's `profile`, the exceptions register is applied to each rule's items before GX judges
    them (engine/register.py; register.prepare must have run)."""
    out = []
    bar = tqdm(rules, desc="审计 / audit", unit="rule", disable=None if progress is None else not progress)
    for rule in bar:
        bar.set_postfix_str(rule.rule_id)
        materialise(con, rule)
        excusable = False
        if profile is not None:
            register.check_and_apply(con, rule)
            excusable = register.excusable(profile, rule)
        params = run_parameters(rule, media_store_checked, excusable)
        out.append(verdict_from(rule, session.validate(rule, params, run_name)))
    if profile is not None:
        register.finish(con, rules)
    return out


def _record(con: duckdb.DuckDBPyConnection, run_id: str, verdicts: list[RuleVerdict],
            prof: Profile, per: Period, as_of: dt.datetime, started: dt.datetime,
            media_store: str | Path | None) -> None:
    """findings, rule_results and the audit_runs row, in one transaction."""
    load_ids = [r[0] for r in con.execute(
        "SELECT DISTINCT load_id FROM loads WHERE load_id IS NOT NULL ORDER BY 1"
    ).fetchall()]
    zf_version, gx_version = _versions()
    con.execute("BEGIN TRANSACTION")
    try:
        write_results(con, run_id, verdicts, prof.clauses)
        fill_finding_keys(con)
        previous = _previous_in_sequence(con, prof.name, per, as_of, started)
        record_rechecks(con, run_id, previous, [v.rule for v in verdicts])
        register.record(con, run_id)
        con.execute(
            "INSERT INTO audit_runs (run_id, profile, period_start, period_end, as_of, "
            "started_at, finished_at, zfaudit_version, gx_version, load_ids, profile_json, "
            "media_store, previous_run_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                run_id, prof.name, per.start, per.end, as_of, started,
                dt.datetime.now().replace(microsecond=0), zf_version, gx_version,
                load_ids, json.dumps(prof.to_dict(), ensure_ascii=False, sort_keys=True),
                str(Path(media_store).resolve()) if media_store is not None else None,
                previous,
            ],
        )
        create_score_views(con)  # the `scores` views SQL users query (docs/schema.md)
        create_cycle_views(con)  # finding_status, exception_status
        con.execute("UPDATE audit_runs SET warnings = ? WHERE run_id = ?",
                    [run_warnings(con, run_id, prof, media_store is not None), run_id])
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise


def _previous_in_sequence(con: duckdb.DuckDBPyConnection, profile: str, per: Period,
                          as_of: dt.datetime, started: dt.datetime) -> str | None:
    """RULES.md "Lifecycle": runs of the same profile and period ordered by as_of, then start
    time; the run recorded now follows every recorded run with the same (as_of, start)."""
    row = con.execute(
        "SELECT run_id FROM audit_runs WHERE profile = ? AND period_start = ? AND period_end = ? "
        "AND (as_of < ? OR (as_of = ? AND started_at <= ?)) "
        "ORDER BY as_of DESC, started_at DESC, run_id DESC LIMIT 1",
        [profile, per.start, per.end, as_of, as_of, started]).fetchone()
    return row[0] if row else None


def run_warnings(con: duckdb.DuckDBPyConnection, run_id: str, prof: Profile,
                 media_store_checked: bool) -> list[str]:
    """What the run could not check, in words a leader reads (recorded in audit_runs.warnings,
    printed by `zfaudit audit`, shown by the report and the score sheet)."""
    out = []
    if "ZF13" in prof.rules and not media_store_checked:
        out.append("未提供 --media-store：ZF13 原始记录完整性无法核验，其检查项为未检查（仅缺失哈希的"
                   "项目记为违规），未检查项过半的单位该规则不计分 / no --media-store: ZF13 "
                   "(originals intact) could not be verified; its items are not_checked (a missing "
                   "hash is still a violation) and it is not scored where they are the majority; "
                   "audit again with --media-store DIR")
    rows = con.execute(
        """SELECT rule_id, count(*) AS n, string_agg(unit_id, ', ' ORDER BY unit_id) AS units
           FROM score_items WHERE run_id = ? AND not_scored_reason = 'mostly_not_checked'
             AND unit_id IS NOT NULL
           GROUP BY rule_id ORDER BY rule_id""", [run_id]).fetchall()
    for rule, n, units in rows:
        out.append(f"{rule} 在 {n} 个单位的未检查项过半（{units}），对这些单位不计分 / {rule} is "
                   f"mostly not_checked for {n} unit(s) ({units}): not scored for them")
    return out


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
