"""The audit engine: each rule's SQL materialised in DuckDB, judged by Great Expectations.

For every rule of a profile (DQ01, DQ02 first):
1. `CREATE OR REPLACE TABLE audit.items_<id> AS <rule SQL>` — one row per checked item.
2. GX validates that table with the rule's suite (expectations/<id>.json): the interface
   expectations (columns, rule id, outcome domain, one row per item key), the verdict
   expectation (no `violation`) and the findings expectation (every item `pass`). `$PARAMETER`
   values are filled per run (see `run_parameters`).
3. The findings are the findings expectation's unexpected items: GX returns them as
   `unexpected_index_query` (result_format COMPLETE keyed by the item key); DuckDB runs that
   query to materialise them — GX itself only hands back the first few ids.
4. `rule_results` per unit, cross-checked against GX's element and unexpected counts.

See docs/engine.md.
"""

from __future__ import annotations

import json
import os
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import duckdb
import yaml
from tqdm.auto import tqdm

from .errors import AuditError
from .profiles import Profile

OUTCOMES = ("pass", "violation", "advisory", "pending", "not_checked")
ITEM_COLUMNS = (
    "rule_id", "outcome", "case_id", "step_id", "media_id", "access_id", "officer_id",
    "unit_id", "due_at", "observed_at", "detail",
)
DQ_RULES = ("dq01", "dq02")
ROLES = ("interface", "verdict", "findings")  # meta.zfaudit_role of each suite expectation


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
        return str(self.meta.get("title_zh", self.rule_id))

    @property
    def rate_label_zh(self) -> str:
        return str(self.meta.get("rate_label_zh") or "合规率")

    @property
    def item_key(self) -> list[str]:
        return list(self.meta.get("item_key") or [])


@dataclass
class RuleVerdict:
    """What GX decided about one rule's items."""

    rule: Rule
    success: bool  # the verdict expectation: no item is a violation
    element_count: int  # items (opportunities), from GX
    unexpected_count: int  # non-pass items = findings, from GX
    violation_count: int  # from GX's verdict expectation
    unexpected_index_query: str
    validation_result: Any = field(repr=False, default=None)


def rules_dir() -> Path:
    return Path(str(resources.files("zfaudit").joinpath("rules")))


def expectations_dir() -> Path:
    """expectations/ of a source checkout, or its copy inside an installed wheel."""
    packaged = Path(str(resources.files("zfaudit").joinpath("_expectations")))
    if packaged.is_dir():
        return packaged
    return Path(__file__).resolve().parent.parent / "expectations"


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
            meta["item_key"] = _suite_json(rid).get("meta", {}).get("item_key")
        out[rid] = Rule(rid, sql_path.read_text("utf-8").strip().rstrip(";"), meta)
    return out


def rules_for_profile(profile: Profile) -> list[Rule]:
    """DQ01, DQ02, then the profile's ZF rules in its order; a missing piece stops the audit."""
    known = discover_rules()
    ids = list(DQ_RULES) + [r.lower() for r in profile.rules if r.lower() not in DQ_RULES]
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


@cache
def _suite_json(rule_id: str) -> dict:
    return json.loads((expectations_dir() / f"{rule_id}.json").read_text("utf-8"))


def load_suite(rule: Rule):
    """The rule's GX ExpectationSuite (a fresh object: GX binds suites to one context)."""
    import great_expectations as gx

    data = _suite_json(rule.id)
    return gx.ExpectationSuite(
        name=data["name"], expectations=data["expectations"], meta=data.get("meta")
    )


def run_parameters(rule: Rule, media_store_checked: bool) -> dict[str, list[str]]:
    """`$PARAMETER` values for a rule's suite in this run."""
    allowed = list(OUTCOMES)
    if rule.id == "zf13" and not media_store_checked:
        # RULES.md / DATA_CONTRACT.md: without the media store, integrity is "not checked",
        # never passed — GX refuses a ZF13 `pass` in such a run.
        allowed.remove("pass")
    return {
        "rule_ids": [rule.rule_id],
        "allowed_outcomes": allowed,
        "passing_outcomes": ["pass"],
        "violation_outcomes": ["violation"],
    }


