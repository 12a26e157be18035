"""The input data contract (contract.yaml) as typed Python objects."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from enum import StrEnum
from functools import cache
from importlib import resources

import yaml

SQL_TYPES = {
    "text": "VARCHAR",
    "date": "DATE",
    "timestamp": "TIMESTAMP",
    "bool": "BOOLEAN",
    "integer": "BIGINT",
}


class Reason(StrEnum):
    """Why a row went to quarantine: the closed set (schema.sql, docs/schema.md). Chinese labels
    live in contract.yaml `quarantine_reasons`; a test keeps the two equal."""

    BAD_TIMESTAMP = "bad_timestamp"
    BAD_DATE = "bad_date"
    BAD_BOOL = "bad_bool"
    BAD_INTEGER = "bad_integer"
    UNKNOWN_CODE = "unknown_code"
    MISSING_KEY = "missing_key"
    DUPLICATE_KEY = "duplicate_key"
    BAD_KEY = "bad_key"  # a key holding a NUL byte (a broken export)
    UNREADABLE_ROW = "unreadable_row"
    LOSSY_NUMBER = "lossy_number"  # an Excel number of more than 15 significant digits
    MERGED_CELL = "merged_cell"  # an Excel cell inside a merged range (it reads empty)
    FORMULA_NO_VALUE = "formula_no_value"  # an Excel formula saved without its value


# the reason a cell of each contract type gets when it cannot be typed (codes: UNKNOWN_CODE)
TYPE_REASONS = {
    "timestamp": Reason.BAD_TIMESTAMP,
    "date": Reason.BAD_DATE,
    "bool": Reason.BAD_BOOL,
    "integer": Reason.BAD_INTEGER,
}


@dataclass(frozen=True)
class Column:
    name: str
    type: str  # text | date | timestamp | bool | integer | code:<codeset> | codes:<codeset>
    aliases: tuple[str, ...]
    pii: bool = False
    # free text that may name people (a note): masked whole where a column is masked, and
    # never itself a "personal value" to look for inside other text (zfaudit.pii)
    free_text: bool = False

    @property
    def codeset(self) -> str | None:
        return self.type.split(":", 1)[1] if self.type.startswith(("code:", "codes:")) else None

    @property
    def multi(self) -> bool:
        """Several codes in one cell (`codes:`), stored as their codes joined by commas."""
        return self.type.startswith("codes:")

    @property
    def sql_type(self) -> str:
        return "VARCHAR" if self.codeset else SQL_TYPES[self.type]

    @property
    def reason(self) -> Reason | None:
        """Quarantine reason when a value of this column cannot be typed (None for text)."""
        return Reason.UNKNOWN_CODE if self.codeset else TYPE_REASONS.get(self.type)


@dataclass(frozen=True)
class Table:
    name: str
    zh: str
    key: tuple[str, ...]
    required: bool
    columns: tuple[Column, ...] = field(default_factory=tuple)
    # the legal-affairs office's own records: imported by their own command, not with an export
    supervision: bool = False
    # other names of the xlsx sheet that holds the table (the sheets zfaudit hands out)
    sheets: tuple[str, ...] = ()
    # the column a handed-out sheet's filler answers: a row without it is skipped, not loaded
    answer: str | None = None

    def column(self, name: str) -> Column:
        return next(c for c in self.columns if c.name == name)

    @property
    def column_names(self) -> list[str]:
        return [c.name for c in self.columns]

    def ddl(self, name: str | None = None) -> str:
        cols = ", ".join(f"{c.name} {c.sql_type}" for c in self.columns)
        return f"CREATE TABLE IF NOT EXISTS {name or self.name} ({cols})"


@dataclass(frozen=True)
class Contract:
    tables: dict[str, Table]
    codesets: dict[str, dict[str, str]]  # codeset -> {code: chinese label}
    code_synonyms: dict[str, dict[str, str]]  # codeset -> {spelling: code}
    reason_labels: dict[str, str] = field(default_factory=dict)  # Reason -> Chinese label

    def code_lookup(self, codeset: str) -> dict[str, str]:
        """Every accepted spelling (normalised) -> code, for one codeset."""
        out: dict[str, str] = {}
        for code, label in self.codesets[codeset].items():
            out[normalize_name(code)] = code
            out[normalize_name(label)] = code
            for part in re.split(r"[/()（）]", label):
                if part.strip():
                    out.setdefault(normalize_name(part), code)
        for spelling, code in self.code_synonyms.get(codeset, {}).items():
            out[normalize_name(spelling)] = code
        return out

    def table_for_filename(self, stem: str) -> Table | None:
        key = normalize_name(stem)
        for t in self.tables.values():
            if key in (normalize_name(t.name), normalize_name(t.zh)):
                return t
        return None

    def header_lookup(self, table: str) -> dict[str, str]:
        """Every accepted header spelling (normalised) -> column name, for one table."""
        out: dict[str, str] = {}
        for c in self.tables[table].columns:
            out[normalize_name(c.name)] = c.name
            for a in c.aliases:
                out[normalize_name(a)] = c.name
        return out


def normalize_name(s: str) -> str:
    """Fold full-width characters, case and surrounding/inner spaces of a header or code."""
    s = unicodedata.normalize("NFKC", str(s)).strip().lower()
    return re.sub(r"\s+", "", s)


@cache
def contract() -> Contract:
    raw = yaml.safe_load(resources.files("zfaudit").joinpath("contract.yaml").read_text("utf-8"))
    tables = {
        name: Table(
            name=name,
            zh=t["zh"],
            key=tuple(t["key"]),
            required=bool(t.get("required", False)),
            columns=tuple(
                Column(cname, c["type"], tuple(c.get("zh", [])), bool(c.get("pii", False)),
                       bool(c.get("free_text", False)))
                for cname, c in t["columns"].items()
            ),
            supervision=bool(t.get("supervision", False)),
            sheets=tuple(t.get("sheets", [])),
            answer=t.get("answer"),
        )
        for name, t in raw["tables"].items()
    }
    return Contract(tables, raw["codesets"], raw.get("code_synonyms", {}),
                    raw.get("quarantine_reasons", {}))
