"""Agency profiles: which rules run, stage tables, deadlines, weights, clauses.

Shipped profiles are YAML files in zfaudit/profiles/ transcribed from ../shared/RULES.md.
A bureau's own profile is a YAML file with `extends: <shipped name>` plus overrides; mappings
merge key by key, lists and scalars replace; one deadline spec (`deadlines.upload`) replaces
as a whole. Format reference: docs/profiles.md.
"""

from __future__ import annotations

import copy
import re
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from .contract import contract
from .errors import ProfileError

# The vocabulary of RULES.md that profile files are written in (one home: rules, scores and
# the audit parameters read these).
STAGE_MARKS = ("req", "photo", "rec", "full", "notice")
RULE_IDS = tuple(f"ZF{i:02d}" for i in range(1, 18))  # the catalogue's ids (RULES.md; stable)
DEADLINES = ("upload", "upload_remote", "archive", "emergency_approval")
DEADLINE_UNITS = ("hours", "days", "working_days")
FIELD_STAGES = (
    "inquiry", "inspection", "sampling", "preservation", "seizure", "release", "demolition",
    "enforcement", "random_inspection", "spot_sampling", "rectification_check", "destruction",
)  # RULES.md "Stage sets"
LONG_TERM_TRIGGERS = ("risk_high", "disputed", "obstructed", "mass_incident", "evidence", "major")
TOP_KEYS = (
    "name", "title", "seed", "regulation", "description", "extends", "rules", "stages",
    "simple_decision_notice", "obstructed_field_full", "gap_tolerance_seconds",
    "deadlines", "keeping", "access", "weights", "clauses", "min_items", "max_not_checked_share",
    "exception_reasons", "rectification_days",
)
# RULES.md "Supervision cycle": the reasons that also need a document_no (the provision)
REASONS_NEEDING_DOCUMENT = ("special_legal_provision",)


@dataclass(frozen=True)
class Profile:
    name: str
    data: dict[str, Any]

    @property
    def rules(self) -> list[str]:
        return list(self.data["rules"])

    @property
    def stages(self) -> dict[str, list[str]]:
        return {k: list(v or []) for k, v in self.data.get("stages", {}).items()}

    @property
    def title(self) -> str:
        return str(self.data.get("title", self.name))

    @property
    def weights(self) -> dict[str, float]:
        # a null weight is how a bureau's file removes an inherited one
        return {k: float(v) for k, v in (self.data.get("weights") or {}).items() if v is not None}

    @property
    def exception_reasons(self) -> dict[str, list[str]]:
        """rule id → the exception reasons the profile accepts for it (RULES.md table)."""
        return {k.upper(): list(v or []) for k, v in (self.data.get("exception_reasons") or {}).items()}

    @property
    def clauses(self) -> dict[str, str]:
        return dict(self.data.get("clauses", {}))

    def get(self, dotted: str, default: Any = None) -> Any:
        node: Any = self.data
        for part in dotted.split("."):
            if not isinstance(node, dict) or part not in node:
                return default
            node = node[part]
        return node

    def to_dict(self) -> dict[str, Any]:
        return copy.deepcopy(self.data)


def shipped_dir():
    return resources.files("zfaudit").joinpath("profiles")


def list_profiles() -> list[str]:
    return sorted(p.name[:-5] for p in shipped_dir().iterdir() if p.name.endswith(".yaml"))


def _merge(base: dict, over: dict, path: tuple[str, ...] = ()) -> dict:
    out = copy.deepcopy(base)
    for k, v in over.items():
        # a deadline spec is one value: {hours: 24} over {working_days: 2} must not keep both
        atomic = path == ("deadlines",)
        if isinstance(v, dict) and isinstance(out.get(k), dict) and not atomic:
            out[k] = _merge(out[k], v, path + (str(k),))
        else:
            out[k] = copy.deepcopy(v)
    return out


def _read_yaml(text: str, origin: str) -> dict:
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as e:
        raise ProfileError(f"配置文件无法解析 / profile {origin} is not valid YAML: {e}") from e
    if not isinstance(data, dict):
        raise ProfileError(f"配置文件格式错误 / profile {origin} must be a YAML mapping")
    return data


def _resolve(data: dict, origin: str, seen: tuple[str, ...], base_dir: Path | None) -> dict:
    parent = data.get("extends")
    if not parent:
        return data
    parent = str(parent)
    if parent in seen:
        raise ProfileError(f"配置循环继承 / profile {origin}: circular extends {parent}")
    raw, parent_dir = _load_raw(parent, base_dir)
    base = _resolve(raw, parent, seen + (parent,), parent_dir)
    merged = _merge(base, {k: v for k, v in data.items() if k != "extends"})
    merged["extends"] = parent
    return merged


