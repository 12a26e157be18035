"""The `zfaudit` command: a thin layer over the Python API (zfaudit.api, and nothing else).

Each command calls one API function, prints its answer and turns a ZfauditError into a
click.ClickException. Every command's help ends with an `Example:` (tests/test_cli_help.py).
The API is imported inside each command so `zfaudit --help` stays fast.
"""

from __future__ import annotations

import contextlib
import functools
import os
import signal
from pathlib import Path
from typing import TYPE_CHECKING

import click

from .errors import ZfauditError, cli_text, first_line

if TYPE_CHECKING:
    from .api import Run


def domain_errors(fn):
    """Report a ZfauditError — and an operating-system or DuckDB failure, which a user meets
    as a full disk or a file they may not read — as a one-line message with exit code 1."""

    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        try:
            return fn(*args, **kwargs)
        except ZfauditError as e:
            raise click.ClickException(cli_text(e)) from e  # --overwrite, not overwrite=True
        except Exception as e:
            text = system_error_text(e)
            if text is None:
                raise
            raise click.ClickException(text) from e

    return wrapper


def system_error_text(e: Exception) -> str | None:
    """One line, Chinese and English, for an OS or DuckDB error; None for anything else (a
    bug: its traceback is what a maintainer needs)."""
    first = first_line(e)
    if "no space left" in str(e).lower() or getattr(e, "errno", None) == 28:
        return ("磁盘空间不足，操作未完成，数据库保持原样；请释放空间后重试 / no space left on "
                f"device: nothing was changed (one transaction); free space and retry ({first})")
    if isinstance(e, PermissionError):
        return f"没有权限读写文件 / permission denied: {e.filename or first}"
    if isinstance(e, OSError):
        return f"文件操作失败 / file error: {e.filename or ''} {e.strerror or first}".strip()
    if type(e).__module__.split(".")[0] in ("duckdb", "_duckdb"):
        return f"数据库操作失败 / database error: {first}"
    return None


SHOW_ROWS = 50  # a terminal shows this many rows of a long list; --out writes them all


def db_option(fn):
    return click.option(
        "--db",
        required=True,
        type=click.Path(dir_okay=False, path_type=Path),
        help="DuckDB database file.",
    )(fn)


def overwrite_option(fn):
    return click.option(
        "--overwrite", is_flag=True,
        help="Replace an existing output file (never a database).",
    )(fn)


def record_file_options(fn):
    """FILE, --db, --encoding, --force: what every import of an office record takes."""
    fn = click.option("--force", is_flag=True,
                      help="Load the file even when a later load superseded it.")(fn)
    fn = click.option("--encoding", help="Force the CSV encoding (default: detected).")(fn)
    fn = db_option(fn)
    return click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))(fn)


def run_option(fn):
    return click.option(
        "--run", "run", default="latest", show_default=True, help="Audit run id, or 'latest'."
    )(fn)


@click.group()
@click.version_option(package_name="zfaudit")
def cli():
    """zfaudit — 行政执法全过程记录审计 / audit whole-process enforcement records.

    Example:

        zfaudit load data_samples/bureau --db bureau.duckdb
    """


def _terminated(signum, frame):
    """SIGTERM (cron's `timeout`, systemd's stop): remove what a report in progress left outside
    its files — the browser, which runs in a session of its own, and the scratch folder that
    may hold an unmasked report — then die of the signal at once, as without a handler (a
    long DuckDB query would not notice a Python exception; a load's transaction is atomic)."""
    with contextlib.suppress(Exception):
        from .api import abandon_reports

        abandon_reports()
    signal.signal(signum, signal.SIG_DFL)
    os.kill(os.getpid(), signum)


def main() -> None:
    """The console script: `cli`, with the SIGTERM handling above. Only here: a process that
    calls `cli` in-process (tests, a notebook) keeps its own signal handling."""
    with contextlib.suppress(ValueError):  # not the main thread: leave signals alone
        signal.signal(signal.SIGTERM, _terminated)
    cli(prog_name="zfaudit")


@cli.command()
@click.argument("export_dir", type=click.Path(exists=True, file_okay=False, path_type=Path))
@db_option
@click.option("--encoding", "encodings", multiple=True,
              help="Force a CSV encoding: CODEC for every CSV file, or FILE=CODEC for one "
              "(repeatable), e.g. 案件.csv=big5. Default: detected among UTF-8, UTF-16 with "
              "BOM and GB18030; anything else is refused.")
