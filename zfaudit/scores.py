"""The 评议考核 score sheet: RULES.md "Evaluation and assessment", as SQL views and an xlsx.

Per run and unit, a ZF rule is scored when p + v >= 1 and nc <= max_not_checked_share ×
(p + v + nc); else not, with its reason. The profile's weights (from audit_runs.profile_json,
so a run is scored as it was audited) are spread over the scored rules (effective_weight =
100 × weight / Σ weights of the unit's scored rules) and each scores effective_weight ×
(1 − v / max(p + v, min_items)); points_lost is the rest. DQ01/DQ02 are not scored.

Views (docs/schema.md): `score_items` (long: one row per run, unit, rule), `scores` (one row per
run and unit: score, rank, one rate column per rule) and `officer_findings` (findings counted
per officer: a step finding for every officer on the step, a media finding for the holder).
The same SQL is inlined as CTEs when reading, so a read-only connection works on a database
audited before the views existed.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pandas as pd

from .errors import ZfauditError
from .export import writable, write_sheets
from .masking import mask_name
from .profiles import RULE_IDS, cite  # RULE_IDS: one rate column per rule in `scores`
from .rules.catalogue import OUTCOME_ZH, rule_text, run_order, step_rules
from .runs import Db, find_run, load_ids, profile_rules, reading, recorded_profile, run_warnings

# The profile's defaults of RULES.md "Evaluation and assessment", for runs recorded before the
# profiles named them (their recorded profile_json lacks the keys).
DEFAULT_MIN_ITEMS = 5
DEFAULT_MAX_NOT_CHECKED_SHARE = 0.5

SCORE_ITEMS_SQL = f"""
WITH rr AS (
    SELECT run_id, unit_id, rule_id, sum(opportunities) AS opportunities,
           sum(passed) AS passed, sum(violations) AS violations,
           sum(not_checked) AS not_checked
    FROM rule_results
    WHERE rule_id NOT LIKE 'DQ%'   -- data quality is reported apart, never scored
    GROUP BY run_id, unit_id, rule_id
), w AS (
    SELECT rr.*,
           -- a rule the profile does not weight (or weights null) scores nothing
           coalesce(TRY_CAST(json_extract_string(ar.profile_json, '$.weights.' || rr.rule_id)
                             AS DOUBLE), 0) AS weight,
           coalesce(TRY_CAST(json_extract_string(ar.profile_json, '$.min_items') AS DOUBLE),
                    {DEFAULT_MIN_ITEMS}) AS min_items,
           coalesce(TRY_CAST(json_extract_string(ar.profile_json, '$.max_not_checked_share')
                             AS DOUBLE), {DEFAULT_MAX_NOT_CHECKED_SHARE}) AS max_not_checked_share,
           rr.passed + rr.violations > 0 AS scorable
    FROM rr JOIN audit_runs ar USING (run_id)
), r AS (
    SELECT *,
           -- RULES.md: scored when p + v >= 1 and nc <= share x (p + v + nc)
           -- (all not_checked is "mostly", not "no items"; a hair of tolerance so that
           -- 29 of 100 at a share of 0.29 is "not more than", as RULES.md's <= means)
           CASE WHEN not_checked > max_not_checked_share * (passed + violations + not_checked) + 1e-9
                THEN 'mostly_not_checked'
                WHEN passed + violations < 1 THEN 'no_items' END AS not_scored_reason
    FROM w
), s AS (
    SELECT *, not_scored_reason IS NULL AS scored,
           sum(CASE WHEN not_scored_reason IS NULL THEN weight ELSE 0 END)
               OVER (PARTITION BY run_id, unit_id) AS scored_weight
    FROM r
), e AS (
    SELECT *, CASE WHEN scored AND scored_weight > 0 THEN 100 * weight / scored_weight ELSE 0 END
                  AS effective_weight
    FROM s
)
SELECT run_id, unit_id, rule_id,
       CAST(opportunities AS BIGINT) AS opportunities, CAST(passed AS BIGINT) AS passed,
       CAST(violations AS BIGINT) AS violations, CAST(not_checked AS BIGINT) AS not_checked,
       weight, scorable, scored, not_scored_reason, min_items, effective_weight,
       CASE WHEN scorable THEN passed / (passed + violations) END AS rate,
       -- below min_items items each violation costs effective_weight / min_items
       CASE WHEN scored
            THEN effective_weight * (1 - violations / greatest(passed + violations, min_items))
            ELSE 0 END AS points,
       CASE WHEN scored
            THEN effective_weight * violations / greatest(passed + violations, min_items)
            ELSE 0 END AS points_lost
FROM e
"""

_RATE_COLS = ",\n       ".join(
    # the rate of a rule the unit is scored on (a rule not scored shows no rate beside a score
    # that leaves it out)
    f"max(rate) FILTER (WHERE rule_id = '{r}' AND scored) AS rate_{r.lower()}" for r in RULE_IDS
)

SCORES_SQL = f"""
WITH u AS (
    SELECT run_id, unit_id,
           round(sum(points), 2) AS score,
           CAST(count(*) FILTER (WHERE effective_weight > 0) AS INTEGER) AS rules_scored,
           round(sum(points_lost), 2) AS points_lost,
       {_RATE_COLS}
    FROM score_items
    WHERE unit_id IS NOT NULL   -- items of no known unit are listed in score_items, not ranked
    GROUP BY run_id, unit_id
    HAVING count(*) FILTER (WHERE effective_weight > 0) > 0   -- nothing to score: no score
)
SELECT u.run_id, u.unit_id, un.unit_name, u.score,
       -- ranked on the 2-decimal score shown, so equal scores share a rank (1, 1, 3)
       CAST(rank() OVER (PARTITION BY u.run_id ORDER BY u.score DESC) AS INTEGER) AS rank,
       u.rules_scored, u.points_lost, {", ".join(f"u.rate_{r.lower()}" for r in RULE_IDS)}
FROM u LEFT JOIN units un USING (unit_id)
"""


def officer_findings_sql() -> str:
    """Findings per (run, officer, rule, outcome). findings.officer_id is the holder of the
    device for media rules and the officer for ZF02; step rules are spread over step_officers.
    Case and access rules (ZF05, ZF12, ZF14, ZF17) belong to no officer."""
    steps = ", ".join(f"'{r}'" for r in step_rules()) or "NULL"
    return f"""
SELECT run_id, officer_id, rule_id, outcome, CAST(count(*) AS BIGINT) AS findings
FROM (
    SELECT run_id, rule_id, outcome, officer_id FROM findings
    WHERE officer_id IS NOT NULL AND rule_id NOT LIKE 'DQ%'
    UNION ALL
    SELECT f.run_id, f.rule_id, f.outcome, so.officer_id
    FROM findings f JOIN (SELECT DISTINCT step_id, officer_id FROM step_officers) so
         ON so.step_id = f.step_id
    WHERE f.officer_id IS NULL AND f.rule_id IN ({steps})
)
GROUP BY run_id, officer_id, rule_id, outcome
"""


def create_score_views(con: duckdb.DuckDBPyConnection) -> None:
    """Create or replace the views score_items, scores and officer_findings (idempotent)."""
    con.execute(f"CREATE OR REPLACE VIEW score_items AS {SCORE_ITEMS_SQL}")
    con.execute(f"CREATE OR REPLACE VIEW scores AS {SCORES_SQL}")
    con.execute(f"CREATE OR REPLACE VIEW officer_findings AS {officer_findings_sql()}")


def _with(sql: str) -> str:
    # the view definitions as CTEs: they shadow any stored (possibly older) view of the name
    return (f"WITH score_items AS ({SCORE_ITEMS_SQL}), scores AS ({SCORES_SQL}), "
            f"officer_findings AS ({officer_findings_sql()}) {sql}")


def score_items(con: duckdb.DuckDBPyConnection, run_id: str) -> pd.DataFrame:
    """Long form: one row per unit and ZF rule of the run, with weight, rate and points."""
    return con.execute(
        _with("SELECT * FROM score_items WHERE run_id = ? ORDER BY unit_id, rule_id"), [run_id]
    ).df()


def unit_scores(con: duckdb.DuckDBPyConnection, run_id: str, rules: list[str] | None = None
                ) -> pd.DataFrame:
    """One row per scored unit: score, rank, rules scored, and rate_<rule> for `rules`
    (default: every rule column)."""
    df = con.execute(
        _with("SELECT * FROM scores WHERE run_id = ? ORDER BY rank, unit_id"), [run_id]
    ).df()
    if rules is not None:
        keep = {f"rate_{r.lower()}" for r in rules}
        df = df.drop(columns=[c for c in df.columns if c.startswith("rate_") and c not in keep])
    return df


def officer_counts(con: duckdb.DuckDBPyConnection, run_id: str) -> pd.DataFrame:
    """Long form: (officer_id, name, unit_id, unit_name, rule_id, outcome, findings)."""
    return con.execute(
        _with("""
        SELECT f.officer_id, o.name, o.unit_id, un.unit_name, f.rule_id, f.outcome, f.findings
        FROM officer_findings f LEFT JOIN officers o USING (officer_id)
        LEFT JOIN units un ON un.unit_id = o.unit_id
        WHERE f.run_id = ? ORDER BY f.officer_id, f.rule_id, f.outcome"""),
        [run_id],
    ).df()


def officer_rates(con: duckdb.DuckDBPyConnection, run_id: str) -> pd.DataFrame:
    """Per officer and ZF rule: items, passed, violations and rate — the officer's own
    denominators (officer_results, written by the audit). A run audited before that table
    existed has no items: its violations come from the findings, items and rate stay empty."""
    df = con.execute("""
        SELECT r.officer_id, o.name AS officer_name, o.unit_id, un.unit_name, r.rule_id,
               r.items, r.passed, r.violations, r.advisories, r.pending, r.not_checked,
               r.passed / nullif(r.passed + r.violations, 0) AS rate
        FROM officer_results r LEFT JOIN officers o USING (officer_id)
        LEFT JOIN units un ON un.unit_id = o.unit_id
        WHERE r.run_id = ? ORDER BY r.officer_id, r.rule_id""", [run_id]).df()
    if len(df):
        return df
    old = officer_counts(con, run_id)
    old = old[old.outcome == "violation"].rename(columns={"name": "officer_name", "findings": "violations"})
    return old.drop(columns=["outcome"]).assign(items=None, passed=None, rate=None)


def rule_summary(db: Db, run: dict) -> list[dict]:
    """One row per rule of the run (DQ first, then the profile's), with its counts and
    compliance rate (passed ÷ (passed + violations); None when neither)."""
    with reading(db) as con:
        counts = {
            r[0]: r[1:]
            for r in con.execute(
                "SELECT rule_id, sum(opportunities), sum(passed), sum(violations), "
                "sum(advisories), sum(pending), sum(not_checked) FROM rule_results "
                "WHERE run_id = ? GROUP BY rule_id",
                [run["run_id"]],
            ).fetchall()
        }
    out = []
    for rid in run_order(recorded_profile(run).get("rules") or []):
        opp, passed, viol, adv, pend, nc = (int(x or 0) for x in counts.get(rid, (0,) * 6))
        out.append({
            "rule_id": rid,
            "title_zh": rule_text(rid)[0],
            "opportunities": opp, "passed": passed, "violations": viol,
            "advisories": adv, "pending": pend, "not_checked": nc,
            "rate": passed / (passed + viol) if passed + viol else None,
        })
    return out


# ---------------------------------------------------------------- the xlsx score sheet


@dataclass(frozen=True)
class ScoreSheet:
    """What `write_score_sheet` wrote."""

    path: Path
    run_id: str
    units: int
    officers: int


NOT_SCORED_ZH = {
    "no_items": "无合规或违规检查项，不计分",
    "mostly_not_checked": "未检查项过半（如未挂载音像存储时的 ZF13），不计分",
}


def unit_sheet(con: duckdb.DuckDBPyConnection, run: dict) -> pd.DataFrame:
    """单位得分: rank, unit, score, points lost, rules scored, each rule's rate (0–1, blank =
    none); then the units with no scored rule, without a score and saying so."""
    rules, _, _ = profile_rules(run)
    df = unit_scores(con, run["run_id"], rules)
    cols = {"rank": "名次", "unit_id": "单位编码", "unit_name": "单位名称", "score": "得分",
            "points_lost": "扣分", "rules_scored": "计分规则数"}
    cols.update({f"rate_{r.lower()}": f"{r} {rule_text(r)[1]}" for r in rules})
    out = df[list(cols)].rename(columns=cols)
    unscored = con.execute(
        _with("""SELECT DISTINCT i.unit_id, un.unit_name FROM score_items i
                 LEFT JOIN units un USING (unit_id)
                 WHERE i.run_id = ? AND i.unit_id IS NOT NULL
                   AND i.unit_id NOT IN (SELECT unit_id FROM scores WHERE run_id = ?)
                 ORDER BY 1"""), [run["run_id"], run["run_id"]]).fetchall()
    if unscored:
        extra = pd.DataFrame([{"单位编码": u, "单位名称": n, "说明": "无计分规则，本期不评分"}
                              for u, n in unscored])
        out = pd.concat([out.assign(说明=""), extra], ignore_index=True)
    return out


def deduction_sheet(con: duckdb.DuckDBPyConnection, run: dict) -> pd.DataFrame:
    """扣分明细: per unit and rule of the profile: items, violations, rate, effective weight and
    points lost — or why the rule is not scored for the unit (RULES.md)."""
    rules, _, _ = profile_rules(run)
    df = con.execute(_with(
        """SELECT i.*, un.unit_name FROM score_items i LEFT JOIN units un USING (unit_id)
           WHERE i.run_id = ? AND i.unit_id IS NOT NULL ORDER BY i.unit_id, i.rule_id"""),
        [run["run_id"]]).df()
    df = df[df.rule_id.isin(rules)]
    return pd.DataFrame({
        "单位编码": df.unit_id, "单位名称": df.unit_name, "规则": df.rule_id,
        "名称": [rule_text(r)[0] for r in df.rule_id],
        "检查项": df.opportunities, "合规": df.passed, "违规": df.violations,
        "未检查": df.not_checked, "合规率": df.rate, "有效权重": df.effective_weight,
        "扣分": df.points_lost,
        "说明": [NOT_SCORED_ZH.get(r, "") if isinstance(r, str) else "" for r in df.not_scored_reason],
    })


def officer_sheet(con: duckdb.DuckDBPyConnection, run: dict, unmasked: bool = False
                  ) -> pd.DataFrame:
    """人员: one row per officer with findings; totals per outcome, then counts per rule/outcome."""
    long = officer_counts(con, run["run_id"])
    base = ["officer_id", "name", "unit_name"]
    if long.empty:
        return pd.DataFrame(columns=["人员编号", "姓名", "所属单位"])
    long["col"] = long.rule_id + " " + long.outcome.map(OUTCOME_ZH).fillna(long.outcome)
    keys = long[base].drop_duplicates("officer_id").set_index("officer_id")
    by_outcome = long.pivot_table(index="officer_id", columns="outcome", values="findings",
                                  aggfunc="sum", fill_value=0)
    by_outcome = by_outcome.reindex(columns=[o for o in OUTCOME_ZH if o in by_outcome.columns])
    by_outcome.columns = [f"{OUTCOME_ZH[o]}合计" for o in by_outcome.columns]
    by_rule = long.pivot_table(index="officer_id", columns="col", values="findings",
                               aggfunc="sum", fill_value=0)
    rank = {zh: i for i, zh in enumerate(OUTCOME_ZH.values())}
    order = sorted(by_rule.columns, key=lambda c: (c.split(" ")[0], rank.get(c.split(" ")[1], 99), c))
    rates = officer_rates(con, run["run_id"])
    totals = pd.DataFrame(index=keys.index)
    if rates["items"].notna().any():  # the officer's own denominators (officer_results)
        g = rates.groupby("officer_id")
        totals["检查项合计"] = g["items"].sum()
        p, v = g["passed"].sum(), g["violations"].sum()
        totals["合规率"] = (p / (p + v)).where(p + v > 0)
    out = keys.join(totals).join(by_outcome).join(by_rule[order]).reset_index()
    first = "违规合计" if "违规合计" in out.columns else out.columns[-1]
    out = out.sort_values([first, "officer_id"], ascending=[False, True]).reset_index(drop=True)
    if not unmasked:
        out["name"] = pd.Series([mask_name(v) for v in out["name"]], index=out.index, dtype=object)
    return out.rename(columns={"officer_id": "人员编号", "name": "姓名", "unit_name": "所属单位"})


def officer_rule_sheet(con: duckdb.DuckDBPyConnection, run: dict, unmasked: bool = False
                       ) -> pd.DataFrame:
    """人员明细: per officer and rule, the officer's items, violations and rate."""
    df = officer_rates(con, run["run_id"])
    if not unmasked:
        df["officer_name"] = [mask_name(v) for v in df.officer_name]
    return pd.DataFrame({
        "人员编号": df.officer_id, "姓名": df.officer_name, "所属单位": df.unit_name,
        "规则": df.rule_id, "名称": [rule_text(r)[0] for r in df.rule_id],
        "检查项": df["items"], "合规": df.passed, "违规": df.violations, "合规率": df.rate,
    })


def rule_sheet(con: duckdb.DuckDBPyConnection, run: dict) -> pd.DataFrame:
    """规则: per ZF rule of the profile: title, clauses, counts, rate and weight."""
    rules, weights, clauses = profile_rules(run)
    by_rule = {r["rule_id"]: r for r in rule_summary(con, run)}
    rows = []
    for r in rules:
        n = by_rule[r]
        rows.append({
            "规则": r, "名称": n["title_zh"], "依据条款": cite(clauses.get(r, ""), recorded_profile(run)),
            "检查项": n["opportunities"], "合规": n["passed"], "违规": n["violations"],
            "提示": n["advisories"], "待到期": n["pending"], "未检查": n["not_checked"],
            "合规率": n["rate"], "权重": weights.get(r, 0.0),
        })
    return pd.DataFrame(rows)


def _min_items(run: dict) -> int:
    return int(recorded_profile(run).get("min_items", DEFAULT_MIN_ITEMS))


def _share(run: dict) -> float:
    return float(recorded_profile(run).get("max_not_checked_share", DEFAULT_MAX_NOT_CHECKED_SHARE))


def about_sheet(run: dict, unmasked: bool) -> pd.DataFrame:
    """说明: what the sheet is and how it was computed (reproducible from the run)."""
    def fmt(v: object) -> str:
        if not isinstance(v, dt.datetime | pd.Timestamp):
            return str(v)
        return v.strftime("%Y-%m-%d" if v == v.replace(hour=0, minute=0, second=0, microsecond=0)
                          else "%Y-%m-%d %H:%M:%S")

    prof = recorded_profile(run)
    last_day = (pd.Timestamp(run["period_end"]) - pd.Timedelta(seconds=1)).strftime("%Y-%m-%d")
    store = run.get("media_store")
    items = [
        ("审计批次", run["run_id"]),
        ("执法主体", f"{prof.get('title') or run['profile']}（配置 {run['profile']}）"),
        ("审计期间", f"{fmt(run['period_start'])} 至 {last_day}"),
        ("期限判断时点", fmt(run["as_of"])),
        ("音像存储", f"已核验原始文件（{store}）" if isinstance(store, str) and store
         else "未挂载，ZF13 原始记录完整性未核验"),
        ("所含导入批次", "、".join(str(i) for i in load_ids(run)) or "（无）"),
        ("审计提示", "；".join(run_warnings(run)) or "无"),
        ("计分方法", "规则对某单位计分的条件：合规 + 违规 ≥ 1，且未检查项不超过全部检查项的 "
                 f"{_share(run):.0%}；不计分的规则其权重按比例分配给计分规则，满分 100 分。"
                 f"每条计分规则得分 = 有效权重 × (1 − 违规 ÷ max(合规 + 违规, {_min_items(run)}))："
                 f"检查项不少于 {_min_items(run)} 项时即有效权重 × 合规率，少于时每项违规扣有效权重的 "
                 f"1/{_min_items(run)}，避免一项检查决定整条规则。扣分 = 有效权重 − 得分，见「扣分明细」。"
                 "提示、待到期、未检查、例外项不加分也不扣分；DQ01/DQ02 数据质量检查不计分。"),
        ("例外", "例外登记中经审批、理由为本配置对该规则允许、有情况说明（需要时有依据文号）、审批人"
               "不是申请人且审批不晚于期限判断时点的，该检查项记为例外，见「例外登记」。"),
        ("名次", "按两位小数得分从高到低排名，同分同名次。"),
        ("人员归属", "环节类发现计入该环节全部在场执法人员；音像类发现计入持有设备的执法人员；"
                 "ZF02 计入相应执法人员；案件类与调阅类发现不计入个人。"),
        ("个人信息", "未脱敏（仅限内部使用）" if unmasked else "姓名已脱敏"),
    ]
    return pd.DataFrame(items, columns=["项目", "内容"])


def lifecycle_sheet(con: duckdb.DuckDBPyConnection, run: dict) -> pd.DataFrame:
    """整改跟踪: per unit, the run's finding keys by status against the previous run."""
    from .supervision.labels import STATUS_ZH
    from .supervision.lifecycle import unit_counts

    df = unit_counts(con, run["run_id"])
    df = df.rename(columns={"unit_id": "单位编码", "unit_name": "单位名称", **STATUS_ZH})
    prev = run.get("previous_run_id")
    df["比较对象"] = prev if isinstance(prev, str) else "（无上一批次：均为新发现）"
    return df


def exception_sheet(con: duckdb.DuckDBPyConnection, run: dict, unmasked: bool) -> pd.DataFrame:
    """例外登记: every register row as the run judged it (applied ones first), with approver."""
    from .supervision.exceptions import exception_rows

    df = exception_rows(con, run["run_id"], unmasked)
    cols = {"exception_id": "登记编号", "rule_id": "规则", "rule_title": "规则名称",
            "finding_key": "问题编号", "unit_id": "单位编码", "unit_name": "单位名称",
            "reason_zh": "例外理由", "status_zh": "审查结论", "note": "情况说明",
            "document_no": "依据文号", "requested_by": "申请人", "requested_at": "申请时间",
            "approved_by": "审批人", "approved_at": "审批时间"}
    return df[list(cols)].rename(columns=cols)


def write_score_sheet(db: str | Path, out: str | Path, run: str = "latest",
                      unmasked: bool = False, overwrite: bool = False) -> ScoreSheet:
    """Write the score sheet xlsx (单位得分, 人员, 规则, 说明) of `run`; names masked unless
    `unmasked`. Opens the database read-only."""
    out = Path(out)
    if out.suffix.lower() != ".xlsx":
        raise ZfauditError(f"评议考核表须为 .xlsx 文件 / the score sheet is an .xlsx file, not {out.name}")
    writable(out, overwrite)  # before the queries
    with reading(db) as con:
        r = find_run(con, run)
        sheets = {
            "单位得分": unit_sheet(con, r),
            "扣分明细": deduction_sheet(con, r),
            "人员": officer_sheet(con, r, unmasked),
            "人员明细": officer_rule_sheet(con, r, unmasked),
            "规则": rule_sheet(con, r),
            "整改跟踪": lifecycle_sheet(con, r),
            "例外登记": exception_sheet(con, r, unmasked),
            "说明": about_sheet(r, unmasked),
        }
    from .periods import label_zh

    bureau = recorded_profile(r).get("title") or r["profile"]
    write_sheets(sheets, out, overwrite, title=f"{bureau} {label_zh(r['period_start'], r['period_end'])}"
                 f"执法全过程记录评议考核表（审计批次 {r['run_id']}）")
    return ScoreSheet(out, r["run_id"], len(sheets["单位得分"]), len(sheets["人员"]))


# ---------------------------------------------------------------- comparing two runs


def compare_runs(con: duckdb.DuckDBPyConnection, a: dict, b: dict) -> tuple[pd.DataFrame, list[str]]:
    """Per unit and ZF rule, run B against run A: items, violations, rate and points of each and
    their change; and one warning for each setting in which the runs differ (issue 11)."""
    df = con.execute(_with("""
        SELECT coalesce(x.unit_id, y.unit_id) AS unit_id, coalesce(x.rule_id, y.rule_id) AS rule_id,
               x.opportunities AS items_a, y.opportunities AS items_b,
               x.violations AS violations_a, y.violations AS violations_b,
               x.rate AS rate_a, y.rate AS rate_b, x.points AS points_a, y.points AS points_b
        FROM (SELECT * FROM score_items WHERE run_id = $a) x
        FULL OUTER JOIN (SELECT * FROM score_items WHERE run_id = $b) y
             ON x.unit_id IS NOT DISTINCT FROM y.unit_id AND x.rule_id = y.rule_id
        ORDER BY 1, 2"""), {"a": a["run_id"], "b": b["run_id"]}).df()
    for k in ("items", "violations", "rate", "points"):
        df[f"{k}_change"] = df[f"{k}_b"] - df[f"{k}_a"]
    return df, setting_differences(a, b)


def setting_differences(a: dict, b: dict) -> list[str]:
    """One line, Chinese and English, for each setting that makes two runs' numbers not
    directly comparable."""
    out = []
    pa_, pb = recorded_profile(a), recorded_profile(b)
    if a["profile"] != b["profile"] or pa_ != pb:
        same_name = a["profile"] == b["profile"]
        out.append(f"执法主体配置不同{'（同名但内容已改）' if same_name else ''}：{a['profile']} → "
                   f"{b['profile']} / the profiles differ"
                   f"{' (same name, changed content)' if same_name else ''}: "
                   f"{a['profile']} → {b['profile']}")
    sa, sb = a.get("media_store"), b.get("media_store")
    sa, sb = (sa if isinstance(sa, str) else None), (sb if isinstance(sb, str) else None)
    if bool(sa) != bool(sb) or sa != sb:
        out.append(f"音像存储不同：{sa or '未挂载'} → {sb or '未挂载'}（ZF13 不可直接比较）/ the media "
                   f"store differs: {sa or 'none'} → {sb or 'none'} (ZF13 not comparable)")
    if pd.Timestamp(a["as_of"]) != pd.Timestamp(b["as_of"]):
        out.append(f"期限判断时点不同：{pd.Timestamp(a['as_of']):%Y-%m-%d %H:%M} → "
                   f"{pd.Timestamp(b['as_of']):%Y-%m-%d %H:%M}（待到期与超期的划分不同）/ as_of "
                   "differs: deadlines were judged at different times")
    if load_ids(a) != load_ids(b):
        out.append(f"所含导入批次不同：{load_ids(a)} → {load_ids(b)} / the loads differ: "
                   f"{load_ids(a)} → {load_ids(b)}")
    if (a["period_start"], a["period_end"]) != (b["period_start"], b["period_end"]):
        out.append(f"审计期间不同：{a.get('label')} → {b.get('label')} / the periods differ")
    return out
