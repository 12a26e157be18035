"""`zfaudit profiles` and `zfaudit profile show`."""

from __future__ import annotations

import json

import yaml
from click.testing import CliRunner

from zfaudit.cli import cli


def test_profiles_lists_the_five():
    r = CliRunner().invoke(cli, ["profiles"])
    assert r.exit_code == 0, r.output
    lines = r.output.splitlines()
    assert lines[0].split() == ["name", "title", "seed", "rules"]
    rows = {ln.split()[0]: ln.split()[1:] for ln in lines[2:7]}
    assert rows["zhuzhou_cgzf"] == ["株洲市城市管理和综合执法局", "001", "17"]
    assert rows["linzi_amr"] == ["临淄区市场监督管理局", "002", "13"]
    assert rows["pengyang_county"] == ["彭阳县某局", "003", "12"]
    assert rows["mingshan_emergency"] == ["本溪市明山区应急管理局", "004", "10"]
    assert rows["shandong_district_zhzf"] == ["山东某区综合行政执法局", "000", "14"]
    assert lines[7] == "(5 行 / rows)"


def test_profile_show_yaml_and_json(tmp_path):
    r = CliRunner().invoke(cli, ["profile", "show", "pengyang_county"])
    assert r.exit_code == 0, r.output
    data = yaml.safe_load(r.output)
    assert data["deadlines"]["archive"] == {"days": 20}
    assert "彭阳县某局" in r.output  # Chinese readable, not escaped

    f = tmp_path / "hetang.yaml"
    f.write_text(
        "extends: zhuzhou_cgzf\nname: hetang\ndeadlines:\n  upload: {hours: 24}\n"
        "weights: {ZF03: 20}\nstages: {hearing: [req, full]}\n",
        encoding="utf-8",
    )
    r = CliRunner().invoke(cli, ["profile", "show", str(f), "--format", "json"])
    assert r.exit_code == 0, r.output
    data = json.loads(r.output)
    assert data["name"] == "hetang" and data["extends"] == "zhuzhou_cgzf"
    assert data["deadlines"]["upload"] == {"hours": 24}
    assert data["deadlines"]["archive"] == {"days": 30}
    assert data["weights"]["ZF03"] == 20 and data["weights"]["ZF01"] == 10
    assert data["stages"]["hearing"] == ["req", "full"]


def test_profile_show_errors(tmp_path):
    r = CliRunner().invoke(cli, ["profile", "show", "nowhere"])
    assert r.exit_code == 1
    assert "未知的配置 / unknown profile 'nowhere'" in r.output
    f = tmp_path / "bad.yaml"
    f.write_text("extends: linzi_amr\nname: bad\nstages: {patrol: [req]}\n", encoding="utf-8")
    r = CliRunner().invoke(cli, ["profile", "show", str(f)])
    assert r.exit_code == 1 and "unknown stage code 'patrol'" in r.output


def test_a_profile_path_that_does_not_exist_says_file_not_found(tmp_path):
    """issue 16 (partly): `--profile my_bureau.yaml` said "unknown profile"."""
    import pytest

    from zfaudit.errors import ProfileError
    from zfaudit.profiles import get_profile

    with pytest.raises(ProfileError, match="profile file not found: .*my_bureau.yaml"):
        get_profile("my_bureau.yaml")


def test_a_profile_that_looks_like_a_file_is_a_file_and_says_where_it_was_looked_for(
        tmp_path, monkeypatch):
    """issue 16: `zfaudit audit … --profile my_bureau.yaml` without the file; a .yaml / .yml
    suffix or a path separator makes a file, even for a shipped profile's name."""
    monkeypatch.chdir(tmp_path)
    for given in ("my_bureau.yaml", "my_bureau.yml", "conf/hetang", "zhuzhou_cgzf.yaml"):
        r = CliRunner().invoke(cli, ["audit", "--db", "bureau.duckdb", "--profile", given,
                                     "--period", "2026Q3"])
        assert r.exit_code == 1, r.output
        assert f"profile file not found: {tmp_path / given} " in r.output, r.output
        assert "unknown profile" not in r.output
    assert not (tmp_path / "bureau.duckdb").exists()  # refused before anything was opened
    r = CliRunner().invoke(cli, ["audit", "--db", "bureau.duckdb", "--profile", "my_bureau",
                                 "--period", "2026Q3"])
    assert r.exit_code == 1 and "unknown profile 'my_bureau'" in r.output, r.output
