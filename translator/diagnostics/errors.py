"""The one exception for input that stops the run (exit code 2)."""

from __future__ import annotations

from translator.diagnostics.model import Diagnostic
from translator.diagnostics.render import human


class InputError(Exception):
    """An input problem that stops the run (exit code 2). Carries the diagnostic to show."""

    def __init__(self, diagnostic: Diagnostic):
        super().__init__(human(diagnostic))
        self.diagnostic = diagnostic
