"""Diagnostics as data: a stable code, a severity, a message and a location.

Every stage returns diagnostics instead of printing; `translator.diagnostics.render` lays them
out (human, JSON, GitHub annotations). Codes live in `translator.diagnostics.codes`, each with
its severity: make a diagnostic with `translator.diagnostics.report(code, ...)`, never by naming a
severity.
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
