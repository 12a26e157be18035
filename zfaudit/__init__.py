"""zfaudit — audit whole-process enforcement records (行政执法全过程记录).

The analyst's API (docs/api.md), imported lazily so `zfaudit --help` stays fast:

    import zfaudit
    zfaudit.load("data_samples/bureau", "bureau.duckdb")
    run = zfaudit.audit("bureau.duckdb", "zhuzhou_cgzf", "2026Q3")
    run = zfaudit.run("bureau.duckdb")              # the latest recorded run
    zfaudit.sql("bureau.duckdb", "SELECT ... WHERE unit_id = ?", ["U01"])
"""

from __future__ import annotations

import importlib
import sys
import types

__version__ = "0.1.0"

_API = ("load", "run", "sql", "Run", "Case")
__all__ = ["__version__", "audit", *_API]


class _AuditModule(types.ModuleType):
    """`zfaudit.audit` is the submodule zfaudit/audit.py (the import system puts it there) and,
    called, the API function: zfaudit.audit(db, profile, period) -> Run."""

    def __call__(self, *args, **kwargs):
        from .api import audit

        return audit(*args, **kwargs)


class _Package(types.ModuleType):
    def __setattr__(self, name: str, value: object) -> None:
        # importing zfaudit.audit (anywhere) sets this attribute to the submodule: make that
        # module callable rather than let it hide the API function of the same name
        if name == "audit" and isinstance(value, types.ModuleType):
            value.__class__ = _AuditModule
        super().__setattr__(name, value)


def __getattr__(name: str) -> object:
    if name == "audit":
        return importlib.import_module(".audit", __name__)
    if name in _API:
        from . import api

        return getattr(api, name)
    raise AttributeError(f"module 'zfaudit' has no attribute {name!r}")


sys.modules[__name__].__class__ = _Package
