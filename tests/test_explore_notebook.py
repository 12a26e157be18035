"""notebooks/explore.ipynb end to end: papermill runs it on the sample export (load → audit →
findings → SQL → chart → case timeline); the values its last cell prints equal SQL on the db."""

from __future__ import annotations

import json
from pathlib import Path

import nbformat
import papermill as pm
import pytest
from pipeline import AS_OF, PERIOD, PROFILE, SAMPLE

from zfaudit.db import connect

NOTEBOOK = Path(__file__).resolve().parents[1] / "notebooks" / "explore.ipynb"
RULE = "ZF04"


@pytest.fixture(scope="module")
def executed(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("explore")
    export = SAMPLE
    if not any(SAMPLE.glob("*.*")):  # until the sample is committed: a fresh one, same generator
        from zfaudit.sample import write_sample

        export = tmp / "export"
        write_sample(export, cases=150, seed=7)
    db = tmp / "explore.duckdb"
    out = tmp / "explore.out.ipynb"
    pm.execute_notebook(
        str(NOTEBOOK), str(out), kernel_name="python3", progress_bar=False, cwd=str(tmp),
        parameters={"export_dir": str(export), "db": str(db), "profile": PROFILE,
                    "period": PERIOD, "as_of": AS_OF, "rule": RULE},
    )
    return db, nbformat.read(out, as_version=4)


def _checks(nb) -> dict:
    cell = next(c for c in nb.cells if "checks" in c.metadata.get("tags", []))
    text = "".join(o.get("text", "") for o in cell.outputs if o.output_type == "stream")
    return json.loads(text)


def q(db, sql, params=None):
    with connect(db, read_only=True) as con:
        return con.execute(sql, params or []).fetchall()


@pytest.mark.slow
def test_explore_notebook_values_equal_sql(executed):
    db, nb = executed
    got = _checks(nb)
    [(run_id,)] = q(db, "SELECT run_id FROM audit_runs")  # the notebook audited once
    assert got["run_id"] == run_id and got["rule"] == RULE
    [(n,)] = q(db, "SELECT count(*) FROM findings WHERE run_id = ? AND rule_id = ? "
                   "AND outcome = 'violation'", [run_id, RULE])
    assert got["rule_violations"] == n > 0
    by_unit = dict(q(db, "SELECT coalesce(unit_id, ''), count(*) FROM findings WHERE run_id = ? "
                         "AND rule_id = ? AND outcome = 'violation' GROUP BY 1", [run_id, RULE]))
    assert got["by_unit"] == by_unit
    [(case_id, _)] = q(db, """SELECT case_id, count(*) n FROM findings WHERE run_id = ?
                              AND outcome = 'violation' AND case_id IS NOT NULL
                              GROUP BY 1 ORDER BY n DESC, case_id LIMIT 1""", [run_id])
    assert got["case_id"] == case_id
    assert got["case_steps"] == q(db, "SELECT count(*) FROM steps WHERE case_id = ?", [case_id])[0][0]
    assert got["case_findings"] == q(db, "SELECT count(*) FROM findings WHERE run_id = ? "
                                         "AND case_id = ?", [run_id, case_id])[0][0]
    # scores: recomputed from rule_results with the profile's weights and RULES.md's method
    # (scored when p + v >= 1 and nc <= share × all; points = w × (1 − v / max(p + v, min_items)))
    from zfaudit.profiles import get_profile

    prof = get_profile(PROFILE)
    w, n_min, share = prof.weights, prof.get("min_items"), prof.get("max_not_checked_share")
    rows = q(db, "SELECT unit_id, rule_id, sum(passed), sum(violations), sum(not_checked) "
                 "FROM rule_results WHERE run_id = ? AND rule_id LIKE 'ZF%' AND unit_id IS NOT NULL "
                 "GROUP BY ALL", [run_id])  # items of no known unit are not ranked
    acc: dict[str, list[float]] = {}
    for unit, rule, p, v, nc in rows:
        if p + v >= 1 and nc <= share * (p + v + nc) and w.get(rule, 0) > 0:
            a = acc.setdefault(unit, [0.0, 0.0])
            a[0] += w[rule] * (1 - v / max(p + v, n_min))
            a[1] += w[rule]
    assert got["scores"] == pytest.approx({u: round(100 * s / t, 2) for u, (s, t) in acc.items()})


@pytest.mark.slow
def test_explore_notebook_shows_chart_timeline_and_masks(executed):
    db, nb = executed
    outputs = [o for c in nb.cells for o in c.get("outputs", [])]
    plots = [o for o in outputs if "application/vnd.plotly.v1+json" in o.get("data", {})
             or "plotly" in o.get("data", {}).get("text/html", "")]
    assert len(plots) >= 2  # the score chart and the case timeline
    assert not [o for o in outputs if o.output_type == "error"]
    html = "".join(o.get("data", {}).get("text/html", "") for o in outputs)
    names = [n for (n,) in q(db, "SELECT name FROM officers UNION SELECT party_name FROM cases")
             if n and len(n) >= 2]
    assert [n for n in names if n in html] == []  # masked by default
