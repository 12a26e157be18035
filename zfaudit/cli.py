"""The `zfaudit` command: a thin layer over the Python API.

Each command opens what it needs, calls one API function and turns a ZfauditError into a
click.ClickException. Every command's help ends with an `Example:` (tests/test_cli_help.py).
"""

from __future__ import annotations

import functools
from pathlib import Path

import click

from .errors import ZfauditError


def domain_errors(fn):
    """Report a ZfauditError as a one-line message with exit code 1."""

    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        try:
            return fn(*args, **kwargs)
        except ZfauditError as e:
            raise click.ClickException(str(e)) from e

    return wrapper


def db_option(fn):
    return click.option(
        "--db",
        required=True,
        type=click.Path(dir_okay=False, path_type=Path),
        help="DuckDB database file.",
    )(fn)


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


@cli.command()
@click.argument("export_dir", type=click.Path(exists=True, file_okay=False, path_type=Path))
@db_option
@click.option("--progress/--no-progress", default=None, help="Progress bar (default: on a terminal).")
@domain_errors
def load(export_dir, db, progress):
    """Load one export directory into the database (one transaction).

    Example:

        zfaudit load data_samples/bureau --db bureau.duckdb
    """
    from .loader import load as do_load

    report = do_load(export_dir, db, progress=progress)
    click.echo(report.summary_text())
    if report.failed:
        raise click.ClickException(report.failure_message)
