"""Diagnostics: the model (data), the one registry of codes, and the renderers apart from both.

- `model`: Diagnostic, Severity, SourceLocation and the constructors.
- `codes`: every code with its stage, severity, title and fix (docs/diagnostics.md explains each).
- `render`: human text, JSON, GitHub annotations.
`report(code, ...)` makes a diagnostic with the severity the registry gives the code.
"""

from __future__ import annotations

from translator.diagnostics.codes import lookup
from translator.diagnostics.errors import InputError
from translator.diagnostics.model import Diagnostic, Severity, SourceLocation, error, info, warning

__all__ = ["Diagnostic", "InputError", "Severity", "SourceLocation", "error", "info", "report", "warning"]


def report(code: str, message: str, location: SourceLocation | None = None, *notes: str) -> Diagnostic:
    """A diagnostic of `code` at the severity the registry gives it."""
    return Diagnostic(code, lookup(code).severity, message, location, tuple(notes))
