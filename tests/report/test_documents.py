"""The reports as documents a bureau hands upward (issue 12): PDF pages with a running header
and page numbers and embedded fonts, the Word report read back against the SQL numbers, no
English code word or "None" in what a reader sees, and xlsx that print as stated.

The PDF and Word files are those the session's `rendered` fixture wrote through headless
Chromium (tests/conftest.py); LibreOffice converts the score sheet as a printer would.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from zfaudit.contract import contract
from zfaudit.db import connect
from zfaudit.rules.catalogue import OUTCOME_ZH
from zfaudit.runs import find_run, recorded_profile
from zfaudit.supervision.labels import EXCEPTION_STATUS_ZH, STATUS_ZH

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
# in CI (.ci/run installs them) a missing tool fails the test instead of skipping it
needs_pdf_tools = pytest.mark.skipif(shutil.which("pdftotext") is None and not os.environ.get("CI"),
                                     reason="poppler-utils 未安装")
needs_soffice = pytest.mark.skipif(SOFFICE is None and not os.environ.get("CI"),
                                   reason="LibreOffice 未安装（apt-get install libreoffice-calc-nogui）")

# The closed list of codes a report must never show in English: every code of the contract's
# code sets, every quarantine reason, every outcome and supervision status.
CODES = (
    {str(k) for codes in contract().codesets.values() for k in codes}
    | set(contract().reason_labels) | set(OUTCOME_ZH) | set(STATUS_ZH) | set(EXCEPTION_STATUS_ZH)
)
CODE_WORD = re.compile(r"(?<![A-Za-z0-9_/.-])(" + "|".join(sorted(map(re.escape, CODES), key=len,
                                                               reverse=True)) + r")(?![A-Za-z0-9_/.-])")
# a score sheet of the sample bureau (6 units, 45 officers, 477 officer rows) prints on at most
# this many A4 pages (issue 12: it printed 26, and 18 for 6 units before that)
SCORE_SHEET_MAX_PAGES = 18


def leaks(text: str) -> list[str]:
    """English code words and 'None'/'nan' in visible text."""
    found = CODE_WORD.findall(text)
    found += re.findall(r"(?<![A-Za-z])(None|nan|NaT)(?![A-Za-z])", text)
    return sorted(set(found))


def pdf_pages(pdf: Path) -> list[str]:
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True,
                          check=True).stdout
    return [p for p in text.split("\f") if p.strip()]


def _skip_without_chromium(path: Path) -> None:
    if not path.exists():
        assert not os.environ.get("CI"), "chromium is required in CI (.ci/run installs it)"
        pytest.skip("chromium 未安装，未生成 PDF / Word")


def test_the_leak_check_sees_what_it_must():
    assert leaks("类型 video；程序 general；结论 not_checked；None") == [
        "None", "general", "not_checked", "video"]
    assert leaks("路径 2026-08/S1/YX01.mp4，批次 20261020T090000-zhuzhou_cgzf-2026Q3") == []


@needs_pdf_tools
@pytest.mark.parametrize("kind", ["quarterly", "case", "spot-check"])
def test_pdf_has_header_page_numbers_and_embedded_fonts(rendered, audited_db, kind):
    pdf = rendered[kind].with_suffix(".pdf")
    _skip_without_chromium(pdf)
    db, run_id = audited_db
    run = find_run(db, run_id)
    pages = pdf_pages(pdf)
    assert len(pages) >= {"quarterly": 5, "case": 2, "spot-check": 2}[kind]
    bureau = recorded_profile(run)["title"]
    for n, page in enumerate(pages, start=1):
        flat = re.sub(r"\s+", "", page)
        assert f"{bureau}2026年第三季度" in flat, f"page {n} lacks the running header"
        assert run_id in flat
        assert f"第{n}页，共{len(pages)}页" in flat, f"page {n} lacks its number"
    assert leaks("\n".join(pages)) == []
    fonts = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True, check=True).stdout
    rows = [line.split() for line in fonts.splitlines()[2:] if line.strip()]
    assert rows and all("yes" in r[-5:-2] for r in rows), fonts  # every font embedded


@needs_pdf_tools
def test_pdf_tables_repeat_their_header(rendered):
    pdf = rendered["quarterly"].with_suffix(".pdf")
    _skip_without_chromium(pdf)
    pages = pdf_pages(pdf)
    # the 扣分明细 runs over more than one page; each of its pages starts with its header row
    runs_on = [p for p in pages if re.search(r"单位\s+规则\s+名称\s+检查项\s+违规\s+未检查", p)]
    assert len(runs_on) >= 2


def test_word_report_reads_back_with_the_sql_numbers(rendered, audited_db):
    docx_path = rendered["quarterly"].with_suffix(".docx")
    _skip_without_chromium(docx_path)
    from docx import Document

    db, run_id = audited_db
    doc = Document(str(docx_path))
    texts = [p.text for p in doc.paragraphs]
    run = find_run(db, run_id)
    assert texts[0] == f"{recorded_profile(run)['title']}2026年第三季度行政执法全过程记录评议考核报告"
    headings = [p.text for p in doc.paragraphs if p.style.name.startswith("Heading")]
    assert headings[:3] == ["总体情况", "一、主要指标", "二、评议考核得分"]
    assert "附件：方法与可复现信息" in headings
    # the headline table: each rule's passed and violations as rule_results sums them
    headline = next(t for t in doc.tables if t.rows[0].cells[0].text == "指标")
    with connect(db, read_only=True) as con:
        sums = dict(((r, (p, v)) for r, p, v in con.execute(
            "SELECT rule_id, sum(passed), sum(violations) FROM rule_results WHERE run_id = ? "
            "GROUP BY rule_id", [run_id]).fetchall()))
        scores = con.execute("SELECT unit_name, score FROM scores WHERE run_id = ? ORDER BY rank, unit_id",
                             [run_id]).fetchall()
    rows = [[c.text for c in r.cells] for r in headline.rows[1:]]
    assert [r[1] for r in rows] == ["ZF03", "ZF04", "ZF05", "ZF01", "ZF12"]
    for r in rows:
        assert (int(r[2]), int(r[3])) == sums[r[1]]
    score_table = next(t for t in doc.tables if [c.text for c in t.rows[0].cells][:4] == ["名次", "单位", "单位编码", "得分"])
    assert [(r.cells[1].text, r.cells[3].text) for r in score_table.rows[1:]] == [
        (name, f"{s:.2f}") for name, s in scores]
    # the header row repeats on every page a long table runs onto
    assert all(t.rows[0]._tr.xpath("./w:trPr/w:tblHeader") for t in doc.tables)
    assert len(doc.inline_shapes) == 4  # the four charts, as pictures
    visible = "\n".join(texts + [c.text for t in doc.tables for r in t.rows for c in r.cells])
    assert leaks(visible) == []


def test_summary_opens_the_quarterly_report_with_its_numbers(rendered, audited_db):
    import html as html_lib

    db, run_id = audited_db
    page = html_lib.unescape(re.sub(r"<[^>]+>", "", rendered["quarterly"].read_text("utf-8")))
    with connect(db, read_only=True) as con:
        items, passed, violations = con.execute(
            "SELECT sum(opportunities), sum(passed), sum(violations) FROM rule_results "
            "WHERE run_id = ? AND rule_id LIKE 'ZF%'", [run_id]).fetchone()
        top = con.execute("SELECT unit_name, score FROM scores WHERE run_id = ? ORDER BY score DESC LIMIT 1",
                          [run_id]).fetchone()
    summary = page[page.index("总体情况"):page.index("一、主要指标")]
    assert f"共检查 {items} 项，其中合规 {passed} 项、违规 {violations} 项" in summary
    assert f"最高为{top[0]} {top[1]:.2f} 分" in summary
    assert "需要关注" in summary


@pytest.mark.parametrize("kind", ["quarterly", "case", "spot-check"])
def test_html_shows_no_code_words(rendered, kind):
    import html as html_lib

    body = rendered[kind].read_text("utf-8")
    body = re.sub(r"<script\b.*?</script>|<style\b.*?</style>", "", body, flags=re.S | re.I)
    assert leaks(html_lib.unescape(re.sub(r"<[^>]+>", " ", body))) == []


def _print_setup(path: Path) -> dict[str, tuple]:
    import openpyxl

    wb = openpyxl.load_workbook(path)
    return {ws.title: (ws.page_setup.orientation, ws.page_setup.paperSize, ws.sheet_properties.pageSetUpPr.fitToPage,
                       ws.page_setup.fitToHeight, ws.print_title_rows, ws.freeze_panes,
                       ws.oddHeader.center.text or "", ws.oddFooter.center.text or "") for ws in wb}


def test_xlsx_print_setup_reads_back(audited_db, rendered, tmp_path):
    from zfaudit.scores import write_score_sheet

    db, run_id = audited_db
    sheet = write_score_sheet(db, tmp_path / "scores.xlsx", run_id).path
    for path in (sheet, rendered["ledger"]):
        for name, (orient, paper, fit, fit_h, titles, freeze, head, foot) in _print_setup(path).items():
            assert orient in ("landscape", "portrait") and str(paper) == "9", name  # A4
            assert fit and fit_h == 0, name  # fit to width, as long as it needs
            assert titles == "$1:$1" and freeze == "A2", name  # header row on every page
            assert "2026年第三季度" in head and "第 &P 页，共 &N 页" in foot, name
    setup = _print_setup(sheet)
    assert setup["单位得分"][0] == "landscape" and setup["人员明细"][0] == "portrait"


@needs_soffice
@needs_pdf_tools
def test_score_sheet_prints_on_the_stated_pages(audited_db, rendered, tmp_path):
    from zfaudit.scores import write_score_sheet

    db, run_id = audited_db
    write_score_sheet(db, tmp_path / "scores.xlsx", run_id)
    shutil.copy(rendered["ledger"], tmp_path / "ledger.xlsx")
    for name in ("scores.xlsx", "ledger.xlsx"):
        subprocess.run([SOFFICE, "--headless", f"-env:UserInstallation=file://{tmp_path}/lo",
                        "--convert-to", "pdf", name, "--outdir", str(tmp_path)], cwd=tmp_path,
                       capture_output=True, timeout=240, check=True)
    pages = pdf_pages(tmp_path / "scores.pdf")
    assert len(pages) <= SCORE_SHEET_MAX_PAGES
    assert "第 1 页，共" in pages[0] and "2026年第三季度" in pages[0]
    # the reviewer's columns print on the page of their items: the ledger is one page wide
    ledger = pdf_pages(tmp_path / "ledger.pdf")
    assert all("抽检编号" in p and "检查结论" in p for p in ledger)


def test_heat_map_colours_only_pairs_with_enough_items(audited_db):
    import numpy as np

    from zfaudit.report import charts, queries

    db, run_id = audited_db
    cells = queries.heatmap(db, find_run(db, run_id))
    fig = charts.rule_heatmap(cells, min_items=5)
    few, full = fig.data
    n = cells.passed + cells.violations
    assert int(np.isfinite(np.array(few.z, dtype=float)).sum()) == int((n < 5).sum()) > 0
    assert int(np.isfinite(np.array(full.z, dtype=float)).sum()) == int((n >= 5).sum())
    one = cells[n < 5].iloc[0]
    i, j = list(few.y).index(one.unit), list(few.x).index(one.rule_id)
    assert few.text[i][j] == f"{int(one.violations)}/{int(one.passed + one.violations)}"
    assert all(t.startswith(r + " ") for r, t in zip(fig.layout.xaxis.tickvals,
                                                     fig.layout.xaxis.ticktext, strict=True))


def test_trend_marks_a_period_audited_before_it_ended(audited_db, tmp_path):
    from pipeline import PROFILE, copy_db

    from zfaudit.engine.run import run_audit
    from zfaudit.report import charts, queries

    db = copy_db(audited_db[0], tmp_path)
    # September judged on the 20th: its deadlines stay within the 2026 calendar
    sept = run_audit(db, PROFILE, "2026-09", as_of="2026-09-20 09:00:00")
    tr = queries.trend(db, find_run(db, sept))
    assert set(tr[tr.unfinished].period) == {"2026-09（截至09月20日）"}
    assert set(tr[~tr.unfinished].period) == {"2026Q3"}
    fig = charts.trend_lines(tr)
    dotted = [t for t in fig.data if t.line.dash == "dot"]
    assert len(dotted) == tr.rule_id.nunique() and "空心点：期间未结束" in fig.layout.title.text


def test_case_timeline_gives_every_step_a_visible_bar(rendered, audited_db):
    import pandas as pd

    from zfaudit.report import charts, queries

    db, run_id = audited_db
    tl = queries.case_timeline(db, find_run(db, run_id), rendered["case_id"])
    fig = charts.case_timeline(tl)
    bars = [t for t in fig.data if t.type == "bar"]
    assert len(bars) == tl["steps"].started_at.notna().sum()
    times = pd.concat([tl["steps"].started_at, tl["steps"].ended_at, tl["media"].recorded_start,
                       tl["media"].uploaded_at]).dropna()
    least = (times.max() - times.min()).total_seconds() * 1000 * charts.MIN_SHARE
    assert all(b.x[0] >= least - 1 for b in bars)
    assert fig.layout.xaxis.tickformat.startswith("%m月%d日")
    marks = [t for t in fig.data if t.type == "scatter" and t.mode == "markers"]
    assert len(marks) == len(tl["media"])


def test_a_report_run_prints_nothing_on_stderr(audited_db, tmp_path):
    """cron mails stderr: no kernel TCP warning, no KeyboardInterrupt line, no nbformat warning."""
    import sys

    db, run_id = audited_db
    done = subprocess.run([sys.executable, "-c", "from zfaudit.cli import main; main()", "report",
                           "spot-check", "--db", str(db), "--run", run_id, "--seed", "5",
                           "--out", str(tmp_path)], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""
    html, xlsx = done.stdout.split()
    assert Path(xlsx).is_file() and Path(xlsx).with_suffix(".html") == Path(html)
    assert re.search(r"spot-check-2026Q3-\d{8}T\d{6}\.html$", html)  # named to the second


# ------------------------------------------------ hostile text in the documents (issue 12 review)

HOSTILE = "<b>芦淞</b><script>alert(2)</script>*大队_第1_ & 〔2026〕/中队"


def test_names_from_the_data_are_text_in_every_document(audited_db, tmp_path):
    """A unit named like markup (and a case id) is shown as typed in HTML, PDF and Word — never
    run as script (an alert() would also block Chromium's printing)."""
    import html as html_lib

    from pipeline import copy_db

    from zfaudit.report.render import render_report

    db = copy_db(audited_db[0], tmp_path)
    run_id = audited_db[1]
    with connect(db) as con:  # the lowest-scoring unit: the summary names it
        low = con.execute("SELECT unit_id FROM scores WHERE run_id = ? ORDER BY score, unit_id LIMIT 1",
                          [run_id]).fetchone()[0]
        con.execute("UPDATE units SET unit_name = ? WHERE unit_id = ?", [HOSTILE, low])
    out = render_report("quarterly", db, tmp_path / "q.html", run=run_id, formats=("pdf", "docx"))
    page = out.read_text("utf-8")
    assert "<script>alert(2)" not in page
    summary = html_lib.unescape(re.sub(r"<[^>]+>", "", page))
    assert f"最低为{HOSTILE}" in summary
    pdf = out.with_suffix(".pdf")
    if pdf.exists() and shutil.which("pdftotext"):
        assert HOSTILE.replace(" ", "") in re.sub(r"\s+", "", "".join(pdf_pages(pdf)))
    from docx import Document

    paragraphs = [p.text for p in Document(str(out.with_suffix(".docx"))).paragraphs]
    assert any(f"最低为{HOSTILE}" in p for p in paragraphs)


def test_dated_names_are_reserved_and_never_replaced(audited_db, tmp_path):
    import datetime as dt

    from zfaudit.errors import ReportError
    from zfaudit.report.render import _output_path, _place

    db, run_id = audited_db
    run = find_run(db, run_id)
    when = dt.datetime(2026, 11, 25, 9, 30)
    first, reserved = _output_path(tmp_path, "quarterly", run, None, when)
    second, _ = _output_path(tmp_path, "quarterly", run, None, when)  # started the same second
    assert reserved and first.exists() and second.name == first.stem + "-2.html"
    long_id, _ = _output_path(tmp_path, "case", run, "湘江城管罚〔2026〕" * 40, when)
    assert len(long_id.name.encode()) <= 255 and long_id.name.endswith("-2026Q3-20261125T093000.html")
    # a named output that appeared while rendering is not replaced, and nothing is half-placed
    stage = tmp_path / "stage"
    stage.mkdir()
    (stage / "a.html").write_text("new")
    (stage / "a.pdf").write_text("new")
    (tmp_path / "a.pdf").write_text("theirs")
    with pytest.raises(ReportError, match="exists now"):
        _place({tmp_path / "a.html": stage / "a.html", tmp_path / "a.pdf": stage / "a.pdf"}, False)
    assert not (tmp_path / "a.html").exists() and (tmp_path / "a.pdf").read_text() == "theirs"


def test_requests_are_refused_before_anything_is_audited(audited_db, tmp_path):
    from pipeline import copy_db

    from zfaudit import api
    from zfaudit.errors import ReportError, ZfauditError

    db = copy_db(audited_db[0], tmp_path)
    with connect(db, read_only=True) as con:
        runs_before = con.execute("SELECT count(*) FROM audit_runs").fetchone()[0]
    for params, message in (({"formats": ("xyz",)}, "unknown format"),
                            ({"formats": ("docx",), "kind": "spot-check"}, "quarterly report only"),
                            ({"unit": "NOPE"}, "unknown unit")):
        kind = params.pop("kind", "quarterly")
        with pytest.raises(ZfauditError, match=message):
            api.report(kind, db, tmp_path / "r.html", period="2025Q3", profile="zhuzhou_cgzf",
                       audit=True, as_of="2026-11-25 00:00:00", **params)
    with connect(db, read_only=True) as con:
        assert con.execute("SELECT count(*) FROM audit_runs").fetchone()[0] == runs_before
    os.environ["ZFAUDIT_CHROMIUM"] = str(tmp_path)  # a folder is no browser
    try:
        with pytest.raises(ReportError, match="Chromium"):
            api.check_report("quarterly", db, formats=("pdf",))
    finally:
        del os.environ["ZFAUDIT_CHROMIUM"]
    assert not list(tmp_path.glob("r.*"))


def test_out_named_pdf_writes_the_pdf_and_an_unmasked_one_says_so_on_every_page(rendered, audited_db,
                                                                               tmp_path):
    from zfaudit.report.render import check_formats, render_report

    assert check_formats("case", ("html",), "x.pdf") == ("html", "pdf")
    if not rendered["quarterly"].with_suffix(".pdf").exists():
        _skip_without_chromium(rendered["quarterly"].with_suffix(".pdf"))
    db, run_id = audited_db
    out = render_report("case", db, tmp_path / "c.pdf", run=run_id, case_id=rendered["case_id"],
                        mask_pii=False)
    assert out == tmp_path / "c.html" and (tmp_path / "c.pdf").is_file()
    if shutil.which("pdftotext"):
        assert all("含未脱敏个人信息，仅限内部使用" in re.sub(r"\s+", "", p)
                   for p in pdf_pages(tmp_path / "c.pdf"))


def _png(width: int, height: int) -> bytes:
    import struct
    import zlib

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    raw = b"".join(b"\x00" + b"\xff" * width for _ in range(height))  # grey, filter 0 per row
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))


