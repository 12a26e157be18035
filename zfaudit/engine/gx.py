"""Great Expectations, the decider: each rule's items table judged by the rule's suite.

A rule's suite (expectations/<id>.json) holds the interface expectations (columns, rule id,
outcome domain, one row per item key), the verdict expectation (no `violation`) and the
findings expectation (every item `pass`); `$PARAMETER` values are filled per run
(`run_parameters`). The findings are the findings expectation's unexpected items: GX returns
them as `unexpected_index_query` (result_format COMPLETE keyed by the item key), which
zfaudit.engine.findings runs in DuckDB. See docs/engine.md.
"""

from __future__ import annotations

import os
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import duckdb

from ..db import cursor
from ..errors import AuditError
from ..rules.catalogue import OUTCOMES, Rule, suite_json

ROLES = ("interface", "verdict", "findings")  # meta.zfaudit_role of each suite expectation


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


def load_suite(rule: Rule) -> Any:
    """The rule's GX ExpectationSuite (a fresh object: GX binds suites to one context)."""
    import great_expectations as gx

    data = suite_json(rule.id)
    return gx.ExpectationSuite(
        name=data["name"], expectations=data["expectations"], meta=data.get("meta")
    )


def run_parameters(rule: Rule, media_store_checked: bool, excusable: bool = False
                   ) -> dict[str, list[str]]:
    """`$PARAMETER` values for a rule's suite in this run. `excused` is an allowed outcome only
    for a rule the run's profile lets be excused (RULES.md: no other rule can be): GX refuses
    an excused ZF01 item whatever put it there."""
    allowed = [o for o in OUTCOMES if o != "excused" or excusable]
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


class GxSession:
    """An ephemeral GX context (no cloud, no analytics, no files) reading our DuckDB file
    through a second cursor on the caller's connection, so it sees every committed table."""

    def __init__(self, con: duckdb.DuckDBPyConnection):
        with _no_analytics():
            import great_expectations as gx
            import sqlalchemy as sa
            from duckdb_engine import ConnectionWrapper
            from great_expectations.data_context.types.base import ProgressBarsConfig

            from . import gx_compat

            gx_compat.apply()
            self.context = gx.get_context(mode="ephemeral")
        self.con = con
        self.context.variables.progress_bars = ProgressBarsConfig(globally=False)
        self.context.config.analytics_enabled = False  # the context's own switch, for its lifetime
        self.datasource = self.context.data_sources.add_sql(
            "zfaudit",
            connection_string="duckdb:///:memory:",  # dialect only: `creator` gives the connection
            create_temp_table=False,
            kwargs={
                "creator": lambda: ConnectionWrapper(cursor(con)),
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
def _no_analytics() -> Iterator[None]:
    """GX reads GX_ANALYTICS_ENABLED when it is imported and when a context is made: set it
    for that moment only, so the caller's process environment is left as it was."""
    before = os.environ.get("GX_ANALYTICS_ENABLED")
    os.environ["GX_ANALYTICS_ENABLED"] = "false"
    try:
        yield
    finally:
        if before is None:
            os.environ.pop("GX_ANALYTICS_ENABLED", None)
        else:
            os.environ["GX_ANALYTICS_ENABLED"] = before


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


def verdict_from(rule: Rule, result: Any) -> RuleVerdict:
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
