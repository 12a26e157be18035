"""The analyst's Python API (docs/api.md): load, audit, look at a run, ad-hoc SQL.

    import zfaudit
    zfaudit.load("data_samples/bureau", "bureau.duckdb")
    run = zfaudit.audit("bureau.duckdb", "zhuzhou_cgzf", "2026Q3")
    run.summary(labels="zh"); run.findings(rule="ZF04"); run.scores(); run.case("...")

Every query opens the database read-only and briefly (DuckDB lets one process write a file),
so a notebook holding a `Run` never blocks `zfaudit load` or `zfaudit audit`. User values
(rule, unit, case id, outcome) always go in as SQL parameters. Personal data is masked unless
`unmasked=True`.
"""

from __future__ import annotations

import datetime as dt
import html
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import duckdb
import pandas as pd

from .db import connect
from .errors import DatabaseLockedError, ReportError, ZfauditError, option

if TYPE_CHECKING:
    import plotly.graph_objects as go

    from .ingest.loader import LoadReport
    from .profiles import Profile
    from .scores import ScoreSheet

# Chinese display labels of the API's columns (labels="zh").
LABELS_ZH = {
    "rule_id": "规则", "title_zh": "名称", "title": "名称", "opportunities": "检查项",
    "passed": "合规", "violations": "违规", "advisories": "提示", "pending": "待到期",
    "not_checked": "未检查", "rate": "合规率", "weight": "权重", "outcome": "结果",
    "case_id": "案件编号", "step_id": "环节编号", "media_id": "文件编号", "access_id": "登记编号",
    "officer_id": "人员编号", "officer_name": "执法人员姓名", "unit_id": "单位编码",
    "unit_name": "单位名称", "due_at": "期限", "observed_at": "实际时间", "detail": "问题描述",
    "clauses": "依据条款", "score": "得分", "rank": "名次", "rules_scored": "计分规则数",
    "run_id": "审计批次", "effective_weight": "有效权重", "points": "得分项", "scorable": "可计分",
    "name": "姓名", "findings": "发现数", "items": "检查项", "excused": "例外",
    "finding_key": "问题编号", "rule_title": "规则名称", "status": "状态代码", "status_zh": "状态",
    "previous_run_id": "上一批次", "exception_id": "例外登记编号", "reason": "理由代码",
    "reason_zh": "例外理由", "note": "情况说明", "document_no": "依据文号",
    "requested_by": "申请人", "requested_at": "申请时间", "approved_by": "审批人",
    "approved_at": "审批时间", "level": "预警等级代码", "level_zh": "预警等级",
    "event_zh": "起算事项", "event_at": "起算时间", "hours_left": "剩余小时", "time_text": "剩余/超期",
    "action_zh": "待办事项",
}


def _relabel(df: pd.DataFrame, labels: str | None) -> pd.DataFrame:
    """English column names (default) or Chinese display labels."""
    if labels in (None, "en"):
        return df
    if labels != "zh":
        raise ZfauditError(f"labels 只能是 'en' 或 'zh' / labels must be 'en' or 'zh', not {labels!r}")
    from .rules.catalogue import outcome_zh, rule_text

    out = df.copy()
    if "outcome" in out.columns:
        out["outcome"] = out["outcome"].map(outcome_zh)
    if "rule_id" not in out.columns:  # rate_zf01 → ZF01 双人执法率
        out = out.rename(columns={c: f"{c[5:].upper()} {rule_text(c[5:].upper())[1]}"
                                  for c in out.columns if c.startswith("rate_")})
    return out.rename(columns=LABELS_ZH)


def _case_cell(column: str, value: Any) -> str:
    """A case field as a reader sees it: codes by their Chinese label (penalty → 行政处罚),
    empty for no value (never "None")."""
    from .contract import contract

    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return ""
    cases = contract().tables["cases"]
    codeset = cases.column(column).codeset if column in cases.column_names else None
    if codeset:
        return str(contract().codesets[codeset].get(value, value))
    return str(value)


def _pct(v: Any) -> str:
    return "—" if v is None or pd.isna(v) else f"{float(v) * 100:.1f}%"