@click.option("--force", is_flag=True, help="Load a file even when a later load superseded its "
              "content (this rolls the table back to it).")
@click.option("--progress/--no-progress", default=None, help="Progress bar (default: on a terminal).")
@domain_errors
def load(export_dir, db, encodings, force, progress):
    """Load one export directory into the database (one transaction).

    Example:

        zfaudit load data_samples/bureau --db bureau.duckdb
    """
    from . import api

    click.echo(api.load(export_dir, db, progress=progress, encoding=parse_encodings(encodings),
                        force=force).summary_text())


# ---------------------------------------------------------------- profiles, calendar, sql


@cli.command("profiles")
@domain_errors
def profiles_cmd():
    """List the shipped agency profiles (name, title, seed regulation, rules run).

    Example:

        zfaudit profiles
    """
    from . import api

    click.echo(api.text_table(api.profiles()))


@cli.group("profile")
def profile_group():
    """Inspect one profile: a shipped name or a bureau's YAML file.

    Example:

        zfaudit profile show zhuzhou_cgzf
    """


@profile_group.command("show")
@click.argument("name_or_file")
@click.option("--format", "fmt", type=click.Choice(["yaml", "json"]), default="yaml", show_default=True)
@domain_errors
def profile_show(name_or_file, fmt):
    """Print the resolved profile (after `extends` and validation).

    Example:

        zfaudit profile show my_bureau.yaml --format json
    """
    from . import api

    click.echo(api.profile_text(name_or_file, fmt))


@cli.group("calendar")
def calendar_group():
    """The working-day calendar (official holidays and 调休 make-up days).

    Example:

        zfaudit calendar show --db bureau.duckdb --year 2026 --month 10
    """


@calendar_group.command("add")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@db_option
@domain_errors
def calendar_add(file, db):
    """Load a year's official schedule from a CSV file (docs/calendar.md); replaces that year.

    Example:

        zfaudit calendar add 2027.csv --db bureau.duckdb
    """
    from . import api

    year = api.calendar_add(db, file)
    click.echo(f"已载入 {year} 年工作日历 / loaded the {year} calendar from {file.name}")


@calendar_group.command("show")
@db_option
@click.option("--year", type=int, required=True, help="Year, e.g. 2026.")
@click.option("--month", type=click.IntRange(1, 12), help="Month 1–12: every day; without it, only holidays and make-up days.")
@domain_errors
def calendar_show(db, year, month):
    """Show the working-day calendar of a year (its exceptions) or of a month (every day).

    Example:

        zfaudit calendar show --db bureau.duckdb --year 2026 --month 10
    """
    from . import api

    click.echo(api.text_table(api.calendar(db, year, month)))


@cli.command("sql")
@click.argument("query")
@db_option
@click.option("--param", "params", multiple=True, help="Value for a ? placeholder, or name=value for $name (repeatable).")
@click.option("--format", "fmt", type=click.Choice(["table", "csv", "json", "xlsx"]), default=None, help="Output format (default: table, or from the --out suffix).")
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), help="Write to this file (personal data masked).")
@click.option("--unmasked", is_flag=True, help="Show and write personal data unmasked (internal use only).")
@overwrite_option
@domain_errors
def sql_cmd(query, db, params, fmt, out, unmasked, overwrite):
    """Run one read-only SELECT (tables: docs/schema.md); values go in as parameters.

    The query sees the database and nothing else (no files, extensions or settings);
    personal data is masked at the source unless --unmasked.

    Example:

        zfaudit sql --db bureau.duckdb "SELECT rule_id, count(*) FROM findings WHERE unit_id = ? GROUP BY 1" --param U01
    """
    from . import api

    values = parse_params(params, query)
    if out:
        file_fmt = None if fmt in (None, "table") else fmt
        path, n, masked = api.sql_export(db, query, out, values, file_fmt, unmasked, overwrite)
        note = f"（已脱敏：{', '.join(masked)}）" if masked else ""
        click.echo(f"已写出 {n} 行到 {path}{note} / wrote {n} rows to {path}")
    else:
        click.echo(api.sql_text(db, query, values, fmt or "table", unmasked))


@cli.command("report")
@click.argument("kind", type=click.Choice(["quarterly", "case", "spot-check"]))
@db_option
@run_option
@click.option("--period", help="Period to report, e.g. 2026Q3 or last-quarter: its latest run.")
@click.option("--profile", help="Profile name or file: the latest run audited with it.")
@click.option("--audit", "audit_first", is_flag=True,
              help="With --period and --profile: audit the period first if no run is recorded "
              "for it, with exactly --profile, --as-of and --media-store.")
