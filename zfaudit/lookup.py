"""Values a user names — a rule, a unit, an outcome, a case id — checked against what exists,
so a typo is an error naming the closest valid values instead of an empty table (issue 11).

Case ids are suggested by their number and by the spellings exports mix up: ASCII brackets
for 〔〕, full-width digits, a bare sequence number (`2` for 湘江城管检〔2026〕000002号).
"""

from __future__ import annotations

import difflib
import re
import unicodedata

import duckdb

from .errors import ZfauditError
from .rules.catalogue import OUTCOME_ZH, OUTCOMES, discover_rules


def _closest(value: str, choices: list[str], n: int = 5) -> list[str]:
    return difflib.get_close_matches(value, choices, n=n, cutoff=0.4) or choices[:n]


def check_rule(rule: str | None) -> str | None:
    if rule is None:
        return None
    known = sorted(r.upper() for r in discover_rules())
    text = str(rule).upper().strip()
    if text in known:
        return text
    close = _closest(text, known)
    m = re.fullmatch(r"(ZF|DQ)\s*0*(\d{1,2})", text)
    if m and f"{m[1]}{int(m[2]):02d}" in known:  # ZF1 → ZF01 first
        padded = f"{m[1]}{int(m[2]):02d}"
        close = [padded] + [c for c in close if c != padded]
    raise ZfauditError(
        f"未知规则 {rule!r}；最接近的：{'、'.join(close)} / unknown rule {rule!r}; closest: "
        f"{', '.join(close)} (all: {known[0]}–{known[-1]})"
    )


def check_outcomes(outcomes: list[str] | None) -> list[str] | None:
    """Outcome codes (violation …) or their Chinese labels (违规 …) → codes."""
    if outcomes is None:
        return None
    by_label = {zh: code for code, zh in OUTCOME_ZH.items()} | {"合规": "pass"}
    out = []
    for o in outcomes:
        code = by_label.get(o, o)
        if code not in OUTCOMES:
            valid = list(OUTCOMES) + list(by_label)
            raise ZfauditError(
                f"未知结果 {o!r}；可选：{'、'.join(OUTCOMES)}（或 {'、'.join(by_label)}）/ unknown "
                f"outcome {o!r}; closest: {', '.join(_closest(str(o), valid, 3))}; valid: "
                f"{', '.join(OUTCOMES)}"
            )
        out.append(code)
    return out


def check_unit(con: duckdb.DuckDBPyConnection, unit: str | None) -> str | None:
    if unit is None:
        return None
    known = [u for (u,) in con.execute(
        "SELECT unit_id FROM units UNION SELECT DISTINCT unit_id FROM rule_results "
        "WHERE unit_id IS NOT NULL ORDER BY 1").fetchall()]
    if unit in known:
        return unit
    names = dict(con.execute("SELECT unit_name, unit_id FROM units WHERE unit_name IS NOT NULL").fetchall())
    if unit in names:  # a unit's name given for its id
        return names[unit]
    close = _closest(unit, known + list(names))
    raise ZfauditError(f"未知单位 {unit!r}；最接近的：{'、'.join(close)} / unknown unit {unit!r}; "
                       f"closest: {', '.join(close)}")


def _fold(s: str) -> str:
    s = unicodedata.normalize("NFKC", s)
    return s.replace("[", "〔").replace("]", "〕").replace("(", "〔").replace(")", "〕").strip()


def case_suggestions(con: duckdb.DuckDBPyConnection, case_id: str, n: int = 5) -> list[str]:
    """Case ids a person may have meant: the spelling folded (brackets, width), else ids
    ending in the same sequence number, closest first."""
    folded = _fold(case_id)
    exact = con.execute("SELECT case_id FROM cases WHERE case_id = ? LIMIT 1", [folded]).fetchall()
    if exact:
        return [exact[0][0]]
    numbers = re.findall(r"\d+", folded)
    if not numbers:
        return []
    seq = int(numbers[-1])
    rows = [c for (c,) in con.execute(
        "SELECT case_id FROM cases WHERE TRY_CAST(regexp_extract(case_id, '(\\d+)\\D*$', 1) AS BIGINT) = ? "
        "ORDER BY case_id LIMIT 200", [seq]).fetchall()]
    return difflib.get_close_matches(folded, rows, n=n, cutoff=0.0) if rows else []


def check_case(con: duckdb.DuckDBPyConnection, case_id: str) -> str:
    if con.execute("SELECT 1 FROM cases WHERE case_id = ? LIMIT 1", [case_id]).fetchall():
        return case_id
    near = case_suggestions(con, case_id)
    hint = f"；是否指：{'、'.join(near)}" if near else ""
    raise ZfauditError(
        f"找不到案件 {case_id}{hint} / case not found: {case_id}"
        + (f"; did you mean {', '.join(near)}?" if near else "")
    )