def _html_table(df: pd.DataFrame) -> str:
    # escape=True: a party or unit name like <script> or =HYPERLINK() is shown, never run
    return df.to_html(index=False, escape=True, na_rep="", classes="zf-table")


def _mask_findings(con: duckdb.DuckDBPyConnection, df: pd.DataFrame) -> pd.DataFrame:
    """Mask officer names, and any personal value of the findings' own records inside `detail`
    (zfaudit.pii: what the shown rows could quote, not the whole database)."""
    from .masking import mask_name
    from .pii import frame_scrubber

    scrub = frame_scrubber(con, df)
    out = df.copy()
    out["officer_name"] = pd.Series([mask_name(v) for v in out.officer_name], index=out.index,
                                    dtype=object)
    out["detail"] = pd.Series([scrub(v) for v in out.detail], index=out.index, dtype=object)
    return out


# ---------------------------------------------------------------- module-level functions


def load(export_dir: str | Path, db: str | Path, progress: bool | None = None,
         encoding: str | dict[str, str] | None = None, force: bool = False) -> LoadReport:
    """Load one export directory into `db` (one transaction); see `zfaudit load`. A file whose
    content a later load superseded is refused unless `force` (it would roll data back).
    `encoding` forces a CSV codec: a name for every CSV, or {file name: codec} for some
    (default: detected among UTF-8, UTF-16 with BOM and GB18030)."""
    from .ingest.loader import load as _load

    return _load(export_dir, db, progress=progress, encoding=encoding, force=force)


def audit(
    db: str | Path,
    profile: str | Path | Profile,
    period: str,
    as_of: str | dt.datetime | None = None,
    media_store: str | Path | None = None,
    docs: str | Path | None = None,
    progress: bool | None = False,
    overwrite: bool = False,
) -> Run:
    """Audit `period` under `profile` and return the recorded run. `docs`: a folder for GX Data
    Docs, new or empty unless `overwrite`."""
    from .engine.run import run_audit
    from .export import writable_dir

    if docs is not None:
        writable_dir(docs, overwrite)  # before the audit: a refused folder costs nothing
    run_id = run_audit(db, profile, period, as_of=as_of, media_store=media_store, docs=docs,
                       progress=progress)
    return Run(db, run_id)


def exceptions_import(file: str | Path, db: str | Path, progress: bool | None = None,
                      encoding: str | None = None, force: bool = False) -> LoadReport:
    """Load an exceptions register file (例外登记: csv, xlsx, json; Chinese headers and reason
    names) into `db` with every guarantee of `load`. Audits apply it from their next run."""
    from .ingest.loader import import_records

    return import_records(file, db, "exceptions", progress=progress, encoding=encoding, force=force)


def exceptions_list(db: str | Path, run_id: str = "latest", unmasked: bool = False
                    ) -> pd.DataFrame:
    """The register as run `run_id` judged it (`Run.exceptions`)."""
    return Run(db, run_id).exceptions(unmasked=unmasked)


def warnings(db: str | Path, profile: str | Path | Profile, as_of: str | dt.datetime | None = None,
             within: str = "2d", lookback: str = "90d", unit: str | None = None,
             unmasked: bool = False) -> pd.DataFrame:
    """超期预警: the deadline rules' (ZF04, ZF05, ZF14) items not done as of `as_of` (default
    now) — red: already late; yellow: due within `within` — for events in the last `lookback`.
    Records nothing; opens the database read-only (a snapshot when another process writes)."""
    from .engine.lookahead import warnings as _warnings
    from .masking import mask_name

    df = _warnings(db, profile, as_of=as_of, within=within, lookback=lookback, unit=unit)
    if not unmasked:
        df["officer_name"] = pd.Series([mask_name(v) for v in df.officer_name], index=df.index,
                                       dtype=object)
    return df


def duration_zh(text: str) -> str:
    """'2d' → '2天' (the CLI's message)."""
    from .engine.lookahead import duration_zh as _zh

    return _zh(text)


