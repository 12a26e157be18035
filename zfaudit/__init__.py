"""zfaudit — audit whole-process enforcement records (行政执法全过程记录).

The analyst's API (docs/api.md), imported lazily so `zfaudit --help` stays fast:

    import zfaudit
    zfaudit.load("data_samples/bureau", "bureau.duckdb")
    run = zfaudit.audit("bureau.duckdb", "zhuzhou_cgzf", "2026Q3")
    run = zfaudit.run("bureau.duckdb")              # the latest recorded run
    zfaudit.sql("bureau.duckdb", "SELECT ... WHERE unit_id = ?", ["XJ10"])
"""

from __future__ import annotations

__version__ = "0.1.0"

__all__ = ["__version__", "load", "audit", "run", "sql", "Run", "Case", "warnings", "notice",
           "responses_import", "responses_status", "reviews_import", "review_ledger", "exceptions_import",
           "exceptions_list"]


def __getattr__(name: str) -> object:
    if name in __all__:
        from . import api

        return getattr(api, name)
    raise AttributeError(f"module 'zfaudit' has no attribute {name!r}")
