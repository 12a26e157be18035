"""Profiles: shipped ones match RULES.md, validation messages, a bureau's own profile."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from zfaudit.errors import ProfileError
from zfaudit.profiles import get_profile, list_profiles, profile_summaries, validate

SHIPPED = [
    "linzi_amr", "mingshan_emergency", "pengyang_county", "shandong_district_zhzf", "zhuzhou_cgzf",
]


def _write(tmp_path: Path, text: str, name: str = "bureau.yaml") -> Path:
    p = tmp_path / name
    p.write_text(textwrap.dedent(text), encoding="utf-8")
    return p


def _bad(tmp_path: Path, text: str) -> str:
    with pytest.raises(ProfileError) as e:
        get_profile(_write(tmp_path, "extends: zhuzhou_cgzf\nname: b\n" + textwrap.dedent(text)))
    return str(e.value)


def test_list_and_summaries():
    assert list_profiles() == SHIPPED
    rows = {r["name"]: r for r in profile_summaries()}
    assert rows["zhuzhou_cgzf"] == {
        "name": "zhuzhou_cgzf", "title": "株洲市城市管理和综合执法局", "seed": "001", "rules": 17,
    }
    assert rows["mingshan_emergency"]["rules"] == 10
    assert rows["shandong_district_zhzf"]["seed"] == "000"


def test_shipped_profiles_match_rules_md_samples():
    # spot checks against the RULES.md stage and deadline tables
    z = get_profile("zhuzhou_cgzf")
    assert z.stages["service_left"] == ["photo"]
    assert z.get("deadlines.upload") == {"working_days": 2}
    p = get_profile("pengyang_county")
    assert p.stages["inquiry"] == ["rec", "notice"]
    assert p.get("deadlines.archive") == {"days": 20}
    assert p.get("deadlines.upload_remote") == {"hours": 24, "from": "returned_at"}
    lz = get_profile("linzi_amr")
    assert "ZF06" not in lz.rules and "ZF17" in lz.rules
    assert lz.get("access.full_register") is True
    m = get_profile("mingshan_emergency")
    assert m.stages["rectification_check"] == ["photo"]
    assert m.get("deadlines.emergency_approval") == {"hours": 24}
    for name in SHIPPED:  # every weighted rule runs
        prof = get_profile(name)
        assert set(prof.weights) == set(prof.rules)


def test_unknown_profile_lists_the_shipped_ones():
    with pytest.raises(ProfileError, match="zhuzhou_cgzf"):
        get_profile("no_such_bureau")


def test_bureau_profile_extends_and_overrides(tmp_path):
    path = _write(
        tmp_path,
        """\
        extends: zhuzhou_cgzf
        name: zhuzhou_hetang
        title: 株洲市荷塘区城管执法大队
        deadlines:
          upload: {hours: 24}
        weights:
          ZF03: 20
        stages:
          hearing: [req, full]
        """,
    )
    p = get_profile(path)
    assert p.name == "zhuzhou_hetang"
    assert p.title == "株洲市荷塘区城管执法大队"
    # the deadline mapping is replaced key by key: upload changed, archive inherited
    assert p.get("deadlines.upload") == {"hours": 24}
    assert p.get("deadlines.archive") == {"days": 30}
    assert p.get("deadlines.emergency_approval") == {"hours": 24}
    assert p.weights["ZF03"] == 20.0 and p.weights["ZF01"] == 10.0
    assert p.stages["hearing"] == ["req", "full"]  # was [rec]
    assert p.stages["inquiry"] == ["req", "full", "notice"]  # inherited
    assert p.rules == get_profile("zhuzhou_cgzf").rules
    assert p.get("extends") == "zhuzhou_cgzf"


def test_bureau_profile_lists_replace_and_null_weight_removes(tmp_path):
    path = _write(
        tmp_path,
        """\
        extends: zhuzhou_cgzf
        rules: [ZF01, ZF02, ZF03]
        weights: {ZF04: null, ZF05: null, ZF06: null, ZF07: null, ZF08: null, ZF09: null,
                  ZF10: null, ZF11: null, ZF12: null, ZF13: null, ZF14: null, ZF15: null,
                  ZF16: null, ZF17: null}
        """,
        name="hetang_small.yaml",
    )
    p = get_profile(path)
    assert p.name == "hetang_small"  # no name given: the file's name, not the parent's
    assert p.rules == ["ZF01", "ZF02", "ZF03"]
    assert p.weights == {"ZF01": 10.0, "ZF02": 8.0, "ZF03": 14.0}


def test_extends_relative_path_and_cycle(tmp_path):
    (tmp_path / "sub").mkdir()
    _write(tmp_path, "extends: linzi_amr\nname: city\n", name="city.yaml")
    child = _write(tmp_path / "sub", "extends: ../city.yaml\nname: district\n", name="d.yaml")
    assert get_profile(child).get("deadlines.upload") == {"hours": 24}
    _write(tmp_path, "extends: b2.yaml\nname: a\n", name="a2.yaml")
    _write(tmp_path, "extends: a2.yaml\nname: b\n", name="b2.yaml")
    with pytest.raises(ProfileError, match="circular"):
        get_profile(tmp_path / "a2.yaml")


def test_unknown_rule_id(tmp_path):
    msg = _bad(tmp_path, "rules: [ZF01, ZF18]\nweights: null\n")
    assert "ZF18" in msg and "ZF01–ZF17" in msg


def test_unknown_stage_code(tmp_path):
    msg = _bad(tmp_path, "stages: {patroling: [req]}\n")
    assert "未知环节代码 patroling" in msg and "unknown stage code 'patroling'" in msg


def test_unknown_stage_mark(tmp_path):
    msg = _bad(tmp_path, "stages: {hearing: [required]}\n")
    assert "stage hearing: unknown mark(s) required" in msg


def test_weight_for_rule_not_run(tmp_path):
    msg = _bad(tmp_path, "rules: [ZF01, ZF02]\nweights: {ZF03: null, ZF04: null, ZF05: null, "
               "ZF06: null, ZF07: null, ZF08: null, ZF09: null, ZF10: null, ZF11: null, ZF12: null, "
               "ZF13: null, ZF14: null, ZF15: null, ZF16: 4, ZF17: null}\n")
    assert "ZF16 有权重但不在 rules 中" in msg


def test_negative_weight(tmp_path):
    assert "weight of ZF03 must be a number >= 0" in _bad(tmp_path, "weights: {ZF03: -1}\n")


@pytest.mark.parametrize(
    "spec,expect",
    [
        ("{hours: 24, days: 1}", "exactly one of hours / days / working_days"),
        ("{}", "exactly one of hours / days / working_days, got none"),
        ("{weeks: 1}", "exactly one of"),
        ("{hours: 0}", "positive integer"),
        ("{hours: 24, from: returned_at}", "only allowed for upload_remote"),
        ("24", "must be a mapping"),
    ],
)
def test_bad_deadline_specs(tmp_path, spec, expect):
    assert expect in _bad(tmp_path, f"deadlines:\n  upload: {spec}\n")


def test_upload_remote_from_must_be_returned_at(tmp_path):
    msg = _bad(tmp_path, "deadlines:\n  upload_remote: {hours: 24, from: ended_at}\n")
    assert "only allowed for upload_remote" in msg
    ok = _write(tmp_path, "extends: zhuzhou_cgzf\nname: ok\ndeadlines:\n"
                "  upload_remote: {hours: 12, from: returned_at}\n", name="ok.yaml")
    assert get_profile(ok).get("deadlines.upload_remote") == {"hours": 12, "from": "returned_at"}


def test_unknown_deadline_and_top_level_key(tmp_path):
    assert "unknown deadline 'uplaod'" in _bad(tmp_path, "deadlines:\n  uplaod: {hours: 1}\n")
    assert "unknown key(s) deadline" in _bad(tmp_path, "deadline:\n  upload: {hours: 1}\n")


def test_unknown_long_term_trigger(tmp_path):
    assert "unknown long_term_triggers riot" in _bad(
        tmp_path, "keeping:\n  long_term_triggers: [riot]\n"
    )


def test_invalid_yaml(tmp_path):
    p = tmp_path / "x.yaml"
    p.write_text("extends: [zhuzhou_cgzf\n", encoding="utf-8")
    with pytest.raises(ProfileError, match="not valid YAML"):
        get_profile(p)


def test_gb18030_profile_file(tmp_path):
    p = tmp_path / "gbk.yaml"
    p.write_text("extends: zhuzhou_cgzf\nname: gbk\ntitle: 荷塘区城管\n", encoding="gb18030")
    assert get_profile(p).title == "荷塘区城管"


def test_validate_accepts_every_shipped_profile():
    for name in SHIPPED:
        validate(get_profile(name).to_dict(), name)  # no exception


def test_docs_example_profile_is_valid(tmp_path):
    import re

    doc = (Path(__file__).parent.parent / "docs" / "profiles.md").read_text("utf-8")
    example = re.search(r"```yaml\n(.*?)```", doc, re.S).group(1)
    p = get_profile(_write(tmp_path, example, name="hetang.yaml"))
    assert p.name == "zhuzhou_hetang"
    assert p.get("deadlines.upload") == {"hours": 24}
    assert p.stages["hearing"] == ["req", "full"] and p.weights["ZF03"] == 20