def warnings_write(df: pd.DataFrame, out: str | Path, overwrite: bool = False) -> Path:
    """Write `warnings()` to .xlsx / .csv (the columns as named, for scripts and filters:
    finding_key, level red / yellow, due_at …, with the Chinese ones beside) or .html (a page
    to read: Chinese headers)."""
    from .export import format_for, write_frame

    about = dict(df.attrs)
    if format_for(out) == "html":
        df = _relabel(df.drop(columns=["level"]), "zh")
    at = about.get("as_of")
    title = (f"{about.get('bureau') or ''}超期预警" + (f"（截至 {at:%Y-%m-%d %H:%M}）" if at else "")
             + "（红牌：已超期未办；黄牌：即将到期）")
    return write_frame(df, out, sheet_name="超期预警", overwrite=overwrite, title=title)


def notice(db: str | Path, out: str | Path, run_id: str = "latest", unit: str | None = None,
           rectification_days: int | None = None, issued_on: str | dt.date | None = None,
           unmasked: bool = False, overwrite: bool = False) -> list:
    """通报: per unit with violations in the run, a Word notice and its xlsx attachment (整改反馈表)
    in `out`; recorded in `notices` / `notice_items`. The due date is `issued_on` (default
    today) + `rectification_days` (default: the run's profile, else 15). Names masked."""
    from .runs import find_run
    from .supervision.notices import issue

    day = _day(issued_on)
    if rectification_days is not None and not 1 <= rectification_days <= 3660:
        raise ZfauditError(f"{option('rectification_days')} 应为 1 到 3660 之间的整数 / rectification "
                           "days must be an integer from 1 to 3660")
    if not dt.date(2000, 1, 1) <= day <= dt.date(2199, 1, 1):
        raise ZfauditError(f"通报日期 {day} 不合理 / notice date {day} is out of range")
    r = find_run(db, run_id)
    with connect(db, must_exist=True) as con:
        return issue(con, r, Path(out), unit, rectification_days, day, unmasked, overwrite)


def _day(value: str | dt.date | None) -> dt.date:
    if value is None:
        return dt.date.today()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value).strip())
    except ValueError as e:
        raise ZfauditError(f"无法识别的日期 {value!r}，请写作 2026-12-01 / cannot read date "
                           f"{value!r}: use 2026-12-01") from e


def responses_import(file: str | Path, db: str | Path, encoding: str | None = None,
                     force: bool = False) -> tuple[LoadReport, int]:
    """Load a filled 整改反馈表 (responses: csv, xlsx, json; Chinese headers and codes); its
    `explain` rows become unapproved rows of the exceptions register. Returns the load report
    and the number of register rows written."""
    from .ingest.loader import import_records
    from .supervision.responses import register_explanations

    # one transaction: the responses and the register rows they make commit together
    report = import_records(file, db, "responses", encoding=encoding, force=force,
                            after=register_explanations)
    return report, int(report.derived or 0)


def responses_status(db: str | Path, run_id: str | None = None, unmasked: bool = False
                     ) -> pd.DataFrame:
    """Each response with its status (RULES.md): a rectified claim confirmed / not confirmed /
    open against the runs after its notice's run (up to `run_id` when given); an explanation
    by the register's status; a dispute awaiting review."""
    from .supervision.responses import response_status

    with connect(db, read_only=True) as con:
        upto = None if run_id is None else _run_id(con, run_id)
        return response_status(con, upto, unmasked)


def _run_id(con: duckdb.DuckDBPyConnection, run_id: str) -> str:
    from .runs import find_run

    return str(find_run(con, run_id)["run_id"])


def reviews_import(file: str | Path, db: str | Path, encoding: str | None = None,
                   force: bool = False) -> LoadReport:
    """Load filled spot-check sheets (回放抽检结果: 抽检编号, 检查人, 检查时间, 检查结论, 问题类型 —
    problem codes in Chinese separated by 、 , ; or spaces)."""
    from .ingest.loader import import_records

    return import_records(file, db, "reviews", encoding=encoding, force=force)


def review_ledger(db: str | Path, period: str, unmasked: bool = False) -> dict[str, pd.DataFrame]:
    """抽检台帐 of the media recorded in `period`: by_unit, by_officer, detail, unmatched."""
    from .periods import parse_period
    from .supervision.reviews import ledger

    p = parse_period(period)
    with connect(db, read_only=True) as con:
        return ledger(con, p.start, p.end, unmasked)