@click.option("--as-of", "as_of", help="With --audit: judge deadlines as of this time.")
@click.option("--media-store", type=click.Path(exists=True, file_okay=False, path_type=Path),
              help="With --audit: the mounted media store (ZF13).")
@click.option("--unit", help="Only this unit (quarterly, spot-check).")
@click.option("--case", "case_id", help="Case id (case report).")
@click.option("--seed", type=int, help="Random seed of the spot check (recorded in the report).")
@click.option("--unmasked", is_flag=True, help="Show personal data unmasked (internal use only).")
@overwrite_option
@click.option("--out", required=True, type=click.Path(path_type=Path),
              help="FILE.html, or a directory for dated outputs (DIR/<period>/<kind>-<period>-<time>.html).")
@click.option("--format", "formats", multiple=True, default=("html",), show_default=True,
              help="html, pdf, docx (quarterly only); repeat or comma-separate: --format html,pdf,docx. "
                   "PDF and Word need headless Chromium.")
@domain_errors
def report_cmd(kind, db, run, period, profile, audit_first, as_of, media_store, unit, case_id,
               seed, unmasked, overwrite, out, formats):
    """Render a report notebook to offline HTML, and to PDF or Word (the executed .ipynb is
    kept beside it).

    The report is of a recorded run; nothing is audited unless --audit is given, and then
    with exactly the options given. The PDF is A4 with a running header and page numbers; the
    Word file (quarterly) is for editing.

    Example:

        zfaudit report quarterly --db bureau.duckdb --period last-quarter --profile zhuzhou_cgzf --out reports/ --format html,pdf,docx
    """
    from . import api

    api.check_report(kind, db, case_id, unit, formats, out)  # before anything is audited
    if (as_of or media_store) and not audit_first:
        click.echo("注意 / warning: --as-of、--media-store 只在 --audit 审计时使用，本次未使用 / "
                   "--as-of and --media-store are only used by --audit; ignored")
    run_id, audited = api.report_run(db, run=run, profile=profile, period=period,
                                     audit=audit_first, as_of=as_of, media_store=media_store)
    if audit_first and not audited:
        click.echo(f"已有 {period or ''} 的审计批次 {run_id}，未重新审计（--as-of、--media-store 未使用）/ "
                   f"a run is recorded already ({run_id}): not audited again, --as-of and "
                   "--media-store unused")
    if audited:
        click.echo(f"已按给定选项审计 {period}（配置 {profile}，"
                   f"{'音像存储 ' + str(media_store) if media_store else '未挂载音像存储'}），审计批次 "
                   f"{run_id} / audited {period} first with exactly the options given: run {run_id}")
    path = api.report(kind, db, out, run=run_id, unit=unit, case_id=case_id, seed=seed,
                      mask_pii=not unmasked, overwrite=overwrite, formats=formats)
    for written in api.report_files(path, formats, kind):
        click.echo(str(written))


@cli.command("audit")
@db_option
@click.option("--profile", required=True, help="Profile name (zfaudit profiles) or a profile YAML file.")
@click.option("--period", required=True, help="2026Q3, 2026-07, 2026, 2026-07-01..2026-09-30 or last-quarter.")
@click.option("--as-of", "as_of", help="Judge deadlines as of this time (default: now), e.g. '2026-11-25 10:00'.")
@click.option("--media-store", type=click.Path(exists=True, file_okay=False, path_type=Path),
              help="Mounted media store: verify originals (ZF13); without it ZF13 is not checked.")
@click.option("--docs", type=click.Path(file_okay=False, path_type=Path),
              help="Also write offline GX Data Docs for the run into this directory.")
@click.option("--fail-on", type=click.Choice(["violation"]), help="Exit 1 if the run has any (ZF) violation.")
@click.option("--progress/--no-progress", default=None, help="Progress bar (default: on a terminal).")
@overwrite_option
@domain_errors
def audit_cmd(db, profile, period, as_of, media_store, docs, fail_on, progress, overwrite):
    """Audit one period under a profile; record findings and print a per-rule summary.

    Example:

        zfaudit audit --db bureau.duckdb --profile zhuzhou_cgzf --period 2026Q3 --fail-on violation
    """
    from . import api

    run = api.audit(db, profile, period, as_of=as_of, media_store=media_store, docs=docs,
                    progress=progress, overwrite=overwrite)
    click.echo(summary_text(run))
    lifecycle = run.lifecycle_summary()
    if lifecycle:
        click.echo(lifecycle)
    for w in run.warnings:
        click.echo(f"注意 / warning: {w}")
    if fail_on == "violation" and run.violation_count():
        raise click.exceptions.Exit(1)


