"""Queries behind the report notebooks: each opens the database read-only, briefly.

An analyst may hold the same database open in a notebook; DuckDB allows many read-only
processes at once, so reports never take the write lock (see docs/scheduling.md).
All aggregation is set-based SQL in DuckDB; Python only masks and labels the results.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from ..contract import contract
from ..db import connect
from ..errors import AuditError
from ..export import write_sheets
from ..masking import mask_name
from ..periods import label as period_label
from ..pii import frame_scrubber, scrubber
from ..profiles import cite
from ..rules.catalogue import OUTCOME_ZH, rule_text
from ..runs import NEWEST_FIRST, previous_run, profile_rules, recorded_profile
from ..runs import load_ids as run_load_ids
from ..scores import officer_counts, officer_rates
from ..scores import unit_scores as scores_of

# The five headline rates of the quarterly report, in display order.
HEADLINE_RULES = ("ZF03", "ZF04", "ZF05", "ZF01", "ZF12")


def run_line(run: dict) -> str:
    """What every report states about its run: the entity (title and profile name), run id,
    period, as_of, whether the media store was checked, the loads included (issue 11)."""
    from ..periods import label_zh
    from ..runs import load_ids, recorded_profile

    title = recorded_profile(run).get("title") or run["profile"]
    store = run.get("media_store")
    store_text = "已核验原始文件" if isinstance(store, str) and store else "未挂载（ZF13 未核验）"
    from .display import esc

    return (f"执法主体：{esc(title)} · 审计批次：`{run['run_id']}` · "
            f"期间：{label_zh(run['period_start'], run['period_end'])} · "
            f"期限判断时点：{pd.Timestamp(run['as_of']):%Y-%m-%d %H:%M} · "
            f"音像存储：{store_text} · 导入批次：{'、'.join(map(str, load_ids(run))) or '无'}")


def _df(db: str | Path, sql: str, params: list | None = None) -> pd.DataFrame:
    with connect(db, read_only=True) as con:
        return con.execute(sql, params or []).df()


def previous_differences(db: str | Path, run: dict) -> list[str]:
    """The settings in which the previous period's run differs from this one (zfaudit.scores
    .setting_differences, the period apart): the quarterly report's change column says them."""
    from ..scores import setting_differences

    prev = previous_run(db, run)
    if prev is None:
        return []
    return [w for w in setting_differences(prev, run) if "periods differ" not in w]


def _unit_filter(unit: str | None) -> tuple[str, list]:
    return ("AND unit_id = ?", [unit]) if unit else ("", [])


# ---------------------------------------------------------------- quarterly


def headline_rates(db: str | Path, run: dict, unit: str | None = None) -> pd.DataFrame:
    """The five headline rates, with the change against the previous period's run."""
    uf, up = _unit_filter(unit)
    prev = previous_run(db, run)
    ids = [run["run_id"], prev["run_id"] if prev else None]
    df = _df(
        db,
        f"""
        SELECT rule_id,
               sum(passed) FILTER (WHERE run_id = $1) AS passed,
               sum(violations) FILTER (WHERE run_id = $1) AS violations,
               sum(passed) FILTER (WHERE run_id = $2) AS prev_passed,
               sum(violations) FILTER (WHERE run_id = $2) AS prev_violations
        FROM rule_results
        WHERE run_id IN ($1, $2) AND rule_id IN ({",".join("'" + r + "'" for r in HEADLINE_RULES)})
              {uf.replace("?", "$3")}
        GROUP BY rule_id
        """,
        ids + up,
    )
    out = pd.DataFrame({"rule_id": list(HEADLINE_RULES)}).merge(df, on="rule_id", how="left")
    out["rate"] = out.passed / (out.passed + out.violations)
    out["prev_rate"] = out.prev_passed / (out.prev_passed + out.prev_violations)
    out["change"] = out.rate - out.prev_rate
    out["label"] = [rule_text(r)[1] for r in out.rule_id]
    out.attrs["previous"] = prev["label"] if prev else None
    return out