def review_ledger_write(db: str | Path, period: str, out: str | Path, unmasked: bool = False,
                        overwrite: bool = False) -> Path:
    """The 抽检台帐 xlsx: 按单位, 按人员, 明细, 未能对应 (Chinese headers, masked)."""
    from .export import writable, write_sheets
    from .periods import parse_period
    from .supervision.reviews import ledger_sheets

    if Path(out).suffix.lower() != ".xlsx":
        raise ZfauditError(f"抽检台帐须为 .xlsx 文件 / the ledger is an .xlsx file, not {Path(out).name}")
    writable(out, overwrite)
    p = parse_period(period)
    with connect(db, read_only=True) as con:
        sheets = ledger_sheets(con, p, unmasked)
    from .periods import label_zh

    return write_sheets(sheets, out, overwrite, title=f"{label_zh(p.start, p.end)}回放抽检台帐")


def run(db: str | Path, run_id: str = "latest", profile: str | Path | None = None,
        period: str | None = None) -> Run:
    """An audit run already recorded in `db`: `run_id`, or the newest run ('latest') of
    `profile` (a name or a profile file) and `period` ('2026Q3') when given."""
    return Run(db, run_id, profile=profile, period=period)


def sql(db: str | Path, query: str, params: list | dict | None = None,
        unmasked: bool = False) -> pd.DataFrame:
    """One read-only SELECT; values as parameters (`?` with a list, `$name` with a dict).
    It sees the database and nothing else; personal data is masked at the source unless
    `unmasked` (zfaudit.sandbox)."""
    from .adhoc import run_sql

    return run_sql(db, query, params, unmasked=unmasked)


def report(
    kind: str,
    db: str | Path,
    out: str | Path,
    *,
    run: str = "latest",
    profile: str | Path | None = None,
    period: str | None = None,
    audit: bool = False,
    as_of: str | dt.datetime | None = None,
    media_store: str | Path | None = None,
    lock_wait: float = 60,
    **params: Any,
) -> Path:
    """Render a report ('quarterly', 'case', 'spot-check') of a recorded run to HTML: `run`, or
    the latest run of `profile` (a name or a profile file) and `period`. Nothing is audited
    unless `audit` (see `report_run`). Other parameters: zfaudit.report.render.render_report."""
    from .report.render import render_report

    unit = check_report(kind, db, params.get("case_id"), params.get("unit"),
                        params.get("formats", ("html",)), out)
    if unit is not None:
        params["unit"] = unit
    run_id, _ = report_run(db, run=run, profile=profile, period=period, audit=audit,
                           as_of=as_of, media_store=media_store, lock_wait=lock_wait)
    return render_report(kind, db, out, run=run_id, **params)


def abandon_reports() -> None:
    """End every report render of this process now: its browser, its scratch folder and the
    name it reserved (the console script's SIGTERM handler calls this before it dies)."""
    from .report.render import abandon

    abandon()


def report_files(html: str | Path, formats: tuple[str, ...] | str = ("html",),
                 kind: str = "quarterly") -> list[Path]:
    """The files a `kind` report rendered with `formats` consists of, the HTML first (the PDF,
    Word and ledger files sit beside it with the same name)."""
    from .report.render import written

    return written(Path(html), formats, kind)


def check_report(kind: str, db: str | Path, case_id: str | None = None, unit: str | None = None,
                 formats: tuple[str, ...] | str = ("html",), out: str | Path | None = None) -> str | None:
    """What a report request can be refused for, checked before anything is audited: the
    database, the kind, the case id and the unit (with near matches), the formats and the
    browser they need. Returns the unit id (a unit's name given for it is resolved)."""
    from .lookup import check_case, check_unit
    from .report.browser import chromium_path
    from .report.render import check_formats, notebook_path

    if not Path(db).is_file():
        raise ReportError(f"数据库不存在 / database not found: {db}")
    notebook_path(kind)
    if check_formats(kind, formats, out) != ("html",):
        chromium_path()
    if kind == "case" and not case_id:
        raise ReportError(f"案件复查需要案件编号 / the case report needs {option('case')}")
    with connect(db, read_only=True) as con:
        if kind == "case":
            check_case(con, str(case_id))
        return check_unit(con, unit)  # a unit matching nothing would give an empty report


