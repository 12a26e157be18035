"""HTML tables and headings for the report notebooks.

Every table carries an id (`zf-<name>`) so tests and readers can find its numbers in the HTML.
Each output also carries its content as data (mime type TABLE_MIME / CHART_MIME beside the
HTML): the Word report (report/word.py) is built from those, so it shows exactly the cells the
HTML shows, formatted once, here. nbconvert's HTML ignores the extra mime types.
"""

from __future__ import annotations

import html
import re

import pandas as pd
from IPython.display import Markdown, display

TABLE_MIME = "application/vnd.zfaudit.table+json"
CHART_MIME = "application/vnd.zfaudit.chart+json"


def pct(v: object) -> str:
    """A rate as '85.7%'; '—' when undefined (no pass and no violation)."""
    return "—" if v is None or pd.isna(v) else f"{float(v) * 100:.1f}%"


def pp(v: object) -> str:
    """A change of rate in percentage points, signed."""
    return "—" if v is None or pd.isna(v) else f"{float(v) * 100:+.1f} 个百分点"


_MD_SPECIAL = re.compile(r"([\\`*_\[\]{}#|~>])")


def esc(value: object) -> str:
    """A value from the data or a profile, safe inside `note()` Markdown: HTML-escaped (a unit
    named "<script>…" is text, not code) and Markdown-escaped (names with * or _ stay as
    typed). word.py undoes both."""
    return _MD_SPECIAL.sub(r"\\\1", html.escape(str(value), quote=False))


def heading(text: str, level: int = 2) -> None:
    display(Markdown(f"{'#' * level} {text}"))


def note(text: str) -> None:
    display(Markdown(text))


def table(df: pd.DataFrame, name: str, columns: dict[str, str], formats: dict | None = None,
          empty: str = "（无）") -> None:
    """Show `df` with Chinese headers; `columns` maps column → label and fixes the order."""
    if df.empty:
        display({"text/html": f'<p id="zf-{html.escape(name)}" class="zf-empty">{html.escape(empty)}</p>',
                 TABLE_MIME: {"name": name, "columns": [], "rows": [], "empty": empty}}, raw=True)
        return
    columns = {k: v for k, v in columns.items() if k in df.columns}
    out = df[list(columns)].copy()
    for col, fmt in (formats or {}).items():
        if col in out.columns:
            out[col] = out[col].map(fmt)
    for col in out.columns:
        if pd.api.types.is_datetime64_any_dtype(out[col]):
            out[col] = out[col].dt.strftime("%Y-%m-%d %H:%M").fillna("")
        elif col not in (formats or {}) and _integral(out[col]):
            # counts arrive as floats after a left join; show 3, not 3.0
            out[col] = out[col].map(lambda v: "" if pd.isna(v) else str(int(v)))
    out = out.rename(columns=columns).fillna("").astype(str)
    display({"text/html": out.to_html(index=False, table_id=f"zf-{name}", classes="zf-table",
                                      escape=True, na_rep=""),
             TABLE_MIME: {"name": name, "columns": list(out.columns), "rows": out.values.tolist()}},
            raw=True)


def _integral(s: pd.Series) -> bool:
    if not pd.api.types.is_numeric_dtype(s) or pd.api.types.is_bool_dtype(s):
        return False
    v = s.dropna()
    return bool(((v % 1) == 0).all())
