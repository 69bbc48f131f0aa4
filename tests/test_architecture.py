"""The import rules of docs/architecture.md, enforced on the source (read as text, never imported).

- Stages import forward only: readers -> dax -> compile -> catalog -> emit, with model,
  diagnostics, functions and dialect at the bottom and reference / resolve beside; only the
  orchestrators (pipeline, review, verify, parity, cli) import `translator.readers`.
- No import cycle between modules, counting imports under TYPE_CHECKING and inside functions.
- No module looked up by a string (importlib.import_module, __import__).
- emit lays out and the readers read: neither imports sqlglot, so neither parses SQL.
- One module names the SQL dialect: translator/dialect.py.
- Every stage's entry point has the shape `(input) -> (output, diagnostics)`, and the
  orchestrator (translator/pipeline.py `plan`) runs each through the one function that keeps the
  diagnostics (`_run`), never by hand.
- The catalog's row classes declare their seeded columns once, on their fields
  (translator/catalog/rows.py `column`): the table list and the seed name none of them.
- The catalog's rows keep locations as SourceLocation objects (emit renders them) and statuses
  and placements as enums.
- verify and parity take the data sources and toggles the catalog made (their rows record the
  model objects behind them) instead of deriving them again, and hand the reference columns as
  (table, column) pairs, never as DAX text it would parse back.
"""

from __future__ import annotations

import ast
import importlib
import re
import typing
from collections.abc import Sequence
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