def _load_raw(name_or_path: str | Path, base_dir: Path | None = None) -> tuple[dict, Path | None]:
    """The unresolved YAML mapping and the directory relative `extends` paths start from."""
    name = str(name_or_path)
    shipped = shipped_dir().joinpath(f"{name}.yaml")
    if "/" not in name and not name.endswith((".yaml", ".yml")) and shipped.is_file():
        return _read_yaml(shipped.read_text("utf-8"), name), None
    path = Path(name)
    if base_dir is not None and not path.is_absolute() and not path.is_file():
        path = base_dir / path  # `extends: ../common.yaml` is relative to the extending file
    if path.is_file():
        try:
            text = path.read_text("utf-8-sig")
        except UnicodeDecodeError:
            text = path.read_text("gb18030")  # saved from a Chinese Windows editor
        return _read_yaml(text, name), path.resolve().parent
    if "/" in name or "\\" in name or name.endswith((".yaml", ".yml")):
        # a path, not a name: say where it was looked for
        raise ProfileError(
            f"配置文件不存在 / profile file not found: {path.resolve()} (a profile file is a "
            f"bureau's YAML, docs/profiles.md; shipped profiles: {', '.join(list_profiles())})"
        )
    raise ProfileError(
        f"未知的配置 / unknown profile {name!r}: use one of {', '.join(list_profiles())} or a YAML file path"
    )


def get_profile(name_or_path: str | Path | Profile) -> Profile:
    """A shipped profile by name, or a bureau's profile file (which may extend one)."""
    if isinstance(name_or_path, Profile):
        return name_or_path
    raw, base_dir = _load_raw(name_or_path)
    if raw.get("extends") and "name" not in raw and base_dir is not None:
        # a bureau's file without a name must not pass itself off as the shipped parent
        raw["name"] = Path(str(name_or_path)).stem
    data = _resolve(raw, str(name_or_path), (str(name_or_path),), base_dir)
    if "name" not in data:
        raise ProfileError(f"配置缺少 name / profile {name_or_path} has no name")
    for key in ("rules", "deadlines"):
        if key not in data:
            raise ProfileError(f"配置缺少 {key} / profile {name_or_path} lacks {key!r}")
    validate(data, str(name_or_path))
    _check_reason_ceiling(data, raw, base_dir, str(name_or_path))
    return Profile(str(data["name"]), data)


def _shipped_root(raw: dict, base_dir: Path | None, origin: str) -> str | None:
    """The shipped profile a bureau's file ultimately extends (None: it extends none)."""
    seen = {origin}
    while raw.get("extends"):
        parent = str(raw["extends"])
        if parent in list_profiles() and "/" not in parent:
            return parent
        if parent in seen:
            return None  # _resolve has already refused the circle
        seen.add(parent)
        raw, base_dir = _load_raw(parent, base_dir)
    return None


def _check_reason_ceiling(data: dict, raw: dict, base_dir: Path | None, origin: str) -> None:
    """RULES.md: a bureau's profile may narrow the exception reasons, never widen them beyond
    the table — the column of the shipped profile it extends, or (extending none) any column."""
    if base_dir is None:  # a shipped profile is a column of the table itself
        return
    root = _shipped_root(raw, base_dir, origin)
    roots = [root] if root else list_profiles()
    allowed: set[tuple[str, str]] = set()
    for name in roots:
        shipped = _read_yaml(shipped_dir().joinpath(f"{name}.yaml").read_text("utf-8"), name)
        allowed |= {(r.upper(), x) for r, xs in (shipped.get("exception_reasons") or {}).items()
                    for x in xs or []}
    wider = sorted(f"{r}:{x}" for r, xs in (data.get("exception_reasons") or {}).items()
                   for x in xs or [] if (str(r).upper(), x) not in allowed)
    if wider:
        where = f"其继承的 {root}" if root else "任一内置配置"
        _fail(origin, f"exception_reasons 超出{where}允许的范围：{', '.join(wider)}（只能收窄，不能放宽）",
              f"exception_reasons widen what {root or 'any shipped profile'} allows: "
              f"{', '.join(wider)} (a bureau's profile may narrow them, never widen them)")


def profile_summaries() -> list[dict[str, Any]]:
    """One row per shipped profile: name, title, seed, number of rules."""
    out = []
    for name in list_profiles():
        p = get_profile(name)
        out.append(
            {"name": p.name, "title": p.title, "seed": str(p.get("seed", "")), "rules": len(p.rules)}
        )
    return out


