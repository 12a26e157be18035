"""Every registered command is documented: help text present and ending with an Example."""

import click
import pytest
from click.testing import CliRunner

from zfaudit.cli import cli


def _commands(group: click.Group, prefix: tuple[str, ...] = ()):
    for name, cmd in sorted(group.commands.items()):
        yield prefix + (name,), cmd
        if isinstance(cmd, click.Group):
            yield from _commands(cmd, prefix + (name,))


COMMANDS = list(_commands(cli))


def test_core_commands_registered():
    names = {" ".join(path) for path, _ in COMMANDS}
    assert {"load", "sample", "sql", "profiles", "audit", "scores", "report"} <= names


@pytest.mark.parametrize("path,cmd", COMMANDS, ids=[" ".join(p) for p, _ in COMMANDS])
def test_command_has_help_with_example(path, cmd):
    assert cmd.help and cmd.help.strip(), f"zfaudit {' '.join(path)} has no help"
    assert "Example:" in cmd.help, f"zfaudit {' '.join(path)} help lacks an Example:"
    result = CliRunner().invoke(cli, [*path, "--help"])
    assert result.exit_code == 0, result.output
    assert "Example:" in result.output
