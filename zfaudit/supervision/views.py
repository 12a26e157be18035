"""The cycle's SQL views, created with every audit (docs/schema.md):

    finding_status    one row per (run, finding key) that is a violation or excused in the run,
                      or a violation in the previous run of its sequence — the lifecycle
    exception_status  one row per (run, register row): how the run judged each exception
"""

from __future__ import annotations

import duckdb

from ..rules.catalogue import deadline_rules, finding_key_of


def finding_status_sql() -> str:
    deadline = ", ".join(f"'{r}'" for r in deadline_rules())
    return f"""
WITH cur AS (   -- this run's violations and excused items (data quality reported apart)
    SELECT f.run_id, {finding_key_of("f")} AS finding_key, f.rule_id, f.unit_id, f.outcome
    FROM findings AS f
    WHERE f.outcome IN ('violation', 'excused') AND f.rule_id NOT LIKE 'DQ%'
), prev AS (    -- the previous run's violations, under the run that follows it
    SELECT ar.run_id, {finding_key_of("f")} AS finding_key, f.rule_id, f.unit_id
    FROM audit_runs AS ar
    JOIN findings AS f ON f.run_id = ar.previous_run_id
    WHERE f.outcome = 'violation' AND f.rule_id NOT LIKE 'DQ%'
), joined AS (
    SELECT coalesce(c.run_id, p.run_id) AS run_id,
           coalesce(c.finding_key, p.finding_key) AS finding_key,
           coalesce(c.rule_id, p.rule_id) AS rule_id,
           coalesce(c.unit_id, p.unit_id) AS unit_id,
           p.finding_key IS NOT NULL AS was_violation,
           coalesce(c.outcome, r.outcome) AS outcome
    FROM cur AS c
    FULL JOIN prev AS p ON p.run_id = c.run_id AND p.finding_key = c.finding_key
    LEFT JOIN recheck_outcomes AS r
      ON c.finding_key IS NULL AND r.run_id = p.run_id AND r.finding_key = p.finding_key
), final AS (
    SELECT j.run_id, j.finding_key, j.rule_id, j.unit_id,
           CASE WHEN j.outcome = 'excused' THEN 'excused'
                WHEN j.outcome = 'violation' AND j.was_violation THEN 'persisting'
                WHEN j.outcome = 'violation' THEN 'new'
                -- a late act stays late: a deadline rule's pass means corrected data
                WHEN j.outcome = 'pass' AND j.rule_id NOT IN ({deadline or "''"}) THEN 'rectified'
                ELSE 'gone' END AS status,
           ar.previous_run_id,
           j.outcome       -- the item's outcome in this run; NULL = out of its scope
    FROM joined AS j JOIN audit_runs AS ar USING (run_id)
)
SELECT * FROM final
"""


EXCEPTION_STATUS_SQL = """
SELECT run_id, exception_id, rule_id, finding_key, status, reason, unit_id, approved_by,
       approved_at
FROM run_exceptions
"""


def create_cycle_views(con: duckdb.DuckDBPyConnection) -> None:
    con.execute(f"CREATE OR REPLACE VIEW finding_status AS {finding_status_sql()}")
    con.execute(f"CREATE OR REPLACE VIEW exception_status AS {EXCEPTION_STATUS_SQL}")
