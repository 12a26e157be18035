"""Every example in README.md and docs/*.md runs as written (issue 16), in the spirit of
sqlite-utils' tests/test_docs.py.

- Each fenced block says its language. Shell blocks (bash, sh, shell, console) run command by
  command, Python blocks run in one namespace per document (like a notebook: an expression's
  HTML view is produced too), SQL blocks run through `zfaudit sql`. A block marked
  `<!-- docs-test: skip REASON -->` on the line before its fence is not run; one marked
  `<!-- docs-test: file PATH -->` shows a file the repository ships and must equal it.
  Other languages (text, yaml, csv, ini, cron) are shown, never run.
- Each document runs in a folder of its own laid out like the repository root (data_samples/,
  docs/examples/) with `bureau.duckdb`: a copy of the committed sample bureau, loaded, its
  exceptions register imported and audited (2026Q3, zhuzhou_cgzf) once per session. The
  README starts without it, as a new analyst does (its own examples make it).
- A `zfaudit` command runs in-process through click (the console script's own entry point,
  arguments split as a POSIX shell splits them); a line with anything else, or with shell
  syntax (pipes, redirects, substitutions), runs in bash with `zfaudit` on PATH.
- Every command and every option of `zfaudit` is mentioned somewhere in the docs, every id an
  example names exists in the sample, and no command example hides outside a fenced block.

How to mark a block: docs/architecture.md, "Where to add".
"""

from __future__ import annotations

import ast
import json
import os
import re
import shlex
import shutil
import stat
import subprocess
import sys
import traceback
from dataclasses import dataclass
from pathlib import Path

import click
import pytest
from click.testing import CliRunner
from pipeline import REPO, copy_db

from zfaudit.cli import cli
from zfaudit.db import connect

DOCS = [REPO / "README.md", *sorted((REPO / "docs").glob("*.md"))]
SHELL = {"bash", "sh", "shell", "console"}
RUN = SHELL | {"python", "sql"}
SHOWN = {"text", "yaml", "csv", "ini", "cron", "json"}  # shown as they are, never run
FENCE = re.compile(r"^(?P<indent> *)(?P<fence>`{3,}|~{3,})\s*(?P<lang>[\w+-]*)\s*$")
MARKER = re.compile(r"^\s*<!--\s*docs-test:\s*(?P<kind>[\w-]+)\s*(?P<arg>.*?)\s*-->\s*$")


@dataclass(frozen=True)
class Block:
    doc: Path
    line: int  # of the opening fence, 1-based
    lang: str
    code: str
    marker: tuple[str, str] | None  # (kind, argument) of a docs-test comment before the fence

    def __str__(self) -> str:
        return f"{self.doc.relative_to(REPO)}:{self.line}"


def blocks(doc: Path) -> list[Block]:
    """The fenced code blocks of a Markdown file, in order (a fence may be indented, as in a
    list item; the code is dedented by the fence's indent)."""
    lines = doc.read_text("utf-8").splitlines()
    out, i = [], 0
    while i < len(lines):
        m = FENCE.match(lines[i])
        if not m:
            i += 1
            continue
        indent, fence = len(m["indent"]), m["fence"]
        start, body = i, []
        i += 1
        while i < len(lines) and not re.match(rf"^ *{re.escape(fence[0])}{{{len(fence)},}}\s*$", lines[i]):
            body.append(lines[i][indent:] if lines[i][:indent].strip() == "" else lines[i])
            i += 1
        assert i < len(lines), f"{doc.name}:{start + 1}: the code block is never closed"
        before = next((t for t in reversed(lines[:start]) if t.strip()), "")
        mark = MARKER.match(before)
        out.append(Block(doc, start + 1, m["lang"].lower(), "\n".join(body) + "\n",
                         (mark["kind"], mark["arg"]) if mark else None))
        i += 1
    return out


ALL = [b for d in DOCS for b in blocks(d)]


def commands(block: Block) -> list[str]:
    """A shell block's commands: `$ ` lines of a console block, else every line; a line ending
    in a backslash continues on the next; comment-only lines are dropped."""
    out, pending = [], ""
    for t in block.code.splitlines():
        if block.lang == "console" and not pending:
            if not t.startswith("$ "):
                continue  # the command's output
            t = t[2:]
        if t.rstrip().endswith("\\"):
            pending += t.rstrip()[:-1] + " "
            continue
        text = pending + t
        pending = ""
        if shlex.split(text, comments=True):
            out.append(text)
    assert not pending, f"{block}: a command ends in a line continuation"
    return out