@cli.command("scores")
@db_option
@run_option
@click.option("--out", required=True, type=click.Path(dir_okay=False, path_type=Path),
              help="The score sheet to write (.xlsx): 单位得分, 人员, 规则, 说明.")
@click.option("--period", help="The latest run of this period, e.g. 2026Q3.")
@click.option("--profile", help="The latest run of this profile (a name or a profile file).")
@click.option("--unmasked", is_flag=True, help="Officer names unmasked (internal use only).")
@overwrite_option
@domain_errors
def scores_cmd(db, run, period, profile, out, unmasked, overwrite):
    """Write the 评议考核 score sheet of a run: unit scores and ranks, officer counts, rules.

    Example:

        zfaudit scores --db bureau.duckdb --period 2026Q3 --profile zhuzhou_cgzf --out 2026Q3-scores.xlsx
    """
    from . import api

    sheet = api.run(db, run, profile=profile, period=period).score_sheet(
        out, unmasked=unmasked, overwrite=overwrite)
    click.echo(f"已写出评议考核表 {sheet.path}（审计批次 {sheet.run_id}，{sheet.units} 个单位，"
               f"{sheet.officers} 名人员） / wrote the score sheet of run {sheet.run_id} to {sheet.path}")


@cli.command("compare")
@click.argument("run_a")
@click.argument("run_b")
@db_option
@domain_errors
def compare_cmd(run_a, run_b, db):
    """Compare two runs: per unit and rule the change in items, violations, rate and points;
    a warning for each setting that differs (profile, media store, as_of, loads).

    Example:

        zfaudit compare 20261001T090000-zhuzhou_cgzf-2026Q2 latest --db bureau.duckdb
    """
    from . import api

    table, warnings = api.run(db, run_b).compare(api.run(db, run_a))
    for w in warnings:
        click.echo(f"注意 / warning: {w}")
    shown = table[(table.violations_change.fillna(1) != 0) | (table.points_change.fillna(1).abs() > 1e-9)]
    click.echo(api.text_table(shown.round(4)))


@cli.command("warn")
@db_option
@click.option("--profile", required=True, help="Profile name or file: its deadline rules (ZF04, ZF05, ZF14).")
@click.option("--as-of", "as_of", help="The instant to look from (default: now), e.g. '2026-10-09 08:00'.")
@click.option("--within", default="2d", show_default=True, help="Yellow: due within this time (2d, 48h).")
@click.option("--lookback", default="90d", show_default=True, help="Events of this long before --as-of.")
@click.option("--unit", help="Only this unit.")
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path),
              help="Write the list to .xlsx, .csv or .html (names masked).")
@click.option("--fail-on", type=click.Choice(["red", "yellow"]),
              help="Exit 1 if any red (or any red or yellow) item is listed.")
@click.option("--unmasked", is_flag=True, help="Officer names unmasked (internal use only).")
@overwrite_option
@domain_errors
def warn_cmd(db, profile, as_of, within, lookback, unit, out, fail_on, unmasked, overwrite):
    """超期预警: red (late, still to do) and yellow (due soon) items of the deadline rules.
    Records nothing and opens the database read-only, so it can run from cron beside loads.

    Example:

        zfaudit warn --db bureau.duckdb --profile zhuzhou_cgzf --within 2d --out 预警.xlsx
    """
    from . import api

    df = api.warnings(db, profile, as_of=as_of, within=within, lookback=lookback, unit=unit,
                      unmasked=unmasked)
    red, yellow = int((df.level == "red").sum()), int((df.level == "yellow").sum())
    click.echo(f"红牌（已超期未办）{red} 项，黄牌（{api.duration_zh(within)}内到期）{yellow} 项 / red {red}, "
               f"yellow {yellow}")
    if out is not None:
        click.echo(f"已写出 / wrote {api.warnings_write(df, out, overwrite)}")
    elif len(df):
        shown = df.head(SHOW_ROWS)[["level_zh", "unit_id", "rule_id", "finding_key",
                                    "officer_name", "due_at", "time_text", "action_zh"]]
        click.echo(api.text_table(shown, footer=False))
        if len(df) > SHOW_ROWS:
            click.echo(f"……仅显示前 {SHOW_ROWS} 项，共 {len(df)} 项；全部请用 --out 预警.xlsx / first "
                       f"{SHOW_ROWS} of {len(df)} shown: use --out for all")
    if (fail_on == "red" and red) or (fail_on == "yellow" and red + yellow):
        raise click.exceptions.Exit(1)