def unit_scores(db: str | Path, run: dict) -> pd.DataFrame:
    """评议考核 score per unit (out of 100) and rank: zfaudit.scores' score sheet (RULES.md).

    Items of no known unit are not ranked (they stay in the headline totals)."""
    with connect(db, read_only=True) as con:
        return scores_of(con, run["run_id"], rules=[])


def deductions(db: str | Path, run: dict, unit: str | None = None) -> pd.DataFrame:
    """扣分明细: per unit and ZF rule, the rules that cost points or are not scored, with their
    counts, effective weight, points lost and the reason (zfaudit.scores, RULES.md)."""
    from ..scores import NOT_SCORED_ZH, score_items

    with connect(db, read_only=True) as con:
        df = score_items(con, run["run_id"])
        names = dict(con.execute("SELECT unit_id, unit_name FROM units").fetchall())
    df = df[df.unit_id.notna() & ((df.points_lost > 0) | ~df.scored.astype(bool))]
    if unit:
        df = df[df.unit_id == unit]
    df = df.assign(
        unit=[names.get(u, u) for u in df.unit_id],
        title=[rule_text(r)[0] for r in df.rule_id],
        reason=[NOT_SCORED_ZH.get(r, "") if isinstance(r, str) else "" for r in df.not_scored_reason],
    )
    return df.sort_values(["unit_id", "points_lost", "rule_id"], ascending=[True, False, True])


def units(db: str | Path) -> pd.DataFrame:
    return _df(db, "SELECT unit_id, unit_name FROM units")


def rule_breakdown(db: str | Path, run: dict, unit: str | None = None) -> pd.DataFrame:
    """Per rule: opportunities, outcome counts, rate and clause references (ZF rules only:
    data-quality checks are reported apart, as RULES.md asks)."""
    uf, up = _unit_filter(unit)
    df = _df(
        db,
        f"""
        SELECT rule_id, sum(opportunities) AS opportunities, sum(passed) AS passed,
               sum(violations) AS violations, sum(advisories) AS advisories,
               sum(pending) AS pending, sum(not_checked) AS not_checked,
               coalesce(sum(excused), 0) AS excused,
               sum(passed) / nullif(sum(passed) + sum(violations), 0) AS rate
        FROM rule_results WHERE run_id = ? AND rule_id NOT LIKE 'DQ%' {uf}
        GROUP BY rule_id ORDER BY rule_id
        """,
        [run["run_id"]] + up,
    )
    clauses = _clauses(db, run)
    df["title"] = [rule_text(r)[0] for r in df.rule_id]
    df["clauses"] = [clauses.get(r, "") for r in df.rule_id]
    return df


def _clauses(db: str | Path, run: dict) -> dict[str, str]:
    # the recorded profile's clauses; a rule it gives none keeps what its findings recorded
    out = profile_rules(run)[2]
    df = _df(
        db,
        "SELECT rule_id, any_value(clauses) AS c FROM findings WHERE run_id = ? "
        "AND clauses IS NOT NULL GROUP BY rule_id",
        [run["run_id"]],
    )
    for r, c in zip(df.rule_id, df.c, strict=True):
        out.setdefault(r, c)
    prof = recorded_profile(run)
    return {r: cite(c, prof) for r, c in out.items()}


def heatmap(db: str | Path, run: dict) -> pd.DataFrame:
    """Unit × rule: passed, violations and rate, one row per pair with an item (long form; the
    chart colours only pairs with enough items to carry a rate)."""
    df = _df(
        db,
        """
        SELECT coalesce(u.unit_name, rr.unit_id, '（单位不明）') AS unit, rr.rule_id,
               sum(passed) AS passed, sum(violations) AS violations,
               sum(passed) / nullif(sum(passed) + sum(violations), 0) AS rate
        FROM rule_results rr LEFT JOIN units u USING (unit_id)
        WHERE run_id = ? AND rule_id NOT LIKE 'DQ%' GROUP BY ALL
        HAVING sum(passed) + sum(violations) > 0
        ORDER BY unit, rule_id
        """,
        [run["run_id"]],
    )
    df["title"] = [rule_text(r)[0] for r in df.rule_id]
    return df


