"""The spot-check ledger (抽检台帐, 001 §53; RULES.md "Spot-check ledger").

The spot-check sheet (`zfaudit report spot-check`) gives each sampled media item a sample id,
`CJ<seed>-<media_id>`: the id itself names the item, so a filled sheet finds its item again
without anything recorded when the sheet was drawn (reports never write the database).
`zfaudit reviews import` loads filled sheets into `reviews`; the ledger counts reviews and
problems per unit and officer for the media recorded in a period.
"""

from __future__ import annotations

import datetime as dt

import duckdb
import pandas as pd

from ..contract import contract
from ..masking import mask_frame
from ..pii import frame_scrubber

PREFIX = "CJ"


def sample_id(seed: int | str, media_id: str) -> str:
    return f"{PREFIX}{seed}-{media_id}"


def problem_labels() -> dict[str, str]:
    return dict(contract().codesets["review_problem"])


def reviewed_items(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Every review with its item (media id from the sample id), unit, officer and problems
    (codes, in the order written); unit and officer are NULL when the item is not found."""
    return con.execute(f"""
        WITH r AS (
            SELECT *, CASE WHEN starts_with(sample_id, '{PREFIX}') AND strpos(sample_id, '-') > 0
                           THEN substr(sample_id, strpos(sample_id, '-') + 1) END AS media_id
            FROM reviews
        ), m AS (
            SELECT m.media_id, m.recorded_end, m.officer_id,
                   -- RULES.md: a media item's unit is its case's, else its device's
                   CASE WHEN m.case_id IS NOT NULL THEN c.unit_id ELSE d.unit_id END AS unit_id
            FROM media AS m LEFT JOIN cases AS c USING (case_id)
            LEFT JOIN devices AS d USING (device_id)
        )
        SELECT r.sample_id, r.media_id, m.media_id IS NOT NULL AS found, m.unit_id, un.unit_name,
               m.officer_id,
               o.name AS officer_name, m.recorded_end, r.reviewer, r.reviewed_at, r.result,
               r.problems, r.note,
               list_contains(string_split(coalesce(r.problems, ''), ','), 'other')
                   AND nullif(trim(r.note), '') IS NULL AS other_without_note,
               r.result = 'ok' AND r.problems IS NOT NULL AS ok_with_problems,
               r.result = 'problem' AND r.problems IS NULL AS problem_without_codes
        FROM r LEFT JOIN m USING (media_id)
        LEFT JOIN units AS un ON un.unit_id = m.unit_id
        LEFT JOIN officers AS o ON o.officer_id = m.officer_id
        ORDER BY m.unit_id NULLS LAST, r.sample_id""").df()


def _counts(df: pd.DataFrame, by: list[str]) -> pd.DataFrame:
    labels = problem_labels()
    rows = []
    for keys, g in df.groupby(by, dropna=False, sort=True):
        keys = keys if isinstance(keys, tuple) else (keys,)
        row = dict(zip(by, keys, strict=True))
        row.update(reviews=len(g), ok=int((g.result == "ok").sum()),
                   problem=int((g.result == "problem").sum()))
        codes = [c for p in g.problems.dropna() for c in str(p).split(",") if c]
        for code, zh in labels.items():
            row[zh] = codes.count(code)
        rows.append(row)
    cols = by + ["reviews", "ok", "problem", *labels.values()]
    return pd.DataFrame(rows, columns=cols)


def ledger(con: duckdb.DuckDBPyConnection, start: dt.datetime, end: dt.datetime,
           unmasked: bool = False) -> dict[str, pd.DataFrame]:
    """按单位 / 按人员 counts, 明细 (each review of an item recorded in [start, end)) and
    未能对应 (reviews whose sample id names no known item). Names masked unless asked."""
    items = reviewed_items(con)
    lost = items[~items.found.astype(bool)]
    inside = items[items.recorded_end.notna() & (items.recorded_end >= start)
                   & (items.recorded_end < end)]
    by_officer = _counts(inside, ["unit_id", "unit_name", "officer_id", "officer_name"])
    def zh(problems: pd.Series) -> list[str]:
        return ["、".join(problem_labels().get(c, c) for c in str(p).split(",") if c)
                if isinstance(p, str) else "" for p in problems]

    detail = inside.assign(problems_zh=zh(inside.problems))
    lost = lost.assign(problems_zh=zh(lost.problems))
    if not unmasked:
        by_officer = mask_frame(by_officer, ["officer_name"])
        scrub = frame_scrubber(con, items)  # the note is free text about its item
        detail = mask_frame(detail, ["officer_name", "reviewer"]).assign(
            note=[scrub(v) for v in detail.note])
        lost = mask_frame(lost, ["reviewer"]).assign(note=[scrub(v) for v in lost.note])
    return {"by_unit": _counts(inside, ["unit_id", "unit_name"]), "by_officer": by_officer,
            "detail": detail, "unmatched": lost}


LEDGER_COLUMNS = {"unit_id": "单位编码", "unit_name": "单位名称", "officer_id": "人员编号",
                  "officer_name": "执法人员", "reviews": "抽检数", "ok": "合格", "problem": "不合格"}
DETAIL_COLUMNS = {"sample_id": "抽检编号", "unit_name": "单位名称", "media_id": "文件编号",
                  "officer_name": "执法人员", "recorded_end": "拍摄结束时间", "reviewer": "检查人",
                  "reviewed_at": "检查时间", "result_zh": "检查结论", "problems_zh": "问题类型",
                  "note": "备注", "flag": "提示"}


def ledger_sheets(con: duckdb.DuckDBPyConnection, period, unmasked: bool = False
                  ) -> dict[str, pd.DataFrame]:
    """The ledger as the xlsx's sheets, Chinese headers, with a 说明 sheet."""
    from ..periods import label_zh

    parts = ledger(con, period.start, period.end, unmasked)
    results = contract().codesets["review_result"]
    detail = parts["detail"].assign(
        result_zh=[results.get(r, r) for r in parts["detail"].result],
        flag=["选“其他”但备注为空" if f else "结论合格但填写了问题类型" if o
              else "结论不合格但未填写问题类型" if p else ""
              for f, o, p in zip(parts["detail"].other_without_note, parts["detail"].ok_with_problems,
                                 parts["detail"].problem_without_codes, strict=True)])
    lost = parts["unmatched"].assign(result_zh=[results.get(r, r) for r in parts["unmatched"].result],
                                     flag="抽检编号对应不到音像记录")
    about = pd.DataFrame({"项目": ["期间", "统计口径", "个人信息"], "内容": [
        label_zh(period.start, period.end),
        "拍摄结束时间在本期间内的抽检项（001 第五十三条 抽检、回放检查、检查台帐）；"
        "单位为案件承办单位，无案件时为设备所属单位；人员为设备使用人。",
        "未脱敏（仅限内部使用）" if unmasked else "姓名已脱敏"]})
    return {
        "按单位": parts["by_unit"].rename(columns=LEDGER_COLUMNS),
        "按人员": parts["by_officer"].rename(columns=LEDGER_COLUMNS),
        "明细": detail[list(DETAIL_COLUMNS)].rename(columns=DETAIL_COLUMNS),
        "未能对应": lost[list(DETAIL_COLUMNS)].rename(columns=DETAIL_COLUMNS),
        "说明": about,
    }
