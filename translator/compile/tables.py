"""FILTER as a table: the fact table's own rows narrowed by a predicate, the only table besides the
fact table itself (Compiler's `compile_table`) that a SQL aggregate can scan."""

from __future__ import annotations

from translator.compile import blank
from translator.compile.compiler import Compiler, compile_table
from translator.compile.context import Scope, TableSource
from translator.compile.errors import UNSUPPORTED, Untranslatable
from translator.dax import ast


def keepfilters_table(cx: Compiler, call: ast.FunctionCall, scope: Scope) -> TableSource:
    """KEEPFILTERS(<table>) as an iterator's or FILTER's table: it only changes how a context
    transition merges with the outer filters; without one (a measure reference in the row
    expression is refused) it is the table itself (docs/semantics.md)."""
    return compile_table(cx, call.args[0], scope)


def filter_table(cx: Compiler, call: ast.FunctionCall, scope: Scope) -> TableSource:
    """FILTER(<table>, <row predicate>): the table's rows where the predicate holds."""
    inner = compile_table(cx, call.args[0], scope)
    if scope.in_row:
        raise Untranslatable(UNSUPPORTED, "FILTER inside a row expression", call.span)
    row_scope = Scope(
        filters=scope.filters, row=inner.table, window=scope.window, top=False, variables=scope.variables
    )
    with cx.capture_columns() as columns:
        predicate = blank.truthy(cx.expr(call.args[1], row_scope), "FILTER's predicate")
    if predicate.aggregated:
        raise Untranslatable(UNSUPPORTED, "FILTER's predicate compares with an aggregate", call.span)
    if predicate.is_const:
        if predicate.const:
            return inner
        predicate = blank.literal(False)
    return TableSource(inner.table, (*inner.predicates, predicate.sql), inner.columns | frozenset(columns))