def shell_syntax(text: str) -> bool:
    """Whether a command line needs a shell: an operator (| & ; < > ( )), a `$` or a backtick
    (outside a comment). Such a line runs in bash, which is always right, only slower."""
    lexer = shlex.shlex(text, posix=True, punctuation_chars=True)
    return any(set(tok) <= set("|&;<>()") or "$" in tok or "`" in tok for tok in lexer)


# ---------------------------------------------------------------- the folders examples run in


@pytest.fixture(scope="module")
def bin_dir(tmp_path_factory) -> Path:
    """A folder with a `zfaudit` executable (this checkout, this interpreter) for bash lines."""
    d = tmp_path_factory.mktemp("bin")
    exe = d / "zfaudit"
    exe.write_text(f'#!/bin/sh\nPYTHONPATH="{REPO}${{PYTHONPATH:+:$PYTHONPATH}}" '
                   f'exec "{sys.executable}" -m zfaudit "$@"\n')
    exe.chmod(exe.stat().st_mode | stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH)
    return d


# The README starts from nothing, as a new analyst does: its examples make the sample export,
# load it and audit it. Every other document reads an audited bureau.duckdb.
FROM_SCRATCH = {"README.md"}


def workdir(audited_db: tuple[Path, str], root: Path, with_db: bool) -> Path:
    """A folder laid out like the repository root, with an audited `bureau.duckdb` if asked."""
    root.mkdir()
    for sub in ("data_samples", "docs/examples"):
        shutil.copytree(REPO / sub, root / sub)
    if with_db:
        copy_db(audited_db[0], root)
    return root


class Runner:
    """Runs one document's examples in its folder, in order."""

    def __init__(self, root: Path, bin_dir: Path):
        self.root, self.bin_dir = root, bin_dir
        self.namespace: dict = {"__name__": "__docs__"}

    def shell(self, block: Block) -> None:
        for text in commands(block):
            argv = shlex.split(text, comments=True)
            if argv[0] == "zfaudit" and not shell_syntax(text):
                r = CliRunner().invoke(cli, argv[1:], prog_name="zfaudit")
                if r.exit_code != 0:
                    crash = r.exc_info and not isinstance(r.exception, SystemExit)
                    pytest.fail(f"{block}: `{text.strip()}` exited {r.exit_code}:\n{r.output}"
                                + ("".join(traceback.format_exception(*r.exc_info)) if crash else ""))
            else:
                env = {**os.environ, "PATH": f"{self.bin_dir}{os.pathsep}{os.environ['PATH']}"}
                p = subprocess.run(["bash", "-euo", "pipefail", "-c", text], cwd=self.root, env=env,
                                   capture_output=True, text=True, timeout=300)
                if p.returncode != 0:
                    pytest.fail(f"{block}: `{text.strip()}` exited {p.returncode}:\n{p.stdout}{p.stderr}")

    def python(self, block: Block) -> None:
        """Each statement in turn; an expression's value is shown as Jupyter would (its HTML)."""
        tree = ast.parse(block.code, str(block))
        for stmt in tree.body:
            if isinstance(stmt, ast.Expr):
                value = eval(compile(ast.Expression(stmt.value), str(block), "eval"), self.namespace)
                if hasattr(value, "_repr_html_"):
                    assert isinstance(value._repr_html_(), str | None)
            else:
                exec(compile(ast.Module([stmt], []), str(block), "exec"), self.namespace)

    def sql(self, block: Block) -> None:
        """Through `zfaudit sql`, with the --param values the block's own comment gives."""
        hint = re.search(r"^\s*--\s*zfaudit sql .*$", block.code, re.M)
        params = []
        if hint:
            args = shlex.split(hint[0].split("--", 1)[1])
            params = [a for k, a in zip(args, args[1:], strict=False) if k == "--param"]
        argv = ["sql", "--db", "bureau.duckdb", "--format", "json"]
        for p in params:
            argv += ["--param", p]
        argv += ["--", block.code]  # a query may start with a `--` comment
        r = CliRunner().invoke(cli, argv, prog_name="zfaudit")
        assert r.exit_code == 0, f"{block}: the query failed:\n{r.output}"
        assert json.loads(r.output), f"{block}: the query returns no row on the sample"