def report_run(
    db: str | Path,
    *,
    run: str = "latest",
    profile: str | Path | None = None,
    period: str | None = None,
    audit: bool = False,
    as_of: str | dt.datetime | None = None,
    media_store: str | Path | None = None,
    lock_wait: float = 60,
) -> tuple[str, bool]:
    """(run id, audited now) of the run a report is about. A report never audits with settings
    the user did not give: with `audit` and no run recorded for `period`, the period is audited
    with exactly `profile` (required then), `as_of` and `media_store`; without `audit` a missing
    run is an error that says how to get one."""
    from .errors import AuditError
    from .periods import parse_period
    from .runs import find_run

    if period:
        parse_period(period)  # a bad period is a PeriodError, not "no run"
    try:
        return find_run(db, run, profile, period)["run_id"], False
    except AuditError:
        if not (audit and period and (not run or run == "latest")):
            raise
    if profile is None:
        raise ReportError(
            f"没有 {period} 的审计批次；要先审计，请同时给出 --profile（以及 --media-store、--as-of）/ "
            f"no audit run for {period}: to audit it first, give --profile (and --media-store, "
            "--as-of) — a report never audits with settings you did not give"
        )
    return _audit_missing_period(Path(db), profile, period, as_of, media_store, lock_wait), True


def _audit_missing_period(db: Path, profile: str | Path, period: str,
                          as_of: str | dt.datetime | None, media_store: str | Path | None,
                          lock_wait: float) -> str:
    """Scheduled use: nothing audited for the period yet, so audit it now. This is the one step
    that needs the write lock; DuckDB refuses it while another process holds the file open
    (even read-only), so wait a little for analysts' brief queries, then say what to do."""
    import time

    from .engine.run import run_audit

    deadline = time.monotonic() + lock_wait
    while True:
        try:
            return run_audit(db, profile, period, as_of=as_of, media_store=media_store)
        except DatabaseLockedError as e:
            if time.monotonic() >= deadline:
                raise ReportError(
                    f"数据库正被其他进程打开，无法写入审计结果 / cannot audit {period}: another "
                    f"process holds {db} open (close notebooks on it, or run `zfaudit audit` "
                    "first); see docs/scheduling.md"
                ) from e
            time.sleep(2)


def sql_export(db: str | Path, query: str, out: str | Path, params: list | dict | None = None,
               fmt: str | None = None, unmasked: bool = False, overwrite: bool = False
               ) -> tuple[Path, int, list[str]]:
    """A read-only query written to a file, personal data masked unless `unmasked`:
    (path, rows written, output columns named as personal data). An existing file is
    replaced only with `overwrite`; a database never."""
    from .adhoc import export_sql

    return export_sql(db, query, out, params, fmt, unmasked, overwrite)


def sql_text(db: str | Path, query: str, params: list | dict | None = None,
             fmt: str = "table", unmasked: bool = False) -> str:
    """A read-only query's result as terminal text: an aligned table, CSV or JSON; personal
    data masked unless `unmasked`."""
    from .adhoc import print_result

    return print_result(db, query, params, fmt, unmasked)


def text_table(df: pd.DataFrame, right: tuple[str, ...] = (), footer: bool = True) -> str:
    """A DataFrame as an aligned terminal table (CJK characters count two columns); columns in
    `right` right-aligned, `footer` adds the row count."""
    from .adhoc import format_table

    return format_table(df, right=right, footer=footer)


def profiles() -> pd.DataFrame:
    """The shipped agency profiles: name, title, seed regulation, number of rules."""
    from .profiles import profile_summaries

    return pd.DataFrame(profile_summaries())


def profile_text(name_or_file: str | Path, fmt: str = "yaml") -> str:
    """A profile resolved (after `extends` and validation), as YAML or JSON text."""
    from .profiles import dump_profile, get_profile

    return dump_profile(get_profile(name_or_file), fmt)