@cli.command("notice")
@db_option
@run_option
@click.option("--out", required=True, type=click.Path(file_okay=False, path_type=Path),
              help="Directory for the notices (.docx) and their attachments (.xlsx).")
@click.option("--unit", help="Only this unit (default: every unit with violations).")
@click.option("--rectification-days", type=int, help="Days to rectify (default: the profile's, else 15).")
@click.option("--date", "issued_on", help="Date of issue (default: today), e.g. 2026-12-01.")
@click.option("--unmasked", is_flag=True, help="Names unmasked (internal use only).")
@overwrite_option
@domain_errors
def notice_cmd(db, run, out, unit, rectification_days, issued_on, unmasked, overwrite):
    """通报: per unit, a Word notice of the run's violations and an xlsx to fill in (整改反馈表);
    each notice is recorded with its number and due date.

    Example:

        zfaudit notice --db bureau.duckdb --run latest --out notices/ --rectification-days 15
    """
    from . import api

    notices = api.notice(db, out, run, unit=unit, rectification_days=rectification_days,
                         issued_on=issued_on, unmasked=unmasked, overwrite=overwrite)
    for n in notices:
        click.echo(f"{n.notice_no}  {n.unit_name}  违规 {n.violations} 项  整改期限 {n.due_on}  {n.docx}")
    click.echo(f"共 {len(notices)} 份通报 / {len(notices)} notice(s) written and recorded")


@cli.group("responses")
def responses_group():
    """Units' responses to notices (整改反馈): import the filled sheets, see their status.

    Example:

        zfaudit responses import TB2026-001-一中队-整改反馈表.xlsx --db bureau.duckdb
    """


@responses_group.command("import")
@record_file_options
@domain_errors
def responses_import(file, db, encoding, force):
    """Load a filled 整改反馈表; 申请例外 rows go to the exceptions register unapproved.

    Example:

        zfaudit responses import TB2026-001-一中队-整改反馈表.xlsx --db bureau.duckdb
    """
    from . import api

    report, n = api.responses_import(file, db, encoding=encoding, force=force)
    click.echo(report.summary_text())
    click.echo(f"登记例外申请 {n} 条（待审批）/ {n} explanation(s) added to the exceptions register, unapproved")


@responses_group.command("status")
@db_option
@click.option("--run", "run", default=None, help="Judge against the runs up to this one (default: all).")
@click.option("--unmasked", is_flag=True, help="Names unmasked (internal use only).")
@domain_errors
def responses_status(db, run, unmasked):
    """Each response's status: rectified confirmed / not confirmed / open, explanations, disputes.

    Example:

        zfaudit responses status --db bureau.duckdb
    """
    from . import api

    df = api.responses_status(db, run, unmasked=unmasked)
    click.echo(api.text_table(df[["finding_key", "unit_id", "response_zh", "notice_no",
                                  "checked_run_id", "status", "status_zh"]]))


@cli.group("reviews")
def reviews_group():
    """Playback spot-check results (回放抽检) and the ledger (抽检台帐, 001 §53).

    Example:

        zfaudit reviews import 回放检查台帐.xlsx --db bureau.duckdb
    """


@reviews_group.command("import")
@record_file_options
@domain_errors
def reviews_import(file, db, encoding, force):
    """Load a filled spot-check sheet (抽检编号, 检查人, 检查时间, 检查结论, 问题类型).

    Example:

        zfaudit reviews import 回放检查台帐.xlsx --db bureau.duckdb
    """
    from . import api

    click.echo(api.reviews_import(file, db, encoding=encoding, force=force).summary_text())


@reviews_group.command("ledger")
@db_option
@click.option("--period", required=True, help="The media recorded in this period, e.g. 2026Q3.")
@click.option("--out", required=True, type=click.Path(dir_okay=False, path_type=Path),
              help="The ledger to write (.xlsx).")
@click.option("--unmasked", is_flag=True, help="Names unmasked (internal use only).")
@overwrite_option
@domain_errors
def reviews_ledger(db, period, out, unmasked, overwrite):
    """抽检台帐: reviews and problems per unit and officer.

    Example:

        zfaudit reviews ledger --db bureau.duckdb --period 2026Q3 --out 抽检台帐.xlsx
    """
    from . import api

    click.echo(f"已写出抽检台帐 / wrote {api.review_ledger_write(db, period, out, unmasked, overwrite)}")