def materialise(con: duckdb.DuckDBPyConnection, rule: Rule) -> None:
    """Run the rule SQL once into audit.items_<id> (a real table in the audited file)."""
    con.execute("CREATE SCHEMA IF NOT EXISTS audit")
    try:
        con.execute(f"CREATE OR REPLACE TABLE audit.{rule.table} AS {rule.sql}")
    except duckdb.Error as e:
        raise AuditError(f"规则 {rule.rule_id} 的 SQL 执行失败 / rule SQL failed: {e}") from e


class GxSession:
    """An ephemeral GX context (no cloud, no analytics, no files) reading our DuckDB file
    through a second cursor on the caller's connection, so it sees every committed table."""

    def __init__(self, con: duckdb.DuckDBPyConnection):
        os.environ["GX_ANALYTICS_ENABLED"] = "false"
        import great_expectations as gx
        import sqlalchemy as sa
        from duckdb_engine import ConnectionWrapper
        from great_expectations.data_context.types.base import ProgressBarsConfig

        from . import gx_compat

        gx_compat.apply()
        self.con = con
        self.context = gx.get_context(mode="ephemeral")
        self.context.variables.progress_bars = ProgressBarsConfig(globally=False)
        self.context.config.analytics_enabled = False  # belt and braces: the env var above
        self.datasource = self.context.data_sources.add_sql(
            "zfaudit",
            connection_string="duckdb:///:memory:",  # dialect only: `creator` gives the connection
            create_temp_table=False,
            kwargs={
                "creator": lambda: ConnectionWrapper(con.cursor()),
                "poolclass": sa.pool.StaticPool,
            },
        )

    def validate(self, rule: Rule, parameters: dict, run_name: str | None = None):
        """Validate audit.items_<id> with the rule's suite; returns GX's suite result."""
        import great_expectations as gx
        from great_expectations.core.run_identifier import RunIdentifier

        with warnings.catch_warnings():
            # GX 1.24 deprecates schema_name in favour of a schema in the connection string;
            # DuckDB's connection string has no schema, so schema_name stays (GX pinned ==1.24.1)
            warnings.simplefilter("ignore", DeprecationWarning)
            asset = self.datasource.add_table_asset(
                rule.id, table_name=rule.table, schema_name="audit"
            )
        batch = asset.add_batch_definition_whole_table("items")
        suite = self.context.suites.add(load_suite(rule))
        vd = self.context.validation_definitions.add(
            gx.ValidationDefinition(name=rule.id, data=batch, suite=suite)
        )
        return vd.run(
            expectation_parameters=parameters,
            result_format={
                "result_format": "COMPLETE",
                "unexpected_index_column_names": rule.item_key,
                "partial_unexpected_count": 20,
            },
            run_id=RunIdentifier(run_name=run_name) if run_name else None,
        )

    def close(self) -> None:
        try:
            self.datasource.get_engine().dispose()
        except Exception:  # the engine may never have been built; nothing to release then
            pass


@contextmanager
def gx_session(con: duckdb.DuckDBPyConnection) -> Iterator[GxSession]:
    session = GxSession(con)
    try:
        yield session
    finally:
        session.close()


def _role(r) -> str:
    return (r.expectation_config.meta or {}).get("zfaudit_role", "interface")


def _vacuous(r) -> bool:
    """GX reports a proportion of unique values of 0 for an empty table and fails the
    expectation; a rule with no items in scope has no duplicate items. (With ≥ 1 item and the
    key checked not NULL, the proportion is > 0.)"""
    return (
        r.expectation_config.type == "expect_column_proportion_of_unique_values_to_be_between"
        and not (r.result or {}).get("observed_value")
    )


