"""Rendering sqlglot trees to the PostgreSQL text stored in the catalog."""

from __future__ import annotations

from sqlglot import exp

from translator.compile import to_sql

# A derived formula over metric keys renders like any other SQL (sqlglot quotes only unsafe keys).
formula_sql = to_sql


def column_names(e: exp.Expression) -> tuple[str, ...]:
    """The column names an expression reads, sorted and without duplicates (case-folded)."""
    return tuple(sorted({c.name for c in e.find_all(exp.Column)}, key=str.casefold))
