"""The one registry of diagnostic codes (translator/diagnostics/codes.py) against the docs and the code.

Every registered code is documented in docs/diagnostics.md under its own heading with its title,
every documented code is registered, every code is used by some module, and no module spells a
code as a string literal (so a code's severity and title are the registry's, in one place).
Every diagnostic is made by `report(code, ...)`, which takes the severity from the registry: no
module outside translator/diagnostics/ builds a Diagnostic itself or names a severity for one.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from translator.diagnostics import Severity, codes, report

ROOT = Path(__file__).parents[1]
CODE = re.compile(r"\b(?:DAX|CMP|CAT|RDR|EMT|CLI|PAR)\d{3}\b")
HEADING = re.compile(r"^### ((?:DAX|CMP|CAT|RDR|EMT|CLI|PAR)\d{3}):? (.*)$", re.M)
SOURCES = {p: p.read_text(encoding="utf-8") for p in (ROOT / "translator").rglob("*.py")}
REGISTRY_FILE = ROOT / "translator" / "diagnostics" / "codes.py"
DOCUMENTED = dict(HEADING.findall((ROOT / "docs" / "diagnostics.md").read_text(encoding="utf-8")))


def test_every_registered_code_is_documented_and_every_documented_code_registered():
    assert set(DOCUMENTED) == set(codes.REGISTRY)


@pytest.mark.parametrize("code", sorted(codes.REGISTRY))
def test_the_documented_heading_carries_the_title(code):
    entry = codes.REGISTRY[code]
    assert entry.title in DOCUMENTED[code]
    moved = code.startswith("EMT") or code in ("CAT390", "CAT391", "CAT392")  # catalog / the mapping's reader
    assert entry.stage.value == code[:3] or moved
    assert entry.fix


@pytest.mark.parametrize("code", sorted(codes.REGISTRY))
def test_every_code_is_used(code):
    uses = re.compile(rf"\bcodes\.{code}\b|\bimport\b[^\n]*\b{code}\b")
    assert any(uses.search(text) for path, text in SOURCES.items() if path != REGISTRY_FILE), code


def test_no_module_spells_a_code_as_a_string():
    literal = re.compile(r"""["'](?:DAX|CMP|CAT|RDR|EMT|CLI|PAR)\d{3}["']""")
    offenders = [str(p.relative_to(ROOT)) for p, text in SOURCES.items()
                 if p != REGISTRY_FILE and literal.search(text)]
    assert offenders == []


def test_report_takes_the_severity_from_the_registry():
    assert report(codes.CMP213, "x").severity is Severity.WARNING
    assert report(codes.CAT304, "x").severity is Severity.INFO
    assert report(codes.EMT501, "x").severity is Severity.ERROR
    with pytest.raises(KeyError):
        report("XYZ999", "x")


DIAGNOSTICS_PACKAGE = ROOT / "translator" / "diagnostics"
OUTSIDE = {p: ast.parse(text) for p, text in SOURCES.items() if DIAGNOSTICS_PACKAGE not in p.parents}


def _called(node: ast.Call) -> str | None:
    func = node.func
    return func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else None


def test_no_module_builds_a_diagnostic_or_names_its_severity():
    offenders = []
    for path, tree in OUTSIDE.items():
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call):
                continue
            where = f"{path.relative_to(ROOT)}:{node.lineno}"
            if _called(node) == "Diagnostic":
                offenders.append(f"{where}: Diagnostic(...) (use report(code, ...))")
            if any(k.arg == "severity" for k in node.keywords):
                offenders.append(f"{where}: severity=")
            if _called(node) == "report" and any(
                    isinstance(a, ast.Attribute) and isinstance(a.value, ast.Name) and a.value.id == "Severity"
                    for a in node.args):
                offenders.append(f"{where}: report(..., Severity.X)")
    assert offenders == []


def test_the_diagnostics_package_offers_no_constructor_that_names_a_severity():
    import translator.diagnostics as package
    import translator.diagnostics.model as model

    for module in (package, model):
        assert not {"error", "warning", "info", "warn", "err"} & set(vars(module)), module.__name__