def verdict_from(rule: Rule, result) -> RuleVerdict:
    """Read GX's suite result; a metric GX could not compute or a broken interface stops."""
    by_role: dict[str, list] = {role: [] for role in ROLES}
    for r in result.results:
        if r.exception_info and r.exception_info.get("raised_exception"):
            raise AuditError(
                f"GX 无法计算规则 {rule.rule_id} 的指标 / GX failed on {rule.rule_id}: "
                f"{r.exception_info.get('exception_message')}"
            )
        for ei in (r.exception_info or {}).values():
            if isinstance(ei, dict) and ei.get("raised_exception"):
                raise AuditError(
                    f"GX 无法计算规则 {rule.rule_id} 的指标 / GX failed on {rule.rule_id}: "
                    f"{ei.get('exception_message')}"
                )
        by_role[_role(r)].append(r)
    broken = [r.expectation_config.type for r in by_role["interface"]
              if not r.success and not _vacuous(r)]
    if broken:
        raise AuditError(
            f"规则 {rule.rule_id} 的结果不符合接口 / rule {rule.rule_id} items break the rule "
            f"interface: {', '.join(broken)} (audit.{rule.table})"
        )
    if len(by_role["verdict"]) != 1 or len(by_role["findings"]) != 1:
        raise AuditError(f"期望集 {rule.id}.json 须各有一条 verdict 与 findings 期望")
    verdict, findings = by_role["verdict"][0], by_role["findings"][0]
    query = findings.result.get("unexpected_index_query")
    if not query:
        raise AuditError(f"GX 未返回 unexpected_index_query / no unexpected_index_query for {rule.rule_id}")
    return RuleVerdict(
        rule=rule,
        success=bool(verdict.success),
        # GX reports None counts for an empty table
        element_count=int(findings.result.get("element_count") or 0),
        unexpected_count=int(findings.result.get("unexpected_count") or 0),
        violation_count=int(verdict.result.get("unexpected_count") or 0),
        unexpected_index_query=str(query).strip().rstrip(";"),
        validation_result=result,
    )


def evaluate(
    con: duckdb.DuckDBPyConnection,
    session: GxSession,
    rules: list[Rule],
    media_store_checked: bool,
    run_name: str | None = None,
    progress: bool | None = None,
) -> list[RuleVerdict]:
    """Materialise and validate each rule, in order, with a progress bar per rule."""
    out = []
    bar = tqdm(rules, desc="审计 / audit", unit="rule", disable=None if progress is None else not progress)
    for rule in bar:
        bar.set_postfix_str(rule.rule_id)
        materialise(con, rule)
        result = session.validate(rule, run_parameters(rule, media_store_checked), run_name)
        out.append(verdict_from(rule, result))
    return out


def write_results(
    con: duckdb.DuckDBPyConnection,
    run_id: str,
    verdicts: list[RuleVerdict],
    clauses: dict[str, str],
) -> None:
    """Insert findings (from GX's unexpected_index_query) and rule_results; in the caller's
    transaction. Any disagreement with GX's counts stops the audit."""
    for v in verdicts:
        rule = v.rule
        key_match = " AND ".join(f"i.{k} IS NOT DISTINCT FROM u.{k}" for k in rule.item_key)
        cols = ", ".join(f"i.{c}" for c in ITEM_COLUMNS)
        con.execute(
            f"INSERT INTO findings SELECT ?, {cols}, ? FROM audit.{rule.table} AS i "
            f"SEMI JOIN ({v.unexpected_index_query}) AS u ON {key_match}",
            [run_id, clauses.get(rule.rule_id)],
        )
        con.execute(
            "INSERT INTO rule_results SELECT ?, ?, unit_id, count(*), "
            "count(*) FILTER (outcome = 'pass'), count(*) FILTER (outcome = 'violation'), "
            "count(*) FILTER (outcome = 'advisory'), count(*) FILTER (outcome = 'pending'), "
            f"count(*) FILTER (outcome = 'not_checked') FROM audit.{rule.table} GROUP BY unit_id",
            [run_id, rule.rule_id],
        )
        found, violations = con.execute(
            "SELECT count(*), count(*) FILTER (outcome = 'violation') FROM findings "
            "WHERE run_id = ? AND rule_id = ?",
            [run_id, rule.rule_id],
        ).fetchone()
        opportunities = con.execute(
            "SELECT coalesce(sum(opportunities), 0) FROM rule_results WHERE run_id = ? AND rule_id = ?",
            [run_id, rule.rule_id],
        ).fetchone()[0]
        if (found, violations, opportunities) != (
            v.unexpected_count, v.violation_count, v.element_count
        ):
            raise AuditError(
                f"规则 {rule.rule_id} 的结果与 GX 不一致 / {rule.rule_id}: findings {found}, "
                f"violations {violations}, items {opportunities} vs GX {v.unexpected_count}, "
                f"{v.violation_count}, {v.element_count}"
            )
