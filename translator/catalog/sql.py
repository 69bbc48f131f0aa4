"""Rendering sqlglot trees to the PostgreSQL text stored in the catalog."""

from __future__ import annotations

from sqlglot import exp
from sqlglot.errors import ErrorLevel

try:  # the compile stage owns the canonical renderer
    from translator.compile import to_sql as _compile_to_sql
except ImportError:  # pragma: no cover - until the compile stage provides it
    _compile_to_sql = None


def to_sql(e: exp.Expression) -> str:
    if _compile_to_sql is not None:
        return _compile_to_sql(e)
    return e.sql(dialect="postgres", unsupported_level=ErrorLevel.RAISE)


def formula_sql(e: exp.Expression) -> str:
    """A derived formula over metric keys: bare identifiers (sqlglot quotes only unsafe ones)."""
    return e.sql(dialect="postgres", unsupported_level=ErrorLevel.RAISE)


def column_names(e: exp.Expression) -> tuple[str, ...]:
    """The column names an expression reads, sorted and without duplicates (case-folded)."""
    return tuple(sorted({c.name for c in e.find_all(exp.Column)}, key=str.casefold))