@pytest.mark.parametrize("doc", DOCS, ids=[str(d.relative_to(REPO)) for d in DOCS])
def test_examples_run_as_written(doc, audited_db, bin_dir, tmp_path, monkeypatch):
    mine = [b for b in ALL if b.doc == doc]
    if any(b.lang in RUN and b.marker is None for b in mine):
        root = workdir(audited_db, tmp_path / "repo", with_db=doc.name not in FROM_SCRATCH)
        monkeypatch.chdir(root)
        runner = Runner(root, bin_dir)
    for block in mine:
        kind, arg = block.marker or ("", "")
        if kind == "skip":
            continue
        if kind == "file":
            shipped = REPO / arg
            assert shipped.is_file(), f"{block}: shows {arg}, which the repository does not ship"
            assert block.code == shipped.read_text("utf-8"), f"{block}: differs from {arg}"
            continue
        if block.lang in SHELL:
            runner.shell(block)
        elif block.lang == "python":
            runner.python(block)
        elif block.lang == "sql":
            runner.sql(block)


# ---------------------------------------------------------------- the docs' own form


def test_every_block_says_its_language_and_every_marker_is_known():
    bad = [f"{b}: ```{b.lang}" for b in ALL if b.lang not in RUN | SHOWN]
    bad += [f"{b}: {b.marker}" for b in ALL
            if b.marker and (b.marker[0] not in ("skip", "file") or not b.marker[1])]
    assert not bad, "a fence needs a language (text for a tree or a synopsis), a marker " \
                    "`skip REASON` or `file PATH`: " + "; ".join(bad)


def test_skipped_examples_are_few():
    skipped = sorted(str(b) for b in ALL if b.marker and b.marker[0] == "skip")
    assert len(skipped) <= 3, skipped


def test_no_command_example_outside_a_fenced_block():
    """An indented (unfenced) `zfaudit …` line would be an example the test never runs."""
    bad = []
    for doc in DOCS:
        inside = set()
        for b in blocks(doc):
            inside |= set(range(b.line, b.line + b.code.count("\n") + 1))
        for n, text in enumerate(doc.read_text("utf-8").splitlines(), 1):
            if n not in inside and re.match(r"^( {4,}|\t)\$? ?zfaudit ", text):
                bad.append(f"{doc.name}:{n}")
    assert not bad, bad


def _commands(cmd: click.Command, path: tuple[str, ...] = ()):
    yield path, cmd
    if isinstance(cmd, click.Group):
        for name, sub in sorted(cmd.commands.items()):
            yield from _commands(sub, path + (name,))


def test_every_command_and_option_is_documented():
    text = "\n".join(d.read_text("utf-8") for d in DOCS)
    missing = []
    for path, cmd in _commands(cli):
        name = " ".join(("zfaudit", *path))
        if path and not re.search(re.escape(name) + r"(?![\w-])", text):
            missing.append(name)
        for param in cmd.params:
            for opt in getattr(param, "opts", []) + getattr(param, "secondary_opts", []):
                if opt.startswith("--") and not re.search(re.escape(opt) + r"(?![\w-])", text):
                    missing.append(f"{name} {opt}")
    assert not missing, f"not in README.md or docs/*.md: {missing}"


# ids as the sample writes them: units XJ10, cases 湘江城管罚〔2026〕000193号, steps HJ000000774,
# media YX0000002343, accesses DY00000001, devices DSJ000030
IDS = {
    "units": ("unit_id", r"\bXJ\d{2}\b"),
    "cases": ("case_id", r"湘江城管.〔\d{4}〕\d{6}号"),
    "steps": ("step_id", r"\bHJ\d{9}\b"),
    "media": ("media_id", r"\bYX\d{10}\b"),
    "media_access": ("access_id", r"\bDY\d{8}\b"),
    "devices": ("device_id", r"\bDSJ\d{6}\b"),
}


def test_every_id_an_example_names_exists_in_the_sample(audited_db):
    text = "\n".join(d.read_text("utf-8") for d in DOCS)
    named = {t: set(re.findall(p, text)) for t, (_, p) in IDS.items()}
    assert named["cases"] and named["units"]  # the docs do name some
    with connect(audited_db[0], read_only=True) as con:
        missing = {t: sorted(ids - {r[0] for r in con.execute(f"SELECT {c} FROM {t}").fetchall()})
                   for t, (c, _) in IDS.items() if (ids := named[t])}
    assert not any(missing.values()), missing
    # the made-up case ids of earlier docs are gone
    assert not re.search(r"\bZZ(CG)?-?2026-\d+", text)