def calendar_add(db: str | Path, file: str | Path) -> int:
    """Load a year's official schedule from a CSV file (docs/calendar.md); returns the year."""
    from .workdays import add_year_file

    with connect(db) as con:
        return add_year_file(con, file)


def calendar(db: str | Path, year: int, month: int | None = None) -> pd.DataFrame:
    """The working-day calendar of a month (every day), or of a year (its exceptions only)."""
    from .errors import CalendarError
    from .workdays import calendar_frame

    if not 1900 <= int(year) <= 2200:
        raise CalendarError(f"年份超出范围 / year {year} is out of range (1900–2200)")
    with connect(db) as con:
        return calendar_frame(con, year, month, exceptions_only=month is None)


def sample(out: str | Path, cases: int = 300, seed: int = 7,
           media_store: str | Path | None = None, progress: bool | None = None,
           overwrite: bool = False) -> dict[str, int]:
    """Write the synthetic sample bureau export (zfaudit.sample); rows written per table. The
    folders must be new or empty unless `overwrite` (never one holding a link or a database)."""
    from .export import writable_dir
    from .sample import write_sample

    writable_dir(out, overwrite)
    if media_store is not None:
        writable_dir(media_store, overwrite)
    return write_sample(out, cases=cases, seed=seed, media_store=media_store, progress=progress)


# ---------------------------------------------------------------- one case


@dataclass
class Case:
    """One case as the run saw it: `info` (dict), `steps`, `media`, `findings` (DataFrames).
    `found` is False when the database has no such case (every frame is then empty)."""

    case_id: str
    found: bool
    info: dict = field(default_factory=dict)
    steps: pd.DataFrame = field(default_factory=pd.DataFrame)
    media: pd.DataFrame = field(default_factory=pd.DataFrame)
    findings: pd.DataFrame = field(default_factory=pd.DataFrame)
    gaps: pd.DataFrame = field(default_factory=pd.DataFrame)

    def timeline(self) -> go.Figure:
        """The case timeline (steps, media segments, late uploads, gaps) as a plotly figure."""
        from .report.charts import case_timeline

        if not self.found:
            raise ZfauditError(f"找不到案件 / case not found: {self.case_id}")
        return case_timeline({"steps": self.steps, "media": self.media, "gaps": self.gaps})

    def _repr_html_(self) -> str:
        if not self.found:
            return f"<p>找不到案件 / case not found: {html.escape(str(self.case_id))}</p>"
        head = "".join(
            f"<tr><th>{html.escape(k)}</th><td>{html.escape(_case_cell(c, self.info.get(c)))}</td></tr>"
            for c, k in (("case_id", "案件编号"), ("unit_name", "承办单位"), ("category", "执法类别"),
                         ("procedure", "程序类型"), ("party_name", "当事人"),
                         ("opened_at", "立案时间"), ("concluded_at", "结案时间"),
                         ("archived_at", "归档时间"))
        )
        steps = self.steps.drop(columns=["officer_ids"], errors="ignore")
        return (f"<h4>案件 {html.escape(self.case_id)}</h4><table>{head}</table>"
                f"<h5>执法环节（{len(steps)}）</h5>{_html_table(steps)}"
                f"<h5>音像记录（{len(self.media)}）</h5>{_html_table(self.media)}"
                f"<h5>审计发现（{len(self.findings)}）</h5>{_html_table(self.findings)}")


# ---------------------------------------------------------------- one run


