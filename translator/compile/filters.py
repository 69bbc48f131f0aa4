"""CALCULATE's filter arguments: the filter context the inner expression is evaluated in.

- A boolean filter (`T[c] = "x"`, `T[c] IN {...}`, `&&`/`||` of such) REPLACES outer filters on
  its columns, including the report's own filters on them (recorded in `overridden_columns`).
- KEEPFILTERS(pred) and FILTER(<fact table>, pred) intersect.
- ALLSELECTED() turns the aggregates into windows over the grouped result (exact);
  ALL()/REMOVEFILTERS() do the same but also drop slicer filters: APPROXIMATE.
Modifiers (ALL*, REMOVEFILTERS) apply before the filters, whatever their position.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

from translator.compile import blank
from translator.compile.context import ColumnKey, Filter, Scope
from translator.compile.errors import NO_SQL_RULE, UNSUPPORTED, Untranslatable
from translator.dax import ast

if TYPE_CHECKING:
    from translator.compile.compiler import Compiler


@dataclass(slots=True)
class FilterState:
    outer: list[Filter]  # filters from enclosing CALCULATEs (a boolean filter may replace them)
    added: list[Filter] = field(default_factory=list)  # this CALCULATE's own filters
    window: str | None = None


def calculate_scope(cx: Compiler, call: ast.FunctionCall, scope: Scope) -> Scope:
    if scope.in_row:
        raise Untranslatable(
            UNSUPPORTED,
            "CALCULATE inside a row expression is a context transition per row: a nested aggregate",
            call.span,
        )
    state = FilterState(outer=list(scope.filters), window=scope.window)
    arguments = [a for a in call.args[1:]]
    modifiers = [a for a in arguments if _removes_filters(cx, a)]
    for argument in modifiers + [a for a in arguments if not _removes_filters(cx, a)]:
        apply_filter_argument(cx, argument, scope, state)
    return replace(scope, filters=(*state.outer, *state.added), window=state.window, top=False)


def _removes_filters(cx: Compiler, node: ast.Expr | None) -> bool:
    if isinstance(node, ast.FunctionCall):
        rule = cx.rules.modifier.get(node.name.upper())
        return rule is all_modifier or rule is allselected_modifier
    return False


def apply_filter_argument(cx: Compiler, node: ast.Expr | None, scope: Scope, state: FilterState) -> None:
    if node is None:
        raise Untranslatable(UNSUPPORTED, "an empty CALCULATE filter argument")
    if isinstance(node, ast.FunctionCall):
        fn = cx.function(node)
        rule = cx.rules.modifier.get(fn.name)
        if rule is not None:
            rule(cx, node, scope, state)
            return
        if fn.name not in cx.rules.scalar:
            if fn.untranslated:
                raise Untranslatable(NO_SQL_RULE, f"{fn.name}: {fn.untranslated}", node.span)
            raise Untranslatable(UNSUPPORTED, f"{fn.name} as a CALCULATE filter", node.span)
    if isinstance(node, ast.VariableRef):
        raise Untranslatable(UNSUPPORTED, "a variable as a CALCULATE filter", node.span)
    boolean_filter(cx, node, scope, state)


def predicate(cx: Compiler, node: ast.Expr, scope: Scope) -> tuple[blank.Compiled, frozenset[ColumnKey]]:
    """A filter predicate over columns (any table; checked against the fact table later)."""
    pscope = Scope(predicate=True, top=False, variables=scope.variables)
    with cx.capture_columns() as columns:
        compiled = blank.truthy(cx.expr(node, pscope), "a CALCULATE filter")
    if compiled.aggregated:
        raise Untranslatable(
            UNSUPPORTED,
            "a CALCULATE filter compares a column with an aggregate: needs a subquery",
            node.span,
        )
    if not columns:
        raise Untranslatable(UNSUPPORTED, "a CALCULATE filter that reads no column", node.span)
    return compiled, frozenset(columns)


def boolean_filter(cx: Compiler, node: ast.Expr, scope: Scope, state: FilterState) -> None:
    compiled, columns = predicate(cx, node, scope)
    kept: list[Filter] = []
    for outer in state.outer:
        shared = outer.columns & columns
        if not shared:
            kept.append(outer)
        elif outer.table_filter or not outer.columns <= columns:
            raise Untranslatable(
                UNSUPPORTED,
                "a filter replaces one column of an outer filter that also reads other columns",
                node.span,
            )
    state.outer = kept
    state.added.append(Filter(compiled.sql, columns, replaces=True))
    cx.collector.overridden.update(columns)


def keepfilters_modifier(cx: Compiler, call: ast.FunctionCall, scope: Scope, state: FilterState) -> None:
    compiled, columns = predicate(cx, call.args[0], scope)
    state.added.append(Filter(compiled.sql, columns))


def filter_modifier(cx: Compiler, call: ast.FunctionCall, scope: Scope, state: FilterState) -> None:
    from translator.compile.tables import filter_table

    source = filter_table(cx, call, replace(scope, filters=()))
    if source.predicates:
        state.added.append(
            Filter(_conjunction(list(source.predicates)), source.columns, table_filter=True)
        )


def all_modifier(cx: Compiler, call: ast.FunctionCall, scope: Scope, state: FilterState) -> None:
    _remove_all(cx, call, state)
    # ALL also removes the report's slicer filters, so it wins over an ALLSELECTED beside or
    # around it: the result is approximate either way.
    state.window = "all"


def allselected_modifier(cx: Compiler, call: ast.FunctionCall, scope: Scope, state: FilterState) -> None:
    if scope.filters or scope.window:
        raise Untranslatable(
            UNSUPPORTED,
            "ALLSELECTED inside another CALCULATE restores filters the SQL window cannot see",
            call.span,
        )
    _remove_all(cx, call, state)
    state.window = "all" if state.window == "all" else "allselected"


def _remove_all(cx: Compiler, call: ast.FunctionCall, state: FilterState) -> None:
    for arg in call.args:
        if not isinstance(arg, ast.TableRef):
            raise Untranslatable(
                UNSUPPORTED,
                f"{call.name} of a column removes the filter on one column only: needs a window "
                "partitioned by the other grouping columns",
                call.span,
            )
        table = cx.index.table(arg.name)
        if table is None or not cx.index.is_data_table(table):
            raise Untranslatable(UNSUPPORTED, f"{call.name}('{arg.name}'): not a table of the view", call.span)
        cx.collector.filtered.append((table.name, arg.span))
    state.outer = []


def _conjunction(predicates: list) -> object:
    from translator.compile.compiler import conjunction

    return conjunction(predicates)
