"""Domain errors: the CLI turns each into a one-line message and a non-zero exit."""


def first_line(e: BaseException) -> str:
    """The first line of an error's text (DuckDB appends its internal state below it)."""
    text = str(e).strip()
    return text.splitlines()[0] if text else type(e).__name__


class ZfauditError(Exception):
    """Base class for errors a user can act on (bad input, missing data, bad options)."""


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
