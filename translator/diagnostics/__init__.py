"""Diagnostics: the model (data), the one registry of codes, and the renderers apart from both.

- `model`: Diagnostic, Severity, SourceLocation (data only).
- `codes`: every code with its stage, severity, title and fix (docs/diagnostics.md explains each).
- `render`: human text, JSON, GitHub annotations.
`report(code, ...)` makes a diagnostic with the severity the registry gives the code: the only
way the translator makes one (tests/test_diagnostic_codes.py checks that no call site names a
severity).
"""

from __future__ import annotations

from translator.diagnostics.codes import lookup
from translator.diagnostics.errors import InputError
from translator.diagnostics.model import Diagnostic, Severity, SourceLocation

__all__ = ["Diagnostic", "InputError", "Severity", "SourceLocation", "report"]


def report(code: str, message: str, location: SourceLocation | None = None, *notes: str) -> Diagnostic:
    """A diagnostic of `code` at the severity the registry gives it."""
    return Diagnostic(code, lookup(code).severity, message, location, tuple(notes))
