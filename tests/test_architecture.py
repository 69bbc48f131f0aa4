"""The import rules of docs/architecture.md, enforced on the source (read as text, never imported).

- Stages import forward only: readers -> dax -> compile -> catalog -> emit, with model,
  diagnostics, functions and dialect at the bottom and reference / resolve beside; only the
  orchestrators (pipeline, review, verify, parity, cli) import `translator.readers`.
- No import cycle between modules, counting imports under TYPE_CHECKING and inside functions.
- No module looked up by a string (importlib.import_module, __import__).
- emit lays out: it never imports sqlglot, so it parses no SQL.
- One module names the SQL dialect: translator/dialect.py.
"""

from __future__ import annotations

import ast
import re
from collections import defaultdict
from pathlib import Path

import pytest

ROOT = Path(__file__).parents[1]
PACKAGE = ROOT / "translator"


def _module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {_module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}
TREES = {name: ast.parse(path.read_text(encoding="utf-8")) for name, path in MODULES.items()}


def _resolve(name: str) -> str | None:
    """The translator module `name` imports (a module, or the package holding a name)."""
    while name and name not in MODULES:
        name = name.rpartition(".")[0]
    return name or None


def _imports(module: str) -> set[str]:
    found: set[str] = set()
    for node in ast.walk(TREES[module]):
        if isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names = [f"{node.module}.{a.name}" for a in node.names]
        else:
            continue
        for name in names:
            if name.startswith("translator"):
                target = _resolve(name)
                if target is not None and target != module:
                    found.add(target)
    return found


GRAPH = {module: _imports(module) for module in MODULES}

# Which top-level parts of translator/ each part may import (itself always allowed).
BOTTOM = {"translator.diagnostics", "translator.model", "translator.functions", "translator.dialect"}
ALLOWED: dict[str, set[str]] = {
    "translator.diagnostics": set(),
    "translator.dialect": set(),
    "translator.model": {"translator.diagnostics"},
    "translator.functions": set(),
    "translator.readers": BOTTOM,
    "translator.dax": BOTTOM,
    "translator.compile": BOTTOM | {"translator.dax"},
    "translator.reference": BOTTOM | {"translator.dax"},
    "translator.resolve": BOTTOM | {"translator.catalog", "translator.compile", "translator.dax"},
    "translator.catalog": BOTTOM | {"translator.dax", "translator.compile"},
    "translator.emit": BOTTOM | {"translator.dax", "translator.compile", "translator.catalog"},
}
ORCHESTRATORS = {"translator.pipeline", "translator.review", "translator.verify", "translator.parity", "translator.cli",
                 "translator.cache", "translator", "translator.__main__"}


def _part(module: str) -> str:
    return ".".join(module.split(".")[:2])


@pytest.mark.parametrize("module", sorted(MODULES))
def test_stages_import_forward_only(module):
    part = _part(module)
    if part in ORCHESTRATORS:
        return
    assert part in ALLOWED, f"{part} is not in the architecture: add it to docs/architecture.md and here"
    wrong = sorted(t for t in GRAPH[module] if _part(t) != part and _part(t) not in ALLOWED[part])
    assert wrong == [], f"{module} imports {wrong}"


def test_only_orchestrators_import_the_readers():
    offenders = sorted(m for m, targets in GRAPH.items()
                       if _part(m) not in ORCHESTRATORS | {"translator.readers"}
                       and any(_part(t) == "translator.readers" for t in targets))
    assert offenders == []


def test_no_import_cycles():
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    cycles: list[list[str]] = []

    def visit(node: str) -> None:  # Tarjan's strongly connected components
        index[node] = low[node] = len(index)
        stack.append(node)
        for target in sorted(GRAPH[node]):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                cycles.append(sorted(component))

    for module in sorted(GRAPH):
        if module not in index:
            visit(module)
    assert cycles == []


def test_no_module_is_looked_up_by_a_string():
    offenders = []
    for module, tree in TREES.items():
        for node in ast.walk(tree):
            if isinstance(node, ast.Attribute) and node.attr == "import_module":
                offenders.append(module)
            if isinstance(node, ast.Name) and node.id == "__import__":
                offenders.append(module)
    assert offenders == []


def test_emit_parses_no_sql():
    offenders = sorted(m for m in MODULES if _part(m) == "translator.emit"
                       and re.search(r"^\s*(from|import) sqlglot", MODULES[m].read_text(encoding="utf-8"), re.M))
    assert offenders == []


def test_one_module_names_the_dialect():
    naming = sorted(m for m, path in MODULES.items()
                    if re.search(r"""["']postgres(ql)?["']""", path.read_text(encoding="utf-8"), re.I))
    assert naming == ["translator.dialect"]


@pytest.mark.parametrize("value", [None, True, False, 0, -5, 2**40, "", "a'b", "back\\slash", "new\nline",
                                   "tab\t", "uni é", "x\x01y", "dollar $1 $$", "''"])
def test_the_targets_fast_literals_are_what_sqlglot_writes(value):
    from sqlglot import exp

    from translator.dialect import TARGET

    assert TARGET.literal(value) == exp.convert(value).sql(dialect=TARGET.name)
    if isinstance(value, str):
        assert TARGET.quote(value) == exp.column(value, quoted=True).sql(dialect=TARGET.name)