def trend(db: str | Path, run: dict, unit: str | None = None) -> pd.DataFrame:
    """Headline rates for every audited period of this profile (the newest run per period)."""
    uf, up = _unit_filter(unit)
    df = _df(
        db,
        f"""
        WITH runs AS (
            SELECT run_id, period_start, period_end, as_of FROM audit_runs WHERE profile = ?
            QUALIFY row_number() OVER (PARTITION BY period_start, period_end
                                       ORDER BY {NEWEST_FIRST}) = 1
        )
        SELECT runs.period_start, runs.period_end, runs.as_of, rule_id,
               sum(passed) / nullif(sum(passed) + sum(violations), 0) AS rate
        FROM rule_results JOIN runs USING (run_id)
        WHERE rule_id IN ({",".join("'" + r + "'" for r in HEADLINE_RULES)}) {uf}
        GROUP BY ALL ORDER BY runs.period_start, rule_id
        """,
        [run["profile"]] + up,
    )
    df["period"] = [period_label(s, e) for s, e in zip(df.period_start, df.period_end, strict=True)]
    df["label"] = [rule_text(r)[1] for r in df.rule_id]
    # a period the run judged before it ended is not comparable with finished ones: marked
    df["unfinished"] = pd.to_datetime(df.as_of) < pd.to_datetime(df.period_end)
    df.loc[df.unfinished, "period"] = [
        f"{p}（截至{pd.Timestamp(a):%m月%d日}）" for p, a in zip(df.period[df.unfinished],
                                                            df.as_of[df.unfinished], strict=True)]
    return df


def top_officers(
    db: str | Path, run: dict, limit: int = 10, mask_pii: bool = True, unit: str | None = None
) -> pd.DataFrame:
    """Officers with most violations, counted by zfaudit.scores: a step finding for every
    officer on the step, a media finding for the officer who held the device (RULES.md)."""
    with connect(db, read_only=True) as con:
        df = officer_counts(con, run["run_id"])
    df = df[df.outcome == "violation"]
    if unit:
        df = df[df.unit_id == unit]
    df = (
        df.assign(unit=df.unit_name.fillna(df.unit_id))
        .groupby(["officer_id", "name", "unit"], dropna=False)
        .agg(violations=("findings", "sum"), rules=("rule_id", lambda r: "、".join(sorted(set(r)))))
        .reset_index()
        .sort_values(["violations", "officer_id"], ascending=[False, True])
        .head(limit)
        .reset_index(drop=True)
    )
    df["violations"] = df["violations"].astype(int)
    # the officer's own denominators: violations of how many items (officer_results)
    with connect(db, read_only=True) as con:
        rates = officer_rates(con, run["run_id"])
    if rates["items"].notna().any():
        g = rates.groupby("officer_id")
        p, v = g["passed"].sum(), g["violations"].sum()
        df["items"] = df.officer_id.map(g["items"].sum())
        df["rate"] = df.officer_id.map((p / (p + v)).where(p + v > 0))
    if mask_pii:
        df["name"] = df["name"].map(mask_name)
    return df


