"""The package layout (docs/architecture.md): every module's imports, read from its source,
run only in the allowed directions, and no two modules import each other in a circle.

A module's imports include those inside functions (lazy imports are still dependencies)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import zfaudit

PACKAGE = Path(zfaudit.__file__).resolve().parent

# Each unit of the layout: a top-level module, or a subpackage as a whole.
# The bottom (contract, errors, periods) may be imported by anyone.
BOTTOM = {"contract", "errors", "periods"}
ALLOWED: dict[str, set[str]] = {
    "errors": set(),
    "contract": {"errors"},
    "periods": {"errors"},
    "db": set(),
    "workdays": set(),
    "masking": set(),
    "pii": {"masking"},
    "export": {"db"},
    "wordfile": set(),
    "profiles": set(),
    "rules": {"profiles"},
    "ingest": {"db", "workdays"},
    "runs": {"db", "rules", "profiles"},
    "scores": {"db", "rules", "profiles", "runs", "masking", "export", "supervision"},
    "supervision": {"db", "rules", "profiles", "runs", "masking", "export", "pii", "wordfile"},
    "engine": {"rules", "profiles", "db", "workdays", "scores", "export", "supervision", "masking"},
    "report": {"runs", "scores", "rules", "masking", "export", "db", "supervision", "pii", "profiles",
               "wordfile", "periods"},
    "adhoc": {"db", "export", "masking", "sandbox"},
    "lookup": {"rules"},
    "sandbox": {"db", "masking"},
    "sample": set(),
    "__main__": {"cli"},
    "api": {"*"},
    "cli": {"api"},
}


def unit_of(module: str) -> str:
    """'zfaudit.engine.run' → 'engine'; 'zfaudit.scores' → 'scores'; 'zfaudit' → 'zfaudit'."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else parts[0]


def module_name(path: Path) -> str:
    rel = path.relative_to(PACKAGE.parent).with_suffix("")
    parts = list(rel.parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def imports_of(path: Path, source: str | None = None, package: str | None = None) -> set[str]:
    """Every zfaudit module `path` imports (absolute, resolved from relative imports), plus
    `importlib.import_module("zfaudit…")` calls. A bare `import zfaudit` is reported as
    "zfaudit" (it reaches everything through the lazy API)."""
    if package is None:
        me = module_name(path)
        package = me if path.name == "__init__.py" else me.rsplit(".", 1)[0]
    out: set[str] = set()
    for node in ast.walk(ast.parse(source if source is not None else path.read_text("utf-8"))):
        if isinstance(node, ast.Call) and getattr(node.func, "attr", getattr(node.func, "id", "")) \
                == "import_module" and node.args and isinstance(node.args[0], ast.Constant):
            name = str(node.args[0].value)
            if name.split(".")[0] == "zfaudit":
                out.add(name)
        if isinstance(node, ast.Import):
            out |= {a.name for a in node.names if a.name.split(".")[0] == "zfaudit"}
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - (node.level - 1)]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            if target.split(".")[0] != "zfaudit":
                continue
            if node.module is None or target.count(".") == 0:  # from . import api / from zfaudit import x
                out |= {f"{target}.{a.name}" for a in node.names if a.name != "__version__"}
            else:
                out.add(target)
                # `from .engine import gx`: the module gx, not only the package
                out |= {f"{target}.{a.name}" for a in node.names if f"{target}.{a.name}" in MODULES}
    return out


MODULES = {module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}
# A bare `import zfaudit` reaches every layer through the lazy API: only these may use it.
MAY_IMPORT_THE_PACKAGE = {"api", "cli"}


def test_every_unit_is_in_the_layout():
    units = {unit_of(m) for m in MODULES} - {"zfaudit"}
    assert units == set(ALLOWED), "add the new module to ALLOWED and docs/architecture.md"


