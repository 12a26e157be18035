"""Fixtures of the engine tests."""

from __future__ import annotations

from pathlib import Path

import pytest
from small_bureau import AS_OF, make_bureau, zf01_profile

from zfaudit.engine.run import run_audit


@pytest.fixture(scope="session")
def zf01_docs(tmp_path_factory) -> tuple[Path, str]:
    """(Data Docs folder, run id) of a real ZF01 audit of the small bureau (tests only read it)."""
    tmp = tmp_path_factory.mktemp("datadocs")
    db = make_bureau(tmp / "b.duckdb")
    docs = tmp / "docs"
    run_id = run_audit(db, zf01_profile(tmp), "2026Q3", as_of=AS_OF, docs=docs, progress=False)
    return docs, run_id
