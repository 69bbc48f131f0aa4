"""Rendering: every SQL text the compiler hands out goes through here."""

from __future__ import annotations

from sqlglot import ErrorLevel, exp


def to_sql(e: exp.Expression) -> str:
    """PostgreSQL text of a compiled expression; raises on anything the dialect cannot express."""
    return e.sql(dialect="postgres", unsupported_level=ErrorLevel.RAISE)
