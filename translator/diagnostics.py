"""Diagnostics as data: a stable code, a severity, a message and a location.

Every stage returns diagnostics instead of printing. Rendering (human or json) lives in the CLI.
Each code is documented in docs/diagnostics.md (what, why, an example); keep the two in step.
Codes by stage: DAX1xx parse, CMP2xx compile, CAT3xx catalog, RDR4xx readers, EMT5xx emit.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field


class Severity(enum.Enum):
    ERROR = "error"
    WARNING = "warning"
    INFO = "info"


@dataclass(frozen=True, slots=True)
class SourceLocation:
    """Where something came from: a file, and the 1-based line and column when known."""

    file: str
    line: int | None = None
    column: int | None = None

    def __str__(self) -> str:
        parts = [self.file]
        if self.line is not None:
            parts.append(str(self.line))
            if self.column is not None:
                parts.append(str(self.column))
        return ":".join(parts)


@dataclass(frozen=True, slots=True)
class Diagnostic:
    code: str
    severity: Severity
    message: str
    location: SourceLocation | None = None
    notes: tuple[str, ...] = field(default=())

    def render(self) -> str:
        where = f"{self.location}: " if self.location else ""
        text = f"{where}{self.severity.value}[{self.code}]: {self.message}"
        return "\n".join([text, *(f"  note: {n}" for n in self.notes)])


class InputError(Exception):
    """An input problem that stops the run (exit code 2). Carries the diagnostic to show."""

    def __init__(self, diagnostic: Diagnostic):
        super().__init__(diagnostic.render())
        self.diagnostic = diagnostic


def error(code: str, message: str, location: SourceLocation | None = None, *notes: str) -> Diagnostic:
    return Diagnostic(code, Severity.ERROR, message, location, tuple(notes))


def warning(code: str, message: str, location: SourceLocation | None = None, *notes: str) -> Diagnostic:
    return Diagnostic(code, Severity.WARNING, message, location, tuple(notes))
