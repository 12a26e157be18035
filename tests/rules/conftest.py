"""Hand-built bureaus for rule tests: a real DuckDB file, rows added one by one, a rule run.

    def test_one_officer(bureau):
        bureau.add("cases", case_id="C1", unit_id="U1")
        bureau.add("steps", step_id="S1", case_id="C1", stage="inquiry", started_at="2026-07-01 09:00:00")
        items = bureau.run("zf01", "zhuzhou_cgzf")
        assert items.set_index("step_id").loc["S1", "outcome"] == "violation"
"""

from __future__ import annotations

import datetime as dt
from importlib import resources
from pathlib import Path

import pandas as pd
import pytest

from zfaudit.db import connect
from zfaudit.engine.params import install_params
from zfaudit.profiles import Profile, get_profile
from zfaudit.workdays import ensure_years

DEFAULT_START = dt.datetime(2026, 7, 1)
DEFAULT_END = dt.datetime(2026, 10, 1)
DEFAULT_AS_OF = dt.datetime(2026, 11, 25)


def _ts(v):
    return dt.datetime.fromisoformat(v) if isinstance(v, str) else v


def rule_sql(rule_id: str) -> str:
    return resources.files("zfaudit").joinpath("rules", f"{rule_id.lower()}.sql").read_text("utf-8")


class Bureau:
    """A tiny bureau in a real DuckDB file. Columns not given are NULL."""

    def __init__(self, path: Path):
        self.path = path
        with connect(path) as con:
            ensure_years(con, [2025, 2026])

    def add(self, table: str, **values) -> None:
        cols = ", ".join(values)
        marks = ", ".join("?" for _ in values)
        with connect(self.path) as con:
            con.execute(f"INSERT INTO {table} ({cols}) VALUES ({marks})", list(values.values()))

    def camera(self, unit_id: str = "U2") -> None:
        """Body camera D1 held by officer O1, both registered in `unit_id` — a unit other than
        the cases' U1, so media rules show whose unit a finding goes to."""
        self.add("devices", device_id="D1", unit_id=unit_id)
        self.add("officers", officer_id="O1", unit_id=unit_id)

    def run(
        self,
        rule_id: str,
        profile: str | Profile,
        start: dt.datetime | str = DEFAULT_START,
        end: dt.datetime | str = DEFAULT_END,
        as_of: dt.datetime | str = DEFAULT_AS_OF,
        media_files: list[tuple[str, bool, str | None]] | None = None,
    ) -> pd.DataFrame:
        """The rule's items (one row per checked item) for this profile and scope."""
        with connect(self.path) as con:
            install_params(
                con, get_profile(profile), _ts(start), _ts(end), _ts(as_of), media_files
            )
            return con.execute(rule_sql(rule_id)).df()

    def outcomes(self, rule_id: str, profile: str | Profile, key: str = "step_id", **kw) -> dict:
        """{item key: outcome} — the usual thing a rule test asserts on."""
        items = self.run(rule_id, profile, **kw)
        if isinstance(key, str):
            return dict(zip(items[key], items["outcome"], strict=True))
        return {tuple(r[k] for k in key): r["outcome"] for _, r in items.iterrows()}


@pytest.fixture
def bureau(tmp_path) -> Bureau:
    return Bureau(tmp_path / "bureau.duckdb")


# --- rule interface (appended by the ZF08–ZF17 helper) ---------------------------------------

RULE_COLUMNS = [
    ("rule_id", "VARCHAR"), ("outcome", "VARCHAR"), ("case_id", "VARCHAR"),
    ("step_id", "VARCHAR"), ("media_id", "VARCHAR"), ("access_id", "VARCHAR"),
    ("officer_id", "VARCHAR"), ("unit_id", "VARCHAR"), ("due_at", "TIMESTAMP"),
    ("observed_at", "TIMESTAMP"), ("detail", "VARCHAR"),
]  # the fixed rule interface, in order


@pytest.fixture
def check_interface(bureau):
    """check_interface(rule_id, profile): assert the rule SQL yields exactly RULE_COLUMNS."""

    def check(rule_id: str, profile: str) -> None:
        with connect(bureau.path) as con:
            install_params(con, get_profile(profile), DEFAULT_START, DEFAULT_END, DEFAULT_AS_OF)
            got = [(r[0], r[1]) for r in con.execute("DESCRIBE " + rule_sql(rule_id)).fetchall()]
        assert got == RULE_COLUMNS

    return check


# --- shared per module (appended by the DQ01/DQ02/ZF01–ZF07 helper) ----------------------------


@pytest.fixture(scope="module")
def module_bureau(tmp_path_factory) -> Bureau:
    """One bureau per test module: build the fixture rows once, run them under every profile
    (a run only rewrites the `audit` parameter tables, so runs do not disturb each other)."""
    return Bureau(tmp_path_factory.mktemp("bureau") / "bureau.duckdb")
