"""Render report notebooks (papermill) to offline HTML (nbconvert), PDF and Word.

`render_report(kind, db, out, formats=...)` executes one of the notebooks in notebooks/, keeps
the executed notebook beside the HTML (same name, .ipynb) and writes HTML with no input cells,
no CDN scripts and a CJK font stack, so it opens anywhere with no network. The PDF is that HTML
printed by headless Chromium (browser.py); the Word file is built from the executed notebook's
outputs (word.py), so all three show the same numbers.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import re
import shutil
import tempfile
from importlib import resources
from pathlib import Path

from ..errors import ReportError, ZfauditError, option
from ..export import strip_remote_tags, writable
from ..periods import label as period_label
from ..periods import label_zh, parse_period
from ..runs import find_run, recorded_profile
from .browser import capture, chromium_path, end_browsers
from .charts import CJK_FONTS

KINDS = {
    "quarterly": "quarterly_assessment.ipynb",
    "case": "case_review.ipynb",
    "spot-check": "spot_check.ipynb",
}

TITLES = {"quarterly": "评议考核报告", "case": "案件复查", "spot-check": "音像记录回放抽查"}
FORMATS = ("html", "pdf", "docx")
WORD_KINDS = ("quarterly",)  # leadership edits the quarterly report; the others are working papers

_STYLE = re.compile(r"<style\b[^>]*>.*?</style>", re.S | re.I)
_CSS_COMMENT = re.compile(r"/\*.*?\*/", re.S)
_TEMPLATES = Path(__file__).resolve().parent / "template"

_CSS = """
body, .jp-Notebook, .jp-RenderedHTMLCommon, table.zf-table { font-family: %s; }
table.zf-table { border-collapse: collapse; margin: 0.5em 0 1em; font-size: 13px; }
table.zf-table th, table.zf-table td { border: 1px solid #ccc; padding: 3px 8px; text-align: left !important; }
table.zf-table thead tr { text-align: left !important; }
table.zf-table th { background: #f3f5f7; }
@media print {
  body, .jp-Notebook { margin: 0 !important; padding: 0 !important; }
  .jp-Cell, .jp-OutputArea-output { padding: 0 !important; }
  /* JupyterLab keeps each output on one page: a long table would leave a blank page before it */
  .jp-OutputArea-child { break-inside: auto !important; }
  table.zf-table { font-size: 10px; table-layout: auto !important; width: auto; max-width: 100%; }
  table.zf-table thead { display: table-header-group; }  /* repeated on every page */
  table.zf-table tr, .js-plotly-plot, blockquote { break-inside: avoid; }
  h1, h2, h3 { break-after: avoid; }
  * { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
}
"""


def notebook_path(kind: str) -> Path:
    """The notebook behind a report kind (from the source tree or the installed wheel)."""
    if kind not in KINDS:
        raise ReportError(f"未知的报告类型 / unknown report kind {kind!r}: use {', '.join(KINDS)}")
    src = Path(__file__).resolve().parents[2] / "notebooks" / KINDS[kind]
    if src.is_file():
        return src
    return Path(str(resources.files("zfaudit").joinpath("_notebooks", KINDS[kind])))


def render_report(
    kind: str,
    db: str | Path,
    out: str | Path,
    *,
    run: str = "latest",
    profile: str | None = None,
    period: str | None = None,
    unit: str | None = None,
    case_id: str | None = None,
    seed: int | None = None,
    mask_pii: bool = True,
    overwrite: bool = False,
    formats: tuple[str, ...] = ("html",),
    now: dt.datetime | None = None,
) -> Path:
    """Execute the `kind` notebook for a recorded run of `db` and write `out` (.html) and, per
    `formats`, the PDF and Word files beside it (the same name, .pdf / .docx); returns the HTML
    path (`written(path, formats)` lists them all). Reads only: a period with no run is an error here (zfaudit.api.report may audit it
    first).

    `out` may be a directory: the report then goes to OUT/<period>/<kind>-<period>-<stamp>.html
    (a second render in the same second gets -2, -3 …). An existing output is never replaced
    unless `overwrite`.
    """
    db = Path(db)
    if not db.is_file():
        raise ReportError(f"数据库不存在 / database not found: {db}")
    formats = check_formats(kind, formats, out)
    nb = notebook_path(kind)
    run_row = resolve_run(db, run, profile, period)
    if kind == "case" and not case_id:
        raise ReportError(f"案件复查需要案件编号 / the case report needs {option('case')}")
    if formats != ("html",):
        chromium_path()  # before the notebook runs: a missing browser fails in a second, not a minute
    # the folders this render creates: a failed first render leaves none of them behind
    new_folders = [d for d in (_folder(Path(out), run_row), Path(out)) if not d.exists()]
    html_path, reserved = _output_path(Path(out), kind, run_row, case_id, now or dt.datetime.now(),
                                       formats)
    if reserved:
        _IN_PROGRESS.add(html_path)
    ipynb_path = html_path.with_suffix(".ipynb")
    targets = [html_path, ipynb_path] + ([html_path.with_suffix(".xlsx")] if kind == "spot-check" else [])
    targets += [html_path.with_suffix(f".{f}") for f in formats if f != "html"]
    try:
        for p in targets:  # the one rule for outputs: never a database, existing only with overwrite
            if not (reserved and p == html_path):
                try:
                    writable(p, overwrite)
                except ZfauditError as e:
                    raise ReportError(str(e)) from e
        html_path.parent.mkdir(parents=True, exist_ok=True)
        _render(kind, db, nb, run_row, targets, unit=unit, case_id=case_id, seed=seed,
                mask_pii=mask_pii, formats=formats, replace=overwrite or reserved)
    except BaseException:
        if reserved:
            html_path.unlink(missing_ok=True)
        for d in new_folders:  # the period folder first, then --out DIR (if empty)
            with contextlib.suppress(OSError):
                d.rmdir()
        raise
    finally:
        _IN_PROGRESS.discard(html_path)
    return html_path


_IN_PROGRESS: set[Path] = set()  # scratch folders and reserved names of renders running now


def abandon() -> None:
    """Remove what the renders running now have outside their finished files (see
    zfaudit.cli: SIGTERM) and end their browsers."""
    end_browsers()
    for p in list(_IN_PROGRESS):
        if p.is_dir():
            shutil.rmtree(p, ignore_errors=True)
        else:
            p.unlink(missing_ok=True)
        _IN_PROGRESS.discard(p)


def _render(kind: str, db: Path, nb: Path, run_row: dict, targets: list[Path], *, unit, case_id,
            seed, mask_pii: bool, formats: tuple[str, ...], replace: bool) -> None:
    html_path, ipynb_path = targets[0], targets[1]
    # Everything is written into a scratch folder beside the output and moved into place only
    # when the whole render succeeded: a failed render leaves no partial file behind (and an
    # older report it was to replace stays as it was).
    stage = Path(tempfile.mkdtemp(prefix=".zfaudit-report.", dir=html_path.parent))
    _IN_PROGRESS.add(stage)
    staged = {p: stage / p.name for p in targets}
    params: dict = {"db": str(db.resolve()), "run": run_row["run_id"], "mask_pii": bool(mask_pii)}
    if kind == "quarterly":
        params["unit"] = unit
    elif kind == "case":
        params["case_id"] = case_id
    else:
        params.update(seed=seed, unit=unit, ledger=str(staged[targets[2]].resolve()))
    header = running_header(kind, run_row, case_id, mask_pii=mask_pii)
    try:
        _execute(nb, staged[ipynb_path], params)
        staged[html_path].write_text(to_offline_html(staged[ipynb_path], TITLES[kind]), encoding="utf-8")
        if "pdf" in formats or "docx" in formats:
            shot = capture(staged[html_path], charts="docx" in formats,
                           pdf_header=header if "pdf" in formats else None)
            if shot.pdf is not None:
                staged[html_path.with_suffix(".pdf")].write_bytes(shot.pdf)
            if "docx" in formats:
                from .word import write_word

                write_word(staged[ipynb_path], staged[html_path.with_suffix(".docx")], shot.charts,
                           header=running_header(kind, run_row, case_id, with_run=False,
                                                 mask_pii=mask_pii),
                           author=recorded_profile(run_row).get("title") or "")
        _IN_PROGRESS.discard(html_path)  # from here on the name holds the finished report
        _place(staged, replace)
    finally:
        shutil.rmtree(stage, ignore_errors=True)
        _IN_PROGRESS.discard(stage)


def _place(staged: dict[Path, Path], replace: bool) -> None:
    """Move the finished files into place. Without `replace`, never over a file that appeared
    meanwhile (another render of the same name): a hard link fails if the name exists."""
    if replace:
        for final, tmp in staged.items():
            tmp.replace(final)
        return
    placed = []
    try:
        for final, tmp in staged.items():
            try:
                os.link(tmp, final)
            except FileExistsError:
                raise
            except OSError:  # FAT/exFAT sticks, many network mounts: no hard links
                with open(tmp, "rb") as src, open(final, "xb") as dst:  # still never over a file
                    shutil.copyfileobj(src, dst)
            placed.append(final)
    except FileExistsError as e:
        for p in placed:
            p.unlink(missing_ok=True)
        raise ReportError(f"输出文件已存在 / {e.filename} exists now (written meanwhile by another "
                          "render); nothing was replaced") from e


def written(html_path: Path, formats=("html",), kind: str = "quarterly") -> list[Path]:
    """The files a render of `kind` with `formats` wrote beside `html_path`, the HTML first
    (the executed .ipynb apart; the spot check's ledger .xlsx included)."""
    extra = [html_path.with_suffix(f".{f}") for f in check_formats(kind, formats) if f != "html"]
    return [html_path] + extra + ([html_path.with_suffix(".xlsx")] if kind == "spot-check" else [])


def running_header(kind: str, run: dict, case_id: str | None = None, with_run: bool = True,
                   mask_pii: bool = True) -> str:
    """The line at the top of every printed page: bureau, period, report (and run); an
    unmasked report says so on every page."""
    bureau = recorded_profile(run).get("title") or ""
    what = f"{TITLES[kind]} {case_id}" if kind == "case" else TITLES[kind]
    period = label_zh(run["period_start"], run["period_end"])
    return (f"{bureau}{period}{what}" + (f" · 审计批次 {run['run_id']}" if with_run else "")
            + ("" if mask_pii else " · 含未脱敏个人信息，仅限内部使用"))


def check_formats(kind: str, formats, out: str | Path | None = None) -> tuple[str, ...]:
    """The formats a render writes, checked: html always (the PDF and the Word pictures are
    taken from it), plus those asked — and the one `out` names (`--out x.pdf`)."""
    if isinstance(formats, str):
        formats = [formats]
    wanted = []
    for f in formats:
        for part in str(f).lower().split(","):
            part = part.strip()
            if part and part not in FORMATS:
                raise ReportError(f"未知的输出格式 / unknown format {part!r}: use {', '.join(FORMATS)}")
            if part and part not in wanted:
                wanted.append(part)
    named = Path(out).suffix.lower().lstrip(".") if out is not None else ""
    if named in ("pdf", "docx") and named not in wanted:
        wanted.append(named)
    if "docx" in wanted and kind not in WORD_KINDS:
        raise ReportError(f"Word 格式仅用于季度评议考核报告 / --format docx is for the quarterly "
                          f"report only, not {kind!r}")
    return tuple(["html"] + [f for f in wanted if f != "html"])


def resolve_run(db: Path, run: str, profile: str | None, period: str | None) -> dict:
    """The recorded run a report is about: `run`, or the latest of the profile and period."""
    if not period:
        return find_run(db, run, profile)
    p = parse_period(period)
    return find_run(db, run, profile, (p.start, p.end))


MAX_NAME_BYTES = 180  # file systems refuse names over 255 bytes; a long case id is cut


def _folder(out: Path, run: dict) -> Path:
    if out.suffix.lower() in (".html", ".pdf", ".docx"):
        return out.parent
    return out / period_label(run["period_start"], run["period_end"])


def _output_path(out: Path, kind: str, run: dict, case_id: str | None, now: dt.datetime,
                 formats: tuple[str, ...] = ("html",)) -> tuple[Path, bool]:
    """The HTML path, and whether it was reserved here: a dated name in a folder is claimed
    with an exclusive create, so two renders started in the same second never share it."""
    if out.suffix.lower() in (".html", ".pdf", ".docx"):
        return out.with_suffix(".html"), False
    if out.exists() and not out.is_dir():
        raise ReportError(f"输出应为 .html 文件或目录 / --out must be a .html file or a directory: {out}")
    label = period_label(run["period_start"], run["period_end"])
    what = f"{kind}-{case_id}" if kind == "case" else kind
    tail = f"-{label}-{now:%Y%m%dT%H%M%S}"
    head = re.sub(r"[^\w.-]", "_", what).encode()[: MAX_NAME_BYTES - len(tail)]
    stem = head.decode("utf-8", errors="ignore") + tail
    folder = _folder(out, run)
    folder.mkdir(parents=True, exist_ok=True)
    suffixes = [".ipynb", ".xlsx"] + [f".{f}" for f in formats]
    for n in range(1, 1000):  # a new name in a folder of dated reports, never a clash
        path = folder / (stem + ("" if n == 1 else f"-{n}") + ".html")
        if any(path.with_suffix(s).exists() for s in suffixes):
            continue
        try:
            with open(path, "x", encoding="utf-8"):
                pass  # the placeholder the finished HTML replaces
        except FileExistsError:
            continue
        return path, True
    raise ReportError(f"输出目录中同名报告过多 / too many reports named {stem} in {folder}")


def _execute(nb: Path, out: Path, params: dict) -> None:
    import papermill as pm
    from papermill.exceptions import PapermillExecutionError
    from traitlets.config import Config

    # The kernel talks over Unix sockets in a private folder, not TCP on localhost: nothing to
    # eavesdrop on, and no "[IPKernelApp] WARNING | Kernel is running over TCP" mailed by cron.
    with tempfile.TemporaryDirectory(prefix="zf-kernel-") as sock:
        config = Config()
        config.KernelManager.transport = "ipc"
        config.KernelManager.ip = str(Path(sock) / "k")
        # jupyter_client interrupts (SIGINT) every kernel it shuts down, and ipykernel logs
        # "KeyboardInterrupt caught in kernel" for it, now and then: the kernel's own log is
        # not the analyst's (a cell's error reaches us as the cell's output)
        config.NotebookClient.extra_arguments = ["--IPKernelApp.log_level=CRITICAL"]
        try:
            pm.execute_notebook(
                str(nb), str(out), parameters=params, kernel_name="python3", progress_bar=False,
                cwd=str(out.parent), request_save_on_cell_execute=False, config=config,
            )
        except PapermillExecutionError as e:
            raise _failed(nb, e) from e


def _failed(nb: Path, e) -> ReportError:
    return ReportError(
        f"报告笔记本第 {e.exec_count} 个单元执行失败 / report notebook {nb.name} failed in "
        f"cell {e.exec_count}: {e.ename}: {e.evalue}"
    )


def to_offline_html(ipynb: Path, title: str | None = None) -> str:
    """Executed notebook → HTML without input cells or any script/style from the network."""
    import nbformat
    from nbconvert import HTMLExporter

    exporter = HTMLExporter(
        template_name="zfaudit_offline", extra_template_basedirs=[str(_TEMPLATES)],
        exclude_input=True, exclude_input_prompt=True, exclude_output_prompt=True,
    )
    body, _ = exporter.from_notebook_node(nbformat.read(ipynb, as_version=4),
                                          resources={"metadata": {"name": title or ipynb.stem}})
    # nbconvert's lab template loads require.js, MathJax and mermaid from CDNs, and plotly's
    # notebook renderer adds a MathJax CDN <script> to each figure: none is needed offline.
    body = strip_remote_tags(body)
    # CSS comments of the lab theme cite URLs; drop them so every URL left is plotly.js's own.
    # Only in <head>: the body holds plotly.js, whose code must stay untouched.
    head, sep, rest = body.partition("</head>")
    body = _STYLE.sub(lambda m: _CSS_COMMENT.sub("", m.group(0)), head) + sep + rest
    style = f'<meta http-equiv="Content-Type" content="text/html; charset=utf-8">\n<style>{_CSS.replace("%s", CJK_FONTS)}</style>\n'
    return body.replace("</head>", style + "</head>", 1)
