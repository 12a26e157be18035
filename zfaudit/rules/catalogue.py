"""The rule catalogue: each rule is zfaudit/rules/<id>.sql with its <id>.yaml and
expectations/<id>.json; nothing else registers one (docs/architecture.md "Where to add").

This module only reads those files: no DuckDB, no Great Expectations. It is the one home of
the outcomes and their Chinese labels, the DQ checks, rule titles and rate labels.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path

import yaml

from ..errors import AuditError
from ..profiles import Profile

# `excused` comes only from the exceptions register (RULES.md "Supervision cycle").
OUTCOMES = ("pass", "violation", "advisory", "pending", "not_checked", "excused")
# Chinese labels of the outcomes a finding can have (a pass is never a finding).
OUTCOME_ZH = {"violation": "违规", "advisory": "提示", "pending": "待到期", "not_checked": "未检查",
              "excused": "例外"}
# The columns every rule's SQL returns, in this order (one row per checked item).
ITEM_COLUMNS = (
    "rule_id", "outcome", "case_id", "step_id", "media_id", "access_id", "officer_id",
    "unit_id", "due_at", "observed_at", "detail",
)
# Their Chinese names (as the API's labels="zh" and the notices write them).
ITEM_COLUMNS_ZH = {
    "rule_id": "规则", "outcome": "结果", "case_id": "案件编号", "step_id": "环节编号",
    "media_id": "文件编号", "access_id": "登记编号", "officer_id": "人员编号",
    "unit_id": "单位编码", "due_at": "期限", "observed_at": "实际时间", "detail": "问题描述",
}
# The columns an item key is made of (a rule's item_key is some of them, in this order).
KEY_COLUMNS = ("case_id", "step_id", "media_id", "access_id", "officer_id")
# Data-quality checks: run first in every audit, reported apart, never scored (RULES.md).
DQ_RULES = ("DQ01", "DQ02")


@dataclass(frozen=True)
class Rule:
    id: str  # lower-case file id: zf01, dq01
    sql: str
    meta: dict

    @property
    def rule_id(self) -> str:
        return self.id.upper()

    @property
    def table(self) -> str:
        return f"items_{self.id}"

    @property
    def title_zh(self) -> str:
        return str(self.meta.get("title_zh") or self.rule_id)

    @property
    def rate_label_zh(self) -> str:
        return str(self.meta.get("rate_label_zh") or f"{self.title_zh}合规率")

    @property
    def item_key(self) -> list[str]:
        return list(self.meta.get("item_key") or [])

    @property
    def is_dq(self) -> bool:
        return self.rule_id in DQ_RULES

    @property
    def is_deadline(self) -> bool:
        """A deadline rule (yaml `deadline: true`): a late act stays late, so its finding is
        never `rectified` (RULES.md "Lifecycle") and it is what `warn` looks ahead on."""
        return bool(self.meta.get("deadline"))

    def finding_key_sql(self, alias: str) -> str:
        """SQL of the finding key (RULES.md: rule id and the item key joined by `|`) of the
        row `alias` holding the item key columns."""
        parts = [f"coalesce(CAST({alias}.{k} AS VARCHAR), '')" for k in self.item_key]
        return " || '|' || ".join([f"'{self.rule_id}'", *parts])


def rules_dir() -> Path:
    return Path(str(resources.files("zfaudit").joinpath("rules")))


def shared_dir() -> Path:
    """zfaudit/rules/shared: SQL the rules share (views, macros), not rules themselves."""
    return rules_dir() / "shared"


def shared_models() -> list[tuple[str, str]]:
    """(name, SQL) of each shared model, in file-name order: each file is one
    CREATE OR REPLACE statement on schema `audit` (dbt-style staging models)."""
    return [(p.stem, p.read_text("utf-8")) for p in sorted(shared_dir().glob("*.sql"))]


def expectations_dir() -> Path:
    """expectations/ of a source checkout, or its copy inside an installed wheel."""
    packaged = Path(str(resources.files("zfaudit").joinpath("_expectations")))
    if packaged.is_dir():
        return packaged
    return Path(__file__).resolve().parents[2] / "expectations"


@cache
def suite_json(rule_id: str) -> dict:
    """expectations/<id>.json as data (GX builds its suite from it in zfaudit.engine.gx)."""
    return json.loads((expectations_dir() / f"{rule_id.lower()}.json").read_text("utf-8"))


def discover_rules() -> dict[str, Rule]:
    """Every rule: zfaudit/rules/<id>.sql with its <id>.yaml (nothing else registers one)."""
    out = {}
    for sql_path in sorted(rules_dir().glob("*.sql")):
        rid = sql_path.stem.lower()
        yaml_path = sql_path.with_suffix(".yaml")
        meta = (yaml.safe_load(yaml_path.read_text("utf-8")) if yaml_path.is_file() else None) or {}
        suite_path = expectations_dir() / f"{rid}.json"
        if not meta.get("item_key") and suite_path.is_file():
            # the suite records the key it was written for; the rule's yaml, when present, rules
            meta["item_key"] = suite_json(rid).get("meta", {}).get("item_key")
        out[rid] = Rule(rid, sql_path.read_text("utf-8").strip().rstrip(";"), meta)
    return out


@cache
def _catalogue() -> dict[str, Rule]:
    return discover_rules()


def rules_for_profile(profile: Profile) -> list[Rule]:
    """DQ01, DQ02, then the profile's ZF rules in its order; a missing piece stops the audit."""
    known = discover_rules()
    dq = [r.lower() for r in DQ_RULES]
    ids = dq + [r.lower() for r in profile.rules if r.lower() not in dq]
    missing = [i.upper() for i in ids if i not in known]
    if missing:
        raise AuditError(
            f"规则未实现 / rules not implemented: {', '.join(missing)} (profile {profile.name})"
        )
    rules = [known[i] for i in ids]
    for r in rules:
        if not r.item_key:
            raise AuditError(f"规则 {r.rule_id} 缺少 item_key / rule {r.rule_id}: no item_key in {r.id}.yaml")
        if not (expectations_dir() / f"{r.id}.json").is_file():
            raise AuditError(f"规则 {r.rule_id} 缺少 GX 期望集 / no expectations/{r.id}.json")
    return rules


