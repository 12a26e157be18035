"""SQL expressions that type one text value: the loader applies them set-based in DuckDB.

Each builder takes a SQL expression `v` that is already trimmed and NULL when empty, and returns
an expression that is NULL when `v` cannot be typed (so "v IS NOT NULL AND typed IS NULL" marks
a bad cell). Accepted spellings are documented in docs/decisions.md ("Loader").
"""

from __future__ import annotations

from ..contract import Column, contract
from ..db import literal as lit  # one quoting rule for all of zfaudit's SQL

# Accepted date/time spellings: ISO with " " or "T", "2026/7/1 9:30", "2026年7月1日 9时30分15秒";
# seconds optional; fractions (parquet/json exports). Each value is sent to exactly one strptime
# format by cheap character tests, because a failed format costs DuckDB as much as a parse.

TRUE_WORDS = ("是", "有", "y", "yes", "1", "true", "t", "√", "✓", "✔")
FALSE_WORDS = ("否", "无", "n", "no", "0", "false", "f", "×", "✗", "✘")

# NFKC for what exports contain: full-width ASCII (U+FF01..U+FF5E) and the ideographic space.
_FW = "".join(chr(c) for c in range(0xFF01, 0xFF5F)) + "\u3000"
_HW = "".join(chr(c) for c in range(0x21, 0x7F)) + " "




def _list(items: list[str] | tuple[str, ...]) -> str:
    return "[" + ", ".join(lit(i) for i in items) + "]"


# What counts as surrounding whitespace in exports (ideographic and no-break spaces included).
WHITESPACE = " \t\r\n\u3000\u00a0"


def clean(raw: str) -> str:
    """Trimmed text, NULL when empty or whitespace only.

    Trimming every cell is a large share of a load's time, so only cells whose first or last
    character is whitespace are trimmed; ascii() and ord() of the last character are the
    cheapest such tests in DuckDB (measured: a third faster than comparing characters).
    """
    codes = ", ".join(str(ord(c)) for c in WHITESPACE)
    # the outer CASE spares empty cells the tests (they are slow on NULLs)
    return (
        f"CASE WHEN {raw} IS NOT NULL THEN CASE WHEN {raw} = '' OR ascii({raw}) IN ({codes}) "
        f"OR ord({raw}[-1]) IN ({codes}) THEN nullif(trim({raw}, {lit(WHITESPACE)}), '') ELSE {raw} END END"
    )


def folded(v: str) -> str:
    """Case-, width- and space-folded like contract.normalize_name (for codes and booleans)."""
    return f"replace(lower(translate({v}, {lit(_FW)}, {lit(_HW)})), ' ', '')"


_FW_DT = "０１２３４５６７８９：－／．　Ｔ"
_HW_DT = "0123456789:-/. T"


def _zh_datetime(v: str) -> str:
    """`2026年7月1日 9时30分15秒` and `2026/7/1 9:30` rewritten as `2026-7-1 9:30:15`."""
    s = f"translate({v}, {lit(_FW_DT)}, {lit(_HW_DT)})"
    for a, b in (("年", "-"), ("月", "-"), ("日", " "), ("时", ":"), ("点", ":"),
                 ("分", ":"), ("秒", ""), ("/", "-")):
        s = f"replace({s}, {lit(a)}, {lit(b)})"
    # spaces around separators ("2026年 7月 1日") go; runs of spaces become one
    s = f"regexp_replace({s}, '\\s*([-:])\\s*', '\\1', 'g')"
    return f"rtrim(regexp_replace({s}, '\\s+', ' ', 'g'), ': ')"


def _parse(v: str, date_ok: bool) -> str:
    """A TIMESTAMP from v, or NULL; date-only spellings give midnight when date_ok."""
    colons = f"(length({v}) - length(replace({v}, ':', '')))"

    def clock(d: str) -> str:
        def p(fmt: str) -> str:
            return f"try_strptime({v}, {lit(fmt)})"

        only_date = p(d.rstrip(" T")) if date_ok else "NULL"
        return (
            f"CASE WHEN {colons} = 2 THEN CASE WHEN contains({v}, '.') THEN {p(d + '%H:%M:%S.%f')} "
            f"ELSE {p(d + '%H:%M:%S')} END WHEN {colons} = 1 THEN {p(d + '%H:%M')} "
            f"WHEN {colons} = 0 THEN {only_date} END"
        )

    def zh(sep: str) -> str:
        d = f"%Y年%m月%d日{sep}"
        only_date = f"try_strptime({v}, '%Y年%m月%d日')" if date_ok else "NULL"
        return (
            f"CASE WHEN contains({v}, '秒') THEN try_strptime({v}, {lit(d + '%H时%M分%S秒')}) "
            f"WHEN contains({v}, '分') THEN try_strptime({v}, {lit(d + '%H时%M分')}) "
            f"ELSE {only_date} END"
        )

    return (
        f"CASE WHEN contains({v}, '年') THEN CASE WHEN contains({v}, '日 ') THEN {zh(' ')} ELSE {zh('')} END "
        f"WHEN contains({v}, '/') THEN {clock('%Y/%m/%d ')} "
        f"WHEN contains({v}, 'T') THEN {clock('%Y-%m-%dT')} "
        f"ELSE {clock('%Y-%m-%d ')} END"
    )


