"""compile: DAX AST -> one PostgreSQL aggregate expression per measure (sqlglot), or a reason.

Public API:
- compile_model(parsed, semantics) -> (CompiledModel, diagnostics): a Translation for every input
  measure (why one is not translated stays on it), the toggles, and the model-wide diagnostics
- compile_expression(text, parsed) -> Translation (for `translator explain`)
- to_sql(expression) -> str: PostgreSQL text, deterministic
"""

from translator.compile.measures import compile_expression, compile_model
from translator.compile.sql import to_sql
from translator.compile.translation import (
    CompiledModel,
    Status,
    Toggle,
    ToggleKind,
    Translation,
    Variant,
)

__all__ = [
    "CompiledModel",
    "Status",
    "Toggle",
    "ToggleKind",
    "Translation",
    "Variant",
    "compile_expression",
    "compile_model",
    "to_sql",
]
