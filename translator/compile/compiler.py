"""The expression compiler: DAX AST node -> Compiled, in a Scope.

Node types dispatch through _NODE_RULES; function calls dispatch through the function table
(translator/functions.py) to the rules in translator/compile/rules.py.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, replace
from typing import Protocol, assert_never

from sqlglot import exp

from translator import functions
from translator.compile import blank
from translator.compile.compiled import COLUMN_KINDS, NOT_CONSTANT, Compiled
from translator.compile.context import (
    Collector,
    ColumnKey,
    ModelIndex,
    Scope,
    SlicerToggle,
    TableSource,
    TableVar,
)
from translator.diagnostics.suggest import did_you_mean
from translator.compile.errors import (
    ARITY,
    COLUMN_OUTSIDE_ROW,
    CONTEXT_TRANSITION,
    MEASURE_CYCLE,
    NEEDS_JOIN,
    NO_SQL_RULE,
    NOT_ADDITIVE,
    UNKNOWN_FUNCTION,
    UNKNOWN_NAME,
    UNSUPPORTED,
    UNTRANSLATED_COMPONENT,
    APPROXIMATE_ALL,
    Untranslatable,
)
from translator.dax import ast
from translator.dax.ast import fold
from translator.dax.model import ParsedMeasure
from translator.dialect import TARGET
from translator.model.semantic import Column, Table



class Components(Protocol):
    """What the compiler needs from the measure service (translator/compile/measures.py): a
    measure referenced as a component of a derived metric, compiled on its own."""

    def component(self, pm: ParsedMeasure, stack: tuple[str, ...], span: ast.Span) -> Compiled: ...

# Placeholder table qualifier for a derived metric's component inside the formula being built.
COMPONENT = "__component__"

_BINARY = {
    ast.BinOp.ADD: blank.add,
    ast.BinOp.SUB: blank.sub,
    ast.BinOp.MUL: blank.mul,
    ast.BinOp.DIV: blank.div,
    ast.BinOp.POW: blank.power,
    ast.BinOp.CONCAT: blank.concat,
    ast.BinOp.STRICT_EQ: blank.strict_eq,
    ast.BinOp.AND: blank.and_,
    ast.BinOp.OR: blank.or_,
}
_COMPARISONS = {
    ast.BinOp.EQ: exp.EQ,
    ast.BinOp.NEQ: exp.NEQ,
    ast.BinOp.LT: exp.LT,
    ast.BinOp.LTE: exp.LTE,
    ast.BinOp.GT: exp.GT,
    ast.BinOp.GTE: exp.GTE,
}


@dataclass(frozen=True, slots=True)
class Rules:
    """The compile rule tables, by upper-case DAX name (translator.compile.rules.RULES)."""

    scalar: Mapping[str, Callable[..., Compiled]]  # a call where a value is expected
    table: Mapping[str, Callable[..., object]]  # where a table is expected (an iterator's table)
    modifier: Mapping[str, Callable[..., None]]  # as a CALCULATE filter argument


class Compiler:
    """Compiles one measure for one toggle selection."""

    def __init__(
        self,
        rules: Rules,
        index: ModelIndex,
        service: Components,
        selection: dict[str, str],
        inline_measures: bool,
        stack: tuple[str, ...],
        home: str | None = None,
    ):
        self.rules = rules
        self.index = index
        self.service = service
        self.selection = selection  # fold(toggle table) -> selected option
        self.inline_measures = inline_measures
        self.stack = stack  # folded names of the measures being compiled (cycle detection)
        # The home table of the measure whose expression is being compiled (innermost last): an
        # unqualified [c] that names no measure is that table's column.
        self.homes: list[str | None] = [home]
        self.collector = Collector()
        self._captures: list[set[ColumnKey]] = []

    # ------------------------------------------------------------ dispatch

    def expr(self, node: ast.Expr | None, scope: Scope) -> Compiled:
        if node is None:
            raise Untranslatable(ARITY, "an empty argument where a value is needed")
        rule = _NODE_RULES.get(type(node))
        if rule is None:
            assert_never(node)
        try:
            return rule(self, node, scope)
        except Untranslatable as e:
            if e.span == ast.NO_SPAN and node.span != ast.NO_SPAN:
                raise Untranslatable(e.code, e.message, node.span, e.notes) from None
            raise

    def constant(self, node: ast.Number | ast.String | ast.Boolean, scope: Scope) -> Compiled:
        return blank.literal(node.value)

    def unary(self, node: ast.UnaryOp, scope: Scope) -> Compiled:
        value = self.expr(node.operand, scope)
        match node.op:
            case ast.UnaryOpKind.NEG:
                return blank.neg(value)
            case ast.UnaryOpKind.POS:
                blank.unify(value, blank.literal(0), "unary plus")
                return value
            case ast.UnaryOpKind.NOT:
                return blank.not_(value)
            case _:
                assert_never(node.op)

    def var_block(self, node: ast.VarBlock, scope: Scope) -> Compiled:
        for binding in node.bindings:
            scope = scope.bind(binding.name, self.binding(binding.value, scope))
        return self.expr(node.body, scope)

    def table_as_value(self, node: ast.TableRef | ast.TableConstructor, scope: Scope) -> Compiled:
        raise Untranslatable(UNSUPPORTED, "a table where a single value is needed")

    def binary_op(self, node: ast.BinaryOp, scope: Scope) -> Compiled:
        return self.binary(node.op, node.left, node.right, scope)

    def variable_ref(self, node: ast.VariableRef, scope: Scope) -> Compiled:
        return self.variable(node.name, scope)

    def binary(self, op: ast.BinOp, left: ast.Expr, right: ast.Expr, scope: Scope) -> Compiled:
        if op is ast.BinOp.IN:
            value = self.expr(left, scope)
            if not isinstance(right, ast.TableConstructor) or any(len(r) != 1 for r in right.rows):
                raise Untranslatable(UNSUPPORTED, "IN with something other than a one-column list {...}")
            return blank.in_(value, [self.expr(row[0], scope) for row in right.rows])
        a, b = self.expr(left, scope), self.expr(right, scope)
        if op in _COMPARISONS:
            return blank.compare(_COMPARISONS[op], a, b)
        return _BINARY[op](a, b)

    def call(self, node: ast.FunctionCall, scope: Scope) -> Compiled:
        fn = self.function(node)
        rule = self.rules.scalar.get(fn.name)
        if rule is None:
            if fn.untranslated:
                raise Untranslatable(NO_SQL_RULE, f"{fn.name}: {fn.untranslated}")
            raise Untranslatable(
                UNSUPPORTED, f"{fn.name} returns a table, and a measure needs a single value here"
            )
        return rule(self, node, scope)

    def function(self, node: ast.FunctionCall) -> functions.Function:
        fn = functions.lookup(node.name)
        if fn is None:
            raise Untranslatable(UNKNOWN_FUNCTION, f"unknown function {node.name}", node.span)
        n = len(node.args)
        if n < fn.min_args or (fn.max_args is not None and n > fn.max_args):
            most = "any number of" if fn.max_args is None else str(fn.max_args)
            raise Untranslatable(
                ARITY, f"{fn.name} takes {fn.min_args} to {most} arguments, not {n}", node.span
            )
        return fn

    # ------------------------------------------------------------ variables

    def binding(self, value: ast.Expr, scope: Scope) -> object:
        """A VAR is evaluated where it is defined: compile it now, substitute the result."""
        if self.is_table_expression(value, scope):
            return TableVar(compile_table(self, value, scope), scope.filters)
        return self.expr(value, scope)

    def is_table_expression(self, node: ast.Expr, scope: Scope) -> bool:
        match node:
            case ast.TableRef() | ast.TableConstructor():
                return True
            case ast.FunctionCall(name=name):
                folded = name.upper()
                return folded not in self.rules.scalar and folded in self.rules.table
            case ast.VariableRef(name=name):
                return isinstance(scope.lookup(name), TableVar)
        return False

    def variable(self, name: str, scope: Scope) -> Compiled:
        value = scope.lookup(name)
        if value is None:
            raise Untranslatable(UNKNOWN_NAME, f"unknown variable or table {name}")
        if isinstance(value, TableVar):
            raise Untranslatable(UNSUPPORTED, f"table variable {name} used where a value is needed")
        assert isinstance(value, Compiled)
        if scope.in_row and value.aggregated:
            raise Untranslatable(
                UNSUPPORTED,
                f"variable {name} holds a value aggregated over the filter context and is used "
                "per row: that needs a window or a subquery",
            )
        return value

    # ------------------------------------------------------------ names

    def reference(self, node: ast.ColumnRef | ast.MeasureRef, scope: Scope) -> Compiled:
        if isinstance(node, ast.ColumnRef) and node.variation:
            raise Untranslatable(UNSUPPORTED, "a column variation (e.g. 'Date'[Date].[Year])")
        resolved = self.resolve(node, scope)
        if isinstance(resolved, ParsedMeasure):
            return self.measure(resolved, node, scope)
        table, column = resolved
        return self.column(table, column, scope)

    def resolve(self, node: ast.ColumnRef | ast.MeasureRef, scope: Scope) -> tuple[Table, Column] | ParsedMeasure:
        if isinstance(node, ast.MeasureRef):
            if scope.row is not None and (found := self.index.column(scope.row, node.name)):
                return found
            measure = self.index.measure(node.name)
            if measure is not None:
                return measure
            home = self.homes[-1]
            if home and (found := self.index.column(home, node.name)):
                return found
            names = [pm.measure.name for pm in self.index.parsed.measures]
            if home and (table := self.index.table(home)) is not None:
                names += [c.name for c in table.columns]
            raise Untranslatable(UNKNOWN_NAME, f"unknown measure or column [{node.name}]",
                                 notes=did_you_mean(node.name, names))
        if node.table is None:
            return self.resolve(ast.MeasureRef(node.column, node.span), scope)
        if (table := self.index.table(node.table)) is None:
            raise Untranslatable(UNKNOWN_NAME, f"unknown table '{node.table}'",
                                 notes=did_you_mean(node.table, (t.name for t in self.index.parsed.model.tables)))
        found = self.index.column(node.table, node.column)
        if found:
            return found
        measure = self.index.measure(node.column)
        if measure is None:
            raise Untranslatable(UNKNOWN_NAME, f"unknown column '{node.table}'[{node.column}]",
                                 notes=did_you_mean(node.column, (c.name for c in table.columns)))
        return measure

    def resolve_column(self, node: ast.Expr | None, scope: Scope, what: str) -> tuple[Table, Column]:
        if isinstance(node, (ast.ColumnRef, ast.MeasureRef)):
            resolved = self.resolve(node, scope)
            if not isinstance(resolved, ParsedMeasure):
                return resolved
        raise Untranslatable(UNSUPPORTED, f"{what} needs a column reference as its argument")

    def column_sql(self, table: Table, column: Column, span: ast.Span) -> Compiled:
        """A physical column of the reporting view, recorded as read."""
        kind = COLUMN_KINDS.get(column.data_type.casefold())
        if kind is None:
            raise Untranslatable(UNSUPPORTED, f"column {column.name} has data type {column.data_type}", span)
        key = ColumnKey(table.name, column.name)
        self.collector.columns.add(key)
        for captured in self._captures:
            captured.add(key)
        return Compiled(exp.column(column.name, quoted=True), True, kind)

    def lookup_sql(self, table: Table, column: Column, view_column: str) -> Compiled:
        """A lookup column the fact's view carries (the mapping's lookup_columns): read as the
        view column, recorded so the fact table is checked to declare it (measures._fact_table)."""
        compiled = self.column_sql(table, replace(column, name=view_column), ast.NO_SPAN)
        self.collector.looked_up[ColumnKey(table.name, view_column)] = column.name
        return compiled

    def column(self, table: Table, column: Column, scope: Scope) -> Compiled:
        if self.index.toggle(table.name):
            raise Untranslatable(
                UNSUPPORTED,
                f"slicer table '{table.name}' read other than by SELECTEDVALUE, MAX, VALUES or HASONEVALUE",
            )
        if scope.predicate:
            self.collector.filtered.append((table.name, ast.NO_SPAN))
            if (view := self.index.lookup_view(table.name, column.name)) is not None:
                return self.lookup_sql(table, column, view)
        elif scope.row is None:
            raise Untranslatable(
                COLUMN_OUTSIDE_ROW,
                f"column '{table.name}'[{column.name}] read outside an aggregate or iterator",
            )
        elif fold(scope.row) != fold(table.name):
            raise Untranslatable(
                NEEDS_JOIN, f"the row context is over '{scope.row}'; reading '{table.name}' needs a join"
            )
        else:
            self.read_table(table.name, ast.NO_SPAN)
        return self.column_sql(table, column, ast.NO_SPAN)

    def read_table(self, table: str, span: ast.Span) -> None:
        self.collector.aggregated.setdefault(table, span)

    @contextlib.contextmanager
    def capture_columns(self) -> Iterator[set[ColumnKey]]:
        captured: set[ColumnKey] = set()
        self._captures.append(captured)
        try:
            yield captured
        finally:
            self._captures.pop()

    # ------------------------------------------------------------ measures

    def measure(self, pm: ParsedMeasure, node: ast.Expr, scope: Scope) -> Compiled:
        name = pm.measure.name
        if scope.in_row:
            raise Untranslatable(
                CONTEXT_TRANSITION,
                f"measure [{name}] is evaluated once per row (context transition): a nested "
                "aggregate, not a single aggregate over the rows",
            )
        # Constants (CMP220) and presentation measures (CMP219) are not metrics: a measure that
        # uses one (e.g. compares a selected label) gets its expression inlined.
        if scope.top and not self.inline_measures and not self.service.is_not_metric(pm):
            compiled = self.service.component(pm, self.stack, node.span)
            if name not in self.collector.components:
                self.collector.components.append(name)
            marker = exp.column(name, table=COMPONENT, quoted=True)
            # At query time resolve substitutes the component's variant SQL, which may be BLANK
            # where its default is not: the formula must not fold on the default's nullability.
            return Compiled(marker, True, compiled.kind, aggregated=True)
        if fold(name) in self.stack:
            chain = " -> ".join([*self.stack, fold(name)])
            raise Untranslatable(MEASURE_CYCLE, f"measure references form a cycle: {chain}")
        if pm.tree is None:
            raise Untranslatable(UNTRANSLATED_COMPONENT, f"depends on [{name}], which does not parse", blocked_by=name)
        self.collector.inlined.add(name)
        outer = self.stack
        self.stack = (*outer, fold(name))
        self.homes.append(pm.measure.table)
        try:
            inner = Scope(filters=scope.filters, window=scope.window, top=False)
            return self.expr(pm.tree, inner)
        except Untranslatable as e:
            raise Untranslatable(
                e.code, f"in [{name}]: {e.message}", node.span, e.notes, blocked_by=e.blocked_by or name
            ) from None
        finally:
            self.stack = outer
            self.homes.pop()

    # ------------------------------------------------------------ toggles

    def toggle_value(
        self, toggle: SlicerToggle, column: Column, span: ast.Span, unselected: object = NOT_CONSTANT
    ) -> tuple[bool, object]:
        """(selected, value): the selected option's value in `column`, or (False, None).
        `unselected`: the constant the caller gives with nothing selected, where it gives the
        value itself when an option is selected (SELECTEDVALUE's alternate result); NOT_CONSTANT
        when the two cases differ otherwise. With nothing selected, the options whose value is
        that constant are recorded (Collector.unselected_alike)."""
        table = toggle.toggle.table
        self.collector.toggles.setdefault(table, span)
        option = self.selection.get(fold(table))
        if option is None:
            alike = frozenset() if unselected is NOT_CONSTANT else frozenset(
                o for o in toggle.toggle.options if _same_constant(toggle.value(o, column.name), unselected)
            )
            known = self.collector.unselected_alike.get(table)
            self.collector.unselected_alike[table] = alike if known is None else known & alike
            return False, None
        return True, toggle.value(option, column.name)

    # ------------------------------------------------------------ aggregates

    def aggregate(
        self,
        agg: exp.Expression,
        scope: Scope,
        reaggregate: type[exp.AggFunc] | None,
        extra: tuple[exp.Expression, ...] = (),
        span: ast.Span = ast.NO_SPAN,
    ) -> exp.Expression:
        """An aggregate under the current filter context: FILTER (WHERE ...) and, under
        ALLSELECTED / ALL, a window re-aggregating the grouped results (`reaggregate`)."""
        if scope.in_row:
            raise Untranslatable(
                UNSUPPORTED,
                "an aggregate inside a row expression or filter predicate is evaluated over the "
                "whole filter context: that needs a window or a subquery",
                span,
            )
        predicates = [f.sql for f in scope.filters] + list(extra)
        node = agg
        if predicates:
            node = exp.Filter(this=agg, expression=exp.Where(this=blank.conjunction(predicates)))
        if scope.window is None:
            return node
        if reaggregate is None:
            raise Untranslatable(
                NOT_ADDITIVE,
                f"{agg.sql(dialect=TARGET.name)} under ALLSELECTED/ALL cannot be re-aggregated from "
                "per-group results (only SUM, COUNT, MIN and MAX can)",
                span,
            )
        if scope.window == "all":
            self.collector.approximations.append(
                (
                    APPROXIMATE_ALL,
                    "ALL also removes the report's slicer filters, which the report builder "
                    "applies in WHERE",
                    span,
                )
            )
        return exp.Window(this=reaggregate(this=node))

    def iterate(self, source: TableSource, scope: Scope, value: ast.Expr | None) -> Compiled:
        """The row expression of an iterator over `source`, compiled per row."""
        if scope.in_row:
            raise Untranslatable(UNSUPPORTED, "an iterator nested in a row expression")
        row_scope = scope._replace(row=source.table, predicate=False, top=False)
        compiled = self.expr(value, row_scope)
        return blank.as_value(compiled)


# How each node type compiles where a value is expected (one look-up per node: a `match` tried the
# types one by one, and the compiler visits every node of every measure once per toggle option).
_NODE_RULES: dict[type, Callable[[Compiler, ast.Expr, Scope], Compiled]] = {
    ast.Number: Compiler.constant,
    ast.String: Compiler.constant,
    ast.Boolean: Compiler.constant,
    ast.ColumnRef: Compiler.reference,
    ast.MeasureRef: Compiler.reference,
    ast.VariableRef: Compiler.variable_ref,
    ast.FunctionCall: Compiler.call,
    ast.BinaryOp: Compiler.binary_op,
    ast.UnaryOp: Compiler.unary,
    ast.VarBlock: Compiler.var_block,
    ast.TableRef: Compiler.table_as_value,
    ast.TableConstructor: Compiler.table_as_value,
}


def _same_constant(a: object, b: object) -> bool:
    """`blank.literal` makes the same SQL of both (1 and 1.0 differ, so do True and 1)."""
    return type(a) is type(b) and a == b


# ------------------------------------------------------------ tables


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
