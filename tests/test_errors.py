"""Messages name the option as their caller gives it (issue 16): Python callers read the
parameter (force=True, case_id=, as_of= …), the command line reads its option (--force …)."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from zfaudit import api
from zfaudit.cli import cli
from zfaudit.errors import OPTIONS, InputError, ZfauditError, cli_text, option
from zfaudit.periods import parse_as_of


@pytest.mark.parametrize("name", sorted(OPTIONS))
def test_every_option_is_named_by_its_caller(name):
    py, cmd = OPTIONS[name]
    e = InputError(f"请用 {option(name)} / use {option(name)}")
    assert str(e) == f"请用 {py} / use {py}" and cli_text(e) == f"请用 {cmd} / use {cmd}"
    wrapped = ZfauditError(f"报告失败 / failed: {e}")
    wrapped.__cause__ = e
    assert cli_text(wrapped) == f"报告失败 / failed: 请用 {cmd} / use {cmd}"


def test_real_messages_name_the_parameter_in_python_and_the_option_on_the_command_line(
        audited_db, tmp_path):
    db, run_id = audited_db
    with pytest.raises(ZfauditError) as e:
        parse_as_of("下周一")
    assert "as_of=" in str(e.value) and "--as-of" not in str(e.value)
    result = CliRunner().invoke(cli, ["warn", "--db", str(db), "--profile", "zhuzhou_cgzf",
                                      "--as-of", "下周一"])
    assert result.exit_code == 1 and "--as-of" in result.output and "as_of=" not in result.output
    with pytest.raises(ZfauditError) as e:
        api.report("case", db, tmp_path / "c.html", run=run_id)
    assert "case_id=" in str(e.value)
    result = CliRunner().invoke(cli, ["report", "case", "--db", str(db), "--out", str(tmp_path / "c.html")])
    assert result.exit_code == 1 and "needs --case" in result.output
    with pytest.raises(ZfauditError) as e:
        api.notice(db, tmp_path / "n", run_id=run_id, rectification_days=0)
    assert str(e.value).startswith("rectification_days= ")