@pytest.mark.parametrize("module", sorted(m for m in MODULES if m != "zfaudit"))
def test_imports_run_in_the_allowed_directions(module):
    me = unit_of(module)
    allowed = ALLOWED[me]
    bad = []
    for target in sorted(imports_of(MODULES[module])):
        other = unit_of(target)
        if target == "zfaudit" and me not in MAY_IMPORT_THE_PACKAGE:
            bad.append(target)
            continue
        bottom = BOTTOM if me != "sample" else {"contract"}  # the oracle: the contract only
        if other in (me, "zfaudit") or other in bottom or "*" in allowed:
            continue
        if other not in allowed:
            bad.append(target)
    assert not bad, f"{module} ({me}) may not import {bad}; allowed: {sorted(allowed | BOTTOM)}"


def test_no_import_circles_between_units():
    graph: dict[str, set[str]] = {u: set() for u in ALLOWED}
    for module, path in MODULES.items():
        me = unit_of(module)
        if me == "zfaudit":
            continue
        graph[me] |= {unit_of(t) for t in imports_of(path)} - {me, "zfaudit"}
    seen: dict[str, int] = {}  # 1 = on the current path, 2 = done

    def visit(u: str, path: list[str]) -> None:
        seen[u] = 1
        for v in sorted(graph.get(u, ())):
            if seen.get(v) == 1:
                raise AssertionError("import circle: " + " → ".join(path + [u, v]))
            if v not in seen:
                visit(v, path + [u])
        seen[u] = 2

    for u in sorted(graph):
        if u not in seen:
            visit(u, [])


def test_modules_inside_a_unit_do_not_import_each_other_in_a_circle():
    graph = {m: {t for t in imports_of(p) if t in MODULES and t != m} for m, p in MODULES.items()}
    state: dict[str, int] = {}

    def visit(m: str, path: list[str]) -> None:
        state[m] = 1
        for t in sorted(graph[m]):
            # a package's __init__ re-exporting its own module is not a circle
            if t == m.rsplit(".", 1)[0] and MODULES[t].name == "__init__.py":
                continue
            if state.get(t) == 1:
                raise AssertionError("import circle: " + " → ".join(path + [m, t]))
            if t not in state:
                visit(t, path + [m])
        state[m] = 2

    for m in sorted(graph):
        if m not in state:
            visit(m, [])


def test_the_checker_sees_relative_lazy_and_dynamic_imports():
    # the shipped code: cli imports api lazily (inside each command), engine.run imports
    # scores with two dots and media_store inside a function
    assert "zfaudit.api" in imports_of(MODULES["zfaudit.cli"])
    assert "zfaudit.scores" in imports_of(MODULES["zfaudit.engine.run"])
    assert "zfaudit.engine.media_store" in imports_of(MODULES["zfaudit.engine.run"])
    # made-up modules of report/: every way of reaching engine/ is seen
    fake = PACKAGE / "report" / "sneaky.py"
    for source, found in [
        ("import zfaudit\n", "zfaudit"),
        ("def f():\n    from ..engine import run\n", "zfaudit.engine.run"),
        ("import importlib\nimportlib.import_module('zfaudit.engine.run')\n", "zfaudit.engine.run"),
        ("from zfaudit.engine.gx import gx_session\n", "zfaudit.engine.gx"),
        ("import zfaudit.ingest.loader as L\n", "zfaudit.ingest.loader"),
    ]:
        assert found in imports_of(fake, source, "zfaudit.report"), source


# The report notebooks are report/ code: what they import is held to the same directions.
NOTEBOOK_MAY_IMPORT = ALLOWED["report"] | BOTTOM | {"report"}


@pytest.mark.parametrize("notebook", ["quarterly_assessment", "case_review", "spot_check"])
def test_report_notebooks_import_only_what_report_may(notebook):
    import json

    nb = json.loads((PACKAGE.parent / "notebooks" / f"{notebook}.ipynb").read_text("utf-8"))
    source = "\n".join("".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "code")
    found = imports_of(PACKAGE / "report" / f"{notebook}.py", source, "zfaudit.report")
    assert found, "the notebook imports zfaudit"
    bad = sorted(t for t in found if unit_of(t) not in NOTEBOOK_MAY_IMPORT)
    assert not bad, f"{notebook}.ipynb may not import {bad}"