_REWRITTEN = ["%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%dT%H:%M"]


# The most common spelling. A value it parses has no 年 / T . and exactly two colons, so _parse
# would send it to this same format: trying it first changes no result, and spares the
# character tests of _parse for most values (strptime rejects trailing characters). Only
# 19-byte values try it (a byte length is free): in exports that write another spelling,
# a failing parse on every value would cost more than it saves.
_FAST = "%Y-%m-%d %H:%M:%S"


def timestamp(v: str) -> str:
    # COALESCE evaluates the slower branches only for values the earlier ones reject; the
    # rewrite must be used once, or DuckDB's optimizer hoists it out and runs it on every row
    return (
        f"coalesce(CASE WHEN strlen({v}) = 19 THEN try_strptime({v}, {lit(_FAST)}) END, {_parse(v, False)}, "
        f"try_strptime({_zh_datetime(v)}, {_list(_REWRITTEN)}))"
    )


def date(v: str) -> str:
    fmts = _list(["%Y-%m-%d", *_REWRITTEN])
    ts = f"coalesce({_parse(v, True)}, try_strptime({_zh_datetime(v)}, {fmts}))"
    # a timestamp is accepted as a date only when its time part is 00:00
    return f"CASE WHEN {ts} = date_trunc('day', {ts}) THEN CAST({ts} AS DATE) END"


def _lookup(v: str, mapping: dict[str, str]) -> str:
    """Map spellings to values: lower(v) first (fast), full folding only for the misses.

    DuckDB's translate() is slow with a long character map, so the width/space folding runs
    only for values the plain lower-case lookup misses. MAP lookups (not CASE) keep each
    expression single-use, so the optimizer cannot hoist the folding out of COALESCE.
    """
    m = "MAP {" + ", ".join(f"{lit(k)}: {val}" for k, val in sorted(mapping.items())) + "}"
    return f"coalesce(({m})[lower({v})], ({m})[{folded(v)}])"


def boolean(v: str) -> str:
    mapping = {w: "true" for w in TRUE_WORDS} | {w: "false" for w in FALSE_WORDS}
    return _lookup(v, mapping)


def integer(v: str) -> str:
    # plain digits; thousands separators (1,234) and an integral ".0" that spreadsheets add
    return (
        f"CASE WHEN regexp_full_match({v}, '[+-]?[0-9]+') THEN try_cast({v} AS BIGINT) "
        f"WHEN regexp_full_match({v}, '[+-]?[0-9]{{1,3}}(,[0-9]{{3}})+') "
        f"THEN try_cast(replace({v}, ',', '') AS BIGINT) "
        f"WHEN regexp_full_match({v}, '[+-]?[0-9]+\\.0+') THEN try_cast(split_part({v}, '.', 1) AS BIGINT) END"
    )


def code(v: str, codeset: str) -> str:
    lookup = contract().code_lookup(codeset)
    return _lookup(v, {k: lit(c) for k, c in lookup.items()})


# what separates several codes in one cell (DATA_CONTRACT.md reviews.problems: 、 , ; or space)
CODE_SEPARATORS = "[、,，;；　[:space:]]+"


def codes(v: str, codeset: str) -> str:
    """Several codes in one cell → their codes joined by ',' in the order written; NULL (a
    quarantined cell) when any part is not a code."""
    parts = f"list_filter(regexp_split_to_array({v}, {lit(CODE_SEPARATORS)}), lambda x: x <> '')"
    mapped = f"list_transform({parts}, lambda x: {code('x', codeset)})"
    return (f"CASE WHEN len({mapped}) > 0 AND list_count({mapped}) = len({mapped}) "
            f"THEN array_to_string({mapped}, ',') END")


def typed(column: Column, v: str) -> str:
    """The typing expression for a contract column (text columns: v itself)."""
    if column.multi:
        return codes(v, column.codeset)
    if column.codeset:
        return code(v, column.codeset)
    return {
        "text": lambda: v,
        "timestamp": lambda: timestamp(v),
        "date": lambda: date(v),
        "bool": lambda: boolean(v),
        "integer": lambda: integer(v),
    }[column.type]()
