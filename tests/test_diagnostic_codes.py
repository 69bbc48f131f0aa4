"""The one registry of diagnostic codes (translator/diagnostics/codes.py) against the docs and the code.

Every registered code is documented in docs/diagnostics.md under its own heading with its title,
every documented code is registered, every code is used by some module, and no module spells a
code as a string literal (so a code's severity and title are the registry's, in one place).
"""

from __future__ import annotations

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
    assert entry.stage.value == code[:3] or code.startswith("EMT")  # EMT5xx moved to the catalog
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
