"""Table arguments: what an iterator or FILTER iterates. Only the fact table's own rows,
optionally narrowed by FILTER predicates, are a plain scan the SQL aggregate can express."""

from __future__ import annotations

from typing import TYPE_CHECKING

from translator.compile import blank
from translator.compile.context import Scope, TableSource, TableVar
from translator.compile.errors import NO_SQL_RULE, UNKNOWN_NAME, UNSUPPORTED, Untranslatable
from translator.dax import ast

if TYPE_CHECKING:
    from translator.compile.compiler import Compiler


def compile_table(cx: Compiler, node: ast.Expr | None, scope: Scope) -> TableSource:
    match node:
        case ast.TableRef(name=name) | ast.VariableRef(name=name) if scope.lookup(name) is None:
            return _fact_table(cx, name, node.span)
        case ast.VariableRef(name=name):
            bound = scope.lookup(name)
            if not isinstance(bound, TableVar):
                raise Untranslatable(UNSUPPORTED, f"variable {name} is not a table", node.span)
            if bound.filters != scope.filters:
                raise Untranslatable(
                    UNSUPPORTED,
                    f"table variable {name} was evaluated under other filters than where it is used",
                    node.span,
                )
            return bound.source
        case ast.FunctionCall(name=name):
            fn = cx.function(node)
            rule = cx.rules.table.get(fn.name)
            if rule is not None:
                return rule(cx, node, scope)
            if fn.untranslated:
                raise Untranslatable(NO_SQL_RULE, f"{fn.name}: {fn.untranslated}", node.span)
            if fn.name in _REMOVES_FILTERS:
                raise Untranslatable(
                    UNSUPPORTED,
                    f"{fn.name}(...) as a table reads rows the report's filters leave out (a running "
                    "total, a share, a guard against future dates): needs a window or a subquery",
                    node.span,
                )
            raise Untranslatable(
                UNSUPPORTED, f"iterating {name}(...) is not a scan of the fact table's rows", node.span
            )
        case ast.ColumnRef() | ast.MeasureRef():
            raise Untranslatable(UNSUPPORTED, "a column or measure where a table is expected", node.span)
        case ast.TableConstructor():
            raise Untranslatable(UNSUPPORTED, "a table constructor {...} is not a table of the view", node.span)
    raise Untranslatable(
        UNSUPPORTED, "only a table name or FILTER(<table>, ...) can be iterated", getattr(node, "span", ast.NO_SPAN)
    )


_REMOVES_FILTERS = frozenset({"ALL", "ALLSELECTED", "ALLNOBLANKROW", "REMOVEFILTERS", "ALLEXCEPT"})


def _fact_table(cx: Compiler, name: str, span: ast.Span) -> TableSource:
    table = cx.index.table(name)
    if table is None:
        raise Untranslatable(UNKNOWN_NAME, f"unknown table '{name}'", span)
    if not cx.index.is_data_table(table):
        raise Untranslatable(
            UNSUPPORTED, f"'{table.name}' is a {table.kind.value} table, not a table of the view", span
        )
    cx.read_table(table.name, span)
    return TableSource(table.name)


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