class Run:
    """A recorded audit run. Each method opens the database read-only for one query."""

    def __init__(self, db: str | Path, run_id: str = "latest", profile: str | Path | None = None,
                 period: str | None = None):
        from .runs import find_run

        self.db = Path(db)
        self._row = find_run(self.db, run_id, profile, period)
        self.run_id: str = self._row["run_id"]
        self.profile: str = self._row["profile"]
        self.period_start: dt.datetime = pd.Timestamp(self._row["period_start"]).to_pydatetime()
        self.period_end: dt.datetime = pd.Timestamp(self._row["period_end"]).to_pydatetime()
        self.as_of: dt.datetime = pd.Timestamp(self._row["as_of"]).to_pydatetime()
        from .runs import run_warnings

        self.warnings: list[str] = run_warnings(self._row)  # what the audit could not check

    @property
    def period(self) -> str:
        """'2026Q3', '2026-07', … or 'start~end'."""
        return str(self._row["label"])

    def __repr__(self) -> str:
        return f"Run({self.run_id!r}, profile={self.profile!r}, period={self.period!r}, db={str(self.db)!r})"

    def summary(self, labels: str | None = None) -> pd.DataFrame:
        """Per rule (DQ first, then the profile's rules): counts, compliance rate and weight."""
        from .runs import profile_rules
        from .scores import rule_summary

        df = pd.DataFrame(rule_summary(self.db, self._row))
        weights = profile_rules(self._row)[1]
        df["weight"] = [weights.get(r) for r in df.rule_id]  # None for DQ (not scored)
        return _relabel(df, labels)

    def violation_count(self) -> int:
        """Compliance violations of the run (ZF rules; DQ data-quality findings are apart)."""
        from .rules.catalogue import DQ_RULES
        from .scores import rule_summary

        return sum(r["violations"] for r in rule_summary(self.db, self._row)
                   if r["rule_id"] not in DQ_RULES)

    def findings(
        self,
        rule: str | None = None,
        unit: str | None = None,
        outcome: str | list[str] | None = "violation",
        unmasked: bool = False,
        labels: str | None = None,
    ) -> pd.DataFrame:
        """Findings of the run, filtered by rule, unit id and outcome (None = every outcome).
        Officer names and names inside `detail` are masked unless `unmasked`. A rule, unit or
        outcome that cannot match is a ZfauditError naming the closest valid values."""
        from .lookup import check_outcomes, check_rule, check_unit
        from .rules.catalogue import rule_text

        outcomes = [outcome] if isinstance(outcome, str) else (list(outcome) if outcome else None)
        rule = check_rule(rule)
        outcomes = check_outcomes(outcomes)
        with connect(self.db, read_only=True) as con:
            unit = check_unit(con, unit)
            df = con.execute(
                """
                SELECT f.rule_id, f.outcome, f.case_id, f.step_id, f.media_id, f.access_id,
                       f.officer_id, o.name AS officer_name, f.unit_id, un.unit_name,
                       f.due_at, f.observed_at, f.detail, f.clauses
                FROM findings f
                LEFT JOIN officers o ON o.officer_id = f.officer_id
                LEFT JOIN units un ON un.unit_id = f.unit_id
                WHERE f.run_id = $run
                  AND (CAST($rule AS VARCHAR) IS NULL OR f.rule_id = upper(CAST($rule AS VARCHAR)))
                  AND (CAST($unit AS VARCHAR) IS NULL OR f.unit_id = CAST($unit AS VARCHAR))
                  AND (CAST($outcomes AS VARCHAR[]) IS NULL
                       OR list_contains(CAST($outcomes AS VARCHAR[]), f.outcome))
                ORDER BY f.rule_id, f.unit_id, f.case_id, f.step_id, f.media_id, f.access_id,
                         f.officer_id
                """,
                {"run": self.run_id, "rule": rule, "unit": unit, "outcomes": outcomes},
            ).df()
            if not unmasked and len(df):
                df = _mask_findings(con, df)
        df.insert(1, "rule_title", [rule_text(r)[0] for r in df.rule_id])  # 规则名称 with zh
        return _relabel(df, labels)

    def scores(self, labels: str | None = None) -> pd.DataFrame:
        """评议考核 per unit: score out of 100, rank (ties share), rate per rule of the profile."""
        from .runs import profile_rules
        from .scores import unit_scores

        with connect(self.db, read_only=True) as con:
            df = unit_scores(con, self.run_id, profile_rules(self._row)[0])
        return _relabel(df.drop(columns=["run_id"]), labels)

    def score_items(self, labels: str | None = None) -> pd.DataFrame:
        """The score's parts: per unit and rule, weight, effective weight, rate and points."""
        from .scores import score_items

        with connect(self.db, read_only=True) as con:
            df = score_items(con, self.run_id)
        return _relabel(df.drop(columns=["run_id"]), labels)

    def officers(self, unmasked: bool = False, labels: str | None = None) -> pd.DataFrame:
        """Per officer and rule: items, passed, violations and rate (an officer's rate with its
        denominator: 2 late of 10 is not 2 late of 200); names masked unless `unmasked`."""
        from .masking import mask_name
        from .scores import officer_rates

        with connect(self.db, read_only=True) as con:
            df = officer_rates(con, self.run_id)
        if not unmasked:
            df["officer_name"] = pd.Series([mask_name(v) for v in df.officer_name],
                                           index=df.index, dtype=object)
        return _relabel(df, labels)

    def case(self, case_id: str, unmasked: bool = False) -> Case:
        """The case's steps (with officers), media, findings and recording gaps. An unknown case
        id is a ZfauditError naming near matches (〔2026〕 typed as [2026], a bare number)."""
        from .lookup import check_case
        from .report.queries import case_findings, case_timeline

        with connect(self.db, read_only=True) as con:
            check_case(con, str(case_id))
        tl = case_timeline(self.db, self._row, case_id, mask_pii=not unmasked)
        return Case(str(case_id), True, tl["case"], tl["steps"], tl["media"],
                    case_findings(self.db, self._row, case_id, mask_pii=not unmasked), tl["gaps"])

    def compare(self, other: Run | str) -> tuple[pd.DataFrame, list[str]]:
        """This run against `other` (an earlier run, or its id): per unit and rule the change in
        items, violations, rate and points, and one warning for each setting that differs
        (profile, media store, as_of, loads, period)."""
        from .scores import compare_runs

        other = other if isinstance(other, Run) else Run(self.db, other)
        with connect(self.db, read_only=True) as con:
            return compare_runs(con, other._row, self._row)

    def lifecycle(self, labels: str | None = None) -> pd.DataFrame:
        """Each finding key's status against the previous run of the same profile and period
        (RULES.md "Lifecycle": new, persisting, rectified, excused, gone). Without a previous
        run every violation is new."""
        from .supervision.lifecycle import lifecycle

        with connect(self.db, read_only=True) as con:
            return _relabel(lifecycle(con, self.run_id), labels)

    def exceptions(self, unmasked: bool = False, labels: str | None = None) -> pd.DataFrame:
        """The exceptions register as this run judged it: each row's status (applied, or the
        first reason it did not apply), reason, note and approver (names masked unless
        `unmasked`)."""
        from .supervision.exceptions import exception_rows

        with connect(self.db, read_only=True) as con:
            return _relabel(exception_rows(con, self.run_id, unmasked), labels)

    def lifecycle_summary(self) -> str | None:
        """One line of status counts against the previous run; None without one."""
        from .supervision.lifecycle import summary_line

        with connect(self.db, read_only=True) as con:
            return summary_line(con, self._row)

    def report(self, kind: str, out: str | Path, **params: Any) -> Path:
        """Render a report of this run ('quarterly', 'case', 'spot-check') to HTML
        (parameters: zfaudit.api.report)."""
        return report(kind, self.db, out, run=self.run_id, **params)

    def score_sheet(self, out: str | Path, unmasked: bool = False, overwrite: bool = False
                    ) -> ScoreSheet:
        """Write the 评议考核 xlsx (单位得分, 人员, 规则, 说明) of this run; an existing file
        is replaced only with `overwrite`."""
        from .scores import write_score_sheet

        return write_score_sheet(self.db, out, self.run_id, unmasked, overwrite)

    def _repr_html_(self) -> str:
        s = self.summary()
        s["rate"] = s["rate"].map(_pct)
        s = _relabel(s, "zh")
        meta = (f"审计批次 {html.escape(self.run_id)} · 配置 {html.escape(self.profile)} · "
                f"期间 {html.escape(self.period)} · 期限判断时点 {self.as_of:%Y-%m-%d %H:%M}")
        return f"<p><b>{meta}</b></p>{_html_table(s)}"