@pytest.mark.parametrize("part", ["translator.emit", "translator.readers"])
def test_emit_and_the_readers_parse_no_sql(part):
    """emit lays out; the readers read (the mapping's SQL is checked by the catalog, which uses it)."""
    offenders = sorted(m for m in MODULES if _part(m) == part
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


# The entry point of every stage: (module, function). Each takes its input and returns
# (output, diagnostics); docs/architecture.md lists them.
STAGES = [
    ("translator.readers", "read_exports"),
    ("translator.readers.mapping", "load_mapping"),
    ("translator.readers.report", "read_reports"),
    ("translator.dax", "parse_model"),
    ("translator.compile", "compile_model"),
    ("translator.catalog", "build_catalog"),
    ("translator.emit", "render"),
]


def _stage(module: str, name: str):
    return getattr(importlib.import_module(module), name)  # the test's own lookup, not the program's


@pytest.mark.parametrize(("module", "name"), STAGES)
def test_every_stage_is_declared_input_to_output_and_diagnostics(module, name):
    from translator.diagnostics import Diagnostic

    returns = typing.get_type_hints(_stage(module, name))["return"]
    assert typing.get_origin(returns) is tuple, f"{module}.{name} returns {returns}"
    output, diagnostics = typing.get_args(returns)
    assert typing.get_origin(output) is not tuple or typing.get_args(output)[-1:] == (Ellipsis,), (
        f"{module}.{name}: the output is one value (a dataclass or a collection), not a tuple of several")
    assert typing.get_origin(diagnostics) in (list, tuple, Sequence), f"{module}.{name}: {diagnostics}"
    assert typing.get_args(diagnostics)[0] is Diagnostic, f"{module}.{name}: {diagnostics}"


def test_the_stages_run_in_turn_and_each_returns_output_and_diagnostics(tmp_path):
    """A tiny export through every stage by hand, as the orchestrator runs them."""
    from tests.readers.writers import write_bim
    from translator.diagnostics import Diagnostic
    from translator.model.semantic import Column, Measure, SemanticModel, Table

    sales = Table("Sales", columns=(Column("amount", "double"),),
                  measures=(Measure("Sales", "Total", "SUM(Sales[amount])"), Measure("Sales", "Bad", "SUM(")))
    write_bim(SemanticModel("Tiny", "model.bim", (sales,)), tmp_path / "model.bim")
    run = {name: _stage(module, name) for module, name in STAGES}
    results = []
    models, found = run["read_exports"](tmp_path)
    results.append(found)
    mapping, found = run["load_mapping"](None)
    results.append(found)
    parsed, found = run["parse_model"](models[0])
    results.append(found)
    assert [d.code for d in found] == ["DAX103"]  # the stage reports its own findings
    compiled, found = run["compile_model"](parsed, mapping.semantics)
    results.append(found)
    reports, found = run["read_reports"](tmp_path, [compiled.export])
    results.append(found)
    catalog, found = run["build_catalog"]([compiled], mapping, reports)
    results.append(found)
    files, found = run["render"](catalog)
    results.append(found)
    assert all(isinstance(d, Diagnostic) for found in results for d in found)
    assert [m.metric_key for m in catalog.metrics] == ["total"] and files


def test_the_orchestrator_runs_every_stage_through_one_function():
    """In pipeline.py's `plan` (and what it calls there), a stage is only ever an argument of
    `_run`, which keeps its diagnostics: never called by hand, its diagnostics dropped or mixed."""
    names = {name for _, name in STAGES}
    tree = TREES["translator.pipeline"]
    functions = {node.name: node for node in tree.body if isinstance(node, ast.FunctionDef)}
    run_through = set()
    for function in ("plan", "parse_and_compile"):
        for node in ast.walk(functions[function]):
            if not isinstance(node, ast.Call) or not isinstance(node.func, ast.Name):
                continue
            assert node.func.id not in names, f"{function} calls {node.func.id} by hand: use _run"
            if node.func.id == "_run" and isinstance(node.args[0], ast.Name):
                run_through.add(node.args[0].id)
    assert run_through == names


def test_row_classes_declare_their_columns_once():
    declared = {
        statement.target.id
        for cls in TREES["translator.catalog.rows"].body if isinstance(cls, ast.ClassDef)
        for statement in cls.body
        if isinstance(statement, ast.AnnAssign) and isinstance(statement.value, ast.Call)
        and isinstance(statement.value.func, ast.Name) and statement.value.func.id == "column"
    }
    assert {"metric_key", "sql_expression", "layout", "source_key"} <= declared
    for module in ("translator.catalog.columns", "translator.emit.seed"):
        spelled = {node.value for node in ast.walk(TREES[module])
                   if isinstance(node, ast.Constant) and isinstance(node.value, str)}
        assert spelled & declared == set(), f"{module} restates columns the row classes declare"


CATALOG_DERIVATIONS = {"build_source", "source_tables", "build_toggles", "build_dimensions", "build_metrics"}


@pytest.mark.parametrize("part", ["translator.verify", "translator.parity"])
def test_verify_and_parity_read_the_catalog_instead_of_deriving_it_again(part):
    offenders = sorted(
        f"{module}: {alias.name}"
        for module, tree in TREES.items() if _part(module) == part
        for node in ast.walk(tree) if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("translator.catalog")
        for alias in node.names if alias.name in CATALOG_DERIVATIONS
    )
    assert offenders == []


def test_verify_writes_no_dax_column_reference_for_the_reference():
    """An f-string shaped like 'Table'[Column] in verify would be text the reference parses back."""
    offenders = []
    for module, tree in TREES.items():
        if _part(module) != "translator.verify":
            continue
        for node in ast.walk(tree):
            if isinstance(node, ast.JoinedStr):
                text = "".join(v.value if isinstance(v, ast.Constant) else "{}" for v in node.values)
                if re.search(r"'\[|\}\[", text):
                    offenders.append(f"{module}:{node.lineno}: {text}")
    assert offenders == []


def test_catalog_rows_keep_locations_as_objects_and_statuses_as_enums():
    tree = TREES["translator.catalog.rows"]
    classes = {node.name: node for node in tree.body if isinstance(node, ast.ClassDef)}
    enums = {name for name, node in classes.items()
             if any(isinstance(b, ast.Attribute) and b.attr in ("Enum", "StrEnum") for b in node.bases)}
    fields = [(name, statement.target.id, ast.unparse(statement.annotation))
              for name, node in classes.items() for statement in node.body
              if isinstance(statement, ast.AnnAssign) and isinstance(statement.target, ast.Name)]
    locations = [(cls, annotation) for cls, field, annotation in fields if field == "location"]
    assert locations and all(annotation == "SourceLocation | None" for _, annotation in locations), locations
    statuses = [(cls, field, annotation) for cls, field, annotation in fields if field in ("status", "placement")]
    assert statuses and all(annotation in enums for _, _, annotation in statuses), statuses
