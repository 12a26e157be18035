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


class OutputExistsError(ZfauditError):
    """An output file or folder exists and was not to be replaced. The text names the Python
    parameter (`overwrite=True`); `cli_text()` the same text naming the command's option
    (`--overwrite`), which is what `zfaudit` prints."""

    API_OPTION = "overwrite=True"
    CLI_OPTION = "--overwrite"

    def __init__(self, template: str):
        self.template = template  # the message with "{option}" where the switch is named
        super().__init__(template.replace("{option}", self.API_OPTION))

    def cli_text(self) -> str:
        return self.template.replace("{option}", self.CLI_OPTION)


def cli_text(e: ZfauditError) -> str:
    """A domain error as the command line says it: where an output exists (also inside an
    error that wraps one, such as a report's), the command's `--overwrite` instead of the API's
    `overwrite=True`."""
    text, cause = str(e), e
    while cause is not None:
        if isinstance(cause, OutputExistsError):
            return text.replace(str(cause), cause.cli_text())
        cause = cause.__cause__
    return text
