"""CALCULATE's filter arguments: the filter context the inner expression is evaluated in.

- A boolean filter (`T[c] = "x"`, `T[c] IN {...}`, `&&`/`||` of such) REPLACES outer filters on
  its columns, including the report's own filters on them (recorded in `overridden_columns`).
- KEEPFILTERS(pred) and FILTER(<fact table>, pred) intersect.
- ALLSELECTED() turns the aggregates into windows over the grouped result (exact);
  ALL()/REMOVEFILTERS() do the same but also drop slicer filters: APPROXIMATE.
Modifiers (ALL*, REMOVEFILTERS) apply before the filters, whatever their position.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from translator.compile import blank
from translator.compile.compiler import Compiler
from translator.compile.context import ColumnKey, Filter, Scope
from translator.compile.errors import NO_SQL_RULE, UNSUPPORTED, Untranslatable
from translator.compile.tables import filter_table
from translator.dax import ast



@dataclass(slots=True)
class FilterState:
    outer: list[Filter]  # filters from enclosing CALCULATEs (a boolean filter may replace them)
    added: list[Filter] = field(default_factory=list)  # this CALCULATE's own filters
    window: str | None = None
    # Columns this CALCULATE's boolean filters replace: ALL/REMOVEFILTERS of one of them beside
    # such a filter is redundant (the filter already removes every other filter on it).
    replaced: frozenset[ColumnKey] = frozenset()


def calculate_scope(cx: Compiler, call: ast.FunctionCall, scope: Scope) -> Scope:
    if scope.in_row:
        raise Untranslatable(
            UNSUPPORTED,
            "CALCULATE inside a row expression is a context transition per row: a nested aggregate",
            call.span,
        )
    arguments = [a for a in call.args[1:]]
    replaced = frozenset(c for a in arguments if _is_boolean_filter(cx, a) for c in _columns_read(cx, a))
    state = FilterState(outer=list(scope.filters), window=scope.window, replaced=replaced)
    modifiers = [a for a in arguments if _removes_filters(cx, a)]
    for argument in modifiers + [a for a in arguments if not _removes_filters(cx, a)]:
        apply_filter_argument(cx, argument, scope, state)
    return Scope(filters=(*state.outer, *state.added), row=scope.row, predicate=scope.predicate, window=state.window,
                 top=False, variables=scope.variables)


def _removes_filters(cx: Compiler, node: ast.Expr | None) -> bool:
    if isinstance(node, ast.FunctionCall):
        rule = cx.rules.modifier.get(node.name.upper())
        return rule is all_modifier or rule is allselected_modifier
    return False


def _is_boolean_filter(cx: Compiler, node: ast.Expr | None) -> bool:
    """A CALCULATE argument that is a predicate (`T[c] = "x"`), not a table or a modifier."""
    if node is None or isinstance(node, ast.VariableRef):
        return False
    if isinstance(node, ast.FunctionCall):
        name = node.name.upper()
        return name not in cx.rules.modifier and name in cx.rules.scalar
    return True


def _columns_read(cx: Compiler, node: ast.Expr) -> set[ColumnKey]:
    found: set[ColumnKey] = set()
    for sub in ast.walk(node):
        if isinstance(sub, ast.ColumnRef) and sub.table is not None:
            resolved = cx.index.column(sub.table, sub.column)
            if resolved is not None:
                found.add(ColumnKey(resolved[0].name, resolved[1].name))
    return found


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
    inner = call.args[0]
    if isinstance(inner, ast.FunctionCall) and cx.rules.modifier.get(inner.name.upper()) is filter_modifier:
        # KEEPFILTERS(FILTER(T, pred)): FILTER's rows are already read in the outer context, so
        # intersecting them with it changes nothing (docs/semantics.md)
        filter_modifier(cx, inner, scope, state)
        return
    compiled, columns = predicate(cx, inner, scope)
    state.added.append(Filter(compiled.sql, columns))


def filter_modifier(cx: Compiler, call: ast.FunctionCall, scope: Scope, state: FilterState) -> None:
    source = filter_table(cx, call, scope._replace(filters=()))
    if source.predicates:
        state.added.append(
            Filter(blank.conjunction(list(source.predicates)), source.columns, table_filter=True)
        )


def all_modifier(cx: Compiler, call: ast.FunctionCall, scope: Scope, state: FilterState) -> None:
    if call.args and all(_replaced_column(cx, a, state) for a in call.args):
        return  # ALL('T'[c]) beside a boolean filter on 'T'[c]: the filter already replaces it
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


def _replaced_column(cx: Compiler, node: ast.Expr | None, state: FilterState) -> bool:
    if not isinstance(node, ast.ColumnRef) or node.table is None:
        return False
    resolved = cx.index.column(node.table, node.column)
    return resolved is not None and ColumnKey(resolved[0].name, resolved[1].name) in state.replaced


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

