"""Domain errors: the CLI turns each into a one-line message and a non-zero exit."""

import re


def first_line(e: BaseException) -> str:
    """The first line of an error's text (DuckDB appends its internal state below it)."""
    text = str(e).strip()
    return text.splitlines()[0] if text else type(e).__name__


# An option a message tells the user to give, as each caller names it: the Python parameter
# and the command's option. A message writes `option("force")`; its text names the parameter
# (what `zfaudit.load(...)` raises), and cli_text() the option (what `zfaudit` prints).
OPTIONS = {
    "overwrite": ("overwrite=True", "--overwrite"),
    "force": ("force=True", "--force"),
    "encoding": ("encoding=", "--encoding"),
    "case": ("case_id=", "--case"),
    "as_of": ("as_of=", "--as-of"),
    "rectification_days": ("rectification_days=", "--rectification-days"),
}
_MARK = "\x00opt:{}\x00"


def option(name: str) -> str:
    """The place in a message where option `name` (OPTIONS) is named."""
    return _MARK.format(name)


def _name(text: str, cli: bool) -> str:
    return re.sub("\x00opt:(\\w+)\x00", lambda m: OPTIONS[m.group(1)][1 if cli else 0], text)


class ZfauditError(Exception):
    """Base class for errors a user can act on (bad input, missing data, bad options). A
    message may name options with `option(...)`: Python callers read the parameter."""

    def __init__(self, *args: object):
        self.template = str(args[0]) if args else ""
        super().__init__(*((_name(str(a), False) if isinstance(a, str) else a) for a in args))

    def cli_text(self) -> str:
        return _name(self.template, True) if self.template else str(self)


class InputError(ZfauditError):
    """An export file or directory cannot be read as the data contract requires."""


class ProfileError(ZfauditError):
    """A profile name or file is unknown or invalid."""


class CalendarError(ZfauditError):
    """The working-day calendar lacks a year an audit needs."""


class PeriodError(ZfauditError):
    """A period string cannot be parsed."""


class AuditError(ZfauditError):
    """An audit cannot run (no data, missing run, bad database)."""


class DatabaseLockedError(ZfauditError):
    """Another process holds the DuckDB file (DuckDB allows one writer per file)."""


class ReportError(ZfauditError):
    """A report cannot be produced (unknown kind, output exists, notebook failed)."""


class OutputExistsError(ZfauditError):
    """An output file or folder exists and was not to be replaced; the message names the
    switch as "{option}" (overwrite=True in Python, --overwrite on the command line)."""

    def __init__(self, template: str):
        super().__init__(template.replace("{option}", option("overwrite")))


def cli_text(e: ZfauditError) -> str:
    """A domain error as the command line says it: options named as the command's (--force,
    not force=True) — also inside an error that wraps one, such as a report's."""
    text = e.cli_text() if isinstance(e, ZfauditError) else str(e)
    cause = e.__cause__
    while cause is not None:
        if isinstance(cause, ZfauditError) and str(cause) and str(cause) in text:
            text = text.replace(str(cause), cause.cli_text())
        cause = cause.__cause__
    return text
