"""Masking personal data (names, ID numbers) for reports and exports.

    mask_name("张三丰")                → "张**"
    mask_name("株洲市某某餐饮有限公司")  → "株洲***"
    mask_id("430203199001011234")     → "430*************34"

Which columns are personal data comes from the contract (`pii: true` in contract.yaml): their
English names and their Chinese header aliases, so a frame relabelled for display is still caught.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from functools import cache

import pandas as pd

from .contract import contract, normalize_name

# Words that make a party an organisation, not a person: keep two characters of those.
ORG_MARKERS = (
    "公司", "厂", "店", "行", "中心", "合作社", "集团", "商贸", "经营部", "门市", "超市", "酒店",
    "宾馆", "餐厅", "饭店", "工作室", "医院", "诊所", "学校", "幼儿园", "协会", "委员会",
    "有限", "股份", "个体", "市场", "农场", "养殖", "加工", "局", "所", "站", "部", "馆", "院",
)
# Personal-data columns that are identity numbers rather than names.
ID_COLUMN = re.compile(r"(^|_)id_no$|证件号|信用代码|身份证")
# Extra column names reports use for people, beyond the contract's own.
EXTRA_PII = ("officer_name", "party", "执法人员姓名", "承办人", "当事人姓名")


def _blank(v: object) -> bool:
    return v is None or (isinstance(v, float) and pd.isna(v)) or v is pd.NA or v is pd.NaT


def is_organisation(s: str) -> bool:
    """A party name that reads like a company or body (or is too long for a personal name).

    Errs toward "person" (the stronger mask): 3 characters or fewer, or a name with the
    middle dot of transliterated names (买买提·艾力), is always a person."""
    if "·" in s or "•" in s:
        return False
    core = re.sub(r"\s", "", s)
    if len(core) <= 3:
        return False
    return any(m in core for m in ORG_MARKERS) or (
        len(core) > 4 and bool(re.search(r"[\u4e00-\u9fff]", core))
    )


def mask_name(s: object) -> object:
    """张三丰 → 张**; organisations keep their first 2 characters + ***. Blank stays blank."""
    if _blank(s):
        return s
    s = str(s).strip()
    if not s:
        return s
    if is_organisation(s):
        return s[:2] + "***"
    return s[0] + "*" * max(len(s) - 1, 1)


def mask_id(s: object) -> object:
    """Keep the first 3 and last 2 characters of an ID number; shorter ones are all starred."""
    if _blank(s):
        return s
    s = str(s).strip()
    if not s:
        return s
    if len(s) <= 5:
        return "*" * len(s)  # keeping 3 + 2 would show all of it
    return s[:3] + "*" * (len(s) - 5) + s[-2:]


@cache
def pii_columns() -> frozenset[str]:
    """Column names (English and Chinese aliases) that hold personal data."""
    names: set[str] = set(EXTRA_PII)
    for table in contract().tables.values():
        for col in table.columns:
            if col.pii:
                names.add(col.name)
                names.update(col.aliases)
    return frozenset(names)


# quarantine keeps bad rows as read: the personal data in them is masked by their own labels
RAW_ROW, RAW_VALUE, RAW_LINE = "raw_row", "raw_value", "raw_line"
HIDDEN = "（已隐藏，可能含个人信息 / hidden: may hold personal data）"


def masked_columns(df: pd.DataFrame) -> list[str]:
    """The columns of `df` that mask_frame masks by default: personal-data columns, and
    quarantine's raw_row / raw_value (a bad row as read, whatever it holds)."""
    return [str(c) for c in df.columns if c in pii_columns() or c in (RAW_ROW, RAW_VALUE)]


def mask_value(label: object, v: object) -> object:
    """v masked as the personal data of column `label` would be; unchanged when it is not."""
    name = str(label)
    if name not in pii_columns() and normalize_name(name) not in _normalized_pii():
        return v
    return mask_id(v) if ID_COLUMN.search(name) else mask_name(v)


@cache
def _normalized_pii() -> frozenset[str]:
    return frozenset(normalize_name(c) for c in pii_columns())


def mask_raw_row(s: object) -> object:
    """A quarantine raw_row (JSON of the file's own headers) with personal-data cells masked;
    a reader-rejected line ({"raw_line": …}) cannot be split into cells, so it is hidden. A
    cell under a header the contract does not know (联系电话, 身份证号码 …) may be personal
    data of any kind: hidden too."""
    if _blank(s):
        return s
    try:
        row = json.loads(str(s))
    except ValueError:
        return HIDDEN
    if not isinstance(row, dict):
        return HIDDEN
    out = {k: HIDDEN if k == RAW_LINE or (normalize_name(k) not in _known_headers() and not _blank(v))
           else mask_value(k, v) for k, v in row.items()}
    return json.dumps(out, ensure_ascii=False)


@cache
def _known_headers() -> frozenset[str]:
    """Every header the contract knows (names and Chinese aliases), normalised, and the
    loader's own `error` (the reader's message of a rejected line)."""
    names = {"error"}
    for table in contract().tables.values():
        for col in table.columns:
            names.add(normalize_name(col.name))
            names.update(normalize_name(a) for a in col.aliases)
    return frozenset(names)


def mask_frame(df: pd.DataFrame, columns: Iterable[str] | None = None) -> pd.DataFrame:
    """A copy of `df` with personal-data columns masked (default: masked_columns(df)).

    raw_value is masked by the row's column_name when the frame has it (a bad party name is
    still a party name), else as a name whatever it holds."""
    cols = [c for c in df.columns if c in (set(columns) if columns is not None else masked_columns(df))]
    out = df.copy()
    for c in cols:
        if c == RAW_ROW:
            values = [mask_raw_row(v) for v in out[c]]
        elif c == RAW_VALUE and "column_name" in out.columns:
            values = [mask_value(n, v) for n, v in zip(out["column_name"], out[c], strict=True)]
        else:
            fn = mask_id if ID_COLUMN.search(str(c)) else mask_name
            values = [fn(v) for v in out[c]]
        # built as an object Series so a NULL stays None (Series.map would turn it into NaN)
        out[c] = pd.Series(values, index=out.index, dtype=object)
    return out


class Scrubber:
    """Replace any of the given personal-data values inside free text (finding details,
    notes) with its mask. Give the values longest first: 张三丰 must win over 张三."""

    def __init__(self, values: Iterable[str]):
        vals = [v for v in values if v]
        self._re = re.compile("|".join(map(re.escape, vals))) if vals else None

    def __call__(self, text: object) -> object:
        if self._re is None or not isinstance(text, str):
            return text
        return self._re.sub(lambda m: str(mask_name(m.group(0))), text)