def cases_needing_attention(
    db: str | Path, run: dict, limit: int = 10, due_within_days: int = 7, mask_pii: bool = True,
    unit: str | None = None,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(cases with most violations, pending deadlines falling due within N days of as_of).

    Data-quality findings (DQ01/DQ02) are reported apart from compliance (RULES.md), so they
    do not count here nor for officers."""
    uf = "AND f.unit_id = ?" if unit else ""
    up = [unit] if unit else []
    most = _df(
        db,
        f"""
        SELECT f.case_id, c.party_name, coalesce(un.unit_name, c.unit_id) AS unit,
               count(*) AS violations,
               string_agg(DISTINCT f.rule_id, '、' ORDER BY f.rule_id) AS rules
        FROM findings f LEFT JOIN cases c USING (case_id)
        LEFT JOIN units un ON un.unit_id = c.unit_id
        WHERE f.run_id = ? AND f.outcome = 'violation' AND f.case_id IS NOT NULL
              AND f.rule_id NOT LIKE 'DQ%' {uf}
        GROUP BY ALL ORDER BY violations DESC, f.case_id LIMIT {int(limit)}
        """,
        [run["run_id"]] + up,
    )
    due = _df(
        db,
        f"""
        SELECT f.case_id, f.rule_id, f.due_at, f.detail, coalesce(un.unit_name, f.unit_id) AS unit
        FROM findings f LEFT JOIN units un USING (unit_id)
        WHERE f.run_id = ? AND f.outcome = 'pending' AND f.due_at IS NOT NULL
              AND f.due_at <= CAST(? AS TIMESTAMP) + to_days(CAST(? AS INTEGER)) {uf}
        ORDER BY f.due_at, f.case_id
        """,
        [run["run_id"], run["as_of"], due_within_days] + up,
    )
    if mask_pii:
        most["party_name"] = most["party_name"].map(mask_name)
        with connect(db, read_only=True) as con:  # the shown rows' own people only (issue 15)
            due["detail"] = due["detail"].map(frame_scrubber(con, due))
    return most, due


def data_quality(db: str | Path, run: dict) -> pd.DataFrame:
    """DQ01/DQ02 finding counts, by check and the kind of item they concern."""
    return _df(
        db,
        """
        SELECT rule_id, count(*) AS findings,
               count(DISTINCT case_id) AS cases, count(DISTINCT step_id) AS steps,
               count(DISTINCT media_id) AS media, count(DISTINCT access_id) AS accesses
        FROM findings WHERE run_id = ? AND rule_id LIKE 'DQ%'
        GROUP BY rule_id ORDER BY rule_id
        """,
        [run["run_id"]],
    )


def quarantine_counts(db: str | Path, run: dict) -> pd.DataFrame:
    """Quarantined rows per table and reason, for the loads the run read (all when unknown),
    table and reason in Chinese."""
    load_ids = run_load_ids(run)
    where = f"WHERE load_id IN ({','.join(str(int(i)) for i in load_ids)})" if load_ids else ""
    df = _df(
        db,
        f"""SELECT table_name, reason, count(*) AS rows FROM quarantine {where}
            GROUP BY ALL ORDER BY table_name, rows DESC, reason""",
    )
    c = contract()
    df["table_name"] = [c.tables[t].zh if t in c.tables else t for t in df.table_name]
    df["reason"] = [c.reason_labels.get(r, r) for r in df.reason]
    return df


def method_appendix(db: str | Path, run: dict) -> tuple[dict, pd.DataFrame]:
    """What reproduces the report: run metadata and the input files with their SHA-256."""
    load_ids = run_load_ids(run)
    where = f"WHERE load_id IN ({','.join(str(int(i)) for i in load_ids)})" if load_ids else ""
    files = _df(
        db,
        f"""SELECT load_id, table_name, file, sha256, rows_read, rows_loaded, rows_quarantined,
                   loaded_at FROM loads {where} ORDER BY load_id, table_name""",
    )
    tables = contract().tables  # Chinese names; the office's own records (例外登记 …) included
    files["table_name"] = [tables[t].zh if t in tables else t for t in files.table_name]
    meta = {
        k: run.get(k)
        for k in (
            "run_id", "profile", "period_start", "period_end", "as_of", "started_at",
            "finished_at", "zfaudit_version", "gx_version", "media_store",
        )
    }
    return meta, files


# ---------------------------------------------------------------- case review


def case_timeline(db: str | Path, run: dict, case_id: str, mask_pii: bool = True) -> dict:
    """Steps, media segments (with late / gap marks) and officers of one case."""
    with connect(db, read_only=True) as con:
        case = con.execute(
            "SELECT c.*, u.unit_name FROM cases c LEFT JOIN units u USING (unit_id) "
            "WHERE case_id = ?",
            [case_id],
        ).df()
        if case.empty:
            raise AuditError(f"找不到案件 / case not found: {case_id}")
        steps = con.execute(
            """
            SELECT s.step_id, s.stage, s.started_at, s.ended_at, s.doc_no,
                   string_agg(o.name, '、' ORDER BY so.officer_id) AS officers,
                   list(so.officer_id ORDER BY so.officer_id) AS officer_ids
            FROM steps s LEFT JOIN step_officers so USING (step_id)
            LEFT JOIN officers o ON o.officer_id = so.officer_id
            WHERE s.case_id = ? GROUP BY ALL ORDER BY s.started_at, s.step_id
            """,
            [case_id],
        ).df()
        media = con.execute(
            """
            SELECT m.media_id, m.step_id, m.kind, m.recorded_start, m.recorded_end,
                   m.uploaded_at, o.name AS officer,
                   -- ZF04's verdict on the upload: late (a violation, excused or not), on time
                   -- (an item of the run's ZF04 without a finding passed), else unknown: pending,
                   -- not_checked, recorded outside the period, or ZF04 not run
                   CASE
                       WHEN NOT $zf04 THEN NULL
                       WHEN z.outcomes && ['violation', 'excused'] THEN true
                       WHEN len(z.outcomes) > 0 THEN NULL
                       WHEN m.recorded_end >= $start AND m.recorded_end < $end THEN false
                   END AS late_upload
            FROM media m LEFT JOIN officers o USING (officer_id)
            LEFT JOIN (SELECT media_id, list(outcome) AS outcomes FROM findings
                       WHERE run_id = $run AND rule_id = 'ZF04' GROUP BY 1) z USING (media_id)
            WHERE m.case_id = $case ORDER BY m.recorded_start, m.media_id
            """,
            {"run": run["run_id"], "case": case_id, "zf04": "ZF04" in profile_rules(run)[0],
             "start": run["period_start"], "end": run["period_end"]},
        ).df()
        media["late_upload"] = media["late_upload"].astype("boolean")  # True / False / <NA>
        gaps = con.execute(
            """SELECT step_id, detail FROM findings
               WHERE run_id = ? AND case_id = ? AND rule_id = 'ZF07' AND outcome = 'violation'""",
            [run["run_id"], case_id],
        ).df()
    if mask_pii:
        case["party_name"] = case["party_name"].map(mask_name)
        case["party_id_no"] = None
        steps["officers"] = [
            "、".join(str(mask_name(n)) for n in (s or "").split("、") if n) or None
            for s in steps.officers
        ]
        media["officer"] = media["officer"].map(mask_name)
        with connect(db, read_only=True) as con:
            gaps["detail"] = gaps["detail"].map(scrubber(con, [case_id]))
    stage_zh = contract().codesets.get("stage", {})
    steps["stage_zh"] = [stage_zh.get(s, s) for s in steps.stage]
    return {"case": case.iloc[0].to_dict(), "steps": steps, "media": media, "gaps": gaps}


def case_findings(db: str | Path, run: dict, case_id: str, mask_pii: bool = True) -> pd.DataFrame:
    """Every finding of the run that concerns the case (its steps, media and accesses)."""
    df = _df(
        db,
        """
        SELECT rule_id, outcome, step_id, media_id, access_id, due_at, observed_at, detail, clauses
        FROM findings WHERE run_id = ? AND case_id = ?
        ORDER BY rule_id, coalesce(step_id, ''), coalesce(media_id, ''), coalesce(access_id, '')
        """,
        [run["run_id"], case_id],
    )
    df["title"] = [rule_text(r)[0] for r in df.rule_id]
    df["outcome_zh"] = df.outcome.map(OUTCOME_ZH).fillna(df.outcome)
    if mask_pii:
        with connect(db, read_only=True) as con:
            df["detail"] = df["detail"].map(scrubber(con, [case_id], df.media_id, df.step_id,
                                                     df.access_id))
    return df


# ---------------------------------------------------------------- spot check


def spot_sample(
    db: str | Path, run: dict, seed: int, per_stage: int = 2, finding_weight: float = 4.0,
    mask_pii: bool = True, unit: str | None = None,
) -> pd.DataFrame:
    """A reproducible weighted sample of the run's media items: `per_stage` per (unit, stage).

    Weighted sampling without replacement (Efraimidis–Spirakis): key = u^(1/w), the top keys
    win; u comes from md5(seed, media_id), so the same seed and data give the same sample on
    any machine. Items with a violation finding in the run weigh `finding_weight`, others 1.
    """
    df = _df(
        db,
        f"""
        WITH m AS (
            SELECT m.*, coalesce(c.unit_id, d.unit_id) AS unit_id,
                   coalesce(s.stage, 'unlinked') AS stage
            FROM media m LEFT JOIN cases c USING (case_id)
            LEFT JOIN devices d USING (device_id)
            LEFT JOIN steps s ON s.step_id = m.step_id
            WHERE m.recorded_end >= ? AND m.recorded_end < ?
        ), f AS (
            SELECT media_id, string_agg(DISTINCT rule_id, '、' ORDER BY rule_id) AS rules
            FROM findings WHERE run_id = ? AND outcome = 'violation' AND media_id IS NOT NULL
            GROUP BY media_id
        ), k AS (
            SELECT m.*, f.rules,
                   CASE WHEN f.rules IS NULL THEN 1.0 ELSE ? END AS weight,
                   (CAST(('0x' || substr(md5(CAST(? AS VARCHAR) || ':' || m.media_id), 1, 13))
                         AS BIGINT) + 0.5) / 4503599627370496.0 AS u
            FROM m LEFT JOIN f USING (media_id)
            {"WHERE m.unit_id = ?" if unit else ""}
        )
        SELECT k.unit_id, un.unit_name, k.stage, k.media_id, k.case_id, k.kind,
               k.recorded_start, k.recorded_end, o.name AS officer, k.path,
               k.rules, k.weight
        FROM k LEFT JOIN units un USING (unit_id) LEFT JOIN officers o USING (officer_id)
        QUALIFY row_number() OVER (PARTITION BY k.unit_id, k.stage
                                   ORDER BY pow(k.u, 1.0 / k.weight) DESC, k.media_id) <= ?
        ORDER BY k.unit_id, k.stage, k.media_id
        """,
        [run["period_start"], run["period_end"], run["run_id"], finding_weight, str(seed)]
        + ([unit] if unit else [])
        + [int(per_stage)],
    )
    from ..supervision.reviews import sample_id

    stage_zh = contract().codesets.get("stage", {})
    df["stage_zh"] = [stage_zh.get(s, "未关联环节" if s == "unlinked" else s) for s in df.stage]
    df.insert(0, "sample_id", [sample_id(seed, m) for m in df.media_id])
    if mask_pii:
        df["officer"] = df["officer"].map(mask_name)
    return df


# the reviewer's columns: the headers `zfaudit reviews import` reads (contract.yaml reviews)
REVIEW_COLUMNS = ("检查结论", "问题类型", "检查人", "检查时间", "备注")


def write_ledger(sample: pd.DataFrame, path: str | Path, meta: dict) -> Path:
    """The 回放检查台帐 as xlsx: one row per sampled item, its 抽检编号 first, the
    reviewer's columns (检查结论 as a drop-down) blank at the right; text never a formula."""
    from ..supervision.reviews import problem_labels

    path = Path(path)
    cols = {
        "sample_id": "抽检编号", "unit_name": "单位", "stage_zh": "环节", "media_id": "文件编号",
        "case_id": "案件编号", "kind": "文件类型", "recorded_start": "拍摄开始时间",
        "officer": "使用人", "path": "存储路径", "rules": "审计发现",
    }
    ledger = sample[list(cols)].rename(columns=cols)
    kinds = contract().codesets["media_kind"]
    ledger["文件类型"] = [kinds.get(k, k) for k in ledger["文件类型"]]
    for c in REVIEW_COLUMNS:
        ledger[c] = ""
    ledger["拍摄开始时间"] = pd.to_datetime(ledger["拍摄开始时间"]).dt.strftime("%Y-%m-%d %H:%M:%S")
    about = pd.DataFrame({"项目": [*meta, "填写说明"], "内容": [
        *(str(v) for v in meta.values()),
        "每行一个抽检项，请勿改动“抽检编号”。检查结论选“合格”或“不合格”；不合格的在“问题类型”填写："
        + "、".join(problem_labels().values()) + "（多项用顿号分隔；选“其他”须在备注中说明）。"
        "检查时间写到时分，如 2026-12-05 14:30。填好后用 zfaudit reviews import 导入。"]})
    # zfaudit.export writes text as text: "=cmd|..." stays text (CSV/xlsx injection)
    # the renderer has checked the path (zfaudit.report.render: --overwrite)
    write_sheets({"回放检查台帐": ledger, "抽样说明": about}, path, overwrite=True,
                 title=f"{meta.get('执法主体', '')}{meta.get('期间', '')}回放检查台帐（审计批次 "
                       f"{meta.get('审计批次', '')}，随机种子 {meta.get('随机种子', '')}）",
                 choices={"回放检查台帐": {"检查结论": list(contract().codesets["review_result"].values())}})
    return path


def lifecycle_units(db: str | Path, run: dict, unit: str | None = None) -> pd.DataFrame:
    """整改跟踪: per unit, finding keys new / persisting / rectified / excused / gone against
    the previous run of the same profile and period (RULES.md "Lifecycle")."""
    from ..supervision.lifecycle import unit_counts

    with connect(db, read_only=True) as con:
        df = unit_counts(con, run["run_id"])
    return df[df.unit_id == unit] if unit else df


def exception_summary(db: str | Path, run: dict, unit: str | None = None) -> pd.DataFrame:
    """例外情况: per rule and reason, register rows, applied and not applied."""
    rows = exception_list(db, run, True, unit)
    if rows.empty:
        return rows
    return (rows.assign(applied=rows.status == "applied")
            .groupby(["rule_id", "rule_title", "reason_zh"], dropna=False)
            .agg(exceptions=("exception_id", "size"), applied=("applied", "sum"))
            .reset_index()
            .assign(not_applied=lambda d: d.exceptions - d.applied))


def exception_list(db: str | Path, run: dict, mask_pii: bool = True, unit: str | None = None
                   ) -> pd.DataFrame:
    """Every register row as the run judged it, with its approver (masked unless asked)."""
    from ..supervision.exceptions import exception_rows

    with connect(db, read_only=True) as con:
        df = exception_rows(con, run["run_id"], unmasked=not mask_pii)
    return df[df.unit_id == unit] if unit else df


def responses(db: str | Path, run: dict, mask_pii: bool = True, unit: str | None = None
              ) -> pd.DataFrame:
    """整改落实情况: the responses to notices of this run's sequence (same profile and period),
    each with its status as of this run (RULES.md "Notices and responses")."""
    from ..supervision.responses import response_status

    with connect(db, read_only=True) as con:
        df = response_status(con, run["run_id"], unmasked=not mask_pii)
        names = dict(con.execute("SELECT unit_id, unit_name FROM units").fetchall())
    same = ((df.profile == run["profile"]) & (df.period_start == pd.Timestamp(run["period_start"]))
            & (df.period_end == pd.Timestamp(run["period_end"])))
    df = df[same]
    if unit:
        df = df[df.unit_id == unit]
    return df.assign(unit_name=[names.get(u, u) for u in df.unit_id])


def response_units(df: pd.DataFrame) -> pd.DataFrame:
    from ..supervision.responses import unit_counts

    out = unit_counts(df)
    names = dict(zip(df.unit_id, df.unit_name, strict=False))
    out.insert(1, "unit_name", [names.get(u, u) for u in out.unit_id])
    return out


def problem_labels() -> dict[str, str]:
    from ..supervision.reviews import problem_labels as labels

    return labels()


def review_units(db: str | Path, run: dict, unit: str | None = None) -> pd.DataFrame:
    """回放抽检: per unit, reviews and problems of the media recorded in the run's period."""
    from ..supervision.reviews import ledger

    with connect(db, read_only=True) as con:
        df = ledger(con, pd.Timestamp(run["period_start"]).to_pydatetime(),
                    pd.Timestamp(run["period_end"]).to_pydatetime())["by_unit"]
    if unit:
        df = df[df.unit_id == unit]
    return df.loc[:, (df != 0).any(axis=0) | df.columns.isin(["unit_id", "unit_name", "reviews",
                                                               "ok", "problem"])]
