"""Diagnostics laid out for a reader: plain text, JSON objects and GitHub workflow annotations.

The model (translator.diagnostics.model) holds data only; these functions are its only renderers
besides the CLI's coloured console output, which builds on `human`'s parts.
"""

from __future__ import annotations

from typing import Any

from translator.diagnostics.model import Diagnostic, Severity


def where(diagnostic: Diagnostic) -> str:
    """"file:line:column: " or "" when the diagnostic has no location."""
    return f"{diagnostic.location}: " if diagnostic.location else ""


def human(diagnostic: Diagnostic) -> str:
    """One line "file:line:col: severity[CODE]: message", then one "  note: ..." line per note."""
    text = f"{where(diagnostic)}{diagnostic.severity.value}[{diagnostic.code}]: {diagnostic.message}"
    return "\n".join([text, *(f"  note: {n}" for n in diagnostic.notes)])


def to_json(diagnostic: Diagnostic) -> dict[str, Any]:
    location = diagnostic.location
    return {
        "code": diagnostic.code,
        "severity": diagnostic.severity.value,
        "message": diagnostic.message,
        "file": location.file if location else None,
        "line": location.line if location else None,
        "column": location.column if location else None,
        "notes": list(diagnostic.notes),
    }


_GITHUB_LEVEL = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "notice"}


def github(diagnostic: Diagnostic, level: Severity | None = None) -> str:
    """A GitHub Actions workflow command (`::error file=...,line=...::[CODE] message`), at the
    diagnostic's severity unless `level` shows it at another (a summary the CLI annotates)."""
    location = diagnostic.location
    props = []
    if location is not None:
        props.append(f"file={_escape_property(location.file)}")
        if location.line is not None:
            props.append(f"line={location.line}")
            if location.column is not None:
                props.append(f"col={location.column}")
    props.append(f"title={diagnostic.code}")
    message = "\n".join([f"[{diagnostic.code}] {diagnostic.message}", *diagnostic.notes])
    return f"::{_GITHUB_LEVEL[level or diagnostic.severity]} {','.join(props)}::{_escape_data(message)}"


def _escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")