def test_a_tall_chart_fits_a_word_page_whole(tmp_path):
    from docx import Document
    from docx.shared import Cm

    from zfaudit.report.word import TEXT_HEIGHT_CM, TEXT_WIDTH_CM, _chart

    doc = Document()
    _chart(doc, _png(100, 500))  # the score bars of 75 units: five times taller than wide
    _chart(doc, _png(200, 100))
    _chart(doc, None)  # a chart that drew nothing takes no picture
    tall, wide = doc.inline_shapes
    assert abs(tall.height - Cm(TEXT_HEIGHT_CM)) < Cm(0.01) and tall.width < Cm(TEXT_WIDTH_CM)
    assert abs(wide.width - Cm(TEXT_WIDTH_CM)) < Cm(0.01)


def test_summary_for_nothing_checked_ties_and_many_units_behind():
    import pandas as pd

    from zfaudit.report.summary import summary_paragraphs

    rates = pd.DataFrame({"label": ["双人执法率"], "rate": [float("nan")], "change": [float("nan")]})
    empty = pd.DataFrame(columns=["rule_id", "title", "opportunities", "passed", "violations",
                                  "advisories", "pending", "not_checked", "excused", "rate"])
    assert summary_paragraphs("2025年第一季度", rates, pd.DataFrame(columns=["unit_id", "unit_name", "score"]),
                              empty, None) == ["本期（2025年第一季度）各执法单位没有可检查的项目：各项规则均无检查项，以下各部分无数据。"]
    rules = pd.DataFrame({"rule_id": ["ZF01"], "title": ["两名以上执法人员"], "opportunities": [50],
                          "passed": [50], "violations": [0], "advisories": [0], "pending": [0],
                          "not_checked": [0], "excused": [0], "rate": [1.0]})
    scores = pd.DataFrame({"unit_id": [f"U{i:02d}" for i in range(8)],
                           "unit_name": ["甲", "乙", "丙", "丁", "戊", "己", "庚", "辛"],
                           "score": [100.0, 100.0, 99.5, 90.0, 90.0, 89.0, 88.0, 87.0]})
    text = "\n".join(summary_paragraphs("2026年第三季度", rates, scores, rules, None))
    assert "最高为甲、乙 100.00 分" in text and "最低为辛 87.00 分" in text
    # the mean is 93.06: five units more than a point under it, three named, lowest first
    assert "需要关注的单位：辛（87.00 分）、庚（88.00 分）、己（89.00 分）等 5 个单位。" in text