def run_order(profile_rules: list[str]) -> list[str]:
    """The rule ids of a run as the audit ran them: DQ01, DQ02, then the profile's rules."""
    return list(DQ_RULES) + [r.upper() for r in profile_rules if r.upper() not in DQ_RULES]


def rule_text(rule_id: str) -> tuple[str, str]:
    """(title_zh, rate_label_zh) of a rule; a rule id the installed rules don't know shows as
    itself ('ZF99', 'ZF99 合规率')."""
    rule = _catalogue().get(str(rule_id).lower())
    if rule is None:
        return (str(rule_id), f"{rule_id} 合规率")
    return (rule.title_zh, rule.rate_label_zh)


def outcome_zh(outcome: object) -> object:
    """The Chinese label of an outcome ('pass' → 合规); anything else unchanged."""
    return {"pass": "合规", **OUTCOME_ZH}.get(outcome, outcome)  # type: ignore[call-overload]


def deadline_rules() -> tuple[str, ...]:
    """The deadline rules (ZF04, ZF05, ZF14), read from the rules' yaml."""
    return tuple(sorted(r.rule_id for r in _catalogue().values() if r.is_deadline))


def finding_key_of(alias: str) -> str:
    """SQL of a findings row's key: its recorded finding_key, or (a run recorded before finding
    keys existed) the key computed from its rule's item key."""
    cases = " ".join(f"WHEN '{r.rule_id}' THEN {r.finding_key_sql(alias)}"
                     for r in _catalogue().values())
    return f"coalesce({alias}.finding_key, CASE {alias}.rule_id {cases} END)"


def catalogue() -> dict[str, Rule]:
    """Every installed rule by lower-case id (read once)."""
    return _catalogue()


def step_rules() -> tuple[str, ...]:
    """Rules whose item is one step (item_key [step_id]): their findings go to every officer on
    the step. Read from the rules' yaml, so a new step rule is picked up."""
    return tuple(sorted(
        r.rule_id for r in _catalogue().values() if r.item_key == ["step_id"] and not r.is_dq
    ))