def _fail(origin: str, zh: str, en: str) -> None:
    raise ProfileError(f"配置 {origin} 有误：{zh} / profile {origin}: {en}")


def _check_rule_ids(origin: str, ids: Any, where: str) -> None:
    bad = [r for r in ids if r not in RULE_IDS]
    if bad:
        _fail(origin, f"{where} 中有未知规则 {', '.join(map(str, bad))}（有效：ZF01–ZF17）",
              f"unknown rule id(s) {', '.join(map(str, bad))} in {where} (valid: ZF01–ZF17)")


def _check_deadline(origin: str, name: str, spec: Any) -> None:
    if spec is None:
        return  # the profile has no such deadline
    if not isinstance(spec, dict):
        _fail(origin, f"期限 {name} 应为映射，如 {{hours: 24}}",
              f"deadline {name} must be a mapping like {{hours: 24}}")
    units = [u for u in DEADLINE_UNITS if spec.get(u) is not None]
    if len(units) != 1:
        _fail(origin, f"期限 {name} 须且只能给出 hours / days / working_days 之一",
              f"deadline {name} needs exactly one of hours / days / working_days, got {units or 'none'}")
    value = spec[units[0]]
    if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
        _fail(origin, f"期限 {name}.{units[0]} 应为正整数",
              f"deadline {name}.{units[0]} must be a positive integer, got {value!r}")
    extra = set(spec) - set(DEADLINE_UNITS) - {"from"}
    if extra:
        _fail(origin, f"期限 {name} 有未知项 {', '.join(sorted(extra))}",
              f"deadline {name} has unknown key(s) {', '.join(sorted(extra))}")
    if "from" in spec:
        if name != "upload_remote" or spec["from"] != "returned_at":
            _fail(origin, "from: returned_at 只适用于 upload_remote（异地执法返回后起算）",
                  f"deadline {name}: 'from: returned_at' is only allowed for upload_remote")


def validate(data: dict[str, Any], origin: str = "profile") -> None:
    """Raise ProfileError naming the first thing wrong with a resolved profile mapping."""
    unknown = sorted(set(data) - set(TOP_KEYS))
    if unknown:
        _fail(origin, f"未知配置项 {', '.join(unknown)}", f"unknown key(s) {', '.join(unknown)}")
    if not re.fullmatch(r"[A-Za-z0-9_\-]+", str(data["name"])):
        _fail(origin, "name 只能含字母、数字、下划线、连字符",
              f"name {data['name']!r} may only hold letters, digits, _ and -")
    _check_rules(origin, data["rules"])
    _check_stages(origin, data.get("stages") or {})
    _check_deadlines(origin, data["deadlines"] or {})
    _check_weights(origin, data.get("weights") or {}, data["rules"])
    _check_rule_ids(origin, data.get("clauses") or {}, "clauses")
    _check_keeping(origin, data.get("keeping") or {})
    _check_scoring(origin, data)
    _check_exception_reasons(origin, data.get("exception_reasons") or {})
    if "regulation" in data and not isinstance(data["regulation"], str):
        _fail(origin, "regulation 应为文字（制度名称）", "regulation must be text (the regulation's name)")
    days = data.get("rectification_days", 15)
    if isinstance(days, bool) or not isinstance(days, int) or days < 1:
        _fail(origin, "rectification_days 应为正整数", f"rectification_days must be an integer >= 1, got {days!r}")
    gap = data.get("gap_tolerance_seconds", 120)
    if isinstance(gap, bool) or not isinstance(gap, int) or gap < 0:
        _fail(origin, "gap_tolerance_seconds 应为非负整数", "gap_tolerance_seconds must be an integer >= 0")


def _check_rules(origin: str, rules: Any) -> None:
    if not isinstance(rules, list) or not rules:
        _fail(origin, "rules 应为非空列表", "rules must be a non-empty list")
    _check_rule_ids(origin, rules, "rules")
    if len(set(rules)) != len(rules):
        _fail(origin, "rules 有重复", "rules lists a rule twice")


def _check_stages(origin: str, stages: Any) -> None:
    if not isinstance(stages, dict):
        _fail(origin, "stages 应为映射（环节: [标记]）", "stages must be a mapping stage: [marks]")
    codes = contract().codesets["stage"]
    for stage, marks in stages.items():
        if stage not in codes:
            _fail(origin, f"未知环节代码 {stage}", f"unknown stage code {stage!r} "
                  f"(valid: {', '.join(codes)})")
        if marks is not None and not isinstance(marks, list):
            _fail(origin, f"环节 {stage} 的标记应为列表", f"stage {stage}: marks must be a list")
        bad = [m for m in marks or [] if m not in STAGE_MARKS]
        if bad:
            _fail(origin, f"环节 {stage} 有未知标记 {', '.join(map(str, bad))}",
                  f"stage {stage}: unknown mark(s) {', '.join(map(str, bad))} "
                  f"(valid: {', '.join(STAGE_MARKS)})")