def test_word_documents_drop_the_control_characters_xml_forbids(tmp_path):
    """An export's stray \\x0b in a detail or a name must not make the Word report or a notice
    impossible to write (lxml refuses such text)."""
    from docx import Document

    from zfaudit.wordfile import document, para, table

    doc = document()
    para(doc, "情况\x0b说明")
    table(doc, ["规则\x1f", "说明"], [["ZF07", "中断\x07两次\x0c"], ["ZF08", None]], [4, 8])
    doc.save(str(tmp_path / "c.docx"))
    back = Document(str(tmp_path / "c.docx"))
    assert back.paragraphs[-1].text == "情况说明"
    assert [[c.text for c in r.cells] for r in back.tables[0].rows] == [
        ["规则", "说明"], ["ZF07", "中断两次"], ["ZF08", ""]]


def test_word_cells_keep_line_breaks_and_tabs_and_short_rows_pad(tmp_path):
    from docx import Document
    from docx.oxml.ns import qn

    from zfaudit.wordfile import document, table

    doc = document()
    table(doc, ["规则", "说明", "人员"], [["ZF07", "第一次中断\n第二次中断\t（补录）"], ["ZF08", "无", "张*"]],
          [3, 8, 3])
    with pytest.raises(ValueError, match="4 values for 3 columns"):
        table(doc, ["a", "b", "c"], [["1", "2", "3", "4"]], [3, 3, 3])
    doc.save(str(tmp_path / "n.docx"))
    t = Document(str(tmp_path / "n.docx")).tables[0]
    cell = t.rows[1].cells[1]
    assert cell.text == "第一次中断\n第二次中断\t（补录）" and t.rows[1].cells[2].text == ""
    assert cell._tc.findall(".//" + qn("w:br")) and cell._tc.findall(".//" + qn("w:tab"))