@cli.group("exceptions")
def exceptions_group():
    """The exceptions register (例外登记 / 情况说明): import it, list how a run judged it.

    Example:

        zfaudit exceptions import 例外登记.xlsx --db bureau.duckdb
    """


@exceptions_group.command("import")
@record_file_options
@domain_errors
def exceptions_import(file, db, encoding, force):
    """Load an exceptions register (csv, xlsx, json; Chinese headers and reason names); bad
    rows are quarantined, a newer version of a row replaces it. The next audit applies it.

    Example:

        zfaudit exceptions import 例外登记.xlsx --db bureau.duckdb
    """
    from . import api

    click.echo(api.exceptions_import(file, db, encoding=encoding, force=force).summary_text())


@exceptions_group.command("list")
@db_option
@run_option
@click.option("--unmasked", is_flag=True, help="Names unmasked (internal use only).")
@domain_errors
def exceptions_list(db, run, unmasked):
    """How a run judged each register row: applied (excused) or why not.

    Example:

        zfaudit exceptions list --db bureau.duckdb --run latest
    """
    from . import api

    df = api.exceptions_list(db, run, unmasked=unmasked)
    shown = df[["exception_id", "rule_id", "finding_key", "unit_id", "reason_zh", "status",
                "status_zh", "approved_by", "approved_at"]]
    click.echo(api.text_table(shown))


@cli.command("sample")
@click.option("--out", required=True, type=click.Path(file_okay=False, path_type=Path),
              help="Directory to write the export into (created if missing).")
@click.option("--cases", default=300, show_default=True, type=click.IntRange(min=1), help="Number of cases.")
@click.option("--seed", default=7, show_default=True, type=int, help="Random seed (same seed, same bytes).")
@click.option("--media-store", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Also write a tiny file per media item here (for the integrity check, ZF13).")
@click.option("--progress/--no-progress", default=None, help="Progress bar (default: on a terminal).")
@overwrite_option
@domain_errors
def sample_cmd(out, cases, seed, media_store, progress, overwrite):
    """Write a synthetic bureau export (with known, listed defects) for demos and tests.

    The defects injected are listed in OUT/_injected.csv (rule, item, scope time).

    Example:

        zfaudit sample --out data_samples/bureau --cases 300 --seed 7 --media-store data_samples/bureau_media
    """
    from . import api

    counts = api.sample(out, cases=cases, seed=seed, media_store=media_store, progress=progress,
                        overwrite=overwrite)
    rows = "，".join(f"{t} {n}" for t, n in counts.items() if not t.startswith("_"))
    click.echo(f"已生成样例数据 {out}：{rows}；注入缺陷 {counts['_injected']} 项 / wrote sample export to {out}")


# ---------------------------------------------------------------- terminal text


def parse_encodings(values: tuple[str, ...]) -> str | dict[str, str] | None:
    """`--encoding` values: one bare CODEC for every CSV, or FILE=CODEC pairs."""
    if not values:
        return None
    if len(values) == 1 and "=" not in values[0]:
        return values[0]
    pairs = [v.partition("=") for v in values]
    if any(not sep or not name or not codec for name, sep, codec in pairs):
        raise click.BadParameter("use CODEC, or FILE=CODEC for each file", param_hint="--encoding")
    return {name: codec for name, _, codec in pairs}


def parse_params(values: tuple[str, ...] | list[str], query: str | None = None
                 ) -> list | dict | None:
    """`--param` values: `name=value` pairs for a query with `$name` placeholders, else a list
    for `?` — so a positional value may contain `=` (`--param a=b` for `WHERE x = ?`)."""
    if not values:
        return None
    named = [v.partition("=") for v in values]
    all_named = all(sep and name.isidentifier() for name, sep, _ in named)
    if all_named and (query is None or ("$" in query and "?" not in query)):
        return {name: value for name, _, value in named}
    return list(values)


def summary_text(run: Run) -> str:
    """The per-rule table `zfaudit audit` prints (DQ first, then the profile's rules)."""
    from . import api

    df = run.summary(labels="zh").drop(columns=["权重"])
    df["合规率"] = ["—" if r is None or r != r else f"{r:.1%}" for r in df["合规率"]]
    table = api.text_table(df.astype(str), right=tuple(df.columns[2:]), footer=False)
    return f"审计完成 / audit run {run.run_id}\n{table}"