def _check_deadlines(origin: str, deadlines: Any) -> None:
    if not isinstance(deadlines, dict):
        _fail(origin, "deadlines 应为映射", "deadlines must be a mapping")
    for name, spec in deadlines.items():
        if name not in DEADLINES:
            _fail(origin, f"未知期限 {name}", f"unknown deadline {name!r} (valid: {', '.join(DEADLINES)})")
        _check_deadline(origin, name, spec)


def _check_weights(origin: str, weights: Any, rules: list) -> None:
    if not isinstance(weights, dict):
        _fail(origin, "weights 应为映射（规则: 权重）", "weights must be a mapping rule: weight")
    _check_rule_ids(origin, weights, "weights")
    for rule, w in weights.items():
        if w is None:
            continue
        if isinstance(w, bool) or not isinstance(w, int | float) or w < 0:
            _fail(origin, f"{rule} 的权重应为非负数", f"weight of {rule} must be a number >= 0")
        if rule not in rules:
            _fail(origin, f"{rule} 有权重但不在 rules 中（不运行）",
                  f"weight given for {rule}, which is not in rules (not run); remove it or set it to null")


def _check_scoring(origin: str, data: dict) -> None:
    """评议考核 parameters (RULES.md "Evaluation and assessment")."""
    n = data.get("min_items", 5)
    if isinstance(n, bool) or not isinstance(n, int) or n < 1:
        _fail(origin, "min_items 应为正整数", f"min_items must be an integer >= 1, got {n!r}")
    share = data.get("max_not_checked_share", 0.5)
    if isinstance(share, bool) or not isinstance(share, int | float) or not 0 <= share <= 1:
        _fail(origin, "max_not_checked_share 应为 0 到 1 之间的数",
              f"max_not_checked_share must be a number from 0 to 1, got {share!r}")


def _check_exception_reasons(origin: str, reasons: Any) -> None:
    if not isinstance(reasons, dict):
        _fail(origin, "exception_reasons 应为映射（规则: [理由代码]）",
              "exception_reasons must be a mapping rule: [reason codes]")
    _check_rule_ids(origin, reasons, "exception_reasons")
    codes = contract().codesets["exception_reason"]
    for rule, xs in reasons.items():
        if xs is not None and not isinstance(xs, list):
            _fail(origin, f"{rule} 的例外理由应为列表", f"exception_reasons of {rule} must be a list")
        if len(set(xs or [])) != len(xs or []):
            _fail(origin, f"{rule} 的例外理由有重复", f"exception_reasons of {rule} lists a reason twice")
        bad = [x for x in xs or [] if x not in codes]
        if bad:
            _fail(origin, f"{rule} 有未知例外理由 {', '.join(map(str, bad))}",
                  f"{rule}: unknown exception reason(s) {', '.join(map(str, bad))} "
                  f"(valid: {', '.join(codes)})")


def _check_keeping(origin: str, keeping: dict) -> None:
    triggers = keeping.get("long_term_triggers") or []
    bad = [t for t in triggers if t not in LONG_TERM_TRIGGERS]
    if bad:
        _fail(origin, f"未知长期保存情形 {', '.join(map(str, bad))}",
              f"unknown long_term_triggers {', '.join(map(str, bad))} "
              f"(valid: {', '.join(LONG_TERM_TRIGGERS)})")


def cite(clauses: str | None, profile: dict) -> str:
    """Clause references as a reader cites them: the profile's own regulation by its name
    (《株洲市…记录制度》第三十七条), not by the seed number ("001 第三十七条") the profile files use."""
    text = str(clauses or "")
    seed, name = str(profile.get("seed") or ""), profile.get("regulation")
    if not seed or not name:
        return text
    return re.sub(rf"(?<![0-9]){re.escape(seed)}\s*(?=第)", str(name), text)


def dump_profile(profile: Profile, fmt: str = "yaml") -> str:
    """The resolved profile as YAML or JSON text (Chinese kept readable)."""
    if fmt == "json":
        import json

        return json.dumps(profile.to_dict(), ensure_ascii=False, indent=2)
    return yaml.safe_dump(profile.to_dict(), allow_unicode=True, sort_keys=False).rstrip("\n")