def test_an_in_process_command_leaves_the_callers_signal_handling_alone(audited_db):
    import signal

    from click.testing import CliRunner

    from zfaudit.cli import cli

    before = signal.getsignal(signal.SIGTERM)
    result = CliRunner().invoke(cli, ["sql", "--db", str(audited_db[0]), "SELECT 1 AS n"])
    assert result.exit_code == 0 and signal.getsignal(signal.SIGTERM) is before


def test_sigterm_stops_a_long_query_at_once_and_a_render_leaves_nothing(audited_db, tmp_path):
    """cron's `timeout` and systemd's stop send SIGTERM: the console script dies of it at once
    (a long DuckDB query does not wait for Python), after ending a report's browser and removing
    its scratch folder and reserved name."""
    import signal
    import sys
    import time

    from pipeline import copy_db

    db = copy_db(audited_db[0], tmp_path)
    entry = [sys.executable, "-c", "from zfaudit.cli import main; main()"]
    query = subprocess.Popen([*entry, "sql", "--db", str(db), "SELECT count(*) FROM cases a, cases b, "
                              "cases c, cases d, cases e WHERE hash(a.case_id || b.case_id || c.case_id"
                              " || d.case_id || e.case_id) % 7 = 3"], stderr=subprocess.PIPE, text=True)
    time.sleep(4)
    query.send_signal(signal.SIGTERM)
    assert query.wait(20) == -signal.SIGTERM and "Traceback" not in query.stderr.read()
    out = tmp_path / "reports"
    render = subprocess.Popen([*entry, "report", "quarterly", "--db", str(db), "--out", str(out)],
                              stderr=subprocess.PIPE, text=True)
    time.sleep(3)  # inside the notebook (the whole render takes about 8 s)
    render.send_signal(signal.SIGTERM)
    assert render.wait(30) == -signal.SIGTERM
    time.sleep(1)
    assert [p for p in out.rglob("*") if p.is_file() or p.name.startswith(".")] == []
